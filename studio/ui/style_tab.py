"""Style tab: wires uploads and controls to studio.style (fast and classic engines)."""

from __future__ import annotations


import gradio as gr
import numpy as np

from studio.core.imageio import ImageInputError
from studio.style.examples import galleries
from studio.style.tensors import MAX_OUTPUT
from studio.ui import live_panel
from studio.core.inputs import InputError, check_number
from studio.ui.common import (EncodedImage, Number, SafeEditor, Slider, check_upload, readable, upload_image,
                              user_errors, warning_line)
from studio.ui.state import STYLIZER, VISITORS

MAX_RECENT = 6  # your own paintings kept in the gallery


def _mask_from_editor(value):
    """The painted layers of the mask editor as an RGBA image, or None when nothing was painted."""
    if not value or not value.get("layers"):
        return None
    alpha = None
    for layer in value["layers"]:
        if layer is None:
            continue
        a = np.asarray(layer.convert("RGBA"))[..., 3]
        alpha = a if alpha is None else np.maximum(alpha, a)
    if alpha is None or alpha.max() == 0:
        return None
    from PIL import Image

    return Image.fromarray(alpha, "L")


@user_errors
def stylize(photo, p1, p2, p3, w1, w2, w3, strength, preserve, size, mask):
    if photo is None:
        raise ImageInputError("upload a photo first")
    paintings = [(p, w) for p, w in ((p1, w1), (p2, w2), (p3, w3)) if p is not None]
    if not paintings:
        raise ImageInputError("upload a painting to take the style from")
    return STYLIZER.get().png(photo, [p for p, _ in paintings], [w for _, w in paintings], strength, bool(preserve),
                              size, _mask_from_editor(mask))


def stylize_live(photo, p1, p2, p3, *rest):
    """UI path: (painted photo, the line under it). Until a readable photo and painting are both
    there, there is nothing to say (an unreadable upload is explained beside it by check_upload,
    once); a refused setting leaves the painted photo as it was, with one line under it."""
    if photo is None or (p1 is None and p2 is None and p3 is None):
        return gr.skip(), gr.skip()
    if not all(readable(p) for p in (photo, p1, p2, p3) if p is not None):
        return gr.skip(), gr.skip()
    try:
        return stylize(photo, p1, p2, p3, *rest), ""
    except gr.Error as e:
        return gr.skip(), warning_line(e.message)


def check_size(size):
    """The output size, refused where it is typed (a drag only paints when released)."""
    try:
        check_number("output size", size, 256, MAX_OUTPUT, integer=True)
    except InputError as e:
        return warning_line(str(e))
    return ""


def _photo_to_editor(photo):
    """The mask editor paints over the photo; an unreadable photo leaves it empty (never broken)."""
    ok = photo is not None and readable(photo)
    return gr.update(value={"background": photo, "layers": [], "composite": photo} if ok else None)


def pick(items, evt: gr.SelectData):
    """A gallery click: the thumbnail's picture (as the gallery serves it) goes to its upload slot."""
    return items[evt.index][0]


def remember(path, items):
    """A painting of your own that was used joins the gallery, newest first, before the bundled ones."""
    items = items or []
    if path is None or any(path == p for p, _ in items) or not readable(path):
        return gr.skip()
    yours = [(path, "Yours")] + [i for i in items if i[1] == "Yours"][:MAX_RECENT - 1]
    return [*yours, *[i for i in items if i[1] != "Yours"]]


def more_paintings(shown):
    """'Add a painting': the second slot, then the third, each with its weight."""
    shown = min(shown + 1, 3)
    return (shown, *[gr.update(visible=shown >= i) for i in (2, 3)], *[gr.update(visible=shown >= i)
                                                                       for i in (1, 2, 3)],
            gr.update(visible=shown < 3))


class ClassicRun:
    """One classic optimisation per browser session, in its own process; Stop ends it."""

    def __init__(self):
        self.job = None

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()


