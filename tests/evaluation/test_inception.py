"""The FID Inception: its weights fit pytorch-fid's file layout, its features come out 2048-d, and
without the pinned weights it says so instead of scoring."""

import pytest
import torch
from torchvision.models import inception_v3

from studio.evaluation import inception
from studio.evaluation.inception import InceptionFeatures, InceptionUnavailable, fid_inception


def test_its_parameters_are_torchvisions_inception_with_1008_classes():
    """pytorch-fid loads the pinned file strictly into this layout; the changed blocks add no weights."""
    ours = {k: v.shape for k, v in fid_inception().state_dict().items()}
    theirs = {k: v.shape for k, v in inception_v3(weights=None, aux_logits=False, init_weights=False,
                                                  num_classes=1008).state_dict().items()}
    assert ours == theirs


def test_features_of_grey_and_colour_pictures_at_any_size():
    torch.manual_seed(0)
    features = InceptionFeatures(net=fid_inception())
    colour, grey = torch.rand(2, 3, 32, 32) * 2 - 1, torch.rand(1, 1, 28, 28) * 2 - 1
    assert features(colour).shape == (2, 2048) and features(grey).shape == (1, 2048)


def test_the_tensorflow_pooling_is_kept():
    """An average pool that counts the padding would differ at the border: the TF graph leaves it out."""
    block = fid_inception().Mixed_5b
    x = torch.ones(1, 192, 5, 5)
    pooled = inception._pool(x)
    assert torch.allclose(pooled, x)  # count_include_pad=False: ones stay ones at the edges
    assert block._forward(x)[3].shape == (1, 32, 5, 5)


def test_without_the_weights_it_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("STUDIO_INCEPTION_WEIGHTS", raising=False)
    with pytest.raises(InceptionUnavailable, match="is not on this machine"):
        InceptionFeatures(allow_download=False)
    wrong = tmp_path / "wrong.pth"
    torch.save({"x": torch.zeros(1)}, wrong)
    monkeypatch.setenv("STUDIO_INCEPTION_WEIGHTS", str(wrong))
    with pytest.raises(InceptionUnavailable, match="does not match the pinned SHA-256"):
        InceptionFeatures()


def test_a_copy_with_the_pinned_checksum_is_loaded(tmp_path, monkeypatch):
    from studio.share.download import sha256

    torch.manual_seed(1)
    net = fid_inception()
    path = tmp_path / "pt_inception.pth"
    torch.save(net.state_dict(), path)
    monkeypatch.setenv("STUDIO_INCEPTION_WEIGHTS", str(path))
    monkeypatch.setattr(inception, "SHA256", sha256(path))
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    assert torch.allclose(torch.from_numpy(InceptionFeatures()(x)), torch.from_numpy(InceptionFeatures(net=net)(x)))
