"""Digits tab: wires Gradio controls to studio.digits; no model logic lives here."""

from __future__ import annotations

import random

import gradio as gr

from studio.core import folders
from studio.core.files import atomic_write_bytes
from studio.core.images import gif_bytes, png_bytes, strip, upscale
from studio.digits import MAX_SEED, SLIDER_RANGE
from studio.digits.directions import METHODS
from studio.digits.drawing import DrawingError
from studio.ui import dataset_export
from studio.ui.digits_browser import AFTER_SERVER_JS, LIVE_JS, PICK_BRUSH, PRELOAD_JS, browser_engine, page_latent
from studio.ui.pickers import load_model, model_choices
from studio.ui.common import Number, Slider, img_html, one_thread, upload_image, user_errors, warning_line
from studio.ui.state import VISITORS

NUM_SLIDERS = 8
DISPLAY = 280  # px: 10x the 28 px digit
TWIN_DISPLAY = 112  # px: the drawing as read and its twin, 4x
SEED_MODE = "**Seed mode**: the digit comes from the seed. Draw a digit below to morph your own handwriting."
TWIN_HINT = "Draw a digit: its twin appears when a stroke ends."
TWIN_MODE = "**Twin mode**: the digit is your drawing's twin; every control works on it. *Back to seed* leaves."
DIGITS = [str(d) for d in range(10)]
def _export(data: bytes, suffix: str) -> str:
    """Write a download atomically into the bounded exports folder (Gradio serves a copy from its
    own cache, so ours only needs to live briefly)."""
    path = folders.EXPORTS.new_path("digit-", suffix)
    atomic_write_bytes(path, data)
    return str(path)


def _blend_target(value):
    return None if value in (None, "", "none") else value


def _controls(digit, blend_to, blend, seed, truncation, rest):
    """The Digits controls as DigitStudio arguments; `rest` is the sliders, then the direction
    method and the twin's latent (None in seed mode), in the order of build()'s inputs."""
    *sliders, method, twin = rest
    return dict(seed=seed, digit=digit, blend_to=_blend_target(blend_to), blend=blend, sliders=list(sliders),
                truncation=truncation, method=_method(method), latent=page_latent(twin))


def _method(label):
    """The direction picker shows descriptions; the studio takes their keys."""
    return next((k for k, v in METHODS.items() if label in (k, v)), label)


@user_errors
@one_thread
def render(digit, blend_to, blend, seed, truncation, *rest):
    img = VISITORS.generator().get().image(**_controls(digit, blend_to, blend, seed, truncation, rest))
    return img_html(img, DISPLAY, f"generated digit {digit}")


def render_or_say(*controls):
    """The page's server path: the digit, or the digit left as it was and one plain line beside it
    saying what to change (an event outside the queue cannot show a pop-up)."""
    try:
        return render(*controls), ""
    except gr.Error as e:
        return gr.skip(), warning_line(e.message)


def seed_mode(fn):
    """fn for the public API, whose inputs are the tab's without the twin: a twin lives in a page,
    so API calls draw in seed mode (and the endpoints keep the inputs they always had)."""
    def call(*controls):
        return fn(*controls, None)
    call.__name__ = fn.__name__
    return call


@user_errors
def export_png(digit, blend_to, blend, seed, truncation, *rest):
    img = VISITORS.generator().get().image(**_controls(digit, blend_to, blend, seed, truncation, rest))
    return gr.update(value=_export(png_bytes(upscale(img, 10)), ".png"), visible=True)


@user_errors
def digit_as_photo(digit, blend_to, blend, seed, truncation, *rest):
    """The current digit, 10x upscaled, as an RGB picture file for the Style tab."""
    img = VISITORS.generator().get().image(**_controls(digit, blend_to, blend, seed, truncation, rest))
    return _export(png_bytes(upscale(img, 10).convert("RGB")), ".png")


@user_errors
def interpolate(digit, seed, seed_b, frames, truncation, *rest):
    c = _controls(digit, None, 0.0, seed, truncation, rest)
    imgs = VISITORS.generator().get().interpolate(seed, seed_b, digit=digit, frames=frames, sliders=c["sliders"],
                                       truncation=truncation, latent=c["latent"], method=c["method"])
    gif = gif_bytes([upscale(i, 6) for i in imgs])
    return (upscale(strip(imgs), 3), img_html(gif, 168, "interpolation animation", fmt="gif"),
            gr.update(value=_export(gif, ".gif"), visible=True))


