"""Export a synthetic labelled MNIST-style dataset from a generator.

    python -m studio.sample --count 10000 --label all --seed 0 --out digits.npz [--png-dir DIR]

The .npz holds `images` uint8 (N, 28, 28), white digit on black like MNIST, and `labels`
int64 (N,). With --label all the classes are balanced (counts differ by at most one).
--png-dir also writes one PNG per sample and a labels.csv beside them.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
import torch

from studio.checkpoints import CheckpointError, atomic_write_bytes
from studio.data import to_uint8
from studio.digits import MAX_SEED
from studio.models import ModelSourceError, load_generator_any
from studio.networks import Generator, NUM_CLASSES, one_hot

MAX_COUNT = 1_000_000


def parse_label(text: str) -> int | None:
    """'all' -> None (balanced), '0'..'9' -> that digit; anything else is an error."""
    text = text.strip().lower()
    if text == "all":
        return None
    if text.isdigit() and 0 <= int(text) <= 9:
        return int(text)
    raise ValueError(f"label must be 'all' or a digit 0-9, got {text!r}")


@torch.inference_mode()
def generate_dataset(generator: Generator, count: int, label: int | None, seed: int, truncation: float = 1.0,
                     batch: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    if not generator.config.num_classes:
        raise ValueError("this generator is unconditional, so its samples have no labels; use a class-conditional one")
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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, required=True, help=f"number of samples (1 to {MAX_COUNT:,})")
    p.add_argument("--label", default="all", help="'all' (balanced) or one digit 0-9")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="output .npz file")
    p.add_argument("--png-dir", help="also write PNGs and labels.csv into this folder")
    p.add_argument("--generator", default="shipped", help="checkpoint path, run folder or hf://USER/NAME")
    p.add_argument("--truncation", type=float, default=1.0, help="scale latents toward the mean (0-1]")
    args = p.parse_args(argv)
    try:
        label = parse_label(args.label)
    except ValueError as e:
        p.error(str(e))
    if not 1 <= args.count <= MAX_COUNT:
        p.error(f"--count must be from 1 to {MAX_COUNT:,}")
    if not 0 <= args.seed <= MAX_SEED:
        p.error(f"--seed must be from 0 to {MAX_SEED}")
    if not 0 < args.truncation <= 1:
        p.error("--truncation must be above 0 and at most 1")
    out = Path(args.out)
    if out.suffix != ".npz":
        p.error("--out must end in .npz")
    try:
        generator, _ = load_generator_any(args.generator)
        images, labels = generate_dataset(generator, args.count, label, args.seed, args.truncation)
        write_npz(out, images, labels)
        if args.png_dir:
            write_png_folder(Path(args.png_dir), images, labels)
    except (CheckpointError, ModelSourceError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    counts = np.bincount(labels, minlength=NUM_CLASSES).tolist()
    print(f"wrote {len(images)} images to {out} (per class: {counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
