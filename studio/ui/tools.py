"""The studio's pure capabilities as tools for agents (MCP) and API clients.

Each is a plain function with a docstring Gradio turns into the tool's description; build()
wires it to hidden components, whose types become the tool's input schema. Images travel the
way Gradio's MCP layer carries them: as data or an http(s) address, never a server-side path.
Training and the UI's own endpoints stay out of the tool list (they are "undocumented").
The tools draw with the app's default generator: what one visitor loads is theirs alone.
"""

from __future__ import annotations

import gradio as gr

from studio.core.images import upscale
from studio.core.inputs import InputError
from studio.ui.common import Number, Slider, one_thread, upload_image, user_errors
from studio.ui.state import GENERATOR, STYLIZER, VISITORS

TOOL_SIZE = 280  # px: digits are drawn 10x, nearest-neighbour, so a client sees crisp pixels


@user_errors
@one_thread
def draw_digit(digit, seed, blend_to, blend, truncation):
    """Draw one handwritten digit with the studio's class-conditional MNIST GAN.

    Args:
        digit: the digit to draw, a whole number from 0 to 9.
        seed: which handwriting: any whole number from 0 to 2147483647; the same seed draws the same digit.
        blend_to: a second digit (0 to 9) to morph into, or -1 for none.
        blend: how far to morph into blend_to, from 0 (not at all) to 1 (fully).
        truncation: from 0 to 1; lower values draw cleaner, more typical digits.

    Returns:
        The digit as a 280 x 280 PNG, white on black.
    """
    target = None if blend_to in (None, -1, "-1", "") else blend_to
    img = GENERATOR.get().image(seed=seed, digit=digit, blend_to=target, blend=blend, truncation=truncation)
    return upscale(img, TOOL_SIZE // img.width)


@user_errors
@one_thread
def digit_grid(seed, truncation):
    """Draw every digit ten times: a 10 x 10 grid, one row per digit, the same ten handwritings in every row.

    Args:
        seed: which ten handwritings: any whole number from 0 to 2147483647.
        truncation: from 0 to 1; lower values draw cleaner, more typical digits.

    Returns:
        The grid as a PNG.
    """
    return upscale(GENERATOR.get().grid(seed=seed, truncation=truncation), 3)


@user_errors
def stylize(photo, painting, strength, keep_colors):
    """Paint a photo in the style of a painting (MicroAST fast style transfer), at most 1024 px on the long side.

    Args:
        photo: the photo to paint (an image).
        painting: the painting whose style to use (an image).
        strength: from 0 (the photo unchanged) to 1 (the full style).
        keep_colors: true to keep the photo's colours and take only the painting's brushwork.

    Returns:
        The painted photo.
    """
    if photo is None or painting is None:
        raise InputError("both a photo and a painting are needed")
    return STYLIZER.get()(photo, [painting], None, strength, bool(keep_colors), 1024)


@user_errors
def find_twin(drawing):
    """Find the GAN's twin of a drawn or photographed digit: the digit and handwriting that redraw it.

    Args:
        drawing: a picture of one digit: dark ink on light, light ink on dark, or ink on a transparent layer.

    Returns:
        The digit it looks like (0 to 9), how sure the studio is (0 to 1), and the twin as a 280 x 280 PNG.
    """
    if drawing is None:
        raise InputError("a picture of a digit is needed")
    twin = GENERATOR.inverter()(drawing)
    return twin.digit, round(twin.confidence, 4), upscale(twin.image, TOOL_SIZE // twin.image.width)


def build() -> None:
    """Hidden components carrying the tools' inputs and outputs; call inside the Blocks."""
    with gr.Column(visible=False):
        digit, seed, blend_to = Number(3, label="digit"), Number(0, label="seed"), Number(-1, label="blend_to")
        blend, truncation = Slider(0, 1, 0.5, label="blend"), Slider(0, 1, 1.0, label="truncation")
        image = gr.Image(type="pil", format="png", label="image")
        photo, painting = upload_image("photo"), upload_image("painting")
        strength, keep = Slider(0, 1, 1.0, label="strength"), gr.Checkbox(False, label="keep_colors")
        drawing = upload_image("drawing")
        found, sure = gr.Number(label="digit"), gr.Number(label="confidence")
        run = gr.Button()
    # Digits answer directly (a few ms, outside the queue), so paintings queued by anyone never hold them up.
    run.click(draw_digit, [digit, seed, blend_to, blend, truncation], image, api_name="draw_digit", queue=False)
    run.click(digit_grid, [seed, truncation], image, api_name="digit_grid", queue=False)
    run.click(**VISITORS.fair("stylize", stylize), inputs=[photo, painting, strength, keep], outputs=image,
              api_name="stylize", concurrency_id="stylize", concurrency_limit=2)
    run.click(**VISITORS.fair("twin", find_twin), inputs=drawing, outputs=[found, sure, image], api_name="find_twin",
              concurrency_id="twin", concurrency_limit=2)
