"""The GAN losses the trainer offers, as functions of the discriminator's logits."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def d_loss_fn(loss: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    if loss == "hinge":
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()
    if loss == "wgan-gp":
        return fake.mean() - real.mean()
    return F.softplus(-real).mean() + F.softplus(fake).mean()  # BCE with logits


def g_loss_fn(loss: str, fake: torch.Tensor) -> torch.Tensor:
    if loss == "minimax":
        return -F.softplus(fake).mean()  # minimise log(1 - D(G(z))): saturates early, as the paper warns
    if loss == "nonsaturating":
        return F.softplus(-fake).mean()  # minimise -log D(G(z))
    return -fake.mean()
