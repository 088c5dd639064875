"""Mechanics of the classic optimisation with a randomly initialised VGG-19 (no download)."""

import numpy as np
import pytest
import torch
from PIL import Image

from studio.style.classic import CONTENT_LAYER, STYLE_LAYERS, ClassicStylizer, load_vgg19_features


@pytest.fixture(scope="module")
def stylizer():
    from torchvision.models import vgg19

    torch.manual_seed(0)
    return ClassicStylizer(vgg19().features[:CONTENT_LAYER + 8])


def img(seed, size=(48, 40)):
    return Image.fromarray((np.random.default_rng(seed).random((size[1], size[0], 3)) * 255).astype(np.uint8))


@pytest.mark.slow
def test_losses_fall_and_shape_kept(stylizer):
    frames = list(stylizer(img(0), [img(1)], steps=30, max_size=64, every=5, style_weight=1e3))
    assert [i["step"] for _, i in frames] == [5, 10, 15, 20, 25, 30]
    assert frames[-1][1]["loss"] < frames[0][1]["loss"] * 0.9
    assert frames[-1][0].size == (48, 40)


def test_stop_ends_early(stylizer):
    calls = {"n": 0}

    def stop():
        calls["n"] += 1
        return calls["n"] > 7

    frames = list(stylizer(img(0), [img(1)], steps=500, max_size=64, every=5, should_stop=stop))
    assert frames[-1][1].get("stopped") and frames[-1][1]["step"] == 7


def test_offline_says_unavailable(tmp_path, monkeypatch):
    from studio.style.classic import VGGUnavailable

    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    with pytest.raises(VGGUnavailable, match="not cached"):
        load_vgg19_features(allow_download=False)


def test_layers_exist():
    from torchvision.models import vgg19

    f = vgg19().features
    assert all(isinstance(f[i], torch.nn.ReLU) for i in STYLE_LAYERS + (CONTENT_LAYER,))