@user_errors
def grid(seed, truncation, twin=None):
    return upscale(VISITORS.generator().get().grid(seed=seed, truncation=truncation, latent=twin), 3)


def _sketch_picture(value):
    """The sketchpad's drawing (its composite: the strokes on a transparent canvas)."""
    if isinstance(value, dict):
        value = value.get("composite")
    if value is None:
        raise DrawingError("the drawing is empty: draw a digit on the canvas (or upload a picture of one)")
    return value


@user_errors
def find_twin(picture):
    """A drawing or an uploaded picture -> its twin becomes the current digit (seed mode ends)."""
    if picture is None:
        raise DrawingError("no picture: upload a picture of one digit")
    picture = _sketch_picture(picture)  # the input first: an empty canvas needs no generator to say so
    twin = VISITORS.generator().inverter()(picture)
    label = (f"**Looks like a {twin.digit}** ({twin.confidence:.0%} sure). Every control now works on your "
             f"handwriting. <small>Found in {twin.seconds:.1f} s; the twin redraws it within a pixel error of "
             f"{twin.error:.4f}.</small>")
    return (img_html(twin.drawing, TWIN_DISPLAY, "your drawing as read"),
            img_html(twin.image, TWIN_DISPLAY, f"its twin, a {twin.digit}"), label, twin.latent.tolist(),
            str(twin.digit), "none", 1.0, *[0] * NUM_SLIDERS)


def find_twin_of_sketch(value):
    """The canvas path: what cannot be read (an empty canvas after Clear) is said once, beside the
    canvas, and nothing else changes (no control is marked as failed)."""
    try:  # read inside find_twin's error boundary: an empty canvas is a message, not a traceback
        return find_twin(value if value is not None else {"composite": None})
    except gr.Error as e:
        return (gr.skip(), gr.skip(), warning_line(e.message), *[gr.skip()] * (4 + NUM_SLIDERS))


def find_twin_of_upload(path):
    """The upload path: as the canvas's, and a picture that cannot be used leaves the slot empty."""
    found = find_twin_of_sketch(path if path is not None else {"composite": None})
    failed = isinstance(found[2], str) and found[2].startswith("⚠️")
    return (*found, None if failed else gr.skip())


def mode_text(twin):
    return TWIN_MODE if twin else SEED_MODE


def back_to_seed():
    return None, SEED_MODE


def random_seed():
    return random.randint(0, MAX_SEED)


def _slider_labels(method: str = "pca") -> list[str | None]:
    """One label per slider for the loaded generator's directions; None where it has fewer."""
    slot = VISITORS.generator()
    dirs = slot.studio.direction_set(_method(method)) if slot.studio else []
    return [dirs[i].label(i) if i < len(dirs) else None for i in range(NUM_SLIDERS)]


def slider_updates(method="pca"):
    """Relabel, show or hide the direction sliders after another generator or method is chosen."""
    return [gr.update(label=lab, visible=True, value=0) if lab else gr.update(visible=False, value=0)
            for lab in _slider_labels(method)]


