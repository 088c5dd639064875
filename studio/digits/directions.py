"""Interpretable latent directions, found two ways.

- GANSpace (Härkönen et al. 2020): PCA of the generator's first hidden layer (with each
  class's mean removed, so the components describe handwriting rather than which digit it
  is), then a regression from PCA coordinates back to z: one direction per component.
- SeFa (Shen & Zhou 2021): the top eigenvectors of A^T A for the first layer's weights A on
  z, in closed form from the weights alone.
Directions are unit vectors in z, so a slider value is in standard deviations of the prior.

A direction gets a name only when a measurement says so: it is applied to many samples and
the change in slant, stroke width, width, height and top-heaviness of the drawn digit is
measured (for a generator of other pictures: brightness, the size, width and height of what
stands out from the background, and for colour ones saturation and warmth); an attribute counts if it moves the same way in at least 95 % of samples
(NAMING_BAR) and by at least half its spread, on two independent sets. The direction is flipped so that + means "more". Names are unique:
see name_directions.

    python -m studio directions [CHECKPOINT]   # stores them in the checkpoint's JSON
"""

from __future__ import annotations

import numpy as np
import torch

from studio.core.files import write_config
from studio.core.inputs import InputError
from studio.digits.checkpoints import load_generator
from studio.digits.networks import Generator, one_hot

ATTRIBUTES = ("slant", "stroke width", "width", "height", "top-heavy")
PICTURE_ATTRIBUTES = ("brightness", "size", "width", "height", "saturation", "warmth")


def measure_for(generator: Generator):
    """Digits (28 px grey, MNIST's shape) are measured as ink; any other pictures as pictures."""
    g = generator.config
    return measure if (g.image_size, g.image_channels) == (28, 1) else measure_pictures


def measure_pictures(images: torch.Tensor) -> dict[str, np.ndarray]:
    """Attributes of (N, C, H, W) pictures in [-1, 1]. What stands out is weighted by how far each
    pixel is from the background (the median of the picture's border), so no threshold is needed."""
    x = ((images + 1) / 2).clamp(0, 1).double()
    n, c, h, w = x.shape
    grey = x[:, 0] if c == 1 else 0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]
    border = torch.cat([grey[:, 0], grey[:, -1], grey[:, :, 0], grey[:, :, -1]], 1)
    weight = (grey - border.median(1).values[:, None, None]).abs()  # (N, H, W)
    mass = weight.sum((1, 2)).clamp_min(1e-6)
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
    cx, cy = (weight * xs).sum((1, 2)) / mass, (weight * ys).sum((1, 2)) / mass
    out = {"brightness": grey.mean((1, 2)).numpy(), "size": (mass / (h * w)).numpy(),
           "width": ((weight * (xs - cx[:, None, None]) ** 2).sum((1, 2)) / mass).sqrt().numpy(),
           "height": ((weight * (ys - cy[:, None, None]) ** 2).sum((1, 2)) / mass).sqrt().numpy()}
    if c == 3:
        hi, lo = x.amax(1), x.amin(1)
        out["saturation"] = ((hi - lo) / hi.clamp_min(1e-6)).mean((1, 2)).numpy()
        out["warmth"] = (x[:, 0] - x[:, 2]).mean((1, 2)).numpy()  # red against blue
    return out


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
    # Skew of the ink along y: positive when the mass sits high and a tail hangs down.
    skew = (ink * dy ** 3).sum((1, 2)) / mass / mu02.clamp_min(1e-6) ** 1.5
    return {
        "slant": slant.numpy(),
        "stroke width": (mass / (h * w)).numpy(),  # ink coverage: thicker strokes, more ink
        "width": mu20.sqrt().numpy(),
        "height": mu02.sqrt().numpy(),
        "top-heavy": skew.numpy(),
    }


METHODS = {"pca": "PCA of the first layer (GANSpace)", "sefa": "closed-form factorisation (SeFa)"}


@torch.no_grad()
def find_directions(generator: Generator, count: int = 8, samples: int = 5000, seed: int = 0,
                    method: str = "pca") -> list[dict]:
    """Return `count` directions as dicts {vector, variance, name, effect}, strongest first."""
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    dirs, strength = (pca_directions if method == "pca" else sefa_directions)(generator, count, samples, seed)
    named = name_directions(generator, dirs, seed)
    return [{"vector": (sign * dirs[k]).tolist(), "variance": float(strength[k]), "name": name,
             "effect": round(effect, 3)} for k, (name, sign, effect) in enumerate(named)]


