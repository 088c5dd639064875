"""Publish a generator (digits or own pictures) to the Hub: checked by loading it, with a sample grid it draws."""

from __future__ import annotations

from pathlib import Path

from studio.core.images import upscale
from studio.core.runfiles import generator_in
from studio.digits.checkpoints import load_generator
from studio.digits.pipeline import GanStudio
from studio.share.hub import check_repo_id, push_generator


def publish_generator(checkpoint: str | Path, repo_id: str, private: bool = False, token: str | None = None,
                      api=None) -> str:
    """Load the checkpoint (a broken file is refused before anything is uploaded), draw its
    10x10 grid and push both. Returns the repo's address."""
    repo_id = check_repo_id(repo_id)
    checkpoint = generator_in(checkpoint)
    generator, config = load_generator(checkpoint)
    grid = upscale(GanStudio(generator, config, directions=[]).grid(seed=0), 2)  # any model the studio trains
    return push_generator(checkpoint, repo_id, grid, private=private, token=token, api=api)
