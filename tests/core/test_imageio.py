"""Uploads: what is refused with a message, and what is normalised."""

import io

import numpy as np
import pytest
from PIL import Image

from studio.core.imageio import MAX_PIXELS, ImageInputError, open_image, safe_name


def encode(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def rgb(w=64, h=48):
    a = np.zeros((h, w, 3), np.uint8)
    a[..., 0] = np.linspace(0, 255, w)[None, :]
    a[..., 1] = 128
    return Image.fromarray(a)


@pytest.mark.parametrize("data, match", [
    (b"", "empty"),
    (b"this is not an image at all", "not an image"),
    (encode(rgb(), "JPEG")[:200], "damaged or truncated"),
    (encode(rgb(), "PNG")[:100], "damaged or truncated"),
    (encode(Image.new("RGB", (8, 100)), "PNG"), "at least 16"),
    (encode(Image.new("RGB", (1, 1)), "PNG"), "at least 16"),
])
def test_refused_with_message(data, match):
    with pytest.raises(ImageInputError, match=match):
        open_image(data)


def test_decompression_bomb_refused_before_decoding():
    # 20000 x 20000 of one colour compresses to a tiny PNG: refused from its header.
    bomb = encode(Image.new("L", (20000, 20000)), "PNG")
    assert len(bomb) < 1_000_000
    with pytest.raises(ImageInputError, match="over the limit|too large"):
        open_image(bomb)
    assert 20000 * 20000 > MAX_PIXELS


@pytest.mark.parametrize("mode", ["L", "RGBA", "LA", "P", "CMYK", "I;16", "1"])
def test_modes_become_rgb(mode):
    img = rgb().convert(mode) if mode != "I;16" else Image.fromarray((np.arange(64 * 48).reshape(48, 64) * 20).astype(np.uint16))
    fmt = "JPEG" if mode == "CMYK" else ("TIFF" if mode == "I;16" else "PNG")
    out = open_image(encode(img, fmt))
    assert out.mode == "RGB" and out.size == (64, 48)


def test_sixteen_bit_scaled_not_clipped():
    a = np.full((32, 32), 65535, np.uint16)
    a[:, :16] = 32768
    out = np.asarray(open_image(encode(Image.fromarray(a), "PNG")))
    assert out[0, 20, 0] == 255 and 120 <= out[0, 0, 0] <= 135


def test_alpha_flattened_onto_white():
    img = Image.new("RGBA", (32, 32), (255, 0, 0, 0))  # fully transparent red
    out = np.asarray(open_image(encode(img, "PNG")))
    assert (out == 255).all()


def test_exif_orientation_honoured():
    img = rgb(64, 32)  # wide
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    out = open_image(encode(img, "JPEG", exif=exif.tobytes()))
    assert out.size == (32, 64)


def test_animated_gif_first_frame():
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 0, 255))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    out = np.asarray(open_image(data))
    assert out[0, 0, 0] > 200 and out[0, 0, 2] < 50


def test_extension_that_lies(tmp_path):
    p = tmp_path / "photo.jpg"
    p.write_bytes(encode(rgb(), "PNG"))  # a PNG named .jpg still opens by content
    assert open_image(p).size == (64, 48)


def test_safe_name():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("a b/c?d.png") == "c_d_png"
    assert safe_name("///") == "image"


def test_sixteen_bit_conversion_matches_full_precision_band_by_band(monkeypatch):
    import studio.core.imageio as imageio

    monkeypatch.setattr(imageio, "CHUNK_ROWS", 7)  # several bands, one of them short
    a = (np.arange(40 * 33, dtype=np.uint32) * 997 % 65536).astype(np.uint16).reshape(40, 33)
    out = np.asarray(open_image(encode(Image.fromarray(a), "PNG")))[..., 0]
    assert np.array_equal(out, np.round(a.astype(np.float64) / 65535 * 255).astype(np.uint8))


@pytest.fixture(scope="module")
def huge_sixteen_bit_png():
    """The finding's picture: a 16-bit 7000 x 7000 PNG, small on disk (one flat value)."""
    from studio.ui.testing import sixteen_bit_png

    return sixteen_bit_png(7000)


def test_a_huge_picture_is_refused_as_a_drawing_from_its_header(huge_sixteen_bit_png, monkeypatch):
    from studio.digits.drawing import read_drawing

    # Refused before any decoding: making the decoder fail proves it never ran.
    monkeypatch.setattr(Image.Image, "load", lambda self: (_ for _ in ()).throw(AssertionError("decoded")))
    with pytest.raises(ImageInputError, match="7000x7000 = 49,000,000 pixels, over the limit of 16,777,216"):
        read_drawing(huge_sixteen_bit_png)
