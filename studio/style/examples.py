"""Make the Style tab's example pictures from the project's own code (no third-party images).

    python -m studio examples      # writes assets/example_digits.png and assets/example_painting.png

The "photo" is a grid of digits drawn by the shipped generator; the "painting" is a
procedural pattern of coloured swirls.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from studio.core import paths


def swirl_painting(size: int = 384, seed: int = 3) -> Image.Image:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    field = np.zeros((size, size))
    for _ in range(6):
        cx, cy, k = rng.random(), rng.random(), rng.uniform(4, 12)
        r = np.hypot(x - cx, y - cy)
        field += np.sin(k * r * 6 + np.arctan2(y - cy, x - cx) * rng.integers(1, 4))
    t = (field - field.min()) / (np.ptp(field) + 1e-9)
    palette = np.array([[20, 30, 90], [40, 110, 190], [240, 200, 60], [230, 90, 40], [250, 240, 210]], float)
    idx = t * (len(palette) - 1)
    lo = np.floor(idx).astype(int).clip(0, len(palette) - 2)
    frac = (idx - lo)[..., None]
    rgb = palette[lo] * (1 - frac) + palette[lo + 1] * frac
    rgb += rng.normal(0, 8, rgb.shape)  # brush-like grain
    img = Image.fromarray(rgb.clip(0, 255).astype(np.uint8), "RGB")
    return img.filter(ImageFilter.SMOOTH_MORE)


def digit_photo(scale: int = 2) -> Image.Image:
    from studio.digits import DigitStudio
    from studio.core.images import upscale

    grid = DigitStudio.from_checkpoint("shipped").grid(seed=7, columns=6)
    return upscale(grid, scale).convert("RGB")


def write_examples(folder=paths.ASSETS) -> list:
    """Write the two example pictures into folder; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = [folder / "example_digits.png", folder / "example_painting.png"]
    digit_photo().save(out[0])
    swirl_painting().save(out[1])
    return out
