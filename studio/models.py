"""Resolve a generator by name: a local checkpoint path, or a Hub repo as hf://USER/NAME."""

from __future__ import annotations

from pathlib import Path

from studio import paths
from studio.checkpoints import CheckpointError, load_generator
from studio.networks import Generator


class ModelSourceError(RuntimeError):
    """The named generator cannot be found or fetched; the message says why."""


def resolve_generator(spec: str | Path | None) -> Path:
    """Turn a spec into a local .safetensors path."""
    if spec is None or str(spec).strip() in ("", "shipped", "default"):
        return paths.DEFAULT_GENERATOR
    spec = str(spec).strip()
    if spec.startswith("hf://"):
        from studio.hub import download_generator

        return download_generator(spec[len("hf://"):])
    path = Path(spec)
    if path.is_dir():
        path = path / "generator.safetensors"
    return path


def load_generator_any(spec: str | Path | None) -> tuple[Generator, dict]:
    return load_generator(resolve_generator(spec))


__all__ = ["CheckpointError", "ModelSourceError", "load_generator_any", "resolve_generator"]