@user_errors
def classic(photo, p1, p2, p3, w1, w2, w3, steps, size, style_weight, preserve, run_state):
    """Streams (image, loss curve, status) from the classic engine's process while it optimises."""
    from studio.style.classic import VGG_DOWNLOAD_MB, vgg_cached
    from studio.style.classic_worker import ClassicJob

    run_state = run_state or ClassicRun()
    run_state.stop()  # one run per visitor: a new one replaces the old
    if photo is None or p1 is None:
        raise gr.Error("upload a photo and at least one painting first", print_exception=False)
    paintings = [(p, w) for p, w in ((p1, w1), (p2, w2), (p3, w3)) if p is not None]
    if not vgg_cached():
        yield None, _loss_plot([]), (
            f"Downloading VGG-19 weights ({VGG_DOWNLOAD_MB} MB, first use only)…"), run_state
    job = run_state.job = ClassicJob(photo, [p for p, _ in paintings], [w for _, w in paintings], steps=steps,
                                     max_size=size, style_weight=style_weight, preserve_color=bool(preserve))
    rows = []
    try:
        for img, info in job:
            if info.get("stopped"):
                yield img, _loss_plot(rows), f"Stopped at step {info['step']}.", run_state
                return
            rows.append({"step": info["step"], "loss": info["loss"]})
            yield img, _loss_plot(rows), f"Step {info['step']} / {info['steps']}, loss {info['loss']:.4g}", run_state
        if job.stopped:
            yield gr.skip(), _loss_plot(rows), f"Stopped after step {rows[-1]['step'] if rows else 0}.", run_state
    finally:
        job.close()  # a visitor who leaves mid-run does not leave the process behind


def classic_or_say(*args):
    """The page's path: a refusal is one line in the run's status, nothing else is marked as failed."""
    try:
        yield from classic(*args)
    except gr.Error as e:
        yield gr.skip(), gr.skip(), warning_line(e.message), gr.skip()


def _loss_plot(rows):
    """The loss curve, shown once there is one (no blank axes before the first step)."""
    import pandas as pd

    return gr.update(value=pd.DataFrame(rows) if rows else None, visible=bool(rows))


def stop_classic(run_state):
    if run_state is not None:
        run_state.stop()
    return "Stopped."


