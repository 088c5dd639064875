"""Export a synthetic labelled dataset from a generator: MNIST's digits, or the classes of a set
of one's own pictures.

    python -m studio sample --count 10000 --label all --seed 0 --out digits.npz [--png-dir DIR]

The .npz holds `images` uint8 (N, H, W) for grey generators (28 x 28, white digit on black like
MNIST) or (N, H, W, 3) for colour ones, `labels` int64 (N,) and `classes` (each label's name).
With label None the classes are balanced (counts differ by at most one).
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


def class_names(generator: Generator, config: dict) -> list[str]:
    """Each label's name: those the checkpoint records, or MNIST's digits."""
    n = generator.config.num_classes
    names = config.get("classes")
    if isinstance(names, list) and len(names) == n:
        return [str(c) for c in names]
    return [str(i) for i in range(n)] if n == NUM_CLASSES else [f"class {i}" for i in range(n)]


def parse_label(text: str, classes: list[str]) -> int | None:
    """'all' -> None (balanced); a class's name or number -> its index; anything else is an error."""
    text = str(text).strip()
    if text.lower() == "all":
        return None
    if text in classes:
        return classes.index(text)
    if text.isdigit() and int(text) < len(classes):
        return int(text)
    shown = ", ".join(classes[:12]) + (", ..." if len(classes) > 12 else "")
    raise InputError(f"label must be 'all', a class name or a number below {len(classes)} ({shown}), got {text[:40]!r}")


@torch.inference_mode()
def generate_dataset(generator: Generator, count: int, label: int | None, seed: int, truncation: float = 1.0,
                     batch: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    n = generator.config.num_classes
    if not n:
        raise InputError("this generator is unconditional, so its samples have no labels; use a class-conditional one")
    gen = torch.Generator().manual_seed(seed)
    labels = torch.full((count,), label) if label is not None else torch.arange(count) % n
    images = []
    for i in range(0, count, batch):
        lab = labels[i:i + batch]
        z = torch.randn(len(lab), generator.config.latent_dim, generator=gen) * truncation
        images.append(to_uint8(generator(z, one_hot(lab, n))))
    return torch.cat(images).numpy(), labels.numpy().astype(np.int64)


def npz_bytes(images: np.ndarray, labels: np.ndarray, classes: list[str] | None = None) -> bytes:
    buf = io.BytesIO()
    extra = {"classes": np.array(classes, dtype=str)} if classes is not None else {}
    np.savez_compressed(buf, images=images, labels=labels, **extra)
    return buf.getvalue()


def write_npz(path: Path, images: np.ndarray, labels: np.ndarray, classes: list[str] | None = None) -> None:
    atomic_write_bytes(path, npz_bytes(images, labels, classes))


def write_png_folder(folder: Path, images: np.ndarray, labels: np.ndarray) -> None:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file,label"]
    width = len(str(len(images) - 1))
    for i, (img, lab) in enumerate(zip(images, labels)):
        name = f"{i:0{width}d}.png"
        Image.fromarray(img, mode="L" if img.ndim == 2 else "RGB").save(folder / name)
        rows.append(f"{name},{lab}")
    (folder / "labels.csv").write_text("\n".join(rows) + "\n")


def worth(config: dict) -> str:
    """What a generator's synthetic digits are worth, from its measured Classification Accuracy Score."""
    m = config.get("metrics") or {}
    if "cas" not in m:
        return ("What these digits are worth has not been measured for this generator: "
                "`python -m studio evaluate --cas --write` measures it.")
    return (f"A classifier trained on {m.get('cas_n', 0):,} of these digits alone scores **{m['cas']:.2%}** on real "
            f"MNIST test digits (CAS); trained on {m.get('cas_n_real', 0):,} real digits by the same recipe, "
            f"{m['cas_real']:.2%}.")
