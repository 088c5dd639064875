"""Interpretable latent directions, GANSpace-style (Härkönen et al. 2020).

PCA of the generator's first hidden layer (with each class's mean removed, so the
components describe handwriting style rather than which digit it is), then a linear
regression from PCA coordinates back to z gives one direction in latent space per
component. Directions are unit vectors in z, so a slider value is in standard
deviations of the latent prior, ordered by the variance their component explains.

A direction gets a name only when a measurement says so: it is applied to many
samples and the change in slant, stroke width, width and height of the drawn digit is
measured; the name is kept if one attribute moves consistently (same sign in at least
90% of samples) and strongly. The direction is flipped so that + means "more".

    python -m studio directions [CHECKPOINT]   # stores them in the checkpoint's JSON
"""

from __future__ import annotations

import numpy as np
import torch

from studio.core.files import write_config
from studio.digits.checkpoints import load_generator
from studio.digits.networks import Generator, one_hot

ATTRIBUTES = ("slant", "stroke width", "width", "height")


def measure(images: torch.Tensor) -> dict[str, np.ndarray]:
    """Shape attributes of (N, 1, 28, 28) digits in [-1, 1] from image moments."""
    ink = ((images[:, 0] + 1) / 2).clamp(0, 1).double()  # (N, H, W)
    n, h, w = ink.shape
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
    mass = ink.sum((1, 2)).clamp_min(1e-6)
    cx = (ink * xs).sum((1, 2)) / mass
    cy = (ink * ys).sum((1, 2)) / mass
    dx, dy = xs - cx[:, None, None], ys - cy[:, None, None]
    mu20 = (ink * dx * dx).sum((1, 2)) / mass
    mu02 = (ink * dy * dy).sum((1, 2)) / mass
    mu11 = (ink * dx * dy).sum((1, 2)) / mass
    # Image y grows downwards: a digit leaning right has x decreasing as y grows, so negate.
    slant = -mu11 / mu02.clamp_min(1e-6)
    return {
        "slant": slant.numpy(),
        "stroke width": (mass / (h * w)).numpy(),  # ink coverage: thicker strokes, more ink
        "width": mu20.sqrt().numpy(),
        "height": mu02.sqrt().numpy(),
    }


@torch.no_grad()
def find_directions(generator: Generator, count: int = 8, samples: int = 5000, seed: int = 0) -> list[dict]:
    """Return `count` directions as dicts {vector, variance, name}, largest variance first."""
    g = torch.Generator().manual_seed(seed)
    generator.eval()
    zdim, nc = generator.config.latent_dim, generator.config.num_classes
    z = torch.randn(samples, zdim, generator=g)
    labels = torch.randint(0, max(nc, 1), (samples,), generator=g)
    y = one_hot(labels) if nc else None
    h = generator.features(z, y).flatten(1).double()
    if nc:
        for c in range(nc):
            m = labels == c
            h[m] -= h[m].mean(0)
    else:
        h -= h.mean(0)
    # PCA by randomised SVD of the centred activations: only the top few components are needed
    _, s, v = torch.pca_lowrank(h, q=count + 8, center=False, niter=4)
    comps = v[:, :count].T  # (count, D)
    variance = (s[:count] ** 2 / (samples - 1)).numpy()
    coords = h @ comps.T  # (N, count)
    # Regress z on the PCA coordinates: column k of U is the change in z per unit of component k.
    u = torch.linalg.lstsq(coords, z.double()).solution  # (count, zdim)
    dirs = (u / u.norm(dim=1, keepdim=True)).float()
    out = []
    for k in range(count):
        name, sign, effect = name_direction(generator, dirs[k], seed=seed + k)
        out.append({"vector": (sign * dirs[k]).tolist(), "variance": float(variance[k]),
                    "name": name, "effect": round(effect, 3)})
    return out


@torch.no_grad()
def name_direction(generator: Generator, direction: torch.Tensor, n: int = 256, step: float = 2.0, seed: int = 0):
    """(name or None, sign to apply, standardised effect) for one direction, by measurement."""
    g = torch.Generator().manual_seed(10_000 + seed)
    nc = generator.config.num_classes
    z = torch.randn(n, generator.config.latent_dim, generator=g)
    y = one_hot(torch.randint(0, max(nc, 1), (n,), generator=g)) if nc else None
    base = measure(generator(z, y))
    plus = measure(generator(z + step * direction, y))
    minus = measure(generator(z - step * direction, y))
    best = (None, 1.0, 0.0)
    for attr in ATTRIBUTES:
        diff = plus[attr] - minus[attr]
        spread = base[attr].std() + 1e-9
        effect = float(diff.mean() / spread)  # change across the slider in units of the attribute's spread
        consistency = max((diff > 0).mean(), (diff < 0).mean())
        if consistency >= 0.9 and abs(effect) >= 0.5 and abs(effect) > abs(best[2]):
            best = (attr, 1.0 if effect > 0 else -1.0, effect)
    return best[0], best[1], abs(best[2])


def store_directions(checkpoint, count: int = 8) -> list[dict]:
    """Find a checkpoint's directions and keep them in its JSON, where DigitStudio reads them."""
    generator, config = load_generator(checkpoint)
    config["directions"] = find_directions(generator, count)
    write_config(checkpoint, config)
    return config["directions"]
