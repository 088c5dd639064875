"""The losses and the shift augmentation."""

import torch

from studio.training.losses import d_loss_fn, g_loss_fn, mode_seeking, translate


def test_relativistic_loss_pairs_real_and_fake():
    real, fake = torch.tensor([2.0, 1.0]), torch.tensor([-1.0, 0.0])
    # softplus(fake - real): small when each real scores above its paired fake
    assert d_loss_fn("relativistic", real, fake) < d_loss_fn("relativistic", fake, real)
    assert torch.isclose(g_loss_fn("relativistic", fake, real), d_loss_fn("relativistic", fake, real))


def test_translate_moves_whole_images_within_the_shift():
    torch.manual_seed(0)
    x = torch.full((64, 1, 28, 28), -1.0)
    x[:, 0, 14, 14] = 1.0  # one bright pixel in the middle
    out = translate(x, 2)
    assert out.shape == x.shape
    ys, xs = torch.nonzero(out[:, 0] > 0, as_tuple=True)[1:]
    assert len(ys) == 64  # the pixel survives every move, and nothing else lights up
    assert (ys - 14).abs().max() <= 2 and (xs - 14).abs().max() <= 2
    assert len({(int(a), int(b)) for a, b in zip(ys, xs)}) > 10  # and the moves vary
    assert torch.equal(translate(x, 0), x)


def test_translate_is_differentiable():
    x = torch.rand(4, 1, 28, 28, requires_grad=True)
    translate(x, 3).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_mode_seeking_falls_as_paired_images_spread():
    z_a, z_b = torch.zeros(4, 8), torch.ones(4, 8)  # noise 1 apart per coordinate
    same = torch.zeros(4, 1, 28, 28)
    assert mode_seeking(same, same, z_a, z_b) > 1e4  # collapsed pairs: the term is huge
    # images 0.5 apart per pixel for noise 1 apart: the term is 1 / 0.5
    assert torch.isclose(mode_seeking(same, same + 0.5, z_a, z_b), torch.tensor(2.0), rtol=1e-3)
    near, far = mode_seeking(same, same + 0.1, z_a, z_b), mode_seeking(same, same + 1.0, z_a, z_b)
    assert far < near
    fake = torch.zeros(4, 1, 28, 28, requires_grad=True)
    mode_seeking(fake, same + 0.5, z_a, z_b).backward()
    assert fake.grad.abs().sum() > 0  # it trains the generator


def test_unknown_loss_names_raise_instead_of_falling_through():
    import pytest

    x = torch.zeros(4)
    for fn in (d_loss_fn, g_loss_fn):
        with pytest.raises(KeyError, match="unknown GAN loss 'wasserstein'"):
            fn("wasserstein", x, x)


def test_every_offered_loss_has_both_halves():
    from studio.training.config import LOSSES
    from studio.training.losses import D_LOSSES, G_LOSSES

    assert set(D_LOSSES) == set(G_LOSSES) == set(LOSSES)


def test_penalties_on_a_linear_critic_have_their_closed_form():
    """D(x) = <w, x>: its gradient is w everywhere, so WGAN-GP gives (|w| - 1)^2 and R1 with
    gamma gives gamma/2 |w|^2."""
    from studio.training.losses import gradient_penalty, interpolates, r_penalties

    w = torch.full((1, 1, 2, 2), 1.5)  # |w| = 3
    real, fake = torch.rand(5, 1, 2, 2), torch.rand(5, 1, 2, 2)
    points = interpolates(real, fake)
    assert torch.isclose(gradient_penalty((points * w).flatten(1).sum(1), points), torch.tensor(4.0))
    x = real.clone().requires_grad_(True)
    y = fake.clone().requires_grad_(True)
    logits = torch.cat([(x * w).flatten(1).sum(1), (y * w).flatten(1).sum(1)])
    assert torch.isclose(r_penalties(logits, [x], [10.0]), torch.tensor(45.0))
    assert torch.isclose(r_penalties(logits, [x, y], [10.0, 2.0]), torch.tensor(45.0 + 9.0))
