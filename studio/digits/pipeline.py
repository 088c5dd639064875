"""The Digits capability as a pipeline object: seed + class mix + slider values -> a digit.

    studio = DigitStudio.from_checkpoint()          # the shipped generator
    img = studio.image(seed=7, digit=3)             # 28x28 PIL image
    img = studio.image(seed=7, digit=3, blend_to=8, blend=0.4, sliders=[1.5, 0, -1])

GanStudio is the same for any generator the studio trains (own pictures, 32 or 64 px, grey or
colour, any number of classes, named in the checkpoint); DigitStudio is GanStudio held to MNIST's
shape, which the Digits tab's drawing, twin search and browser engine need.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from PIL import Image

from studio.core.images import tile, to_pil
from studio.core.inputs import MAX_SEED, InputError, check_number  # noqa: F401 - part of this API
from studio.digits.directions import METHODS, find_directions
from studio.digits.networks import Generator, IMAGE_SIZE, NUM_CLASSES
from studio.digits.resolve import load_generator_any
from studio.digits.sample import class_names

SLIDER_RANGE = 3.0  # slider values are in standard deviations of the latent prior
MAX_LATENT = 12.0  # far beyond anything N(0, I) or a twin search gives; keeps API input sane


@dataclass
class Direction:
    vector: torch.Tensor
    variance: float
    name: str | None

    def label(self, index: int) -> str:
        """The slider's words: its measured name ("Slant"); a second direction moving the same thing
        ("Stroke width, another way"); or, with no measured name, a plain say-so."""
        if not self.name:
            return f"Change {index + 1}: mixed, no single measured effect"
        base, _, count = self.name.rpartition(" ")
        if count.isdigit() and base:
            return f"{base.capitalize()}, another way" + (f" ({count})" if count != "2" else "")
        return self.name.capitalize()


def slerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """Spherical interpolation: Gaussian latents live near a sphere, where a straight line
    would pass through the unlikely low-norm middle and wash the digit out."""
    an, bn = a / a.norm(), b / b.norm()
    omega = torch.arccos((an * bn).sum().clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    if so.abs() < 1e-6:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * omega) / so) * a + (torch.sin(t * omega) / so) * b


MAX_GRID_ROWS = 16  # a grid shows the first 16 classes of a set with more


class GanStudio:
    def __init__(self, generator: Generator, config: dict | None = None, directions: list[Direction] | None = None):
        self.generator = generator.eval()
        self.config = config or {}
        self.latent_dim = generator.config.latent_dim
        self.num_classes = generator.config.num_classes
        self.conditional = self.num_classes > 0
        self.classes = class_names(generator, self.config) if self.conditional else []
        self._given = directions
        self._sets: dict[str, list[Direction]] = {}

    def direction_set(self, method: str = "pca") -> list[Direction]:
        """The sliders' directions by one method (see studio.digits.directions), stored in the
        checkpoint's JSON or found on first use."""
        if self._given is not None:
            return self._given
        if method not in METHODS:
            raise InputError(f"direction method must be one of {', '.join(METHODS)}, got {str(method)[:40]!r}")
        if method not in self._sets:
            stored = self.config.get("directions" if method == "pca" else f"directions_{method}")
            stored = stored or find_directions(self.generator, method=method)
            self._sets[method] = [Direction(torch.tensor(d["vector"]), d["variance"], d.get("name")) for d in stored]
        return self._sets[method]

    @property
    def directions(self) -> list[Direction]:
        return self.direction_set("pca")

    @classmethod
    def from_checkpoint(cls, spec=None) -> "GanStudio":
        generator, config = load_generator_any(spec)
        return cls(generator, config)

    # ---- inputs ------------------------------------------------------------------
    def latent(self, seed, latent=None) -> torch.Tensor:
        """The starting latent (1, d): a given one (a drawing's twin), else the seed's."""
        if latent is not None:
            return self.check_latent(latent)[None]
        seed = check_number("seed", seed, 0, MAX_SEED, integer=True)
        return torch.randn(1, self.latent_dim, generator=torch.Generator().manual_seed(seed))

    def check_latent(self, latent) -> torch.Tensor:
        """A latent from outside (the UI's state, the API): the right length, finite, not absurd."""
        try:
            z = torch.as_tensor(latent, dtype=torch.float32).flatten()
        except (TypeError, ValueError, RuntimeError):
            raise InputError("a latent must be a list of numbers") from None
        if z.numel() != self.latent_dim:
            raise InputError(f"a latent for this generator has {self.latent_dim} numbers, got {z.numel()}")
        if not torch.isfinite(z).all() or z.abs().max() > MAX_LATENT:
            raise InputError(f"latent values must be finite and within ±{MAX_LATENT:g}")
        return z

    def class_weights(self, digit, blend_to=None, blend=0.0) -> torch.Tensor | None:
        if not self.conditional:
            return None
        last = self.num_classes - 1
        digit = check_number("digit" if self.num_classes == NUM_CLASSES else "class", digit, 0, last, integer=True)
        blend = check_number("blend", blend, 0.0, 1.0)  # checked with or without a second digit
        y = torch.zeros(1, self.num_classes)
        if blend_to is None:
            y[0, digit] = 1.0
            return y
        blend_to = check_number("second class", blend_to, 0, last, integer=True)
        y[0, digit] += 1.0 - blend
        y[0, blend_to] += blend
        return y

    def edit(self, z: torch.Tensor, sliders=(), truncation=1.0, method: str = "pca") -> torch.Tensor:
        truncation = check_number("truncation", truncation, 0.0, 1.0)
        directions = self.direction_set(method)
        sliders = list(sliders or [])
        if len(sliders) > len(directions):
            raise InputError(f"got {len(sliders)} slider values but this generator has {len(directions)} directions")
        # Truncation pulls z toward the prior's mean: cleaner, more typical digits, less variety.
        z = z * truncation
        for i, v in enumerate(sliders):
            v = check_number(f"slider {directions[i].label(i)}", v, -SLIDER_RANGE, SLIDER_RANGE)
            z = z + v * directions[i].vector
        return z

    # ---- outputs -----------------------------------------------------------------
    @torch.inference_mode()
    def render(self, seed=0, digit=0, blend_to=None, blend=0.0, sliders=(), truncation=1.0, latent=None,
               method: str = "pca") -> torch.Tensor:
        """One picture as a (1, C, H, W) tensor in [-1, 1] (a digit: (1, 1, 28, 28)); `latent` (a twin's) replaces the seed's,
        `method` picks the sliders' directions."""
        z = self.edit(self.latent(seed, latent), sliders, truncation, method)
        return self.generator(z, self.class_weights(digit, blend_to, blend))

    def image(self, **kwargs) -> Image.Image:
        return to_pil(self.render(**kwargs)[0])

    @torch.inference_mode()
    def interpolate(self, seed_a, seed_b, digit=0, frames: int = 16, sliders=(), truncation=1.0,
                    latent=None, method: str = "pca") -> list[Image.Image]:
        """Frames walking from seed_a (or the given latent) to seed_b along the great circle between them."""
        frames = check_number("frames", frames, 2, 120, integer=True)
        za, zb = self.latent(seed_a, latent)[0], self.latent(seed_b)[0]
        z = torch.stack([slerp(za, zb, t / (frames - 1)) for t in range(frames)])
        z = self.edit(z, sliders, truncation, method)
        y = self.class_weights(digit)
        y = y.expand(frames, -1) if y is not None else None
        return [to_pil(img) for img in self.generator(z, y)]

    @torch.inference_mode()
    def grid(self, seed=0, columns: int = 10, truncation=1.0, latent=None) -> Image.Image:
        """One row per class (the first MAX_GRID_ROWS), `columns` latents per row (the same latents in
        every row). A given latent (a twin's) fills the first column: that handwriting as every digit."""
        columns = check_number("columns", columns, 1, 32, integer=True)
        gen = torch.Generator().manual_seed(check_number("seed", seed, 0, MAX_SEED, integer=True))
        z = torch.randn(columns, self.latent_dim, generator=gen)
        if latent is not None:
            z[0] = self.check_latent(latent)
        z = z * check_number("truncation", truncation, 0.0, 1.0)
        rows = min(self.num_classes, MAX_GRID_ROWS) if self.conditional else 1
        z = z.repeat(rows, 1)
        y = torch.eye(self.num_classes)[:rows].repeat_interleave(columns, 0) if self.conditional else None
        return tile(self.generator(z, y), nrow=columns)


class DigitStudio(GanStudio):
    """GanStudio for MNIST-shaped generators (28 px grey, 10 digits or none)."""

    def __init__(self, generator: Generator, config: dict | None = None, directions: list[Direction] | None = None):
        gc = generator.config
        if (gc.image_size, gc.image_channels) != (IMAGE_SIZE, 1) or gc.num_classes not in (0, NUM_CLASSES):
            raise InputError(f"this generator draws {gc.image_size} px {'grey' if gc.image_channels == 1 else 'colour'} "
                             f"pictures of {gc.num_classes or 'no'} classes; Digits draws MNIST-shaped generators "
                             "(28 px grey, 10 digits): open it in the Generate tab, or sample it with "
                             "python -m studio sample")
        super().__init__(generator, config, directions)
