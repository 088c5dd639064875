"""What a run trains on: MNIST at 28 px (the shipped generator's data, read as it always was) or a
set of one's own pictures (--data, read once into the run folder by studio.datasets)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from studio.core.images import to_model_range
from studio.datasets.imageset import ImageSet, class_weights
from studio.datasets.sources import prepare
from studio.digits.data import load_mnist
from studio.digits.networks import IMAGE_SIZE, NUM_CLASSES
from studio.evaluation.evaluator import digit_classes
from studio.training.config import TrainConfig


@dataclass
class TrainingData:
    own: ImageSet | None  # None: MNIST
    num_classes: int  # 0: unconditional (asked for, or a set without classes)
    size: int
    channels: int
    per_class: int = 0  # MNIST only: this many digits of each class (0: all)
    seed: int = 0

    @property
    def scorable(self) -> bool:
        """The MNIST evaluator scores digits only: MNIST, or a set whose classes are the ten digits in
        order (MNIST as a folder); any other set of one's own is not scored during training yet."""
        return self.own is None or (self.own.channels == 1 and digit_classes(self.own.classes))

    def label_weights(self) -> torch.Tensor | None:
        """A set's own class frequencies, to draw G's labels at (None: uniform, as for MNIST)."""
        if not self.num_classes or self.own is None:
            return None
        return class_weights(self.own.labels, self.num_classes)

    def tensors(self, data_root=None) -> tuple[torch.Tensor, torch.Tensor]:
        """(images float (N, C, H, W) in [-1, 1], labels (N,); zeros for a set without classes)."""
        if self.own is None and self.per_class:
            from studio.evaluation.cas import real_subset

            return real_subset(self.per_class * NUM_CLASSES, self.seed, data_root)
        if self.own is None:
            images, labels = load_mnist(data_root, train=True)
            return to_model_range(images), labels
        images, labels = self.own.tensors()
        return images, labels if labels is not None else torch.zeros(len(images), dtype=torch.long)

    def describe(self) -> str:
        if self.own is None and self.per_class:
            return f"MNIST train, {self.per_class} digits per class (seed {self.seed})"
        return f"{self.own.source} ({len(self.own.images):,} pictures)" if self.own else "MNIST train (60k)"


def training_data(cfg: TrainConfig) -> TrainingData:
    if not cfg.data:
        return TrainingData(None, NUM_CLASSES if cfg.conditional else 0, IMAGE_SIZE, 1, cfg.per_class, cfg.seed)
    own = prepare(cfg.data, cfg.size, cfg.out, cfg.background)
    classes = len(own.classes) if own.conditional and cfg.conditional else 0
    return TrainingData(own, classes, own.size, own.channels)
