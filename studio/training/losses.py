"""The GAN losses the trainer offers (functions of the discriminator's logits), every penalty
and extra term, and the translation augmentation applied to everything the discriminator sees."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _bce_d(real, fake):
    return F.softplus(-real).mean() + F.softplus(fake).mean()  # BCE with logits


D_LOSSES = {
    "hinge": lambda real, fake: F.relu(1 - real).mean() + F.relu(1 + fake).mean(),
    "wgan-gp": lambda real, fake: fake.mean() - real.mean(),
    # RpGAN (Jolicoeur-Martineau 2019; the R3GAN baseline, Huang et al. 2025): each real is
    # judged against a paired fake, which removes the mode-dropping optimum of the plain loss
    "relativistic": lambda real, fake: F.softplus(fake - real).mean(),
    "nonsaturating": _bce_d,
    "minimax": _bce_d,
}

G_LOSSES = {
    "hinge": lambda fake, real: -fake.mean(),
    "wgan-gp": lambda fake, real: -fake.mean(),
    "relativistic": lambda fake, real: F.softplus(real - fake).mean(),
    "nonsaturating": lambda fake, real: F.softplus(-fake).mean(),  # minimise -log D(G(z))
    # minimise log(1 - D(G(z))): saturates early, as the paper warns
    "minimax": lambda fake, real: -F.softplus(fake).mean(),
}


def _pick(table: dict, loss: str):
    if loss not in table:
        raise KeyError(f"unknown GAN loss {loss!r}; expected one of {', '.join(table)}")
    return table[loss]


def d_loss_fn(loss: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """The critic's loss from its logits on real and generated images."""
    return _pick(D_LOSSES, loss)(real, fake)


def g_loss_fn(loss: str, fake: torch.Tensor, real: torch.Tensor | None = None) -> torch.Tensor:
    """real: the paired real logits (no gradient), needed by the relativistic loss only."""
    return _pick(G_LOSSES, loss)(fake, real)


def interpolates(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Random points between real and generated images, where WGAN-GP asks for unit gradients."""
    eps = torch.rand(real.shape[0], 1, 1, 1, device=real.device)
    return (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)


def gradient_penalty(logits: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): E(|grad D(x_hat)| - 1)^2 at the interpolates."""
    (grad,) = torch.autograd.grad(logits.sum(), points, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


def r_penalties(logits: torch.Tensor, inputs: list[torch.Tensor], gammas: list[float]) -> torch.Tensor:
    """R1 / R2 (Mescheder et al. 2018): gamma/2 E|grad D(x)|^2 for each input with its gamma.
    The discriminator treats samples independently, so one gradient of the summed logits gives
    each input its own gradient."""
    grads = torch.autograd.grad(logits.sum(), inputs, create_graph=True)
    return sum(w / 2 * g.square().flatten(1).sum(1).mean() for g, w in zip(grads, gammas))


def mode_seeking(fake_a: torch.Tensor, fake_b: torch.Tensor, z_a: torch.Tensor, z_b: torch.Tensor) -> torch.Tensor:
    """MSGAN's mode-seeking term (Mao et al. 2019) for pairs that share a label: the inverse of how
    far the images move per unit the noise moves. Minimising it spreads each class's samples, so a
    conditional generator keeps rarer styles instead of the few its critic passes most easily."""
    ratio = (fake_a - fake_b).abs().mean() / (z_a - z_b).abs().mean()
    return 1 / (ratio + 1e-5)


def translate(x: torch.Tensor, shift: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Each image moved by a random whole number of pixels in [-shift, shift] on each axis, the
    border filled with the background (-1). Only translation: a flip or a rotation would turn a
    digit into another digit (or none). Differentiable with respect to x, so it applies to fakes
    too, which keeps the discriminator from telling real from fake by the augmentation alone."""
    if shift <= 0:
        return x
    n, _, h, w = x.shape
    padded = F.pad(x, [shift] * 4, value=-1.0)
    dev = generator.device if generator is not None else x.device  # drawn where x lives unless told
    dy, dx = (torch.randint(0, 2 * shift + 1, (n,), generator=generator, device=dev).to(x.device) for _ in range(2))
    rows = (dy[:, None] + torch.arange(h, device=x.device)[None])[:, None, :, None].expand(n, x.shape[1], h, w + 2 * shift)
    out = padded.gather(2, rows)
    cols = (dx[:, None] + torch.arange(w, device=x.device)[None])[:, None, None, :].expand(n, x.shape[1], h, w)
    return out.gather(3, cols)
