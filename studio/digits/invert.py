"""Find a drawing's twin in the GAN: the class and latent that make the generator redraw it.

    inverter = Inverter.from_checkpoint()            # the shipped generator and its encoder
    twin = inverter(picture)                          # path, bytes, PIL image or array
    twin.digit, twin.confidence, twin.latent, twin.error, twin.image

Method (GAN inversion as in iGAN and in-domain inversion): the encoder proposes a latent and
class probabilities in one pass; the likeliest classes (up to TOP_K, while they hold probability)
each get a few starting latents, which Adam then refines together in one batch against the
pixel error, with a prior term that keeps the latent typical of N(0, I). The twin is the
candidate with the best pixel error plus class evidence. Without an encoder for the loaded
generator (a run trained in the app), every class starts from random latents: slower and
less exact, but it still works.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from studio.core import paths
from studio.core.devices import seeded
from studio.core.gpu import gpu
from studio.core.images import to_pil
from studio.core.inputs import InputError
from studio.digits.checkpoints import load_encoder, weights_digest
from studio.digits.drawing import drawing_image, read_drawing
from studio.digits.networks import Encoder, Generator, NUM_CLASSES, one_hot
from studio.digits.resolve import load_generator_any

TOP_K = 3  # classes tried at most; the encoder is rarely unsure between more
CLASS_MASS = 0.995  # stop adding classes once these hold this much probability
RESTARTS = 2  # starting latents per class: the encoder's, and one nudged off it
STEPS = 160
LR = 0.1
PRIOR = 1e-3  # weight of mean(z^2): large latents draw blurry, atypical digits
CLASS_WEIGHT = 0.02  # how much a class's probability counts against pixel error
FIT_TEMPERATURE = 0.005  # without an encoder: pixel error that makes one class e times less likely


@dataclass
class Twin:
    digit: int
    confidence: float
    latent: torch.Tensor  # (latent_dim,)
    error: float  # mean squared pixel error, twin vs drawing, both in [0, 1]
    image: Image.Image  # the twin, 28 x 28 white on black
    drawing: Image.Image  # the drawing as read, 28 x 28 white on black
    seconds: float = 0.0

    def to_json(self, file: str | None = None) -> dict:
        out = {"digit": self.digit, "confidence": round(self.confidence, 4),
               "latent": [round(float(v), 5) for v in self.latent], "error": round(self.error, 5),
               "seconds": round(self.seconds, 3)}
        return {"file": file, **out} if file is not None else out


class Inverter:
    def __init__(self, generator: Generator, encoder: Encoder | None = None, steps: int = STEPS):
        if not generator.config.num_classes:
            raise InputError("finding a twin needs a class-conditional generator")
        self.generator = generator.eval().requires_grad_(False)
        self.encoder = encoder.eval() if encoder is not None else None
        self.steps = steps

    @classmethod
    def from_checkpoint(cls, generator_spec=None, encoder_path=paths.DEFAULT_ENCODER) -> "Inverter":
        generator, _ = load_generator_any(generator_spec)
        return cls(generator, matching_encoder(generator, encoder_path))

    def on(self, device) -> "Inverter":
        """This inverter on `device`: a copy, so the app's own stays on the CPU for its other callers."""
        if next(self.generator.parameters()).device == torch.device(device):
            return self
        encoder = copy.deepcopy(self.encoder).to(device) if self.encoder is not None else None
        return Inverter(copy.deepcopy(self.generator).to(device), encoder, self.steps)

    def __call__(self, picture) -> Twin:
        t0 = time.perf_counter()
        ink = read_drawing(picture)
        twin = self.invert(torch.from_numpy(ink)[None, None])[0]
        twin.seconds = time.perf_counter() - t0
        return twin

    def invert(self, ink: torch.Tensor) -> list[Twin]:
        """ink (N, 1, 28, 28) in [0, 1], already read like MNIST -> one twin per picture. Pictures that
        need as many classes searched are searched together."""
        dev = next(self.generator.parameters()).device
        with torch.inference_mode():
            target = ink.float().to(dev) * 2 - 1
            z0, probs = self.propose(target)
        need = self.classes_needed(probs).tolist()  # the one read mid-search: how many rows each picture gets
        twins: list[Twin | None] = [None] * len(need)
        for k in sorted(set(need)):
            group = [i for i, v in enumerate(need) if v == k]
            fit = self.fit(target[group], None if z0 is None else z0[group], probs[group], k)
            for i, twin in zip(group, self._twins(fit, ink[group])):
                twins[i] = twin
        return twins

    def propose(self, target: torch.Tensor):
        """The encoder's latents (N, d) and class probabilities (N, 10); without an encoder, no latents
        and every class alike."""
        if self.encoder is None:
            return None, torch.full((target.shape[0], NUM_CLASSES), 1.0 / NUM_CLASSES, device=target.device)
        z0, logits = self.encoder(target)
        return z0, logits.softmax(1)

    def classes_needed(self, probs: torch.Tensor) -> torch.Tensor:
        """Classes to search per picture: the likeliest until they hold CLASS_MASS, up to TOP_K (every
        class without an encoder)."""
        if self.encoder is None:
            return torch.full((probs.shape[0],), NUM_CLASSES, device=probs.device)
        top_p = probs.topk(TOP_K, dim=1).values
        return ((top_p.cumsum(1) - top_p) < CLASS_MASS).sum(1)

    def fit(self, target: torch.Tensor, z0: torch.Tensor | None, probs: torch.Tensor, k: int):
        """The search for N pictures in [-1, 1], each over its k likeliest classes with RESTARTS starts,
        all on the generator's device: (latents (M, d), classes (M,), redrawn (M, 1, 28, 28), pixel
        errors (M,), each picture's best row (N,), class probabilities (N, 10))."""
        n, d, dev = target.shape[0], self.generator.config.latent_dim, target.device
        rows = k * RESTARTS
        gen = seeded(0, dev)  # the same drawing always gets the same twin
        with torch.inference_mode():
            if z0 is None:  # every class in order, from random latents
                classes = torch.arange(NUM_CLASSES, device=dev).repeat_interleave(RESTARTS).repeat(n)
                starts = 0.7 * torch.randn(n * rows, d, generator=gen, device=dev)
            else:  # the encoder's latent first, then nudged copies of it
                classes = probs.topk(k, dim=1).indices.flatten().repeat_interleave(RESTARTS)
                nudge = torch.randn(n * rows, d, generator=gen, device=dev) * 0.5
                nudge[::RESTARTS] = 0
                starts = z0.repeat_interleave(rows, 0) + nudge
        z = starts.clone().requires_grad_(True)
        y = one_hot(classes).to(dev)
        goal = target.repeat_interleave(rows, 0)
        opt = torch.optim.Adam([z], lr=LR)
        for _ in range(self.steps):
            err = (self.generator(z, y) - goal).pow(2).flatten(1).mean(1)
            loss = err.sum() + PRIOR * z.pow(2).mean(1).sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        with torch.inference_mode():
            drawn = self.generator(z, y)
            err = ((drawn - goal) / 2).pow(2).flatten(1).mean(1)  # in [0, 1] units, like the drawing
            if z0 is None:  # no class evidence but the fit: how much better each class redraws it
                probs = (-err.view(n, NUM_CLASSES, RESTARTS).amin(2) / FIT_TEMPERATURE).softmax(1)
            owner = torch.arange(n, device=dev).repeat_interleave(rows)
            score = err - CLASS_WEIGHT * torch.log(probs[owner, classes].clamp_min(1e-6))
            best = score.view(n, rows).argmin(1) + torch.arange(n, device=dev) * rows
        return z, classes, drawn, err, best, probs

    @staticmethod
    def _twins(fit, ink: torch.Tensor) -> list[Twin]:
        z, classes, drawn, err, best, probs = fit
        twins = []
        for i, k in enumerate(best.tolist()):
            digit = int(classes[k])
            twins.append(Twin(digit=digit, confidence=float(probs[i, digit]), latent=z[k].detach().cpu().clone(),
                              error=float(err[k]), image=to_pil(drawn[k].cpu()),
                              drawing=drawing_image(ink[i, 0].cpu().numpy())))
        return twins


def twin_seconds(inverter: Inverter, picture) -> float:
    """A ZeroGPU call's time for one twin: the hand-over, then Adam steps on up to TOP_K*RESTARTS latents
    (an estimate of 20 ms a step with a wide margin: no GPU was at hand to measure it)."""
    return 5 + 0.02 * inverter.steps


@gpu(duration=twin_seconds)
def find_twin_on_gpu(inverter: Inverter, picture) -> Twin:
    return inverter.on("cuda")(picture)


def matching_encoder(generator: Generator, path=paths.DEFAULT_ENCODER) -> Encoder | None:
    """The encoder trained for this very generator, or None (then inversion starts from random latents)."""
    from pathlib import Path

    if not Path(path).is_file():
        return None
    encoder, config = load_encoder(path)
    return encoder if config.get("generator") == weights_digest(generator) else None


def iou(a: np.ndarray, b: np.ndarray, level: float = 0.5) -> float:
    """Intersection over union of two ink maps in [0, 1], each thresholded at `level`."""
    a, b = np.asarray(a) >= level, np.asarray(b) >= level
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 1.0
