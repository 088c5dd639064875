"""Bounded output folders: the oldest entries go first, and the total stays under its cap."""

import os
import time

from studio.core.folders import Bounded


def write(folder, name, size, age_s):
    path = folder / name
    path.write_bytes(b"x" * size)
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def test_old_entries_go_whatever_the_total(tmp_path):
    b = Bounded(tmp_path, max_age_s=3600, max_bytes=10**9)
    old, new = write(tmp_path, "old", 10, 7200), write(tmp_path, "new", 10, 10)
    assert b.prune() == [old] and new.exists()


def test_the_oldest_go_until_the_total_fits(tmp_path):
    b = Bounded(tmp_path, max_age_s=10**9, max_bytes=250)
    paths = [write(tmp_path, f"v{i}", 100, 100 - i) for i in range(5)]  # v0 oldest
    assert b.prune() == paths[:3]
    assert b.total_bytes() == 200 and all(p.exists() for p in paths[3:])


def test_folders_count_as_one_entry_and_kept_names_stay(tmp_path):
    run = tmp_path / "job"
    run.mkdir()
    write(run, "a", 300, 10**6)
    os.utime(run, (time.time() - 10**6,) * 2)
    b = Bounded(tmp_path, max_age_s=60, max_bytes=100, keep=("job",))
    assert b.prune() == [] and run.exists()
    assert Bounded(tmp_path, max_age_s=60, max_bytes=100).prune() == [run] and not run.exists()


def test_new_paths_are_fresh_and_pruned_first(tmp_path):
    b = Bounded(tmp_path / "videos", max_age_s=60, max_bytes=10**6)
    first = b.new_path("painted-", ".mp4")
    first.write_bytes(b"v")
    os.utime(first, (time.time() - 120,) * 2)
    second = b.new_path("painted-", ".mp4")
    assert second != first and second.name.startswith("painted-") and second.suffix == ".mp4"
    assert not first.exists()
