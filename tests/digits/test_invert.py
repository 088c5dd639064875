"""Finding a drawing's twin: mechanics on the shipped generator, and the quality bar on real digits."""

import os

import numpy as np
import pytest
import torch

from mouse_drawings import drawings
from studio.core import paths
from studio.digits.checkpoints import load_generator, save_encoder
from studio.digits.drawing import read_drawing
from studio.digits.invert import Inverter, iou, matching_encoder
from studio.digits.networks import Encoder, one_hot


@pytest.fixture(scope="module")
def inverter():
    return Inverter.from_checkpoint()


@pytest.fixture(scope="module")
def generator():
    return load_generator(paths.DEFAULT_GENERATOR)[0]


def ink_of(generator, seed, digit):
    z = torch.randn(1, generator.config.latent_dim, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        return ((generator(z, one_hot(torch.tensor([digit]))) + 1) / 2)[0, 0].numpy()


def test_the_shipped_encoder_belongs_to_the_shipped_generator(inverter):
    assert inverter.encoder is not None


def test_a_generated_digit_finds_itself(inverter, generator):
    for digit in (0, 4, 7):
        ink = ink_of(generator, seed=11 + digit, digit=digit)
        twin = inverter.invert(torch.from_numpy(ink)[None, None])[0]
        assert twin.digit == digit
        assert twin.error < 0.01 and iou(np.asarray(twin.image) / 255, ink) > 0.85


def test_the_twin_comes_from_the_drawing_not_only_its_class(inverter, generator):
    """Two different 3s get different twins, each closer to its own drawing than to the other."""
    a, b = ink_of(generator, 1, 3), ink_of(generator, 2, 3)
    ta, tb = inverter.invert(torch.from_numpy(np.stack([a, b]))[:, None])
    ia, ib = np.asarray(ta.image) / 255, np.asarray(tb.image) / 255
    assert iou(ia, a) > iou(ia, b) + 0.1 and iou(ib, b) > iou(ib, a) + 0.1
    assert (ta.latent - tb.latent).norm() > 1.0


def test_same_drawing_same_twin_and_fields(inverter):
    picture, digit = drawings(1, seed=3)[0]
    one, two = inverter(picture), inverter(picture)
    assert torch.equal(one.latent, two.latent) and one.digit == two.digit
    out = one.to_json("d.png")
    assert set(out) == {"file", "digit", "confidence", "latent", "error", "seconds"}
    assert len(out["latent"]) == 64 and 0 <= out["error"] <= 1 and 0 < out["confidence"] <= 1
    assert one.image.size == (28, 28) and one.drawing.size == (28, 28) and one.seconds > 0


def test_an_encoder_for_another_generator_is_not_used(tmp_path, tiny_generator, generator):
    path = save_encoder(tmp_path / "encoder.safetensors", Encoder(16), tiny_generator)
    assert matching_encoder(tiny_generator, path) is not None
    assert matching_encoder(generator, path) is None
    assert matching_encoder(generator, tmp_path / "missing.safetensors") is None


def test_without_an_encoder_every_class_is_searched(generator):
    twin = Inverter(generator, None, steps=60).invert(torch.from_numpy(ink_of(generator, 5, 6))[None, None])[0]
    assert twin.digit == 6 and twin.error < 0.03


def test_an_unconditional_generator_is_refused(tiny_generator):
    from studio.digits.networks import Generator, GeneratorConfig

    with pytest.raises(ValueError, match="class-conditional"):
        Inverter(Generator(GeneratorConfig(latent_dim=16, channels=8, num_classes=0)))


# MNIST test digits for the quality bar: 300 in the suite, the first of each class in the test set;
# STUDIO_TWIN_DIGITS=1000 gives the figure in docs/digits.md (100 per class).
TWIN_DIGITS = int(os.environ.get("STUDIO_TWIN_DIGITS", 300))


@pytest.mark.slow
def test_quality_on_real_mnist_test_digits(inverter, mnist_available):
    """The acceptance bar on real MNIST test digits, the same number of each class."""
    from studio.digits.data import load_mnist

    x, y = load_mnist(mnist_available, train=False)
    idx = torch.cat([torch.nonzero(y == c)[:TWIN_DIGITS // 10, 0] for c in range(10)])
    inks = np.stack([read_drawing(x[i].numpy()) for i in idx])
    twins = []
    for i in range(0, len(inks), 100):
        twins += inverter.invert(torch.from_numpy(inks[i:i + 100])[:, None])
    agree = np.mean([t.digit == int(y[i]) for t, i in zip(twins, idx)])
    mean_iou = np.mean([iou(np.asarray(t.image) / 255, ink) for t, ink in zip(twins, inks)])
    print(f"{len(idx)} MNIST test digits: class agreement {agree:.4f}, mean IoU {mean_iou:.4f}")
    assert agree >= 0.98 and mean_iou >= 0.90


@pytest.mark.slow
def test_quality_on_mouse_drawings(inverter):
    """100 drawings made by the tests: thick strokes, three looks, rotations and shears."""
    pictures = drawings(100, seed=2026)
    inks = np.stack([read_drawing(p) for p, _ in pictures])
    twins = []
    for i in range(0, len(inks), 100):
        twins += inverter.invert(torch.from_numpy(inks[i:i + 100])[:, None])
    right = np.mean([t.digit == d for t, (_, d) in zip(twins, pictures)])
    print(f"mouse drawings: class right {right:.4f}")
    assert right >= 0.95


@pytest.mark.cuda
def test_on_cuda_a_twin_is_the_cpu_twin(cuda, inverter, generator):
    ink = torch.from_numpy(ink_of(generator, 5, 7))[None, None]
    on_cpu, on_gpu = inverter.invert(ink)[0], inverter.on(cuda).invert(ink)[0]
    assert on_gpu.digit == on_cpu.digit == 7 and on_gpu.latent.device.type == "cpu"
    assert abs(on_gpu.error - on_cpu.error) < 0.01
    assert next(inverter.generator.parameters()).device.type == "cpu"  # the app's own stays on the CPU


@pytest.mark.parametrize("with_encoder", [True, False])
def test_the_twin_search_runs_on_meta_without_touching_another_device(with_encoder):
    """Built on `meta`, the whole search (starts, Adam steps, the pick of the best row) runs there:
    a tensor made on the CPU by mistake would show here, as it would break the search on a GPU."""
    from devices import DevicesTouched
    from studio.digits.networks import Encoder, Generator, GeneratorConfig

    generator = Generator(GeneratorConfig(latent_dim=16, channels=8)).to("meta")
    encoder = Encoder(latent_dim=16, channels=8).to("meta") if with_encoder else None
    target = torch.rand(2, 1, 28, 28, device="meta") * 2 - 1
    inverter = Inverter(generator, encoder, steps=2)
    with DevicesTouched() as touched:
        z0, probs = inverter.propose(target)
        needed = inverter.classes_needed(probs)
        z, classes, drawn, err, best, probs = inverter.fit(target, z0, probs, 3 if with_encoder else 10)
    assert set(touched.seen) == {"meta"}, touched.seen
    rows = (3 * 2 if with_encoder else 10 * 2) * 2  # classes x RESTARTS x pictures
    assert needed.shape == (2,) and z.shape == (rows, 16) and drawn.shape == (rows, 1, 28, 28) and best.shape == (2,)
