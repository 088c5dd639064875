"""DiffAugment: each operation keeps the batch's shape, lets gradients through, and does what it says."""

import pytest
import torch

from studio.training.augment import cutout, diff_augment, parse, translation


def test_policies_parse_and_unknown_ones_are_named():
    assert parse("off") == () and parse("") == () and parse("color, cutout") == ("color", "cutout")
    with pytest.raises(ValueError, match="unknown augmentation 'flip'"):
        parse("translation,flip")


def test_every_policy_keeps_the_shape_and_the_gradient():
    x = torch.rand(6, 3, 32, 32, requires_grad=True)
    y = diff_augment(x * 2 - 1, ("color", "translation", "cutout"))
    assert y.shape == x.shape
    y.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_cutout_blanks_a_quarter_and_translation_moves_pixels():
    torch.manual_seed(0)
    x = torch.ones(64, 1, 32, 32)
    blank = (cutout(x) == 0).float().mean((1, 2, 3))
    assert 0.1 < blank.mean() < 0.26 and blank.max() <= 0.25 + 1e-6  # a 16 x 16 square, partly off the edge
    dot = torch.zeros(64, 1, 32, 32)
    dot[:, :, 16, 16] = 1
    moved = translation(dot)
    assert torch.all(moved.sum((1, 2, 3)) == 1)  # 4 px at most: the dot never leaves the picture
    rows, cols = moved[:, 0].nonzero()[:, 1], moved[:, 0].nonzero()[:, 2]
    assert (rows - 16).abs().max() <= 4 and (cols - 16).abs().max() <= 4 and (rows != 16).any()
