"""The GAN losses the trainer offers, as functions of the discriminator's logits, and the
translation augmentation applied to everything the discriminator sees."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def d_loss_fn(loss: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    if loss == "hinge":
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()
    if loss == "wgan-gp":
        return fake.mean() - real.mean()
    if loss == "relativistic":
        # RpGAN (Jolicoeur-Martineau 2019; the R3GAN baseline, Huang et al. 2025): each real is
        # judged against a paired fake, which removes the mode-dropping optimum of the plain loss
        return F.softplus(fake - real).mean()
    return F.softplus(-real).mean() + F.softplus(fake).mean()  # BCE with logits


def g_loss_fn(loss: str, fake: torch.Tensor, real: torch.Tensor | None = None) -> torch.Tensor:
    """real: the paired real logits (no gradient), needed by the relativistic loss only."""
    if loss == "minimax":
        return -F.softplus(fake).mean()  # minimise log(1 - D(G(z))): saturates early, as the paper warns
    if loss == "nonsaturating":
        return F.softplus(-fake).mean()  # minimise -log D(G(z))
    if loss == "relativistic":
        return F.softplus(real - fake).mean()
    return -fake.mean()


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
    dy, dx = (torch.randint(0, 2 * shift + 1, (n,), generator=generator).to(x.device) for _ in range(2))
    rows = (dy[:, None] + torch.arange(h, device=x.device)[None])[:, None, :, None].expand(n, x.shape[1], h, w + 2 * shift)
    out = padded.gather(2, rows)
    cols = (dx[:, None] + torch.arange(w, device=x.device)[None])[:, None, None, :].expand(n, x.shape[1], h, w)
    return out.gather(3, cols)
