"""A training set of pictures, whatever it came from: the arrays, the class names, and what was
done on the way (files skipped and why, transparency flattened, pictures cropped).

    images = ImageSet.load(run / "dataset.npz")     # written once by studio.datasets.sources.prepare
    x, y = images.tensors()                          # float (N, C, H, W) in [-1, 1], labels or None
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from studio.core.files import atomic_write_bytes
from studio.core.inputs import InputError

SIZES = (32, 64)


class DataSourceError(InputError):
    """A data source cannot be used: unknown, missing, empty or refused; the message says why."""


@dataclass
class ImageSet:
    images: np.ndarray  # (N, H, W, C) uint8, C = 1 (grey) or 3 (colour)
    labels: np.ndarray | None  # (N,) int64 indices into classes; None: unconditional
    classes: list[str]
    source: str
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    notes: list[str] = field(default_factory=list)  # what was done to the pictures, in words

    def __post_init__(self):
        if self.images.ndim != 4 or self.images.dtype != np.uint8 or self.images.shape[-1] not in (1, 3):
            raise ValueError(f"images must be (N, H, W, 1 or 3) uint8, not {self.images.shape} {self.images.dtype}")
        if not len(self.images):
            reasons = sorted({why for _, why in self.skipped})
            raise DataSourceError(f"{self.source} holds no usable pictures"
                                  + (f" ({len(self.skipped)} skipped: {'; '.join(reasons[:4])})" if reasons else ""))

    @property
    def size(self) -> int:
        return int(self.images.shape[1])

    @property
    def channels(self) -> int:
        return int(self.images.shape[-1])

    @property
    def conditional(self) -> bool:
        return self.labels is not None and len(self.classes) > 1

    def counts(self) -> dict[str, int]:
        if self.labels is None:
            return {"(all)": len(self.images)}
        found = np.bincount(self.labels, minlength=len(self.classes))
        return {name: int(n) for name, n in zip(self.classes, found)}

    def report(self) -> dict:
        return {"source": self.source, "images": len(self.images), "size": self.size,
                "channels": "grey" if self.channels == 1 else "colour", "classes": self.counts(),
                "notes": self.notes, "skipped": len(self.skipped),
                "skipped_examples": [f"{name}: {why}" for name, why in self.skipped[:10]]}

    def tensors(self):
        import torch

        x = torch.from_numpy(self.images).permute(0, 3, 1, 2).float().div(127.5).sub(1)
        y = torch.from_numpy(self.labels) if self.labels is not None else None
        return x.contiguous(), y

    def preview(self, per_class: int = 8, max_rows: int = 12) -> Image.Image:
        """A grid: one row per class (the first max_rows classes), per_class pictures each."""
        rows = []
        if self.labels is None:
            rows = [np.arange(i, min(i + per_class, len(self.images))) for i in range(0, per_class * 4, per_class)]
        else:
            rows = [np.flatnonzero(self.labels == c)[:per_class] for c in range(min(len(self.classes), max_rows))]
        s, pad = self.size, 2
        grid = np.full((len(rows) * (s + pad) + pad, per_class * (s + pad) + pad, self.channels), 255, np.uint8)
        for r, idx in enumerate(rows):
            for c, i in enumerate(idx):
                grid[pad + r * (s + pad):pad + r * (s + pad) + s, pad + c * (s + pad):pad + c * (s + pad) + s] = \
                    self.images[i]
        return Image.fromarray(grid[..., 0] if self.channels == 1 else grid)

    def save(self, path) -> Path:
        """As one .npz (no pickles), written atomically: bursts and resumes read it instead of decoding again."""
        buf = io.BytesIO()
        np.savez(buf, images=self.images, labels=self.labels if self.labels is not None else np.zeros(0, np.int64),
                 conditional=self.labels is not None, classes=np.array(self.classes, dtype=str),
                 source=self.source, notes=np.array(self.notes, dtype=str),
                 skipped=np.array([f"{a}\t{b}" for a, b in self.skipped], dtype=str))
        atomic_write_bytes(Path(path), buf.getvalue())
        return Path(path)

    @classmethod
    def load(cls, path) -> "ImageSet":
        with np.load(path, allow_pickle=False) as z:
            labels = z["labels"].astype(np.int64) if bool(z["conditional"]) else None
            skipped = [tuple(s.split("\t", 1)) for s in z["skipped"].tolist()]
            return cls(z["images"], labels, z["classes"].tolist(), str(z["source"]), skipped, z["notes"].tolist())


def square(img: Image.Image, size: int) -> tuple[Image.Image, bool]:
    """Centre-crop to a square, then resize to size x size (antialiased); says whether it cropped."""
    w, h = img.size
    side = min(w, h)
    cropped = w != h
    if cropped:
        left, top = (w - side) // 2, (h - side) // 2
        img = img.crop((left, top, left + side, top + side))
    if side != size:
        img = img.resize((size, size), Image.LANCZOS)
    return img, cropped



def class_weights(labels, num_classes: int):
    """Class frequencies of `labels` (a numpy array or a tensor) as float weights, one per class."""
    import torch

    return torch.bincount(torch.as_tensor(labels), minlength=num_classes).float()
