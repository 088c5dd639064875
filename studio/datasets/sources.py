"""Where a training set comes from: the `--data SPEC` of `python -m studio train` and `data`.

    DIR                 a folder of pictures; sub-folders are classes, none means unconditional
    FILE.zip            such a folder as an archive, unpacked under the run folder (studio.datasets.archive)
    torchvision:NAME    MNIST, FashionMNIST, KMNIST, EMNIST-letters or CIFAR10, read from the data folder
                        (STUDIO_DATA_DIR) and downloaded there on your own machine when missing
    hf:USER/NAME[:SPLIT] a Hugging Face dataset: its image column, and its class labels (studio.datasets.hub)

Without --data the trainer reads MNIST at 28 px as it always has: the shipped generator's path.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from studio.core import paths
from studio.core.runfiles import RunFolder
from studio.datasets.archive import unpack
from studio.datasets.folder import read_folder
from studio.datasets.imageset import SIZES, DataSourceError, ImageSet

# name -> (torchvision class, its keyword arguments, label offset, transpose): EMNIST's letters are
# stored transposed and numbered from 1.
TORCHVISION = {"MNIST": ("MNIST", {}, 0, False), "FashionMNIST": ("FashionMNIST", {}, 0, False),
               "KMNIST": ("KMNIST", {}, 0, False), "EMNIST-letters": ("EMNIST", {"split": "letters"}, 1, True),
               "CIFAR10": ("CIFAR10", {}, 0, False)}
FORMS = "a folder, a .zip of one, hf:USER/NAME, or torchvision:" + "|".join(TORCHVISION)


def check_spec(spec: str) -> str:
    """The spec's kind (folder, zip, torchvision), or a DataSourceError naming the accepted forms."""
    spec = (spec or "").strip()
    if not spec:
        raise DataSourceError(f"--data is empty; use {FORMS}")
    if spec.startswith("torchvision:"):
        if spec.split(":", 1)[1] not in TORCHVISION:
            raise DataSourceError(f"unknown torchvision set {spec.split(':', 1)[1]!r}: one of {', '.join(TORCHVISION)}")
        return "torchvision"
    if spec.startswith("hf:"):
        from studio.datasets.hub import parse

        parse(spec)
        return "hf"
    path = Path(spec)
    if spec.lower().endswith(".zip"):
        if not path.is_file():
            raise DataSourceError(f"no archive {path.name!r} here")
        return "zip"
    if path.is_dir():
        return "folder"
    raise DataSourceError(f"--data {spec!r} is neither an existing folder nor a .zip; use {FORMS}")


def load(spec: str, size: int = 32, work=None, background: str = "white", channels: str = "auto") -> ImageSet:
    """The set `spec` names, at size x size. A zip is unpacked under `work` (a run folder)."""
    if size not in SIZES:
        raise DataSourceError(f"size must be one of {', '.join(map(str, SIZES))}, not {size}")
    kind = check_spec(spec)
    if kind == "torchvision":
        return _torchvision(spec.split(":", 1)[1], size, channels)
    if kind == "hf":
        from studio.datasets.hub import read_hub

        return read_hub(spec, size, background, channels)
    if kind == "zip":
        if work is None:
            raise DataSourceError("an archive needs a run folder to be unpacked into")
        unpacked = unpack(spec, RunFolder(work).unpacked)
        images = read_folder(unpacked.root, size, background, channels, source=f"archive {Path(spec).name}")
        images.skipped[:0] = unpacked.skipped
        return images
    return read_folder(spec, size, background, channels)


def prepare(spec: str, size: int, run_dir, background: str = "white", channels: str = "auto") -> ImageSet:
    """The run's set: read once and kept in the run folder (dataset.npz, with a preview grid), so a
    resume or the next burst does not read and decode every picture again."""
    run = RunFolder(run_dir)
    if run.dataset.is_file():
        return ImageSet.load(run.dataset)
    images = load(spec, size, run_dir, background, channels)
    run.root.mkdir(parents=True, exist_ok=True)
    images.preview().save(run.dataset_preview)
    images.save(run.dataset)
    return images


def _torchvision(name: str, size: int, channels: str) -> ImageSet:
    import torchvision.datasets as tvd

    cls_name, kwargs, offset, transposed = TORCHVISION[name]
    root = paths.data_dir()
    download = os.environ.get("CI", "").lower() not in ("1", "true")
    try:
        ds = getattr(tvd, cls_name)(str(root), train=True, download=download, **kwargs)
    except (RuntimeError, OSError) as e:
        raise DataSourceError(f"{name} is not under the data folder and could not be downloaded ({e})") from None
    data = np.asarray(ds.data)
    if transposed:
        data = data.transpose(0, 2, 1)
    if data.ndim == 3:
        data = data[..., None]
    labels = np.asarray(ds.targets, np.int64) - offset
    classes = [str(c) for c in ds.classes[offset:]]
    images = _resize(data, size)
    if channels == "grey" and images.shape[-1] == 3:
        images = np.round(images.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)).astype(np.uint8)
        images = images[..., None]
    notes = [f"resized to {size} x {size}", "grey" if images.shape[-1] == 1 else "colour"]
    return ImageSet(images, labels, classes, f"torchvision:{name}", [], notes)


def _resize(images: np.ndarray, size: int, chunk: int = 4096) -> np.ndarray:
    """(N, H, W, C) uint8 -> (N, size, size, C), antialiased, in chunks."""
    import torch
    import torch.nn.functional as F

    if images.shape[1] == images.shape[2] == size:
        return images
    out = []
    for i in range(0, len(images), chunk):
        x = torch.from_numpy(images[i:i + chunk]).permute(0, 3, 1, 2).float()
        y = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
        out.append(y.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy())
    return np.concatenate(out)
