"""Direction names for generators of other pictures come from picture measures with known answers."""

import numpy as np
import torch

from studio.digits.directions import measure_pictures


def canvas(square, side):
    """A side x side square of colour `square` on white."""
    img = np.ones((32, 32, 3), np.float32)
    img[4:4 + side, 6:6 + side] = np.array(square) / 255
    return torch.from_numpy(img).permute(2, 0, 1)[None] * 2 - 1


def test_size_width_brightness_saturation_and_warmth_move_as_they_should():
    small, big = canvas(square=(200, 30, 30), side=6), canvas(square=(200, 30, 30), side=14)
    m = {k: measure_pictures(torch.cat([small, big]))[k] for k in ("size", "width", "height", "brightness")}
    assert m["size"][1] > m["size"][0] and m["width"][1] > m["width"][0] and m["height"][1] > m["height"][0]
    assert m["brightness"][1] < m["brightness"][0]  # more dark red on white
    red, blue, grey = (canvas(square=s, side=12) for s in ((220, 30, 30), (30, 30, 220), (120, 120, 120)))
    m = measure_pictures(torch.cat([red, blue, grey]))
    assert m["warmth"][0] > 0 > m["warmth"][1] and abs(m["warmth"][2]) < 1e-6
    assert m["saturation"][2] < 1e-6 < m["saturation"][0]


def test_grey_pictures_have_no_colour_measures():
    assert set(measure_pictures(torch.zeros(2, 1, 32, 32))) == {"brightness", "size", "width", "height"}
