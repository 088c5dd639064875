"""The Classification Accuracy Score (Ravuri & Vinyals 2019): train a classifier on generated digits
only, test it on real ones. Beside it, the same classifier, recipe and budget trained on as many real
training digits: the gap says what the synthetic set lacks.

    python -m studio evaluate --cas [--cas-n 60000] [--json]

The classifier is the evaluation classifier's architecture, trained from scratch by its recipe
(studio.evaluation.fit); the evaluator's trained weights and features never reach the generator.
"""

from __future__ import annotations

import time

import torch

from studio.core.images import to_model_range
from studio.digits.data import load_mnist
from studio.digits.networks import NUM_CLASSES, Generator
from studio.evaluation.fit import accuracy, fit

DEFAULT_N = 60_000  # as many as MNIST's training set: the real figure is then the recipe's own


def real_subset(n: int, seed: int = 0, data_root=None) -> tuple[torch.Tensor, torch.Tensor]:
    """n training digits, n // 10 of each class, seeded; all 60,000 (as they come) for n of that or more."""
    x, y = load_mnist(data_root, train=True)
    if n >= len(x):
        return to_model_range(x), y
    gen = torch.Generator().manual_seed(seed)
    per = n // NUM_CLASSES
    idx = torch.cat([torch.nonzero(y == c)[:, 0][torch.randperm(int((y == c).sum()), generator=gen)[:per]]
                     for c in range(NUM_CLASSES)])
    return to_model_range(x[idx]), y[idx]


def generated(generator: Generator, n: int, seed: int = 0, truncation: float = 1.0):
    """n generated digits, n // 10 of each class, in [-1, 1] with their labels."""
    from studio.evaluation.evaluator import generate_balanced

    if generator.config.num_classes != NUM_CLASSES:
        raise ValueError("the score needs a generator of the ten digits")
    return generate_balanced(generator, n // NUM_CLASSES, seed=seed, truncation=truncation)


def score(train_images: torch.Tensor, train_labels: torch.Tensor, epochs: int = 6, seed: int = 0,
          data_root=None) -> float:
    """Test accuracy on the 10,000 real MNIST test digits of a classifier trained on the given digits."""
    xte, yte = load_mnist(data_root, train=False)
    model = fit(train_images, train_labels, epochs=epochs, seed=seed, log=lambda *_: None)
    return accuracy(model, to_model_range(xte), yte)


def cas(generator: Generator, n: int = DEFAULT_N, epochs: int = 6, seed: int = 0, truncation: float = 1.0,
        data_root=None) -> dict:
    """CAS, the real-data figure from the same recipe and budget, and the gap, in points and as fractions."""
    t0 = time.time()
    fake_x, fake_y = generated(generator, n, seed, truncation)
    synthetic = score(fake_x, fake_y, epochs, seed, data_root)
    real_x, real_y = real_subset(n, seed, data_root)
    real = score(real_x, real_y, epochs, seed, data_root)
    return {"cas": synthetic, "cas_real": real, "cas_gap_points": round(100 * (real - synthetic), 2),
            "cas_n": len(fake_x), "cas_n_real": len(real_x), "cas_epochs": epochs, "cas_seconds": round(time.time() - t0, 1)}
