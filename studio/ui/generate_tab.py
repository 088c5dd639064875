"""Generate tab: any generator trained here (own pictures too), wired to studio.generate; no model logic."""

from __future__ import annotations

import threading
from collections import OrderedDict

import gradio as gr

from studio.core import folders
from studio.core.files import atomic_write_bytes
from studio.core.images import gif_bytes, png_bytes, strip, upscale
from studio.core.inputs import InputError
from studio.digits import MAX_SEED, SLIDER_RANGE
from studio.digits.directions import METHODS
from studio.ui.common import Number, Slider, user_errors, warning_line
from studio.ui.pickers import listed_spec, model_choices
from studio.ui.state import VISITORS

NUM_SLIDERS = 4
DISPLAY = 256  # px the picture is shown at
OPEN_MODELS = 6  # generators kept open at once, for all visitors (each is a few MB)
NONE = "Open a generator trained on your own pictures (the Train tab's runs are listed)."

_lock = threading.Lock()
_open: OrderedDict = OrderedDict()


def _model(spec):
    """The open model for spec (only a listed run, or a Hub repo): opened once, kept while used."""
    from studio.generate import TrainedModel
    from studio.share.hub import REPO_ID

    spec = (spec or "").strip()[:300]
    if not spec:
        raise InputError("open a generator first")
    bare = spec[len("hf://"):] if spec.startswith("hf://") else spec
    local = listed_spec(spec)
    if local is None:
        if not REPO_ID.match(bare):
            raise InputError(f"{spec[:80]!r} is neither one of your runs nor a Hub repo id (USER/NAME)")
        local = "hf://" + bare
    spec = local
    with _lock:
        if spec in _open:
            _open.move_to_end(spec)
            return _open[spec]
    model = TrainedModel.open(spec)
    with _lock:
        _open[spec] = model
        while len(_open) > OPEN_MODELS:
            _open.popitem(last=False)
    return model


def open_run(spec: str):
    """A listed run's model from the same cache the tab uses: opened once, not again per click."""
    return _model(spec)


def _export(data: bytes, suffix: str) -> str:
    path = folders.EXPORTS.new_path("picture-", suffix)
    atomic_write_bytes(path, data)
    return str(path)


def _controls(model, controls):
    """The tab's controls (class, blend into, blend, seed, truncation, method, sliders...) as
    GanStudio's keywords."""
    label, blend_to, blend, seed, truncation, method, *sliders = controls
    pick = {v: k for k, v in METHODS.items()}.get(method, "pca")
    second = None if blend_to in (None, "", "none") else model.label(blend_to)
    return dict(seed=seed, digit=model.label(label) or 0, blend_to=second, blend=blend, truncation=truncation,
                sliders=list(sliders), method=pick)


