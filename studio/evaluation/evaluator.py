"""Score a generator with the project's MNIST classifier.

    python -m studio evaluate [--generator SPEC] [--n-per-class 1000] [--json]

Reports class accuracy of conditional samples, FID in the classifier's 128-d feature
space against the MNIST test set, the same per class, the classifier Inception Score,
k-NN precision and recall, and density and coverage; each distance beside its real-vs-real
floor (10k training images against the 10k test images).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from studio.core import paths
from studio.core.images import to_model_range
from studio.digits.checkpoints import load_classifier
from studio.digits.data import load_mnist
from studio.digits.networks import IMAGE_SIZE, NUM_CLASSES, Generator, one_hot
from studio.evaluation import metrics


def to_classifier_size(images: torch.Tensor) -> torch.Tensor:
    """Digits drawn at another size (a 32 px run on MNIST as a folder) scaled to the classifier's 28 px."""
    if images.shape[-1] == IMAGE_SIZE:
        return images
    return F.interpolate(images, size=(IMAGE_SIZE, IMAGE_SIZE), mode="bilinear", antialias=True, align_corners=False)


def digit_classes(classes: list[str]) -> bool:
    """A set whose classes are the ten digits in order (MNIST as a folder 0-9, torchvision:MNIST):
    the MNIST evaluator can score its samples. Any other set (FashionMNIST too) it cannot."""
    return [str(c).split(" ")[0] for c in classes] == [str(d) for d in range(10)]


_REAL: dict[tuple[str, str], tuple] = {}  # (classifier, data folder) -> the test set's (features, probs, labels)


class Evaluator:
    """Wraps the classifier; caches the real test-set features since every score needs them."""

    def __init__(self, classifier_path=paths.DEFAULT_CLASSIFIER, data_root=None):
        self.classifier, _ = load_classifier(classifier_path)
        self.data_root = data_root
        # Shared by every evaluator of this process with the same classifier and data: a run trained
        # in bursts builds a trainer, and so an evaluator, per burst, and 10,000 embeddings each time
        # were most of a short burst's overhead.
        self._key = (str(Path(classifier_path).resolve()), str(paths.data_dir(data_root)))
        self._real = _REAL.get(self._key)

    @torch.no_grad()
    def embed(self, images: torch.Tensor, batch: int = 1000) -> tuple[np.ndarray, np.ndarray]:
        """images float (N, 1, 28, 28) in [-1, 1] -> (features (N, 128), class probabilities (N, 10))."""
        feats, probs = [], []
        for i in range(0, len(images), batch):
            f = self.classifier.features(to_classifier_size(images[i:i + batch]))
            feats.append(f)
            probs.append(self.classifier.head(f).softmax(1))
        return torch.cat(feats).numpy(), torch.cat(probs).numpy()

    def real(self):
        """(features, probs, labels) of the 10k MNIST test images."""
        if self._real is None:
            x, y = load_mnist(self.data_root, train=False)
            f, p = self.embed(to_model_range(x))
            self._real = _REAL[self._key] = (f, p, y.numpy())
        return self._real

    def _train_features(self, n: int, seed: int) -> np.ndarray:
        x, _ = load_mnist(self.data_root, train=True)
        idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:n]
        return self.embed(to_model_range(x[idx]))[0]

    def fid_floor(self, n: int = 10000, seed: int = 0) -> float:
        """FID between n random training images and the test set: what a perfect generator would score."""
        return metrics.fid(self._train_features(n, seed), self.real()[0])

    def floor(self, n: int = 10000, seed: int = 0) -> dict:
        """Every distance of real training images (n, balanced as they come) against the test set:
        what a perfect generator would score."""
        x, y = load_mnist(self.data_root, train=True)
        idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:n]
        f = self.embed(to_model_range(x[idx]))[0]
        real_f, _, real_y = self.real()
        p, r = metrics.precision_recall(real_f, f)
        d, c = metrics.density_coverage(real_f, f)
        per_class = metrics.per_class_fid(real_f, real_y, f, y[idx].numpy())
        return {"fid_floor": metrics.fid(f, real_f), "precision_floor": p, "recall_floor": r, "density_floor": d,
                "coverage_floor": c, "class_fid_floor": float(np.mean(per_class)), "class_fids_floor": per_class}

    def score_images(self, images: torch.Tensor, labels: torch.Tensor | None = None, full: bool = True) -> dict:
        """full=False skips the k-NN measures (10k x 10k distances) and per-class FID: for quick checks
        during training."""
        f, p = self.embed(images)
        real_f = self.real()[0]
        is_mean, is_std = metrics.inception_score(p)
        out = {"n": len(images), "fid": metrics.fid(f, real_f), "inception_score": is_mean,
               "inception_score_std": is_std}
        if full:
            out["precision"], out["recall"] = metrics.precision_recall(real_f, f)
            out["density"], out["coverage"] = metrics.density_coverage(real_f, f)
        if labels is not None:
            out["class_accuracy"] = float((p.argmax(1) == labels.numpy()).mean())
            if full:
                per_class = metrics.per_class_fid(real_f, self.real()[2], f, labels.numpy())
                out["class_fid"], out["class_fids"] = float(np.mean(per_class)), per_class
        return out


@torch.no_grad()
def generate_balanced(generator: Generator, n_per_class: int, seed: int = 0, batch: int = 1000,
                      truncation: float = 1.0):
    """n_per_class samples of every digit (or n_per_class*10 unconditional ones), seeded."""
    gen = torch.Generator().manual_seed(seed)
    n = n_per_class * NUM_CLASSES
    labels = torch.arange(NUM_CLASSES).repeat_interleave(n_per_class)
    images = []
    generator.eval()
    dev = next(generator.parameters()).device  # latents drawn on the CPU: the same samples on any device
    for i in range(0, n, batch):
        lab = labels[i:i + batch]
        z = torch.randn(len(lab), generator.config.latent_dim, generator=gen) * truncation
        y = one_hot(lab).to(dev) if generator.config.num_classes else None
        images.append(generator(z.to(dev), y).cpu())
    return torch.cat(images), labels


def evaluate_generator(generator: Generator, evaluator: Evaluator, n_per_class: int = 1000, seed: int = 0,
                       full: bool = True, truncation: float = 1.0) -> dict:
    images, labels = generate_balanced(generator, n_per_class, seed, truncation=truncation)
    return evaluator.score_images(images, labels if generator.config.num_classes else None, full)
