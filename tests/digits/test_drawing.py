"""Reading a drawing like MNIST: any ink polarity or a transparent layer, cropped, fitted, centred."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from studio.core.imageio import ImageInputError
from studio.digits.drawing import DrawingError, read_drawing


def seven(look: str, size=(300, 240)) -> Image.Image:
    """A thick '7' off-centre on a canvas in one of three looks."""
    if look == "dark-on-light":
        img, ink = Image.new("RGB", size, (250, 248, 240)), (30, 30, 30)
    elif look == "light-on-dark":
        img, ink = Image.new("RGB", size, (10, 10, 10)), (235, 235, 235)
    else:
        img, ink = Image.new("RGBA", size, (0, 0, 0, 0)), (0, 0, 0, 255)
    ImageDraw.Draw(img).line([(40, 40), (150, 40), (80, 200)], fill=ink, width=16)
    return img


@pytest.mark.parametrize("look", ["dark-on-light", "light-on-dark", "transparent"])
def test_every_look_reads_the_same_way(look):
    ref = read_drawing(seven("dark-on-light"))
    got = read_drawing(seven(look))
    assert got.shape == (28, 28) and got.dtype == np.float32
    assert 0 <= got.min() and got.max() <= 1 and got.max() > 0.9
    assert np.abs(got - ref).mean() < 0.02


def test_mnist_geometry():
    ink = read_drawing(seven("dark-on-light"))
    rows, cols = np.nonzero(ink > 0.05)
    height, width = np.ptp(rows) + 1, np.ptp(cols) + 1
    assert max(height, width) in (20, 21, 22)  # the long side fills the 20 px box (anti-aliasing may add a pixel)
    assert width < height  # aspect ratio kept: the 7 is taller than wide
    ys, xs = np.mgrid[0:28, 0:28]
    cy, cx = (ys * ink).sum() / ink.sum(), (xs * ink).sum() / ink.sum()
    assert abs(cy - 13.5) <= 1.0 and abs(cx - 13.5) <= 1.0  # centred by centre of mass


def test_a_thin_stroke_survives_shrinking():
    img = Image.new("L", (2000, 2000), 255)
    ImageDraw.Draw(img).line([(1000, 200), (1000, 1800)], fill=0, width=6)  # a "1" drawn with a fine pen
    ink = read_drawing(img)
    assert ink.max() > 0.9 and (ink > 0.5).sum() >= 20


def test_file_and_bytes_inputs(tmp_path):
    buf = io.BytesIO()
    seven("transparent").save(buf, format="PNG")
    (tmp_path / "seven.png").write_bytes(buf.getvalue())
    a = read_drawing(str(tmp_path / "seven.png"))
    b = read_drawing(buf.getvalue())
    assert np.array_equal(a, b) and np.abs(a - read_drawing(seven("dark-on-light"))).mean() < 0.02


@pytest.mark.parametrize("picture, message", [
    (Image.new("RGB", (280, 280), "white"), "empty"),
    (Image.new("RGBA", (280, 280), (0, 0, 0, 0)), "empty"),
    (Image.new("RGB", (280, 280), (128, 128, 128)), "empty"),
    (Image.effect_noise((280, 280), 100).convert("RGB"), "no clear ink"),
])
def test_nothing_to_read_gets_a_message(picture, message):
    with pytest.raises(DrawingError, match=message):
        read_drawing(picture)


def test_unreadable_files_get_the_upload_readers_message(tmp_path):
    bad = tmp_path / "not-an-image.png"
    bad.write_bytes(b"this is text, not a picture")
    with pytest.raises(ImageInputError, match="not an image format"):
        read_drawing(str(bad))
    huge = tmp_path / "huge.png"
    Image.new("1", (12000, 12000)).save(huge)
    with pytest.raises(ImageInputError, match="over the limit"):
        read_drawing(str(huge))


def test_a_cleared_canvas_is_said_beside_it_not_raised():
    """The finding: clearing the sketch canvas raised DrawingError outside the error wrapper."""
    from studio.ui import digits_tab

    for cleared in (None, {"composite": None, "layers": [], "background": None}):
        out = digits_tab.find_twin_of_sketch(cleared)
        assert out[2].startswith("⚠️ The drawing is empty")