def _picture(model, controls):
    img = model.studio.image(**controls)
    return upscale(img, max(1, DISPLAY // img.width))


@user_errors
def open_model(spec, method):
    """Open a generator: its description, its classes and its sliders' names."""
    model = _model(spec)
    names = model.classes
    dirs = model.studio.direction_set({v: k for k, v in METHODS.items()}.get(method, "pca"))
    sliders = [gr.update(label=dirs[i].label(i), visible=True, value=0) if i < len(dirs)
               else gr.update(visible=False, value=0) for i in range(NUM_SLIDERS)]
    return (spec, model.describe(), gr.update(choices=names or ["(no classes)"], value=(names or ["(no classes)"])[0],
                                              interactive=bool(names)),
            gr.update(choices=["none", *names], value="none", interactive=bool(names)), *sliders)


@user_errors
def render(spec, *controls):
    model = _model(spec)
    return _picture(model, _controls(model, controls))


def render_or_say(spec, *controls):
    """The page's path: nothing before a generator is open; a refused value leaves the picture as it
    was, with one line under it."""
    if not spec:
        return gr.skip(), gr.skip()
    try:
        return render(spec, *controls), ""
    except gr.Error as e:
        return gr.skip(), warning_line(e.message)


def open_or_say(spec, method):
    """The page's Open: a generator that cannot be opened is said in the status line, and the tab
    keeps what it had (no control is marked as failed)."""
    try:
        return open_model(spec, method)
    except gr.Error as e:
        return (gr.skip(), warning_line(e.message), *[gr.skip()] * (2 + NUM_SLIDERS))


@user_errors
def export_png(spec, *controls):
    model = _model(spec)
    img = model.studio.image(**_controls(model, controls))
    return gr.update(value=_export(png_bytes(upscale(img, 8)), ".png"), visible=True)


@user_errors
def as_photo(spec, *controls):
    """The current picture, 8x, as an RGB file for the Style tab."""
    model = _model(spec)
    img = model.studio.image(**_controls(model, controls))
    return _export(png_bytes(upscale(img, 8).convert("RGB")), ".png")


@user_errors
def nearest(spec, *controls):
    model = _model(spec)
    grid, line = model.nearest(**_controls(model, controls))
    return gr.update(value=grid, visible=True), line


@user_errors
def interpolate(spec, label, seed, seed_b, frames, truncation, method, *sliders):
    model = _model(spec)
    c = _controls(model, (label, None, 0.0, seed, truncation, method, *sliders))
    imgs = model.studio.interpolate(seed, seed_b, digit=c["digit"], frames=frames, sliders=c["sliders"],
                                    truncation=truncation, method=c["method"])
    return upscale(strip(imgs), 2), gr.update(value=_export(gif_bytes([upscale(i, 4) for i in imgs]), ".gif"),
                                               visible=True)


@user_errors
def grid(spec, seed, truncation):
    return upscale(_model(spec).studio.grid(seed=seed, columns=8, truncation=truncation), 2)


@user_errors
def dataset(spec, count, label, seed, truncation):
    model = _model(spec)
    label = "all" if label in (None, "", "all", "(no classes)") else label
    return gr.update(value=_export(model.dataset(count, label, seed, truncation), ".npz"), visible=True)


def build() -> dict:
    spec = gr.State(None)
    # The picture stays in view while the controls beside it scroll (layout.css), as on Digits.
    with gr.Row(elem_classes="studio-row"):
        with gr.Column(scale=3, min_width=320):
            status = gr.Markdown(NONE, elem_id="gen-status")
            with gr.Row():
                picker = gr.Dropdown(model_choices(), value=None, allow_custom_value=True, scale=3,
                                     label="Generator: one of your runs, or a Hub repo USER/NAME", elem_id="gen-picker")
                open_btn = gr.Button("Open", size="sm", scale=1, elem_id="gen-open")
            label = gr.Dropdown([], label="Class", elem_id="gen-class")
            with gr.Row():
                blend_to = gr.Dropdown(["none"], value="none", label="Blend into", min_width=100)
                blend = Slider(0, 1, value=0.5, step=0.01, label="Blend")
            with gr.Row():
                seed = Number(value=42, label="Seed", minimum=0, maximum=MAX_SEED, elem_id="gen-seed")
                truncation = Slider(0, 1, value=1.0, step=0.01, label="Truncation (lower: cleaner, less varied)")
            method = gr.Radio(list(METHODS.values()), value=METHODS["pca"], label="Directions found by")
            sliders = [Slider(-SLIDER_RANGE, SLIDER_RANGE, value=0, step=0.05, label=f"Change {i + 1}",
                              visible=False, elem_id=f"gen-slider-{i}") for i in range(NUM_SLIDERS)]
        with gr.Column(scale=2, min_width=300, elem_id="gen-result", elem_classes="result-card"):
            picture = gr.Image(label="Picture", type="pil", format="png", interactive=False, height=DISPLAY,
                               elem_id="gen-picture")
            note = gr.Markdown("", elem_id="gen-note")
            with gr.Row():
                png_btn = gr.Button("Export PNG")
                send_to_style = gr.Button("Send to Style", elem_id="gen-send-to-style")
                near_btn = gr.Button("Nearest training pictures", elem_id="gen-nearest-btn")
            png_file = gr.File(label="PNG", visible=False, height=60)
    near_img = gr.Image(label="This picture | its 4 nearest training pictures", type="pil",
                        interactive=False, elem_id="gen-nearest", visible=False, elem_classes="whole")
    near_text = gr.Markdown(elem_id="gen-nearest-text")
    with gr.Accordion("Interpolate between two seeds", open=False):
        with gr.Row():
            seed_b = Number(value=7, label="Second seed", minimum=0, maximum=MAX_SEED)
            frames = Slider(2, 60, value=12, step=1, label="Frames")
        interp_btn = gr.Button("Interpolate")
        strip_img = gr.Image(label="Strip", type="pil", interactive=False, elem_classes="whole")
        gif_file = gr.File(label="Animated GIF", visible=False)
    with gr.Accordion("Grid: a row per class, 8 seeds", open=False):
        grid_btn = gr.Button("Draw grid")
        grid_img = gr.Image(label="Grid", type="pil", interactive=False, elem_id="gen-grid", elem_classes="whole")
    with gr.Accordion("Export a synthetic dataset (.npz with images, labels and class names)", open=False):
        count = Number(value=1000, label="Pictures", minimum=1, maximum=20000)
        data_btn = gr.Button("Export dataset")
        data_file = gr.File(label="Dataset", visible=False)
    controls = [label, blend_to, blend, seed, truncation, method, *sliders]
    private = dict(api_visibility="private")
    draw = dict(fn=render_or_say, inputs=[spec, *controls], outputs=[picture, note], trigger_mode="always_last",
                show_progress="hidden", **private)
    picker.focus(lambda: gr.update(choices=model_choices()), None, picker, queue=False, **private)
    open_btn.click(**VISITORS.fair("load", open_or_say), inputs=[picker, method],
                   outputs=[spec, status, label, blend_to, *sliders], **private).success(**draw)
    method.change(open_or_say, [spec, method], [spec, status, label, blend_to, *sliders], **private).success(**draw)
    for c in (label, blend_to, seed):
        c.change(**draw)
    for s in (blend, truncation, *sliders):
        s.input(**draw)
    png_btn.click(export_png, [spec, *controls], png_file, **private)
    near_btn.click(nearest, [spec, *controls], [near_img, near_text], **private)
    interp_btn.click(interpolate, [spec, label, seed, seed_b, frames, truncation, method, *sliders],
                     [strip_img, gif_file], **private)
    grid_btn.click(grid, [spec, seed, truncation], grid_img, **private)
    data_btn.click(dataset, [spec, count, label, seed, truncation], data_file, **private)
    return {"picker": picker, "open": open_btn, "spec": spec, "method": method, "send_to_style": send_to_style,
            "as_photo": as_photo, "inputs": [spec, *controls], "opened": [spec, status, label, blend_to, *sliders],
            "open_model": open_or_say, "draw": draw}
