"""The pure math of feature-statistics style transfer: no networks, no I/O."""

from __future__ import annotations

import torch
import torch.nn.functional as F

EPS = 1e-5


def calc_mean_std(feat: torch.Tensor, eps: float = EPS) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample, per-channel mean and std over H*W (unbiased variance + eps under the root)."""
    n, c = feat.shape[:2]
    flat = feat.reshape(n, c, -1)
    mean = flat.mean(2).view(n, c, 1, 1)
    std = (flat.var(2) + eps).sqrt().view(n, c, 1, 1)
    return mean, std


def adaptive_instance_normalization(content: torch.Tensor, style_mean: torch.Tensor, style_std: torch.Tensor) -> torch.Tensor:
    """AdaIN (Huang & Belongie 2017): give the content features the style's channel statistics.
    Takes the style's statistics, not its features, so they can be computed once and cached."""
    n, c, h, w = content.shape
    if h * w < 2:
        mean, std = calc_mean_std(content)
        return (content - mean) / std * style_std + style_mean
    # batch_norm in training mode over (1, N*C, H, W) gives each sample's channels their own
    # statistics in one pass: 0.2 ms instead of 2.7 ms for 64x128x128 on the CPU. It divides the
    # variance by n, calc_mean_std by n - 1; scaling eps and the std by k = (n-1)/n makes them equal.
    k = (h * w - 1) / (h * w)
    scale, shift = (s.expand(n, c, 1, 1).reshape(-1) for s in (style_std * k ** 0.5, style_mean))
    out = F.batch_norm(content.reshape(1, n * c, h, w), None, None, scale, shift, True, 0.0, EPS * k)
    return out.reshape(n, c, h, w)


def gram_matrix(feat: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, C, C) normalised by the number of positions (Gatys et al. 2016)."""
    n, c, h, w = feat.shape
    f = feat.reshape(n, c, h * w)
    return f @ f.transpose(1, 2) / (h * w)
