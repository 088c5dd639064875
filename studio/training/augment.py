"""Differentiable augmentation (Zhao, Liu, Lin, Zhu and Han 2020, "Differentiable Augmentation for
Data-Efficient GAN Training"): random colour, translation and cutout applied to real and generated
images alike before the discriminator. On a few hundred pictures D otherwise memorises the set;
since every operation is differentiable, G still learns through it, and since fakes are augmented
the same way, G is not pushed to draw the augmentations.

    x = diff_augment(x, ("color", "translation", "cutout"))   # x in [-1, 1], (N, C, H, W)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

POLICIES = ("color", "translation", "cutout")


def parse(policy: str) -> tuple[str, ...]:
    """"color,cutout" -> ("color", "cutout"), "off" -> (); ValueError naming the unknown part."""
    parts = tuple(p.strip() for p in (policy or "").split(",") if p.strip() and p.strip() != "off")
    unknown = [p for p in parts if p not in POLICIES]
    if unknown:
        raise ValueError(f"unknown augmentation {unknown[0]!r}: use any of {', '.join(POLICIES)}, comma-separated")
    return parts


def color(x: torch.Tensor) -> torch.Tensor:
    """Brightness, saturation and contrast, each drawn per image (the paper's ranges)."""
    n = x.shape[0]
    rand = lambda: torch.rand(n, 1, 1, 1, device=x.device, dtype=x.dtype)  # noqa: E731
    x = x + (rand() - 0.5)
    if x.shape[1] > 1:
        mean = x.mean(dim=1, keepdim=True)
        x = (x - mean) * (rand() * 2) + mean
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * (rand() + 0.5) + mean


def translation(x: torch.Tensor, ratio: float = 0.125) -> torch.Tensor:
    """Shift by up to ratio of the side on each axis; the border is zero (mid-grey)."""
    n, _, h, w = x.shape
    sy, sx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-sy, sy + 1, (n, 1, 1), device=x.device)
    dx = torch.randint(-sx, sx + 1, (n, 1, 1), device=x.device)
    gy, gx = torch.meshgrid(torch.arange(h, device=x.device), torch.arange(w, device=x.device), indexing="ij")
    ys = torch.clamp(gy[None] + dy + 1, 0, h + 1)
    xs = torch.clamp(gx[None] + dx + 1, 0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1])
    idx = (ys * (w + 2) + xs).view(n, 1, h * w).expand(n, x.shape[1], h * w)
    return padded.flatten(2).gather(2, idx).view_as(x)


def cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    """A square of ratio of the side, at a random place per image, set to zero."""
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = torch.randint(0, h + (1 - ch % 2), (n, 1, 1), device=x.device)
    cx = torch.randint(0, w + (1 - cw % 2), (n, 1, 1), device=x.device)
    gy, gx = torch.meshgrid(torch.arange(h, device=x.device), torch.arange(w, device=x.device), indexing="ij")
    inside = ((gy[None] - cy).abs() < ch / 2) & ((gx[None] - cx).abs() < cw / 2)
    return x * (~inside).unsqueeze(1).to(x.dtype)


FUNCTIONS = {"color": color, "translation": translation, "cutout": cutout}


def diff_augment(x: torch.Tensor, policy: tuple[str, ...]) -> torch.Tensor:
    for name in policy:
        x = FUNCTIONS[name](x)
    return x.contiguous()
