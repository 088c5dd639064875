"""Output folders that cannot fill a disk: each has a maximum age and a maximum total size, and
prune() removes the oldest entries (files or whole folders) until both hold.

    out = VIDEOS.new_path("painted-", ".mp4")   # prunes first, then names a fresh file
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from studio.core import paths


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Bounded:
    folder: Path
    max_age_s: float
    max_bytes: int
    keep: tuple[str, ...] = ()  # entry names never removed (a job still writing there)

    def prune(self, now: float | None = None) -> list[Path]:
        """Remove entries older than max_age_s, then the oldest until the rest fit max_bytes."""
        if not self.folder.is_dir():
            return []
        now = time.time() if now is None else now
        entries = []
        for entry in self.folder.iterdir():
            try:
                entries.append((entry.stat().st_mtime, _size(entry), entry))
            except FileNotFoundError:
                continue  # removed meanwhile
        entries.sort()  # oldest first
        removed, total = [], sum(size for _, size, _ in entries)
        for mtime, size, entry in entries:
            if entry.name in self.keep:
                continue
            if now - mtime > self.max_age_s or total > self.max_bytes:
                _remove(entry)
                removed.append(entry)
                total -= size
        return removed

    def new_path(self, prefix: str, suffix: str) -> Path:
        """A fresh, unguessable name in the folder, after pruning it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prune()
        return self.folder / f"{prefix}{uuid.uuid4().hex[:12]}{suffix}"

    def total_bytes(self) -> int:
        return _size(self.folder) if self.folder.is_dir() else 0


# Gradio copies what it serves into its own cache (cleaned by Blocks(delete_cache=...)), so these
# only need to live until the download starts; the caps keep a public Space's disk from filling.
VIDEOS = Bounded(paths.scratch_dir() / "videos", max_age_s=6 * 3600, max_bytes=2 * 2**30)
EXPORTS = Bounded(paths.scratch_dir() / "exports", max_age_s=3600, max_bytes=200 * 2**20)
ALL = (VIDEOS, EXPORTS)


def prune_all() -> None:
    """Called when the app starts and every few minutes while it runs."""
    for folder in ALL:
        folder.prune()


_pruner: threading.Thread | None = None


def keep_pruned(interval_s: float = 600) -> None:
    """Prune every folder now and then every interval_s, in one daemon thread per process."""
    global _pruner
    prune_all()
    if _pruner is None:
        def loop():
            while True:
                time.sleep(interval_s)
                prune_all()

        _pruner = threading.Thread(target=loop, daemon=True, name="prune-scratch")
        _pruner.start()


def touch(path: os.PathLike) -> None:
    """Mark an entry as recently used, so pruning by age spares it."""
    os.utime(path, None)
