"""Model files: safetensors weights beside a JSON config, written atomically, loaded strictly.

A checkpoint named `generator.safetensors` has its config in `generator.json`: whatever
the owner needs to rebuild the network, plus a free-form training summary and measured
metrics. This module knows no network; studio.digits.checkpoints knows the MNIST ones. safetensors holds tensors only, so loading one can
never run code, unlike pickle-based .pt files.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file

from studio.core.errors import UserError


class CheckpointError(UserError, RuntimeError):
    """A checkpoint is missing, corrupt or does not fit the network; the message says which."""


def config_path(weights: str | os.PathLike) -> Path:
    return Path(weights).with_suffix(".json")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename: a reader (or a
    crash) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; checkpoints are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_tensors(path: str | os.PathLike, tensors: dict[str, torch.Tensor], config: dict) -> Path:
    """Atomically write weights and their JSON config. The weights go first, so a config
    always describes weights at least as new as itself."""
    from safetensors.torch import save

    path = Path(path)
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    atomic_write_bytes(path, save(tensors))
    write_config(path, config)
    return path


def write_config(weights: str | os.PathLike, config: dict) -> Path:
    """Replace the JSON config beside a checkpoint (directions, metrics) atomically."""
    path = config_path(weights)
    atomic_write_bytes(path, (json.dumps(config, indent=2) + "\n").encode())
    return path


def read_config(path: str | os.PathLike) -> dict:
    if not Path(path).is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    cfg = config_path(path)
    if not cfg.is_file():
        raise CheckpointError(f"config {cfg} is missing: a checkpoint is a .safetensors file with a .json beside it")
    try:
        config = json.loads(cfg.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"config {cfg} is not valid JSON: {e}") from e
    if not isinstance(config, dict):
        raise CheckpointError(f"config {cfg} must hold a JSON object")
    return config


def read_tensors(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"checkpoint {path} is not a readable safetensors file ({e})") from e


def load_strict(model: torch.nn.Module, tensors: dict[str, torch.Tensor], source: str) -> None:
    """Load weights only if every key and shape matches: a partial load would silently
    leave random weights behind."""
    expected = model.state_dict()
    problems = [f"missing {k}" for k in expected if k not in tensors]
    problems += [f"unexpected {k}" for k in tensors if k not in expected]
    problems += [
        f"{k}: shape {tuple(tensors[k].shape)} in file, {tuple(v.shape)} expected"
        for k, v in expected.items()
        if k in tensors and tensors[k].shape != v.shape
    ]
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise CheckpointError(f"{source} does not fit the network: " + "; ".join(problems[:5]) + more)
    bad = [k for k, v in tensors.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise CheckpointError(f"{source} holds NaN or infinite values in {bad[0]}")
    model.load_state_dict(tensors, strict=True)


__all__ = ["CheckpointError", "atomic_write_bytes", "config_path", "load_strict", "read_config", "read_tensors",
           "save_tensors", "write_config"]