def build() -> dict:
    photos, paintings, credit = galleries()
    # The painted photo stays in view (sticky) while the controls beside it are used; on a phone it
    # comes first and stays at the top (layout.css).
    with gr.Row(elem_classes="studio-row"):
        with gr.Column(scale=3, min_width=320):
            photo = upload_image("Photo", elem_id="style-photo", height=220)
            photo_note = gr.Markdown("", elem_id="style-photo-note", elem_classes="field-note")
            photo_gallery = gr.Gallery(photos, label="…or try a photo", columns=6, height=110, allow_preview=False,
                                       elem_id="style-photo-gallery", object_fit="cover")
            p1 = upload_image("Painting", elem_id="style-painting-1", height=180)
            p1_note = gr.Markdown("", elem_id="style-painting-note", elem_classes="field-note")
            gallery = gr.Gallery(paintings, label="…or pick a painting (works with any photo)", columns=6,
                                 height=110, allow_preview=False, elem_id="style-painting-gallery", object_fit="cover")
            with gr.Row():
                p2 = upload_image("Painting 2", elem_id="style-painting-2", height=150, visible=False)
                p3 = upload_image("Painting 3", elem_id="style-painting-3", height=150, visible=False)
            with gr.Row():
                w1 = Slider(0, 1, 1, step=0.05, label="Weight 1", visible=False)
                w2 = Slider(0, 1, 1, step=0.05, label="Weight 2", visible=False)
                w3 = Slider(0, 1, 1, step=0.05, label="Weight 3", visible=False)
            add = gr.Button("Add a painting to blend", size="sm", elem_id="style-add-painting")
            strength = Slider(0, 1, 1.0, step=0.01, label="Style strength (0 = photo, 1 = full style)",
                              elem_id="style-strength")
            with gr.Row():
                preserve = gr.Checkbox(label="Keep the photo's colours")
                size = Slider(256, MAX_OUTPUT, 768, step=64, label="Output size (long side, px)")
            gr.Markdown(f"<small>Examples: {credit}</small>")
        with gr.Column(scale=2, min_width=300, elem_id="style-result-card", elem_classes="result-card"):
            result = EncodedImage(label="Painted photo", elem_id="style-result", format="png", interactive=False,
                                  height=420)
            note = gr.Markdown("", elem_id="style-note")
            gr.Markdown(f"<small>{STYLIZER.describe()}</small>", elem_id="style-engine")
    live_panel.build([p1, p2, p3], [w1, w2, w3], strength, preserve)
    with gr.Accordion("Limit the style to a region (paint a mask over the photo)", open=False):
        mask = SafeEditor(label="Paint where the style should go", type="pil",
                          brush=gr.Brush(colors=["#ff3366"], default_size=30), eraser=gr.Eraser(),
                          sources=["upload"], elem_id="style-mask")
    with gr.Accordion("Classic method: Gatys et al. optimisation (slow, highest quality)", open=False):
        gr.Markdown("Optimises the pixels against VGG-19 features: content loss plus Gram-matrix style loss and a "
                    "smoothness term. Uses the photo and paintings above. Downloads VGG-19 (548 MB) on first use.")
        with gr.Row():
            steps = Slider(10, 1000, 200, step=10, label="Steps")
            csize = Slider(128, 1024, 384, step=32, label="Size (long side, px)")
            sweight = Number(1e5, label="Style weight", minimum=0)
        with gr.Row():
            run_btn = gr.Button("Run classic", variant="primary", elem_id="classic-run")
            stop_btn = gr.Button("Stop", variant="stop", elem_id="classic-stop")
        classic_status = gr.Markdown()
        with gr.Row():
            classic_img = gr.Image(label="Optimised image", interactive=False, format="png")
            loss_plot = gr.LinePlot(x="step", y="loss", title="Loss", height=300, visible=False)
    run_state = gr.State(None)
    shown = gr.State(1)
    private = dict(api_visibility="private", queue=False)
    photo_gallery.select(pick, photo_gallery, photo, **private)
    gallery.select(pick, gallery, p1, **private)
    p1.upload(remember, [p1, gallery], gallery, **private)
    add.click(more_paintings, shown, [shown, p2, p3, w1, w2, w3, add], **private)
    # An unreadable upload is taken off its slot (empty, not broken) and said once, beside it.
    for slot, line, what in ((photo, photo_note, "photo"), (p1, p1_note, "painting"), (p2, p1_note, "painting"),
                             (p3, p1_note, "painting")):
        slot.change(check_upload(what), slot, [slot, line], **private)
    size.change(check_size, size, note, **private)
    inputs = [photo, p1, p2, p3, w1, w2, w3, strength, preserve, size, mask]
    # One job at a time per session; always_last collapses a burst of slider moves into the latest.
    # Counted when they run (before_queue=False): the mask is an image editor (see VISITORS.fair).
    go = dict(**VISITORS.fair("stylize", stylize_live, before_queue=False), inputs=inputs, outputs=[result, note],
              trigger_mode="always_last",
              concurrency_limit=2, concurrency_id="stylize", show_progress="minimal")
    strength.input(api_visibility="private", **go)
    for c in (w1, w2, w3, size):
        c.release(api_visibility="private", **go)
    for c in (photo, p1, p2, p3, preserve):
        c.change(api_visibility="private", **go)
    # Painting the mask is an .input (a person's stroke); the photo becoming its background is not.
    photo.change(_photo_to_editor, photo, mask, queue=False, api_visibility="private")
    mask.input(api_visibility="private", **go)
    api_btn = gr.Button(visible=False)
    api_btn.click(api_name="stylize_controls", api_visibility="undocumented",
                  **{**go, **VISITORS.fair("stylize", stylize, before_queue=False), "outputs": result})
    classic_io = dict(inputs=[photo, p1, p2, p3, w1, w2, w3, steps, csize, sweight, preserve, run_state],
                      outputs=[classic_img, loss_plot, classic_status, run_state], concurrency_limit=1,
                      concurrency_id="classic")
    run_btn.click(classic_or_say, **classic_io, api_visibility="private")
    api_btn.click(classic, **classic_io, api_name="classic", api_visibility="undocumented")
    stop_btn.click(stop_classic, run_state, classic_status, queue=False, api_visibility="private")
    return {"photo": photo, "result": result}
