import numpy as np
import pytest
import torch

from studio.digits.pipeline import DigitStudio, InputError, check_number, slerp
from studio.digits.directions import find_directions


@pytest.fixture
def studio(tiny_generator):
    # Few samples keep the PCA quick; its quality is not under test here.
    return DigitStudio(tiny_generator, {"directions": find_directions(tiny_generator, count=4, samples=800)})


def test_same_seed_same_digit(studio):
    a = np.asarray(studio.image(seed=5, digit=2))
    b = np.asarray(studio.image(seed=5, digit=2))
    c = np.asarray(studio.image(seed=6, digit=2))
    assert a.shape == (28, 28) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_sliders_move_the_image(studio):
    base = studio.render(seed=1, digit=4)
    moved = studio.render(seed=1, digit=4, sliders=[2.0])
    assert (base - moved).abs().max() > 1e-3


def test_blend_endpoints_match_pure_classes(studio):
    pure3 = studio.render(seed=3, digit=3)
    pure8 = studio.render(seed=3, digit=8)
    assert torch.allclose(studio.render(seed=3, digit=3, blend_to=8, blend=0.0), pure3)
    assert torch.allclose(studio.render(seed=3, digit=3, blend_to=8, blend=1.0), pure8)
    mid = studio.render(seed=3, digit=3, blend_to=8, blend=0.5)
    assert not torch.allclose(mid, pure3) and not torch.allclose(mid, pure8)


def test_truncation_zero_ignores_seed(studio):
    a = studio.render(seed=1, digit=0, truncation=0.0)
    b = studio.render(seed=2, digit=0, truncation=0.0)
    assert torch.equal(a, b)


@pytest.mark.parametrize("kwargs, match", [
    (dict(seed=-1), "seed"),
    (dict(seed="abc"), "seed must be a number"),
    (dict(seed=1.5), "whole number"),
    (dict(digit=10), "digit"),
    (dict(digit=3, blend_to=8, blend=1.5), "blend"),
    (dict(truncation=float("nan")), "finite"),
    (dict(sliders=[float("inf")]), "finite"),
    (dict(sliders=[99]), "between"),
    (dict(sliders=[0] * 99), "slider values"),
])
def test_bad_inputs_give_messages(studio, kwargs, match):
    with pytest.raises(InputError, match=match):
        studio.render(**kwargs)


def test_check_number_accepts_numeric_strings():
    assert check_number("x", " 3 ", 0, 5, integer=True) == 3
    with pytest.raises(InputError):
        check_number("x", True, 0, 5)


def test_slerp_endpoints_and_norm():
    a, b = torch.randn(64), torch.randn(64)
    assert torch.allclose(slerp(a, b, 0.0), a, atol=1e-5)
    assert torch.allclose(slerp(a, b, 1.0), b, atol=1e-5)
    # midway the norm stays near the endpoints' norms, unlike a straight line
    mid = slerp(a, b, 0.5)
    assert mid.norm() > 0.9 * min(a.norm(), b.norm())


def test_interpolate_and_grid(studio):
    frames = studio.interpolate(1, 2, digit=5, frames=6)
    assert len(frames) == 6 and frames[0].size == (28, 28)
    assert np.array_equal(np.asarray(frames[0]), np.asarray(studio.image(seed=1, digit=5)))
    assert np.array_equal(np.asarray(frames[-1]), np.asarray(studio.image(seed=2, digit=5)))
    grid = studio.grid(seed=0, columns=10)
    assert grid.size == (10 * 30 + 2, 10 * 30 + 2)


def test_a_given_latent_replaces_the_seed(studio, tiny_generator):
    z = torch.randn(16, generator=torch.Generator().manual_seed(9))
    expected = tiny_generator(z[None], torch.eye(10)[[4]])
    assert torch.allclose(studio.render(seed=1, digit=4, latent=z.tolist()), expected)
    assert torch.allclose(studio.render(seed=2, digit=4, latent=z.tolist()), expected)  # the seed no longer matters
    moved = studio.render(seed=1, digit=4, latent=z.tolist(), sliders=[1.5])
    assert (moved - expected).abs().max() > 1e-3  # the sliders work on it


def test_a_given_latent_starts_interpolation_and_fills_the_grid_column(studio):
    z = torch.randn(16, generator=torch.Generator().manual_seed(9)).tolist()
    frames = studio.interpolate(1, 2, digit=5, frames=4, latent=z)
    assert np.array_equal(np.asarray(frames[0]), np.asarray(studio.image(seed=99, digit=5, latent=z)))
    assert np.array_equal(np.asarray(frames[-1]), np.asarray(studio.image(seed=2, digit=5)))
    with_twin, without = np.asarray(studio.grid(seed=0, latent=z)), np.asarray(studio.grid(seed=0))
    first, rest = slice(2, 30), slice(32, None)  # first column, other columns (28 px + 2 px gutters)
    assert not np.array_equal(with_twin[:, first], without[:, first])
    assert np.array_equal(with_twin[:, rest], without[:, rest])


@pytest.mark.parametrize("latent, message", [
    ([0.0] * 3, "has 16 numbers"),
    ([float("nan")] * 16, "finite"),
    ([1e6] * 16, "within"),
    ("abc", "list of numbers"),
])
def test_bad_latents_are_refused(studio, latent, message):
    with pytest.raises(InputError, match=message):
        studio.render(latent=latent)


def test_sliders_follow_the_chosen_method(tiny_generator):
    studio = DigitStudio(tiny_generator, {"directions": find_directions(tiny_generator, count=4, samples=800),
                                          "directions_sefa": find_directions(tiny_generator, count=4, method="sefa")})
    pca = studio.render(seed=1, digit=2, sliders=[2.0], method="pca")
    sefa = studio.render(seed=1, digit=2, sliders=[2.0], method="sefa")
    assert (pca - sefa).abs().max() > 1e-3
    with pytest.raises(InputError, match="direction method"):
        studio.render(method="tsne")
