"""Export a synthetic labelled MNIST-style dataset from a generator.

    python -m studio sample --count 10000 --label all --seed 0 --out digits.npz [--png-dir DIR]

The .npz holds `images` uint8 (N, 28, 28), white digit on black like MNIST, and `labels`
int64 (N,). With label None the classes are balanced (counts differ by at most one).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch

from studio.core.files import atomic_write_bytes
from studio.core.images import to_uint8
from studio.core.inputs import InputError
from studio.digits.networks import Generator, NUM_CLASSES, one_hot


@torch.inference_mode()
def generate_dataset(generator: Generator, count: int, label: int | None, seed: int, truncation: float = 1.0,
                     batch: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    if not generator.config.num_classes:
        raise InputError("this generator is unconditional, so its samples have no labels; use a class-conditional one")
    gen = torch.Generator().manual_seed(seed)
    labels = torch.full((count,), label) if label is not None else torch.arange(count) % NUM_CLASSES
    images = []
    for i in range(0, count, batch):
        lab = labels[i:i + batch]
        z = torch.randn(len(lab), generator.config.latent_dim, generator=gen) * truncation
        images.append(to_uint8(generator(z, one_hot(lab))))
    return torch.cat(images).numpy(), labels.numpy().astype(np.int64)


def write_npz(path: Path, images: np.ndarray, labels: np.ndarray) -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, images=images, labels=labels)
    atomic_write_bytes(path, buf.getvalue())


def write_png_folder(folder: Path, images: np.ndarray, labels: np.ndarray) -> None:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file,label"]
    width = len(str(len(images) - 1))
    for i, (img, lab) in enumerate(zip(images, labels)):
        name = f"{i:0{width}d}.png"
        Image.fromarray(img, mode="L").save(folder / name)
        rows.append(f"{name},{lab}")
    (folder / "labels.csv").write_text("\n".join(rows) + "\n")
