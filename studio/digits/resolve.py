"""Resolve a generator by name: "shipped", a local checkpoint or run folder, or a Hub repo as hf://USER/NAME."""

from __future__ import annotations

from pathlib import Path

from studio.core import paths, runfiles
from studio.core.files import CheckpointError
from studio.core.runfiles import generator_in
from studio.digits.checkpoints import load_generator
from studio.digits.networks import Generator
from studio.share.hub import ModelSourceError, download_generator


def resolve_generator(spec: str | Path | None) -> Path:
    """Turn a spec into a local .safetensors path."""
    if spec is None or str(spec).strip() in ("", "shipped", "default"):
        return paths.DEFAULT_GENERATOR
    spec = str(spec).strip()
    if spec.startswith("hf://"):
        return download_generator(spec[len("hf://"):])
    return generator_in(spec)


def display_name(spec) -> str:
    """How a generator is named to people: "shipped", a Hub id, or a run's folder name, never a
    server path."""
    text = str(spec or "shipped")
    if text.startswith("hf://") or "/" not in text:
        return text
    path = Path(text)
    return path.parent.name if path.name == runfiles.GENERATOR else path.name


def load_generator_any(spec: str | Path | None) -> tuple[Generator, dict]:
    return load_generator(resolve_generator(spec))


__all__ = ["CheckpointError", "ModelSourceError", "display_name", "load_generator_any", "resolve_generator"]
