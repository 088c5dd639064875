import math

import pytest
import torch
from PIL import Image

from studio.style.fastpath import FastDec3, FastEncoder, FastPath, modulated_resblock
from studio.style.microast import MicroAST
from studio.style.tensors import to_tensor


@pytest.fixture(scope="module")
def random_model():
    """Random weights of the real scale (the init's are tiny, which would hide a wrong tap)."""
    torch.manual_seed(0)
    m = MicroAST().eval()
    for p in m.parameters():
        p.data.normal_(0, 0.3)
    return m


def close(fast, ref):
    return (fast - ref).abs().max().item() < 1e-4 * ref.abs().max().item()


def test_fast_encoder_equals_encoder(random_model):
    x = torch.rand(1, 3, 36, 52)
    with torch.inference_mode():
        ref = random_model.content_encoder(x)
        fast = FastEncoder(random_model.content_encoder)(x.contiguous(memory_format=torch.channels_last))
    for f, r in zip(fast, ref):
        assert f.shape == r.shape and close(f, r)


def test_modulated_resblock_equals_resblock(random_model):
    block = random_model.decoder.dec1
    x, w, b = torch.randn(1, 64, 9, 13), torch.randn(1, 64, 1, 1), torch.randn(1, 64, 1, 1)
    with torch.inference_mode():
        assert close(modulated_resblock(block, x, w, b), block(x, w, b))


def test_fast_dec3_equals_dec3(random_model):
    t = torch.randn(1, 64, 9, 13)
    with torch.inference_mode():
        ref = random_model.decoder.dec3(t)
        fast = FastDec3(random_model.decoder.dec3)(t)
    assert fast.shape == ref.shape == (1, 3, 36, 52)
    assert close(fast, ref)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    return 10 * math.log10(1.0 / ((a - b) ** 2).mean().item())


@pytest.mark.slow
def test_reduced_precision_is_invisible_on_real_pictures(exact_stylizer, photos, paintings):
    """The bfloat16 layers against float32 on every real photo and painting: PSNR >= 40 dB."""
    model = exact_stylizer.model
    exact_path, reduced_path = model.fast, FastPath(model, reduced=True)
    worst = math.inf
    for photo in photos:
        x = to_tensor(Image.open(photo).convert("RGB").resize((256, 192)))
        x = x.contiguous(memory_format=torch.channels_last)
        for painting in paintings:
            code = model.encode_style(to_tensor(Image.open(painting).convert("RGB").resize((256, 256))))
            try:
                model.fast = exact_path
                ref = model.decode(model.encode_content(x), code).clamp(0, 1)
                model.fast = reduced_path
                out = model.decode(model.encode_content(x), code).clamp(0, 1)
            finally:
                model.fast = exact_path
            worst = min(worst, psnr(out, ref))
    assert worst >= 40, worst


def test_the_fast_engine_builds_and_runs_on_the_meta_device():
    """Every layer the fast path builds lives on the engine's device: on `meta` (no data, any
    device's rules) a layer left on the CPU fails at once, as it would on CUDA."""
    import torch

    from studio.style.fast import FastStylizer
    from studio.style.microast import MicroAST
    from studio.style.tensors import pad4

    from devices import DevicesTouched

    with torch.device("meta"):
        model = MicroAST()
    with DevicesTouched() as touched:
        engine = FastStylizer(model, device="meta")
        x = torch.rand(1, 3, 48, 64, device="meta")
        code = engine.model.encode_style(pad4(x)[0])
        out = engine.stylize_tensor(x, code, strength=0.7)
    assert set(touched.seen) == {"meta"}, touched.seen
    assert out.device.type == "meta" and out.shape == x.shape
    assert {p.device.type for p in engine.model.parameters()} == {"meta"}
