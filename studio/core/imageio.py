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
CHUNK_ROWS = 512  # 16-bit pictures become 8-bit this many rows at a time: no full-size float copy

# Pillow's own guard, at the same limit: anything that slips past the checks below still stops here.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageInputError(InputError):
    """An image cannot be used; the message is meant for the person who supplied it."""


def open_image(source, what: str = "image", keep_alpha: bool = False, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """source: a path, bytes, a PIL image or an (H, W[, C]) uint8 array -> 8-bit RGB PIL image
    (RGBA when keep_alpha is set and the picture has transparency). Pictures over max_pixels are
    refused from the header, before they are decoded."""
    if source is None:
        raise ImageInputError(f"no {what} was given")
    if isinstance(source, np.ndarray):
        source = Image.fromarray(source)
    if isinstance(source, Image.Image):
        img = source
        _check_size(img.size, what, max_pixels)
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
                _check_size(img.size, what, max_pixels)  # header only: refuse before decoding
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


def _check_size(size, what, max_pixels: int = MAX_PIXELS):
    w, h = size
    if w * h > max_pixels:
        raise ImageInputError(f"the {what} is {w}x{h} = {w * h:,} pixels, over the limit of {max_pixels:,}")
    if min(w, h) < MIN_SIDE:
        raise ImageInputError(f"the {what} is {w}x{h}; it needs at least {MIN_SIDE} pixels on each side")


def to_rgb(img: Image.Image, keep_alpha: bool = False) -> Image.Image:
    if getattr(img, "is_animated", False):
        img.seek(0)
    img = ImageOps.exif_transpose(img) or img
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        img = _to_8bit(img)
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode in ("RGB", "L") and "transparency" in img.info):
        rgba = img.convert("RGBA")
        if keep_alpha:
            return rgba
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return img.convert("RGB")


def _to_8bit(img: Image.Image) -> Image.Image:
    """A 16- or 32-bit grey picture as 8-bit, scaled from its full range (65535, or 255 when the
    values fit), a band of rows at a time so that no full-size float copy is ever made."""
    arr = np.asarray(img)
    hi = 65535.0 if img.mode.startswith("I;16") or float(arr.max()) > 255 else 255.0
    out = np.empty(arr.shape, dtype=np.uint8)
    for top in range(0, arr.shape[0], CHUNK_ROWS):
        band = arr[top:top + CHUNK_ROWS].astype(np.float32)
        out[top:top + CHUNK_ROWS] = (band * (255.0 / hi)).clip(0, 255).round()
    return Image.fromarray(out, "L")


def safe_name(name: str, default: str = "image") -> str:
    """A file name for output derived from user text: letters, digits, '-', '_' only."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in os.path.basename(str(name)))[:64]
    return stem.strip("_") or default
