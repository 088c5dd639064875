"""Output folders that cannot fill a disk: each has a maximum age and a maximum total size, and
prune() removes the oldest entries (files or whole folders) until both hold.

    out = VIDEOS.new_path("painted-", ".mp4")   # prunes first, then names a fresh file
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from studio.core import limits, paths, runfiles


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
    min_age_s: float = 0  # younger entries are never removed: they may be in use right now

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
            if entry.name in self.keep or now - mtime < self.min_age_s:
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
        path = self.folder / f"{prefix}{uuid.uuid4().hex[:12]}{suffix}"
        _MADE.add(path)
        return path

    def total_bytes(self) -> int:
        return _size(self.folder) if self.folder.is_dir() else 0


_MADE: set[Path] = set()  # what this process wrote into scratch folders: removed when it exits

# Gradio copies what it serves into its own cache (cleaned by Blocks(delete_cache=...)), so these
# only need to live until the download starts; the caps keep a public Space's disk from filling.
VIDEOS = Bounded(paths.scratch_dir() / "videos", max_age_s=6 * 3600, max_bytes=2 * 2**30)
EXPORTS = Bounded(paths.scratch_dir() / "exports", max_age_s=3600, max_bytes=200 * 2**20)
GiB, HOUR = 2**30, 3600


def uploads() -> Bounded:
    """Gradio's upload cache: a day at most, and 1 GB in all on a public deployment (4 GB elsewhere)."""
    return Bounded(paths.upload_dir(), max_age_s=24 * HOUR, max_bytes=(1 if limits.public() else 4) * GiB,
                   min_age_s=600)


def runs(keep=()) -> Bounded | None:
    """Run folders on a public deployment: a day at most and 2 GB in all (STUDIO_RUNS_MAX_GB); on
    your own machine they are yours and stay."""
    if not limits.public():
        return None
    max_gb = float(os.environ.get("STUDIO_RUNS_MAX_GB", 2))
    return Bounded(paths.runs_dir(), max_age_s=24 * HOUR, max_bytes=int(max_gb * GiB), keep=tuple(keep),
                   min_age_s=600)


def prune_empty_runs(keep=(), min_age_s: float = HOUR) -> list[Path]:
    """Run folders that never saved a checkpoint (a failed or cancelled start), once an hour old."""
    root, now, removed = paths.runs_dir(), time.time(), []
    for run in (root.iterdir() if root.is_dir() else ()):
        try:
            stale = run.is_dir() and not (run / runfiles.STATE).exists() and now - run.stat().st_mtime > min_age_s
        except FileNotFoundError:
            continue
        if stale and run.name not in keep:
            _remove(run)
            removed.append(run)
    return removed


def prune_cut_off_uploads(min_age_s: float = HOUR) -> list[Path]:
    """Gradio writes each uploaded file to a temp file (tmp*) at the top of its upload folder and
    then moves it into a folder named by its hash; one cut off before its closing boundary stays
    where it is (a Gradio bug: README, Known issues). Those left an hour are removed."""
    root, now, removed = paths.upload_dir(), time.time(), []
    for stray in (root.glob("tmp*") if root.is_dir() else ()):
        try:
            if stray.is_file() and now - stray.stat().st_mtime > min_age_s:
                stray.unlink()
                removed.append(stray)
        except FileNotFoundError:
            continue
    return removed


def prune_all(keep_runs=()) -> None:
    """Called when the app starts and every few minutes while it runs; keep_runs: runs in use."""
    run_folders = runs(keep_runs)
    for folder in (VIDEOS, EXPORTS, uploads(), *([run_folders] if run_folders else [])):
        folder.prune()
    prune_empty_runs(keep_runs)
    prune_cut_off_uploads()


_pruner: threading.Thread | None = None


def keep_pruned(in_use=lambda: (), interval_s: float = 600) -> None:
    """Prune every folder now and then every interval_s, in one daemon thread per process;
    in_use() names the run folders a job is writing."""
    global _pruner
    prune_all(in_use())
    if _pruner is None:
        def loop():
            while True:
                time.sleep(interval_s)
                prune_all(in_use())

        _pruner = threading.Thread(target=loop, daemon=True, name="prune-scratch")
        _pruner.start()


@atexit.register
def _remove_made() -> None:
    for path in _MADE:
        _remove(path)


def touch(path: os.PathLike) -> None:
    """Mark an entry as recently used, so pruning by age spares it."""
    os.utime(path, None)
