import numpy as np
import torch

from studio.style.microast import MicroAST, StyleCode
from studio.style.feature_stats import adaptive_instance_normalization, calc_mean_std


def test_matches_reference_vector(exact_stylizer, microast_dir):
    tv = np.load(microast_dir / "testvector.npz")
    out = exact_stylizer.model(torch.from_numpy(tv["content"]), torch.from_numpy(tv["style"]))
    err = (out - torch.from_numpy(tv["out_alpha1"])).abs().max().item()
    assert err < 1e-4, err


def test_parameter_count(fast_stylizer):
    n = sum(p.numel() for p in fast_stylizer.model.parameters())
    assert 0.4e6 < n < 0.55e6  # "about 0.47 M parameters in all"


def test_adain_transfers_statistics():
    torch.manual_seed(0)
    content = torch.randn(2, 8, 10, 12) * 3 + 1
    style = torch.randn(2, 8, 7, 9) * 0.5 - 2
    sm, ss = calc_mean_std(style)
    out = adaptive_instance_normalization(content, sm, ss)
    om, os_ = calc_mean_std(out)
    assert torch.allclose(om, sm, atol=1e-4)
    assert torch.allclose(os_, ss, atol=1e-3)


def test_style_code_mix_is_weighted_average():
    a = StyleCode(*[torch.full((1, 4, 1, 1), 1.0)] * 8)
    b = StyleCode(*[torch.full((1, 4, 1, 1), 3.0)] * 8)
    m = StyleCode.mix([a, b], [1, 3])
    assert all(torch.allclose(f, torch.full_like(f, 2.5)) for f in m.fields())


def test_random_network_shapes():
    m = MicroAST().eval()
    out = m(torch.rand(1, 3, 36, 44), torch.rand(1, 3, 40, 32))
    assert out.shape == (1, 3, 36, 44)


def test_strips_equal_whole_image(fast_stylizer, photos, paintings):
    """Large images run in strips; with the halos in studio.style.microast the result is the same image."""
    from PIL import Image

    from studio.style.tensors import to_tensor

    model = fast_stylizer.model
    x = to_tensor(Image.open(photos[0]).convert("RGB").resize((200, 360)))
    code = model.encode_style(to_tensor(Image.open(paintings[0]).convert("RGB").resize((128, 128))))
    saved = model.strip_pixels
    try:
        model.strip_pixels = 1 << 30
        whole = model.decode(model.encode_content(x), code)
        model.strip_pixels = 200 * 64  # strips of 64 rows: 6 of them, each with context from its neighbours
        strips = model.decode(model.encode_content(x), code)
    finally:
        model.strip_pixels = saved
    assert strips.shape == whole.shape
    assert (strips - whole).abs().max().item() < 1e-5


def test_in_strips_joins_rows_in_order():
    from studio.style.microast import in_strips

    x = torch.arange(40.0).view(1, 1, 40, 1)
    assert torch.equal(in_strips(lambda t: t * 2, x, rows=7, halo=2, scale=1), x * 2)
    up = in_strips(lambda t: t.repeat_interleave(4, -2), x, rows=7, halo=2, scale=4)
    assert torch.equal(up, x.repeat_interleave(4, -2))


def test_adain_equals_its_definition():
    """The one-pass (batch_norm) form equals (x - mean) / std * s_std + s_mean with calc_mean_std."""
    torch.manual_seed(0)
    content = torch.randn(2, 8, 10, 12) * 3 + 1
    sm, ss = torch.randn(2, 8, 1, 1), torch.rand(2, 8, 1, 1) + 0.1
    mean, std = calc_mean_std(content)
    expected = (content - mean) / std * ss + sm
    assert torch.allclose(adaptive_instance_normalization(content, sm, ss), expected, atol=1e-5)
    one = adaptive_instance_normalization(content[:1], sm[:1], ss[:1])  # one code for a batch of one
    assert torch.allclose(one, expected[:1], atol=1e-5)
