"""Reading a person's digit the way MNIST was made: ink only, long side fitted into 20 px,
centred by centre of mass in a 28 x 28 field, anti-aliased.

Accepts dark ink on a light background (paper, a white canvas), light ink on dark, and ink on
a transparent layer (what Gradio's sketchpad gives). The background is what the picture's
border mostly is, so either polarity works without a switch.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from studio.core.imageio import ImageInputError, open_image

FIELD, BOX = 28, 20  # MNIST: a 20 x 20 box inside a 28 x 28 image
MAX_DRAWING_PIXELS = 4096 * 4096  # a phone photo of handwriting fits; a 7000 x 7000 upload does not
WORK_SIDE = 512  # larger pictures are shrunk first (area-averaged, so thin strokes keep their ink)
INK_LEVEL = 0.25  # a pixel is ink when it is this far from the background towards the strongest ink
MIN_CONTRAST = 0.15  # ink must differ from the background by this much (of full scale) to count
MAX_INK_SHARE = 0.6  # a "drawing" that is mostly ink is a photo or a filled canvas, not a digit
FLAT = 0.35  # inside its box a digit is ink and gaps (std well above this share of the mean); noise is not


class DrawingError(ImageInputError):
    """The picture holds no digit that can be read; the message says why."""


def ink_map(source) -> np.ndarray:
    """Any picture -> float ink in [0, 1] (1 = full ink), at most WORK_SIDE px on the long side."""
    # Refuses what cannot be read, with a message. A digit needs far fewer pixels than a photo, so a
    # huge upload is refused from its header before it can fill the web process's memory.
    img = open_image(source, "drawing", keep_alpha=True, max_pixels=MAX_DRAWING_PIXELS)
    img.thumbnail((WORK_SIDE, WORK_SIDE), Image.BOX)
    if img.mode == "RGBA":
        alpha = np.asarray(img.convert("RGBA"), dtype=np.float32)[..., 3] / 255.0
        if alpha.min() < 0.99:  # a transparent layer: where it was painted is the ink
            return alpha
    gray = np.asarray(img.convert("L"), dtype=np.float32) / 255.0
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.median(border))
    ink = background - gray if background >= 0.5 else gray - background
    return np.clip(ink, 0.0, None) / max(background if background >= 0.5 else 1.0 - background, 1e-6)


def read_drawing(source) -> np.ndarray:
    """A picture of one digit -> (28, 28) float32 ink in [0, 1], MNIST-style.

    Raises DrawingError for an empty canvas, a picture with no clear ink, or one that is
    mostly ink."""
    ink = ink_map(source)
    peak = float(np.percentile(ink, 99.9)) if ink.size else 0.0
    if peak < MIN_CONTRAST:
        raise DrawingError("the drawing is empty: draw a digit (or upload a picture of one with clear ink)")
    mask = ink >= INK_LEVEL * peak
    if mask.mean() > MAX_INK_SHARE:
        raise DrawingError("no clear ink: most of the picture is as dark as the strokes; draw on a plain background")
    ink = np.clip(ink / peak, 0.0, 1.0)
    rows, cols = np.nonzero(mask)
    crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    h, w = crop.shape
    scale = BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    # Lanczos on the float image: anti-aliased edges like MNIST's, no gamma games.
    small = np.asarray(Image.fromarray(crop.astype(np.float32), "F").resize(size, Image.LANCZOS), dtype=np.float32)
    small = np.clip(small, 0.0, None)
    if small.max() <= 0:
        raise DrawingError("the drawing is empty after shrinking it to 28 x 28: use bolder strokes")
    # A fine pen on a big canvas thins out when shrunk; MNIST strokes are full strength.
    small = np.clip(small / small.max(), 0.0, 1.0)
    if min(size) >= BOX // 2 and small.std() < FLAT * small.mean():
        # Strokes leave background between them; noise or texture averages out to a flat grey.
        raise DrawingError("no clear ink: the picture looks like texture or noise, not strokes on a background")
    field = np.zeros((FIELD, FIELD), np.float32)
    total = float(small.sum())
    ys, xs = np.mgrid[0:size[1], 0:size[0]]
    cy, cx = float((ys * small).sum() / total), float((xs * small).sum() / total)
    # Put the centre of mass on the field's centre, clamped so the digit stays inside.
    top = int(np.clip(round(FIELD / 2 - 0.5 - cy), 0, FIELD - size[1]))
    left = int(np.clip(round(FIELD / 2 - 0.5 - cx), 0, FIELD - size[0]))
    field[top:top + size[1], left:left + size[0]] = small
    return field


def drawing_image(ink: np.ndarray) -> Image.Image:
    """(28, 28) ink in [0, 1] -> a white-on-black 28 x 28 picture, like MNIST."""
    return Image.fromarray((np.clip(ink, 0, 1) * 255 + 0.5).astype(np.uint8), "L")
