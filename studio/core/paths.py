"""Where the studio reads and writes: every location can be moved by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository (or installed project) root
CHECKPOINTS = ROOT / "checkpoints"
ASSETS = ROOT / "assets"

DEFAULT_GENERATOR = CHECKPOINTS / "generator.safetensors"
DEFAULT_CLASSIFIER = CHECKPOINTS / "classifier.safetensors"
DEFAULT_ENCODER = CHECKPOINTS / "encoder.safetensors"


def data_dir(flag: str | os.PathLike | None = None) -> Path:
    """MNIST root: the CLI flag, then STUDIO_DATA_DIR, then ~/.cache/gan-studio/data."""
    if flag:
        return Path(flag)
    if os.environ.get("STUDIO_DATA_DIR"):
        return Path(os.environ["STUDIO_DATA_DIR"])
    return cache_dir() / "data"


def cache_dir() -> Path:
    """Downloads and caches. A Space with persistent storage mounts /data: use it there."""
    if os.environ.get("STUDIO_CACHE_DIR"):
        return Path(os.environ["STUDIO_CACHE_DIR"])
    if Path("/data").is_dir() and os.access("/data", os.W_OK):
        return Path("/data/gan-studio")
    return Path.home() / ".cache" / "gan-studio"


def runs_dir() -> Path:
    """Training runs made in the app."""
    return Path(os.environ.get("STUDIO_RUNS_DIR", ROOT / "runs"))
