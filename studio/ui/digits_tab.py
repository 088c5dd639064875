"""Digits tab: wires Gradio controls to studio.digits; no model logic lives here."""

from __future__ import annotations

import random
import tempfile
import time
import uuid
from pathlib import Path

import gradio as gr

from studio.digits import MAX_SEED, SLIDER_RANGE
from studio.core.images import gif_bytes, png_bytes, strip, upscale
from studio.ui.common import Number, Slider, img_html, one_thread, user_errors
from studio.ui.state import GENERATOR

NUM_SLIDERS = 8
DISPLAY = 280  # px: 10x the 28 px digit
EXPORT_DIR = Path(tempfile.gettempdir()) / "gan-studio-exports"
DIGITS = [str(d) for d in range(10)]


def _export(data: bytes, suffix: str) -> str:
    """Write a download; Gradio serves a copy from its own cache, so ours only needs to live
    briefly: files over an hour old are removed on the way."""
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 3600
    for old in EXPORT_DIR.glob("digit-*"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    path = EXPORT_DIR / f"digit-{uuid.uuid4().hex[:10]}{suffix}"
    path.write_bytes(data)
    return str(path)


def _blend_target(value):
    return None if value in (None, "", "none") else value


def _controls(digit, blend_to, blend, seed, truncation, sliders):
    return dict(seed=seed, digit=digit, blend_to=_blend_target(blend_to), blend=blend,
                sliders=list(sliders), truncation=truncation)


@user_errors
@one_thread
def render(digit, blend_to, blend, seed, truncation, *sliders):
    img = GENERATOR.get().image(**_controls(digit, blend_to, blend, seed, truncation, sliders))
    return img_html(img, DISPLAY, f"generated digit {digit}")


@user_errors
def export_png(digit, blend_to, blend, seed, truncation, *sliders):
    img = GENERATOR.get().image(**_controls(digit, blend_to, blend, seed, truncation, sliders))
    return _export(png_bytes(upscale(img, 10)), ".png")


@user_errors
def digit_as_photo(digit, blend_to, blend, seed, truncation, *sliders):
    """The current digit, 10x upscaled, as an RGB picture file for the Style tab."""
    img = GENERATOR.get().image(**_controls(digit, blend_to, blend, seed, truncation, sliders))
    return _export(png_bytes(upscale(img, 10).convert("RGB")), ".png")


@user_errors
def interpolate(digit, seed, seed_b, frames, truncation, *sliders):
    imgs = GENERATOR.get().interpolate(seed, seed_b, digit=digit, frames=frames, sliders=list(sliders),
                                       truncation=truncation)
    gif = gif_bytes([upscale(i, 6) for i in imgs])
    return upscale(strip(imgs), 3), img_html(gif, 168, "interpolation animation", fmt="gif"), _export(gif, ".gif")


@user_errors
def grid(seed, truncation):
    return upscale(GENERATOR.get().grid(seed=seed, truncation=truncation), 3)


def model_choices() -> list[str]:
    """The shipped generator and every run trained in this app that saved one."""
    from studio.core import paths

    runs = sorted(paths.runs_dir().glob("*/generator.safetensors"), reverse=True)
    return ["shipped"] + [str(p.parent) for p in runs]


def load_model(spec):
    """Model picker: one of the listed generators, or a Hub repo (USER/NAME or hf://USER/NAME).
    Free text never becomes a file-system path: only listed local generators can be opened."""
    from studio.share.hub import REPO_ID

    spec = (spec or "shipped").strip()[:300]
    bare = spec[len("hf://"):] if spec.startswith("hf://") else spec
    if spec not in model_choices():
        if not REPO_ID.match(bare):
            GENERATOR.note_error(f"{spec[:80]!r} is neither a listed generator nor a Hub repo id (USER/NAME)")
            return GENERATOR.describe()
        spec = "hf://" + bare
    GENERATOR.load(spec)
    return GENERATOR.describe()


def random_seed():
    return random.randint(0, MAX_SEED)


def _slider_labels() -> list[str | None]:
    """One label per slider for the loaded generator's directions; None where it has fewer."""
    dirs = GENERATOR.studio.directions if GENERATOR.studio else []
    return [f"{i + 1}. {dirs[i].label(i)}" if i < len(dirs) else None for i in range(NUM_SLIDERS)]


def slider_updates():
    """Relabel, show or hide the direction sliders after another generator is loaded."""
    return [gr.update(label=lab, visible=True, value=0) if lab else gr.update(visible=False, value=0)
            for lab in _slider_labels()]


def build() -> dict:
    """Lay out the tab; returns the components other tabs connect to."""
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            status = gr.Markdown(GENERATOR.describe(), elem_id="digits-status")
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
            truncation = Slider(0, 1, value=1.0, step=0.01, label="Truncation (lower: cleaner, less varied)")
            with gr.Accordion("Latent directions (PCA of the generator, largest variance first)", open=True):
                sliders = [Slider(-SLIDER_RANGE, SLIDER_RANGE, value=0, step=0.05, label=lab or f"direction {i + 1}",
                                  visible=lab is not None, elem_id=f"dir-slider-{i}")
                           for i, lab in enumerate(_slider_labels())]
                reset = gr.Button("Reset directions", size="sm")
        with gr.Column(scale=1, min_width=320):
            picture = gr.HTML(label="Digit", elem_id="digit-image", min_height=DISPLAY)
            with gr.Row():
                png_btn = gr.Button("Export PNG (280 px)")
                send_to_style = gr.Button("Send to Style", elem_id="send-to-style")
            png_file = gr.File(label="PNG", visible=True, height=60)
            with gr.Accordion("Interpolate between two seeds", open=False):
                with gr.Row():
                    seed_b = Number(value=7, label="Second seed", minimum=0, maximum=MAX_SEED)
                    frames = Slider(2, 60, value=16, step=1, label="Frames")
                interp_btn = gr.Button("Interpolate")
                strip_img = gr.Image(label="Strip", type="pil", show_label=True, interactive=False)
                anim = gr.HTML()
                gif_file = gr.File(label="Animated GIF")
            with gr.Accordion("All digits: 10 x 10 grid", open=False):
                grid_btn = gr.Button("Draw grid")
                grid_img = gr.Image(label="One row per digit", type="pil", interactive=False)

    inputs = [digit, blend_to, blend, seed, truncation, *sliders]
    # Live path: .input fires while a slider is dragged; queue=False answers over plain HTTP
    # (no queue round-trips) and always_last drops stale intermediate positions.
    live = dict(fn=render, inputs=inputs, outputs=picture, queue=False, show_progress="hidden",
                trigger_mode="always_last")
    for s in (blend, truncation, *sliders):
        s.input(api_name=False, **live)
    for c in (digit, blend_to, seed):
        c.change(api_name=False, **live)
    randomise.click(random_seed, None, seed, queue=False, api_name=False)
    reset.click(lambda: [0] * NUM_SLIDERS, None, sliders, queue=False, api_name=False).then(
        api_name=False, **live)
    model.focus(lambda: gr.update(choices=model_choices()), None, model, queue=False, api_name=False)
    load_btn.click(load_model, model, status, api_name="load_generator").then(
        slider_updates, None, sliders, queue=False, api_name=False).then(api_name=False, **live)
    png_btn.click(export_png, inputs, png_file, api_name="export_png")
    interp_btn.click(interpolate, [digit, seed, seed_b, frames, truncation, *sliders], [strip_img, anim, gif_file],
                     api_name="interpolate")
    grid_btn.click(grid, [seed, truncation], grid_img, api_name="grid")
    # The public API endpoint for one digit (the live events above have api_name=False).
    hidden_btn = gr.Button(visible=False)
    hidden_btn.click(render, inputs, picture, api_name="digit", queue=False)
    return {"status": status, "picture": picture, "inputs": inputs, "sliders": sliders, "digit": digit,
            "send_to_style": send_to_style, "render": render, "slider_updates": slider_updates}
