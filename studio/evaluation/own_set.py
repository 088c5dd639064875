"""Scores for a generator trained on a set of one's own pictures.

    python -m studio evaluate --generator runs/my-run        # a run trained with --data

The MNIST evaluator's classifier knows digits only, so for any other set the studio trains a small
classifier on the set itself (4 in 5 pictures of each class; the fifth is held out) and scores in
its features: class accuracy of the samples beside the classifier's accuracy on the held-out real
pictures, and FID and KID of the samples beside the same distances between two halves of the real set
(the floor a perfect generator would reach at that sample count). For every set, conditional or not,
each sample's nearest training picture in pixels says whether the GAN copies.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from studio.datasets.imageset import ImageSet, class_weights
from studio.digits.networks import Generator, one_hot
from studio.evaluation import metrics

# Root-mean-square difference of pixels in [0, 1] below which two pictures are "nearly identical":
# 0.04 is about 10 grey levels on average, less than the difference JPEG makes at quality 75.
NEAR_IDENTICAL = 0.04


class SetClassifier(nn.Module):
    """The MNIST evaluator's design for 1 or 3 channels at 32 or 64 px and any number of classes."""

    feature_dim = 128

    def __init__(self, channels: int, num_classes: int):
        super().__init__()

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                    nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]

        self.conv = nn.Sequential(*block(channels, 32), *block(32, 64), *block(64, 128),
                                  nn.AdaptiveAvgPool2d(4), nn.Flatten())
        self.fc = nn.Sequential(nn.Dropout(0.3), nn.Linear(128 * 16, self.feature_dim), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(self.feature_dim, num_classes))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.conv(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def held_out_split(labels: np.ndarray, share: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(train, held-out) indices, the same share of every class held out (one at least, where a class
    has two pictures or more), seeded; the two never share a picture."""
    rng = np.random.default_rng(seed)
    train, held = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        k = max(1, round(share * len(idx))) if len(idx) > 1 else 0
        held.append(idx[:k])
        train.append(idx[k:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(held))


def _shift(x: torch.Tensor, pad: int) -> torch.Tensor:
    """The batch moved by up to pad pixels (edges repeated): cheap augmentation for a small set."""
    dx, dy = np.random.randint(0, 2 * pad + 1, 2)
    s = x.shape[-1]
    return F.pad(x, [pad] * 4, mode="replicate")[..., dy:dy + s, dx:dx + s]


def classifier_steps(n: int, epochs: int = 30, batch: int = 128, least: int = 400) -> int:
    """30 passes over the set, and 400 steps at least: a set of a few hundred pictures needs more
    than its few passes' worth of steps to be learnt."""
    return max(least, epochs * max(1, n // batch))


def train_classifier(x: torch.Tensor, y: torch.Tensor, num_classes: int, steps: int, batch: int = 128,
                     lr: float = 2e-3, seed: int = 0) -> SetClassifier:
    torch.manual_seed(seed)
    np.random.seed(seed)
    model = SetClassifier(x.shape[1], num_classes)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    batch = min(batch, len(x))
    model.train()
    perm, at = torch.randperm(len(x)), 0
    for _ in range(steps):
        if at + batch > len(x):
            perm, at = torch.randperm(len(x)), 0
        idx, at = perm[at:at + batch], at + batch
        loss = F.cross_entropy(model(_shift(x[idx], max(1, x.shape[-1] // 16))), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    return model.eval()


@torch.no_grad()
def nearest(samples: torch.Tensor, pool: torch.Tensor, chunk: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """For each sample, the index of the nearest picture in pool and the RMS pixel difference (in [0, 1])."""
    p = pool.flatten(1).add(1).div(2)
    idx, rms = [], []
    for i in range(0, len(samples), chunk):
        d = torch.cdist(samples[i:i + chunk].flatten(1).add(1).div(2), p)
        v, j = d.min(1)
        idx.append(j)
        rms.append(v / p.shape[1] ** 0.5)
    return torch.cat(idx).numpy(), torch.cat(rms).numpy()


@torch.no_grad()
def sample_like(generator: Generator, n: int, weights: torch.Tensor | None, seed: int = 0,
                batch: int = 500) -> tuple[torch.Tensor, torch.Tensor | None]:
    """n samples, their labels drawn at the set's class frequencies (as the trainer draws G's), seeded."""
    gen = torch.Generator().manual_seed(seed)
    k = generator.config.num_classes
    labels = torch.multinomial(weights, n, replacement=True, generator=gen) if k and weights is not None else None
    out = []
    for i in range(0, n, batch):
        z = torch.randn(min(batch, n - i), generator.config.latent_dim, generator=gen)
        y = one_hot(labels[i:i + batch], k) if labels is not None else None
        out.append(generator.eval()(z, y))
    return torch.cat(out), labels


def nearest_grid(samples: torch.Tensor, pool: torch.Tensor, rows: int = 8, k: int = 4):
    """A picture: each row one sample, a gap, then its k nearest training pictures, nearest first."""
    from PIL import Image

    s, c, pad = samples.shape[-1], samples.shape[1], 2
    p = pool.flatten(1)
    grid = np.full((rows * (s + pad) + pad, (k + 1) * (s + pad) + 3 * pad, c), 255, np.uint8)
    to8 = lambda t: t.add(1).mul(127.5).round().clamp(0, 255).byte().permute(1, 2, 0).numpy()  # noqa: E731
    for r in range(min(rows, len(samples))):
        order = torch.cdist(samples[r:r + 1].flatten(1), p)[0].argsort()[:k]
        y = pad + r * (s + pad)
        grid[y:y + s, pad:pad + s] = to8(samples[r])
        for j, i in enumerate(order.tolist()):
            x = 4 * pad + (j + 1) * (s + pad)
            grid[y:y + s, x - pad:x - pad + s] = to8(pool[i])
    return Image.fromarray(grid[..., 0] if c == 1 else grid)


class SetEvaluator:
    """Trains the set's classifier once (when the set has classes); then scores any generator of it."""

    def __init__(self, images: ImageSet, seed: int = 0, steps: int | None = None, batch: int = 128):
        t0 = time.time()
        self.images = images
        self.x, y = images.tensors()
        self.classes = images.classes if images.conditional else []
        self.classifier, self.real_accuracy = None, None
        if self.classes:
            self.y = y
            train, held = held_out_split(y.numpy(), seed=seed)
            self.train_idx, self.held_idx = torch.from_numpy(train), torch.from_numpy(held)
            self.classifier = train_classifier(self.x[self.train_idx], y[self.train_idx], len(self.classes),
                                               steps or classifier_steps(len(train)), batch, seed=seed)
            self.real_accuracy = self._accuracy(self.x[self.held_idx], y[self.held_idx])
        self.classifier_seconds = time.time() - t0

    @torch.no_grad()
    def _embed(self, x: torch.Tensor, batch: int = 500) -> tuple[np.ndarray, np.ndarray]:
        feats = [self.classifier.features(x[i:i + batch]) for i in range(0, len(x), batch)]
        f = torch.cat(feats)
        return f.numpy(), self.classifier.head(f).argmax(1).numpy()

    def _accuracy(self, x: torch.Tensor, y: torch.Tensor) -> float:
        return float((self._embed(x)[1] == y.numpy()).mean())

    def weights(self) -> torch.Tensor | None:
        return class_weights(self.y, len(self.classes)) if self.classes else None

    def score(self, generator: Generator, n: int | None = None, seed: int = 0, inception=None) -> dict:
        """Half the set's size in samples (n) against one half of the real set; the floor compares
        the other half with it, so both distances are taken at the same sample count. `inception`
        (studio.evaluation.inception.InceptionFeatures) adds FID and KID in its features."""
        half = n or len(self.x) // 2
        perm = torch.randperm(len(self.x), generator=torch.Generator().manual_seed(seed))
        a, b = self.x[perm[:half]], self.x[perm[half:2 * half]]
        fakes, labels = sample_like(generator, half, self.weights() if generator.config.num_classes else None, seed)
        out = {"n": half, "pictures": len(self.x)}
        if self.classifier is not None:
            fa, fb, ff = self._embed(a)[0], self._embed(b)[0], self._embed(fakes)
            out.update(fid=metrics.fid(ff[0], fb), fid_floor=metrics.fid(fa, fb),
                       kid=metrics.kid(ff[0], fb)[0], kid_floor=metrics.kid(fa, fb)[0],
                       real_accuracy=self.real_accuracy, classifier_seconds=round(self.classifier_seconds, 1))
            if labels is not None:
                out["class_accuracy"] = float((ff[1] == labels.numpy()).mean())
        if inception is not None:
            ia, ib, i_f = inception(a), inception(b), inception(fakes)
            out.update(inception_fid=metrics.fid(i_f, ib), inception_fid_floor=metrics.fid(ia, ib),
                       inception_kid=metrics.kid(i_f, ib)[0], inception_kid_floor=metrics.kid(ia, ib)[0])
        _, rms = nearest(fakes, self.x)
        out["near_identical"] = float((rms < NEAR_IDENTICAL).mean())
        out["nearest_rms"] = float(np.median(rms))
        # the same measure for real pictures: held-out ones against the rest (or one half against the other)
        real_q, real_pool = (self.x[self.held_idx], self.x[self.train_idx]) if self.classes else (a, b)
        _, real_rms = nearest(real_q, real_pool)
        out["near_identical_real"] = float((real_rms < NEAR_IDENTICAL).mean())
        out["nearest_rms_real"] = float(np.median(real_rms))
        return out

    def grid(self, generator: Generator, rows: int = 8, k: int = 4, seed: int = 0):
        fakes, _ = sample_like(generator, rows, self.weights() if generator.config.num_classes else None, seed)
        return nearest_grid(fakes, self.x, rows, k)
