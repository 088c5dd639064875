"""Reading untrusted pictures: every upload and CLI path goes through open_image().

It refuses what cannot be processed with a message a person understands (not an image,
truncated, too large, too small), and normalises what can: EXIF orientation applied,
transparency flattened onto white, 16-bit, CMYK, palette and grayscale images turned
into 8-bit RGB, only the first frame of an animation kept.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from studio.core.inputs import InputError

MAX_PIXELS = 50_000_000  # e.g. 8660 x 5773; enough for 8K photos, far below a decompression bomb
MIN_SIDE = 16

# Pillow's own guard, at the same limit: anything that slips past the checks below still stops here.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageInputError(InputError):
    """An image cannot be used; the message is meant for the person who supplied it."""


def open_image(source, what: str = "image", keep_alpha: bool = False) -> Image.Image:
    """source: a path, bytes, a PIL image or an (H, W[, C]) uint8 array -> 8-bit RGB PIL image
    (RGBA when keep_alpha is set and the picture has transparency)."""
    if source is None:
        raise ImageInputError(f"no {what} was given")
    if isinstance(source, np.ndarray):
        source = Image.fromarray(source)
    if isinstance(source, Image.Image):
        img = source
        _check_size(img.size, what)
    else:
        try:
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
        except OSError as e:
            raise ImageInputError(f"could not read the {what} ({e.strerror or e})") from None
        if not data:
            raise ImageInputError(f"the {what} file is empty")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(io.BytesIO(data))
                _check_size(img.size, what)  # header only: refuse huge images before decoding them
                img.load()
        except ImageInputError:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            if isinstance(e, UnidentifiedImageError):
                raise ImageInputError(f"the {what} is not an image format this app can read (PNG, JPEG, WebP, GIF, "
                                      "BMP, TIFF)") from None
            raise ImageInputError(f"the {what} is too large to process: over the limit of {MAX_PIXELS:,} pixels") from None
        except (OSError, SyntaxError, ValueError) as e:
            raise ImageInputError(f"the {what} is damaged or truncated and cannot be decoded ({e})") from None
    return to_rgb(img, keep_alpha)


def _check_size(size, what):
    w, h = size
    if w * h > MAX_PIXELS:
        raise ImageInputError(f"the {what} is {w}x{h} = {w * h:,} pixels, over the limit of {MAX_PIXELS:,}")
    if min(w, h) < MIN_SIDE:
        raise ImageInputError(f"the {what} is {w}x{h}; it needs at least {MIN_SIDE} pixels on each side")


def to_rgb(img: Image.Image, keep_alpha: bool = False) -> Image.Image:
    if getattr(img, "is_animated", False):
        img.seek(0)
    img = ImageOps.exif_transpose(img) or img
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        hi = 65535.0 if img.mode.startswith("I;16") or arr.max() > 255 else 255.0
        img = Image.fromarray((arr / hi * 255).clip(0, 255).round().astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode in ("RGB", "L") and "transparency" in img.info):
        rgba = img.convert("RGBA")
        if keep_alpha:
            return rgba
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return img.convert("RGB")


def safe_name(name: str, default: str = "image") -> str:
    """A file name for output derived from user text: letters, digits, '-', '_' only."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in os.path.basename(str(name)))[:64]
    return stem.strip("_") or default
