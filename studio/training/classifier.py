"""Train the evaluation classifier that scores generators (accuracy, FID features, IS).

    python -m studio train-classifier --data-root DIR [--epochs 6] [--out checkpoints/classifier.safetensors]
"""

from __future__ import annotations

from studio.core.images import to_model_range
from studio.digits.data import load_mnist
from studio.evaluation.fit import accuracy, fit


def train(data_root=None, epochs: int = 6, batch_size: int = 128, lr: float = 2e-3, seed: int = 0, log=print):
    xtr, ytr = load_mnist(data_root, train=True)
    xte, yte = load_mnist(data_root, train=False)
    xtr, xte = to_model_range(xtr), to_model_range(xte)
    model = fit(xtr, ytr, epochs, batch_size, lr, seed, test=(xte, yte), log=log)
    return model, accuracy(model, xte, yte)