def build() -> dict:
    """Lay out the tab; returns the components other tabs connect to."""
    # The digit sits in a card that stays in view (sticky) while the controls beside it scroll; on a
    # phone the card comes first and stays at the top (layout.css).
    with gr.Row(elem_classes="studio-row"):
        with gr.Column(scale=3, min_width=320):
            status = gr.Markdown(VISITORS.default.describe(), elem_id="digits-status")
            with gr.Row():
                model = gr.Dropdown(model_choices(), value="shipped", allow_custom_value=True, scale=3,
                                    label="Generator: shipped, a trained run, or a Hub repo USER/NAME",
                                    elem_id="model-picker")
                load_btn = gr.Button("Load", size="sm", scale=1, elem_id="model-load")
            digit = gr.Radio(DIGITS, value="3", label="Digit", elem_id="digit-picker")
            with gr.Row():
                blend_to = gr.Dropdown(["none"] + DIGITS, value="none", label="Blend into", min_width=100)
                blend = Slider(0, 1, value=0.5, step=0.01, label="Blend", elem_id="blend-slider")
            with gr.Row():
                seed = Number(value=42, label="Seed", minimum=0, maximum=MAX_SEED, elem_id="seed")
                randomise = gr.Button("Randomise", size="sm")
            truncation = Slider(0, 1, value=1.0, step=0.01, label="Truncation (lower: cleaner, less varied)",
                                elem_id="truncation-slider")
            with gr.Accordion("Latent directions (strongest first; named where a measurement says what they do)",
                              open=True):
                method = gr.Radio(list(METHODS.values()), value=METHODS["pca"], label="Found by",
                                  elem_id="direction-method")
                sliders = [Slider(-SLIDER_RANGE, SLIDER_RANGE, value=0, step=0.05, label=lab or f"Change {i + 1}",
                                  visible=lab is not None, elem_id=f"dir-slider-{i}")
                           for i, lab in enumerate(_slider_labels())]
                reset = gr.Button("Reset directions", size="sm")
            with gr.Accordion("Draw your own digit: its twin in the GAN takes your handwriting", open=True):
                with gr.Row():
                    sketch = gr.Sketchpad(label="Draw one digit", type="pil", canvas_size=(280, 280), scale=3,
                                          min_width=220, elem_id="digit-sketch",
                                          brush=gr.Brush(colors=["#000000"], default_size=18, color_mode="fixed"))
                    with gr.Column(scale=2, min_width=150):
                        gr.Markdown("As read (28 × 28) → its twin")
                        with gr.Row():
                            read_view = gr.HTML(elem_id="twin-read", min_height=TWIN_DISPLAY)
                            twin_view = gr.HTML(elem_id="twin-image", min_height=TWIN_DISPLAY)
                        twin_label = gr.Markdown(TWIN_HINT, elem_id="twin-label")
                        seed_btn = gr.Button("Back to seed", size="sm", elem_id="twin-back")
                upload = upload_image("…or upload a picture of a digit", elem_id="digit-upload", height=140)
        with gr.Column(scale=2, min_width=300, elem_id="digits-result", elem_classes="result-card"):
            mode = gr.Markdown(SEED_MODE, elem_id="digit-mode")
            picture = gr.HTML(label="Digit", elem_id="digit-image", min_height=DISPLAY)
            note = gr.Markdown("", elem_id="digit-note")
            with gr.Row():
                png_btn = gr.Button("Export PNG (280 px)")
                send_to_style = gr.Button("Send to Style", elem_id="send-to-style")
            png_file = gr.File(label="PNG", visible=False, height=60, elem_id="digit-png-file")  # shown with a file
    with gr.Accordion("Interpolate between two seeds", open=False):
        with gr.Row():
            seed_b = Number(value=7, label="Second seed", minimum=0, maximum=MAX_SEED)
            frames = Slider(2, 60, value=16, step=1, label="Frames")
        interp_btn = gr.Button("Interpolate")
        strip_img = gr.Image(label="Strip", type="pil", show_label=True, interactive=False, elem_classes="whole")
        anim = gr.HTML()
        gif_file = gr.File(label="Animated GIF", visible=False, elem_id="digit-gif-file")
    with gr.Accordion("All digits: 10 x 10 grid", open=False):
        grid_btn = gr.Button("Draw grid")
        grid_img = gr.Image(label="One row per digit (a twin fills the first column)", type="pil",
                            interactive=False, elem_classes="whole", elem_id="digit-grid")
    worth = dataset_export.build(seed, truncation)
    # The twin's latent while in twin mode, and where the browser engine is: in the page (not a
    # gr.State on the server), so the page can draw without asking.
    twin = gr.JSON(None, visible="hidden", elem_id="digit-twin")
    web = gr.JSON(None, visible="hidden", elem_id="digit-web")
    server_draw = gr.Button("Draw on the server", visible="hidden", elem_id="digit-server-draw")
    # A refused value's line goes once the browser draws a good one (the server path clears it itself).
    gr.Button("Clear the note", visible="hidden", elem_id="digit-note-clear").click(
        lambda: "", None, note, queue=False, api_visibility="private")
    engine_ask = gr.Button("Ask for the browser engine", visible="hidden", elem_id="digit-engine-ask")
    engine_ask.click(browser_engine, None, web, queue=False, api_visibility="private").then(
        None, web, None, js=PRELOAD_JS)

    inputs = [digit, blend_to, blend, seed, truncation, *sliders, method, twin]
    # Live path: .input fires while a slider is dragged. In the browser (LIVE_JS), or on the server
    # through server_draw: queue=False answers over plain HTTP (no queue round-trips) and
    # always_last drops stale intermediate positions.
    server_draw.click(render_or_say, inputs, [picture, note], queue=False, show_progress="hidden", trigger_mode="always_last",
                      api_visibility="private").then(None, None, None, js=AFTER_SERVER_JS, api_visibility="private")
    live = dict(fn=None, inputs=[*inputs, web], outputs=None, js=LIVE_JS, show_progress="hidden")
    for s in (blend, truncation, *sliders):
        s.input(api_visibility="private", **live)
    for c in (digit, blend_to, seed):
        c.change(api_visibility="private", **live)
    randomise.click(random_seed, None, seed, queue=False, api_visibility="private")
    reset.click(lambda: [0] * NUM_SLIDERS, None, sliders, queue=False, api_visibility="private").then(
        api_visibility="private", **live)
    model.focus(lambda: gr.update(choices=model_choices()), None, model, queue=False, api_visibility="private")
    load_btn.click(**VISITORS.fair("load", load_model), inputs=model, outputs=status, api_name="load_generator",
                   api_visibility="undocumented").then(
        browser_engine, None, web, queue=False, api_visibility="private").then(
        back_to_seed, None, [twin, mode], queue=False, api_visibility="private").then(
        slider_updates, method, sliders, queue=False, api_visibility="private").then(
        dataset_export.worth_text, None, worth, queue=False, api_visibility="private").then(api_visibility="private", **live)
    # Named apart from the public endpoints below (Gradio would rename those to grid_1 ...).
    png_btn.click(export_png, inputs, png_file, api_name="export_png_page", api_visibility="private")
    interp_inputs = [digit, seed, seed_b, frames, truncation, *sliders, method, twin]
    interp_btn.click(interpolate, interp_inputs, [strip_img, anim, gif_file], api_name="interpolate_page",
                     api_visibility="private")
    grid_btn.click(grid, [seed, truncation, twin], grid_img, api_name="grid_page", api_visibility="private")
    method.change(slider_updates, method, sliders, queue=False, api_visibility="private").then(api_visibility="private", **live)
    # The twin search runs in the queue, apart from the sliders' direct path, so it never holds them up.
    found = [read_view, twin_view, twin_label, twin, digit, blend_to, truncation, *sliders]
    search = dict(outputs=found, trigger_mode="always_last", concurrency_limit=2, concurrency_id="twin",
                  show_progress="minimal")
    sketch.clear(None, None, None, js=PICK_BRUSH)
    # .change carries the finished stroke (.input fires before the canvas has it).
    sketch.change(api_visibility="private", inputs=sketch, **search,
                  **VISITORS.fair("twin", find_twin_of_sketch, before_queue=False)).then(
        mode_text, twin, mode, queue=False, api_visibility="private").then(api_visibility="private", **live)
    upload.upload(inputs=upload, api_visibility="private", **{**search, "outputs": [*found, upload]},
                  **VISITORS.fair("twin", find_twin_of_upload)).then(
        mode_text, twin, mode, queue=False, api_visibility="private").then(api_visibility="private", **live)
    seed_btn.click(back_to_seed, None, [twin, mode], queue=False, api_visibility="private").then(api_visibility="private", **live)
    # The public API's endpoints (the events above are private): the same functions in seed mode.
    api = gr.Button(visible=False)
    api.click(seed_mode(render), inputs[:-1], picture, api_name="digit", api_visibility="undocumented", queue=False)
    api.click(seed_mode(export_png), inputs[:-1], png_file, api_name="export_png", api_visibility="undocumented")
    api.click(seed_mode(interpolate), interp_inputs[:-1], [strip_img, anim, gif_file], api_name="interpolate",
              api_visibility="undocumented")
    api.click(grid, [seed, truncation], grid_img, api_name="grid", api_visibility="undocumented")
    api.click(inputs=upload, api_name="find_twin_upload", api_visibility="undocumented", **search,
              **VISITORS.fair("twin", find_twin))
    return {"web": web, "browser_engine": browser_engine, "status": status, "picture": picture, "inputs": inputs, "sliders": sliders, "digit": digit,
            "method": method, "twin": twin, "mode": mode, "send_to_style": send_to_style, "render": render,
            "slider_updates": slider_updates, "back_to_seed": back_to_seed}
