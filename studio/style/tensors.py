"""Tensor and picture helpers both style engines use: sizes, padding, colour, masks, weights."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from studio.core.imageio import ImageInputError, open_image
from studio.core.inputs import check_number

MAX_OUTPUT = 4096
STYLE_SIZE = 512  # paintings are encoded at this long side: their statistics need no more


def to_tensor(img: Image.Image) -> torch.Tensor:
    return torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0).permute(2, 0, 1)[None].contiguous()


def to_image(t: torch.Tensor) -> Image.Image:
    arr = (t[0].clamp(0, 1).permute(1, 2, 0).numpy() * 255.0 + 0.5).astype(np.uint8)
    return Image.fromarray(arr, "RGB")


def fit(img: Image.Image, max_side: int) -> Image.Image:
    """Shrink so the long side is at most max_side (never enlarge)."""
    w, h = img.size
    scale = max_side / max(w, h)
    if scale >= 1:
        return img
    return img.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.LANCZOS)


def shrink(x: torch.Tensor, max_side: int) -> torch.Tensor:
    """Tensor counterpart of fit(): antialiased downscale so the long side is at most max_side."""
    h, w = x.shape[-2:]
    scale = max_side / max(h, w)
    if scale >= 1:
        return x
    return F.interpolate(x, size=(max(4, round(h * scale)), max(4, round(w * scale))), mode="bilinear",
                         antialias=True, align_corners=False).clamp_(0, 1)


def pad4(x: torch.Tensor) -> tuple[torch.Tensor, int, int]:
    """Reflect-pad H and W up to multiples of 4 (two stride-2 stages); returns the original size."""
    h, w = x.shape[-2:]
    ph, pw = (-h) % 4, (-w) % 4
    if ph or pw:
        x = F.pad(x, [0, pw, 0, ph], mode="reflect" if min(h, w) > 4 else "replicate")
    return x, h, w


def rgb_to_ycbcr(x: torch.Tensor) -> torch.Tensor:
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return torch.stack([y, (b - y) * 0.564, (r - y) * 0.713], 1)


def ycbcr_to_rgb(x: torch.Tensor) -> torch.Tensor:
    y, cb, cr = x[:, 0], x[:, 1], x[:, 2]
    r = y + 1.403 * cr
    b = y + 1.773 * cb
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return torch.stack([r, g, b], 1)


def preserve_colors(styled: torch.Tensor, photo: torch.Tensor) -> torch.Tensor:
    """Keep the stylised luminance, take the chroma from the photo (Gatys et al. 2016b)."""
    s, p = rgb_to_ycbcr(styled), rgb_to_ycbcr(photo)
    return ycbcr_to_rgb(torch.cat([s[:, :1], p[:, 1:]], 1))


def check_weights(weights, n: int) -> list[float]:
    if weights is None:
        return [1.0] * n
    weights = [check_number("painting weight", w, 0.0, 1.0) for w in list(weights)[:n]]
    weights += [1.0] * (n - len(weights))
    if sum(weights) <= 0:
        raise ImageInputError("at least one painting weight must be above 0")
    return weights


def mask_tensor(mask, size) -> torch.Tensor:
    """A painted mask (any image; white = style, black = photo) as (1, 1, H, W) in [0, 1]."""
    if isinstance(mask, np.ndarray):
        mask = Image.fromarray(mask)
    if not isinstance(mask, Image.Image):
        mask = open_image(mask, "mask")
    if mask.mode in ("RGBA", "LA"):
        m = mask.getchannel("A")  # a brush layer: where it was painted
    else:
        m = mask.convert("L")
    m = m.resize(size, Image.BILINEAR)
    return torch.from_numpy(np.asarray(m, dtype=np.float32) / 255.0)[None, None]
