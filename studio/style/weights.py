"""Third-party weights: find them locally, else download from a pinned address and verify.

Order: an explicit folder (flag or STUDIO_WEIGHTS_DIR), then the cache folder, then a
download into the cache. Every file is checked against its SHA-256 before torch reads it,
and torch reads it with weights_only=True, so a swapped file can neither load wrong
numbers nor run code.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from studio.core import paths
from studio.core.errors import UserError
from studio.share.download import DownloadError, sha256
from studio.share.download import download as fetch

MICROAST_COMMIT = "d2796c7dbf01dbc29ed35b11675d87fcc640f969"
MICROAST_URL = f"https://raw.githubusercontent.com/EndyWon/MicroAST/{MICROAST_COMMIT}/models/{{name}}"
MICROAST_FILES = {
    "content_encoder": ("content_encoder_iter_160000.pth.tar", "c8d895c0eec52507c157e102fab217c37f0c399ef3e168ef8b0b2677714660a4"),
    "style_encoder": ("style_encoder_iter_160000.pth.tar", "94f6b3fa386828692c20809a0af8bd0eba9c04e90a7d8842086976e4d223c5af"),
    "modulator": ("modulator_iter_160000.pth.tar", "8588055baf7d5ad8398d595d5518c6f030e3ff8dbb6007a7c1779776e11da28b"),
    "decoder": ("decoder_iter_160000.pth.tar", "32e04a46b953fd9f94ec9e20f351511305a5260e000c18f9aef6570d5f1e23d9"),
}


class WeightsError(UserError, RuntimeError):
    """Weights are missing, unreachable or fail verification; the message says what to do."""


def cache_folder() -> Path:
    return paths.cache_dir() / "weights" / "microast"


def download(url: str, dest: Path, expected_sha: str) -> Path:
    try:
        return fetch(url, dest, expected_sha)
    except DownloadError as e:
        raise WeightsError(f"the MicroAST style weights are not on this machine and {e}. Put them in "
                           "shared/weights/microast beside the app, or name their folder in STUDIO_WEIGHTS_DIR") from e


def resolve_microast(weights_dir: str | os.PathLike | None = None, allow_download: bool = True) -> dict[str, Path]:
    """Paths of the four verified MicroAST files."""
    folders = []
    explicit = weights_dir or paths.weights_dir()
    if explicit:
        folders.append(Path(explicit))
    folders.append(cache_folder())
    found = {}
    for part, (name, digest) in MICROAST_FILES.items():
        for folder in folders:
            p = folder / name
            if p.is_file():
                if sha256(p) != digest:
                    if folder == cache_folder():
                        p.unlink()  # a corrupt cache entry is re-fetched below
                        continue
                    raise WeightsError(f"{p} does not match its pinned SHA-256; replace it with the published file")
                found[part] = p
                break
        else:
            if not allow_download:
                where = " or ".join(str(f) for f in folders)
                raise WeightsError(f"MicroAST weights not found ({name} in {where}); set STUDIO_WEIGHTS_DIR or allow "
                                   "the download")
            found[part] = download(MICROAST_URL.format(name=name), cache_folder() / name, digest)
    return found


def load_microast(weights_dir=None, allow_download: bool = True):
    from studio.style.microast import MicroAST

    model = MicroAST()
    for part, path in resolve_microast(weights_dir, allow_download).items():
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            getattr(model, part).load_state_dict(state, strict=True)
        except (RuntimeError, ValueError, OSError) as e:
            raise WeightsError(f"{path} could not be loaded as MicroAST {part}: {e}") from e
    return model.eval()
