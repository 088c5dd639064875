"""Output folders that cannot fill a disk: each has a maximum age and a maximum total size, and
prune() removes the oldest entries (files or whole folders) until both hold.

    VIDEOS = Bounded(paths.scratch_dir() / "videos", max_age_s=86400, max_bytes=2 * 2**30)
    out = VIDEOS.new_path("painted-", ".mp4")   # prunes first, then names a fresh file
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path


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


def touch(path: os.PathLike) -> None:
    """Mark an entry as recently used, so pruning by age spares it."""
    os.utime(path, None)
