"""Where the studio reads and writes: every location can be moved by an environment variable."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from studio.core import runfiles

ROOT = Path(__file__).resolve().parents[2]  # the repository (or installed project) root
CHECKPOINTS = ROOT / "checkpoints"
ASSETS = ROOT / "assets"

DEFAULT_GENERATOR = CHECKPOINTS / runfiles.GENERATOR
DEFAULT_CLASSIFIER = CHECKPOINTS / runfiles.CLASSIFIER
DEFAULT_ENCODER = CHECKPOINTS / runfiles.ENCODER


def beside(name: str, variable: str) -> Path | None:
    """A folder the studio reads instead of downloading: the variable's, else `shared/NAME` beside the
    repository when that exists (a checkout next to its data runs offline with no variable set)."""
    if os.environ.get(variable):
        return Path(os.environ[variable])
    folder = Path(os.environ.get("STUDIO_SHARED_DIR") or ROOT.parent / "shared") / name
    return folder if folder.is_dir() else None


def data_dir(flag: str | os.PathLike | None = None) -> Path:
    """MNIST root: the CLI flag, then STUDIO_DATA_DIR, then ../shared/data, then ~/.cache/gan-studio/data."""
    if flag:
        return Path(flag)
    return beside("data", "STUDIO_DATA_DIR") or cache_dir() / "data"


def weights_dir() -> Path | None:
    """MicroAST weights to read before the cache: STUDIO_WEIGHTS_DIR, else ../shared/weights/microast."""
    return beside("weights/microast", "STUDIO_WEIGHTS_DIR")


def examples_dir() -> Path | None:
    """The example photos and paintings (content/, style/): STUDIO_EXAMPLES_DIR, else ../shared/images."""
    return beside("images", "STUDIO_EXAMPLES_DIR")


def cache_dir() -> Path:
    """Downloads and caches: STUDIO_CACHE_DIR (on a Space, a mounted storage bucket), else ~/.cache."""
    if os.environ.get("STUDIO_CACHE_DIR"):
        return Path(os.environ["STUDIO_CACHE_DIR"])
    return Path.home() / ".cache" / "gan-studio"


def scratch_dir() -> Path:
    """Short-lived outputs (painted videos, exports): STUDIO_SCRATCH_DIR, else the system's temp folder.
    Each folder in it is bounded by age and size (studio.core.folders)."""
    return Path(os.environ.get("STUDIO_SCRATCH_DIR") or Path(tempfile.gettempdir()) / "gan-studio")


def upload_dir() -> Path:
    """Where Gradio keeps uploads and the files it serves (its own rule: GRADIO_TEMP_DIR, else temp/gradio)."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")


def runs_dir() -> Path:
    """Training runs made in the app."""
    return Path(os.environ.get("STUDIO_RUNS_DIR", ROOT / "runs"))
