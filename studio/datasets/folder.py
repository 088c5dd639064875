"""A folder of someone's own pictures as an ImageSet: sub-folders are classes (none: one
unconditional set), each picture read through the untrusted-upload reader, transparency flattened
onto a background, centre-cropped to a square and resized. A picture that cannot be used is
skipped and counted, never a crash.

    images = read_folder("my-paintings/", size=64)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from studio.core.imageio import ImageInputError, open_image
from studio.datasets.archive import IMAGE_SUFFIXES
from studio.datasets.imageset import DataSourceError, ImageSet, square

MAX_FILES = 100_000  # MNIST written out as PNGs is 70,000
MAX_PIXELS = 16_000_000  # per picture: far above what a 64 px set needs, far below a bomb
GREY_TOLERANCE = 3  # channels this close everywhere count as grey (JPEG's chroma noise)
BACKGROUNDS = {"white": (255, 255, 255), "black": (0, 0, 0)}


def _files(root: Path) -> tuple[list[tuple[Path, int]], list[str], list[tuple[str, str]]]:
    """(picture, class index) pairs, the class names, and what was skipped while walking."""
    skipped = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    classes = [p.name for p in folders]
    groups = [(f, i) for i, f in enumerate(folders)] if folders else [(root, None)]
    found = []
    for folder, label in groups:
        for dirpath, dirnames, filenames in os.walk(folder):  # os.walk does not follow links into folders
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                rel = str(path.relative_to(root))
                if path.is_symlink():
                    skipped.append((rel, "a link"))
                elif name.startswith("."):
                    skipped.append((rel, "hidden file"))
                elif path.suffix.lower() not in IMAGE_SUFFIXES:
                    skipped.append((rel, f"not a picture ({path.suffix or 'no extension'})"))
                else:
                    found.append((path, label))
                if len(found) > MAX_FILES:
                    raise DataSourceError(f"{root.name} holds more than {MAX_FILES:,} pictures: pick a subset")
            if folder is root:
                dirnames[:] = []  # an unconditional set: only the pictures in the folder itself
    if folders:
        skipped += [(p.name, "not in a class folder") for p in sorted(root.iterdir())
                    if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    return found, classes, skipped


def _inner(root: Path) -> Path:
    """A folder that holds one folder and no pictures (a zip of "my-set/"): the set is inside it."""
    while True:
        entries = [p for p in root.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX"]
        if len(entries) != 1 or not entries[0].is_dir() or entries[0].is_symlink():
            return root
        root = entries[0]


def read_folder(root, size: int = 32, background: str = "white", channels: str = "auto",
                source: str | None = None) -> ImageSet:
    root = Path(root)
    if not root.is_dir():
        raise DataSourceError(f"no folder {root.name!r} here")
    root = _inner(root)
    if background not in BACKGROUNDS:  # before walking a large folder
        raise DataSourceError(f"background must be one of {', '.join(BACKGROUNDS)}")
    files, classes, skipped = _files(root)
    pictures = Pictures(size, background)
    for path, label in files:
        try:
            pictures.add(open_image(path, "picture", keep_alpha=True, max_pixels=MAX_PIXELS), label)
        except ImageInputError as e:
            skipped.append((str(path.relative_to(root)), str(e)))
    return pictures.image_set(classes, source or f"folder {root.name}", skipped, channels)


class Pictures:
    """Decoded pictures made alike as they arrive (from a folder, a zip or a Hub dataset): transparency
    flattened onto the background, centre-cropped to a square, resized; counted for the report."""

    def __init__(self, size: int, background: str = "white"):
        if background not in BACKGROUNDS:
            raise DataSourceError(f"background must be one of {', '.join(BACKGROUNDS)}")
        self.size, self.background = size, background
        self.pixels, self.labels, self.flattened, self.cropped = [], [], 0, 0

    def add(self, img: Image.Image, label: int | None) -> None:
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            img = img.convert("RGBA")
            base = Image.new("RGB", img.size, BACKGROUNDS[self.background])
            base.paste(img, mask=img.getchannel("A"))
            img, self.flattened = base, self.flattened + 1
        img, was_cropped = square(img.convert("RGB"), self.size)
        self.cropped += was_cropped
        self.pixels.append(np.asarray(img))
        self.labels.append(label)

    def image_set(self, classes: list[str], source: str, skipped: list, channels: str = "auto") -> ImageSet:
        s = self.size
        images = _channels(np.stack(self.pixels) if self.pixels else np.zeros((0, s, s, 3), np.uint8), channels)
        notes = [f"resized to {s} x {s}"]
        if self.flattened:
            notes.append(f"transparency flattened onto {self.background} in {self.flattened:,} pictures")
        if self.cropped:
            notes.append(f"{self.cropped:,} pictures centre-cropped to a square")
        notes.append("grey (every picture is)" if images.shape[-1] == 1 else "colour")
        conditional = bool(classes)
        return ImageSet(images, np.array(self.labels, np.int64) if conditional else None,
                        classes if conditional else [], source, skipped, notes)


def _channels(images: np.ndarray, channels: str) -> np.ndarray:
    if channels not in ("auto", "grey", "colour"):
        raise DataSourceError("channels must be auto, grey or colour")
    if channels == "colour" or not len(images):
        return images
    if channels == "auto":
        spread = images.max(-1).astype(np.int16) - images.min(-1)
        return images[..., 1:2].copy() if int(spread.max()) <= GREY_TOLERANCE else images  # green: the luma's most
    weights = np.array([0.299, 0.587, 0.114], np.float32)
    return np.concatenate([np.round(chunk.astype(np.float32) @ weights).astype(np.uint8)[..., None]
                           for chunk in np.array_split(images, max(1, len(images) // 4096))])
