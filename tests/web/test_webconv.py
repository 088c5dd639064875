"""The browser's rewritten convolutions compute what the reference layers compute, at any size,
in PyTorch and after export to ONNX."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from studio.style.microast import Conv, MicroAST, ResBlock
from studio.web.webconv import RowSplitConv, WebDec3, WebEncoder, WebResBlock, Winograd3x3


def _conv(k: int, cin: int, cout: int, seed: int = 0) -> Conv:
    torch.manual_seed(seed)
    return Conv(k, cin, cout).eval()


@pytest.mark.parametrize("size", [(2, 2), (5, 7), (16, 16), (33, 50)])
def test_winograd_equals_the_reflect_padded_conv_at_any_size(size):
    conv = _conv(3, 8, 6)
    x = torch.randn(1, 8, *size)
    with torch.no_grad():
        got, want = Winograd3x3(conv.conv_layer)(x), conv(x)
    assert got.shape == want.shape
    assert torch.allclose(got, want, atol=1e-4)


def test_the_modulated_winograd_conv_is_w_conv_plus_b_x():
    conv = _conv(3, 16, 16)
    x, w, b = torch.randn(1, 16, 13, 9), torch.randn(1, 16, 1, 1), torch.randn(1, 16, 1, 1)
    with torch.no_grad():
        got = Winograd3x3(conv.conv_layer).modulated(x, w, b)
        want = w * conv(x) + b * x
    assert torch.allclose(got, want, atol=1e-4)


def test_a_wrong_weight_is_caught():
    """The comparison above can fail: another conv's weights give another answer."""
    x = torch.randn(1, 8, 12, 12)
    with torch.no_grad():
        assert not torch.allclose(Winograd3x3(_conv(3, 8, 6, seed=1).conv_layer)(x), _conv(3, 8, 6)(x), atol=1e-2)


@pytest.mark.parametrize("size", [(9, 9), (20, 13)])
def test_the_row_split_conv_equals_the_9x9_conv(size):
    conv = _conv(9, 16, 3)
    x = torch.randn(1, 16, *size)
    with torch.no_grad():
        assert torch.allclose(RowSplitConv(conv.conv_layer)(x), conv(x), atol=1e-4)


def test_the_residual_blocks_plain_and_modulated():
    torch.manual_seed(0)
    block = ResBlock(16).eval()
    x, w, b = torch.randn(1, 16, 10, 6), torch.rand(1, 16, 1, 1), torch.randn(1, 16, 1, 1)
    web = WebResBlock(block)
    with torch.no_grad():
        assert torch.allclose(web(x), block(x.clone()), atol=1e-4)
        assert torch.allclose(web(x, w, b), block(x.clone(), w, b), atol=1e-4)


def test_the_encoder_and_last_stage_equal_microasts():
    torch.manual_seed(0)
    model = MicroAST().eval()
    photo = torch.rand(1, 3, 36, 52)
    with torch.no_grad():
        for got, want in zip(WebEncoder(model.content_encoder)(photo), model.content_encoder(photo)):
            assert torch.allclose(got, want, atol=1e-4)
        t = torch.randn(1, 64, 9, 13)
        assert torch.allclose(WebDec3(model.decoder.dec3)(t), model.decoder.dec3(t), atol=1e-4)


@pytest.mark.slow
def test_the_exported_encoder_keeps_any_picture_size(tmp_path):
    """One export (dynamic height and width) serves every photo size, without the exporter's notes."""
    import onnx

    from studio.web.export import _export, _session

    torch.manual_seed(0)
    model = MicroAST().eval()
    path = tmp_path / "content.onnx"
    _export(WebEncoder(model.content_encoder), (torch.rand(1, 3, 64, 48),), path, ["photo"], ["c1", "c2"], [[2, 3]])
    assert not any(node.metadata_props for node in onnx.load(str(path)).graph.node)
    session = _session(path)
    for h, w in ((64, 48), (44, 100)):
        photo = torch.rand(1, 3, h, w)
        with torch.no_grad():
            want = model.content_encoder(photo)
        for got, ref in zip(session.run(None, {"photo": photo.numpy()}), want):
            assert got.shape == tuple(ref.shape)
            assert np.abs(got - ref.numpy()).max() < 1e-3
