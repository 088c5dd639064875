import numpy as np
import torch

from studio.microast import MicroAST, StyleCode
from studio.style_math import adaptive_instance_normalization, calc_mean_std


def test_matches_reference_vector(fast_stylizer, microast_dir):
    tv = np.load(microast_dir / "testvector.npz")
    out = fast_stylizer.model(torch.from_numpy(tv["content"]), torch.from_numpy(tv["style"]))
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
