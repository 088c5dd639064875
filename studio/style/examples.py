"""The Style tab's examples: real photos and public-domain paintings, else the studio's own.

Real pictures come, in this order, from STUDIO_EXAMPLES_DIR (a folder with content/ and style/,
as tests and offline machines use), from the cache, or from their pinned original addresses
(repository @ commit, verified by SHA-256, like the weights). With none of these the tab shows
the studio's own pair, which `python -m studio examples` draws: a grid of the shipped
generator's digits and a procedural pattern of coloured swirls.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from studio.core import paths
from studio.share.download import DownloadError, download, verified

RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"
# (name in STUDIO_EXAMPLES_DIR, repository, commit, path, SHA-256 of the original file)
PICTURES = {
    "astronaut": ("content/astronaut.jpg", "scikit-image/scikit-image", "f42afebec860cac3ec92ac022ad08385f06c589f",
                  "skimage/data/astronaut.png", "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5"),
    "chelsea": ("content/chelsea.jpg", "scikit-image/scikit-image", "f42afebec860cac3ec92ac022ad08385f06c589f",
                "skimage/data/chelsea.png", "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb"),
    "coffee": ("content/coffee.jpg", "scikit-image/scikit-image", "f42afebec860cac3ec92ac022ad08385f06c589f",
               "skimage/data/coffee.png", "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7"),
    "starry_night": ("style/starry_night.jpg", "jcjohnson/neural-style", "07c4b8299f8fbdafec0c514fc820ff1d7ff62e46",
                     "examples/inputs/starry_night.jpg",
                     "0592ab0f7b51b3ce72608a95e53880bd93971e5b48f93a0ce8dfd3cbccf3d098"),
    "wave": ("style/wave.jpg", "jcjohnson/fast-neural-style", "813c83441953ead2adb3f65f4cc2d5599d735fa7",
             "images/styles/wave.jpg", "14bcf58a39b7095168f27756d76d0c615bb8954acc5eae9e62c66a9684c2ee2b"),
    "composition_vii": ("style/composition_vii.jpg", "jcjohnson/fast-neural-style",
                        "813c83441953ead2adb3f65f4cc2d5599d735fa7", "images/styles/composition_vii.jpg",
                        "8f992ed4aecd6dd56972d7bc8166761de7c94e670ee6effa8fd05f3daeb33409"),
}
PAIRS = [("astronaut", "starry_night"), ("chelsea", "wave"), ("coffee", "composition_vii")]


def picture(name: str, allow_download: bool = True) -> Path | None:
    """A real example picture on this machine, or None when it cannot be had."""
    local, repo, commit, path, digest = PICTURES[name]
    folder = paths.examples_dir()
    if folder and (Path(folder) / local).is_file():
        return Path(folder) / local
    cached = paths.cache_dir() / "examples" / f"{name}{Path(path).suffix}"
    if verified(cached, digest):
        return cached
    if not allow_download:
        return None
    try:
        return download(RAW.format(repo=repo, commit=commit, path=path), cached, digest, timeout=10)
    except DownloadError:
        return None


def example_pairs(allow_download: bool = True) -> tuple[list[list[str]], str]:
    """(photo, painting) path pairs for the Style tab and a caption saying where they come from."""
    pairs = []
    for photo, painting in PAIRS:
        found = [picture(photo, allow_download), picture(painting, allow_download)]
        if None in found:
            allow_download = False  # offline: do not wait for every other address to fail too
            continue
        pairs.append([str(p) for p in found])
    if pairs:
        return pairs, "Public-domain paintings and free photos (credits in docs/style.md)"
    own = [paths.ASSETS / "example_digits.png", paths.ASSETS / "example_painting.png"]
    return ([[str(p) for p in own]] if all(p.exists() for p in own) else [],
            "Made by the studio itself: its own digits, a generated painting")


TITLES = {"astronaut": "Astronaut", "chelsea": "Chelsea the cat", "coffee": "Coffee",
          "starry_night": "The Starry Night (van Gogh)", "wave": "The Great Wave (Hokusai)",
          "composition_vii": "Composition VII (Kandinsky)", "example_digits": "The studio's digits",
          "example_painting": "A painting the studio made"}


def galleries(allow_download: bool = True) -> tuple[list[tuple[str, str]], list[tuple[str, str]], str]:
    """(photos, paintings, credit line): the examples as (path, title) thumbnails that go with any photo
    or painting, not only with each other."""
    pairs, caption = example_pairs(allow_download)
    titled = lambda path: (path, TITLES.get(_name(path), Path(path).stem))  # noqa: E731
    return [titled(photo) for photo, _ in pairs], [titled(painting) for _, painting in pairs], caption


def _name(path: str) -> str:
    stem = Path(path).stem
    return next((k for k, v in PICTURES.items() if Path(v[0]).stem == stem or k == stem), stem)


def swirl_painting(size: int = 384, seed: int = 3) -> Image.Image:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    field = np.zeros((size, size))
    for _ in range(6):
        cx, cy, k = rng.random(), rng.random(), rng.uniform(4, 12)
        r = np.hypot(x - cx, y - cy)
        field += np.sin(k * r * 6 + np.arctan2(y - cy, x - cx) * rng.integers(1, 4))
    t = (field - field.min()) / (np.ptp(field) + 1e-9)
    palette = np.array([[20, 30, 90], [40, 110, 190], [240, 200, 60], [230, 90, 40], [250, 240, 210]], float)
    idx = t * (len(palette) - 1)
    lo = np.floor(idx).astype(int).clip(0, len(palette) - 2)
    frac = (idx - lo)[..., None]
    rgb = palette[lo] * (1 - frac) + palette[lo + 1] * frac
    rgb += rng.normal(0, 8, rgb.shape)  # brush-like grain
    img = Image.fromarray(rgb.clip(0, 255).astype(np.uint8), "RGB")
    return img.filter(ImageFilter.SMOOTH_MORE)


def digit_photo(scale: int = 2) -> Image.Image:
    from studio.digits import DigitStudio
    from studio.core.images import upscale

    grid = DigitStudio.from_checkpoint("shipped").grid(seed=7, columns=6)
    return upscale(grid, scale).convert("RGB")


def write_examples(folder=paths.ASSETS) -> list:
    """Write the two example pictures into folder; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = [folder / "example_digits.png", folder / "example_painting.png"]
    digit_photo().save(out[0])
    swirl_painting().save(out[1])
    return out