def pca_directions(generator: Generator, count: int, samples: int, seed: int):
    """GANSpace: principal components of the first hidden layer, mapped back to z by regression."""
    g = torch.Generator().manual_seed(seed)
    generator.eval()
    zdim, nc = generator.config.latent_dim, generator.config.num_classes
    z = torch.randn(samples, zdim, generator=g)
    labels = torch.randint(0, max(nc, 1), (samples,), generator=g)
    y = one_hot(labels, nc) if nc else None
    h = generator.features(z, y).flatten(1).double()
    if nc:
        for c in range(nc):
            m = labels == c
            h[m] -= h[m].mean(0)
    else:
        h -= h.mean(0)
    # PCA by randomised SVD of the centred activations: only the top few components are needed.
    # Its random projection is seeded too, so the same checkpoint always gets the same sliders.
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        _, s, v = torch.pca_lowrank(h, q=count + 8, center=False, niter=4)
    comps = v[:, :count].T  # (count, D)
    variance = (s[:count] ** 2 / (samples - 1)).numpy()
    coords = h @ comps.T  # (N, count)
    # Regress z on the PCA coordinates: column k of U is the change in z per unit of component k.
    u = torch.linalg.lstsq(coords, z.double()).solution  # (count, zdim)
    return (u / u.norm(dim=1, keepdim=True)).float(), variance


def sefa_directions(generator: Generator, count: int, samples: int = 0, seed: int = 0):
    """SeFa (Shen & Zhou 2021): the latent directions the first layer stretches most are the
    top eigenvectors of A^T A, A being that layer's weights on z. No sampling needed."""
    a = generator.fc.weight.detach()[:, :generator.config.latent_dim].double()  # the class inputs are not style
    eigval, eigvec = torch.linalg.eigh(a.T @ a)
    order = eigval.argsort(descending=True)[:count]
    return eigvec[:, order].T.float().contiguous(), eigval[order].numpy()


@torch.no_grad()
def effects(generator: Generator, direction: torch.Tensor, n: int = 256, step: float = 2.0, seed: int = 0,
            consistency_bar: float = 0.9):
    """Every attribute a direction moves consistently (same sign in >= consistency_bar of samples) and
    strongly (at least half the attribute's spread), as (attribute, sign, effect), strongest first."""
    g = torch.Generator().manual_seed(10_000 + seed)
    nc = generator.config.num_classes
    z = torch.randn(n, generator.config.latent_dim, generator=g)
    y = one_hot(torch.randint(0, max(nc, 1), (n,), generator=g), nc) if nc else None
    measured = measure_for(generator)
    base = measured(generator(z, y))
    plus = measured(generator(z + step * direction, y))
    minus = measured(generator(z - step * direction, y))
    found = []
    for attr in base:
        diff = plus[attr] - minus[attr]
        effect = float(diff.mean() / (base[attr].std() + 1e-9))  # across the slider, in spreads of the attribute
        consistency = max((diff > 0).mean(), (diff < 0).mean())
        if consistency >= consistency_bar and abs(effect) >= 0.5:
            found.append((attr, 1.0 if effect > 0 else -1.0, abs(effect)))
    return sorted(found, key=lambda f: -f[2])


RECHECK = 5000  # seed offset of the second, independent set of samples a name must hold on
NAMING_BAR = 0.95  # above effects()' 90 %: a direction right at the bar passes or fails by which samples it sees


def confirmed_effects(generator: Generator, direction: torch.Tensor, seed: int = 0) -> list[tuple]:
    """effects() that hold with a margin, with the same sign, on two independent sets of samples, so that a
    name still holds when anyone measures it again on other digits."""
    again = {(a, s) for a, s, _ in effects(generator, direction, seed=seed + RECHECK, consistency_bar=NAMING_BAR)}
    return [f for f in effects(generator, direction, seed=seed, consistency_bar=NAMING_BAR) if (f[0], f[1]) in again]


def name_directions(generator: Generator, dirs: torch.Tensor, seed: int = 0) -> list[tuple]:
    """(name or None, sign, effect) per direction, every name used once. The direction with the
    strongest effect on an attribute gets its plain name; another one moving mostly the same
    attribute takes its next measured attribute, else the name with a number ("stroke width 2")."""
    found = [confirmed_effects(generator, dirs[k], seed=seed + k) for k in range(len(dirs))]
    taken: dict[str, int] = {}
    out: list[tuple] = [(None, 1.0, 0.0)] * len(dirs)
    for k in sorted(range(len(dirs)), key=lambda k: -(found[k][0][2] if found[k] else 0.0)):
        if not found[k]:
            continue
        free = [f for f in found[k] if f[0] not in taken]
        attr, sign, effect = free[0] if free else found[k][0]
        taken[attr] = taken.get(attr, 0) + 1
        out[k] = (attr if taken[attr] == 1 else f"{attr} {taken[attr]}", sign, effect)
    return out


def store_directions(checkpoint, count: int = 8) -> dict[str, list[dict]]:
    """Find a checkpoint's directions by both methods and keep them in its JSON, where
    DigitStudio reads them ("directions" for PCA, "directions_sefa" for SeFa)."""
    generator, config = load_generator(checkpoint)
    found = {method: find_directions(generator, count, method=method) for method in METHODS}
    config["directions"], config["directions_sefa"] = found["pca"], found["sefa"]
    write_config(checkpoint, config)
    return found
