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


def sparse(path, size, age_s):
    """A file that counts `size` bytes without taking them on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)
    t = time.time() - age_s
    os.utime(path, (t, t))
    os.utime(path.parent, (t, t))  # an upload or a run is its folder: the folder's age is what counts
    return path


GB = 2**30


def test_uploads_runs_and_videos_stay_under_their_caps_on_a_public_deployment(tmp_path, monkeypatch):
    from studio.core import folders

    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    monkeypatch.setenv("STUDIO_RUNS_DIR", str(tmp_path / "runs"))
    videos = folders.Bounded(tmp_path / "videos", max_age_s=6 * 3600, max_bytes=2 * GB)
    monkeypatch.setattr(folders, "VIDEOS", videos)
    ups = [sparse(tmp_path / "gradio" / f"u{i}" / "photo.png", GB // 2, 3600 - i * 60) for i in range(4)]
    fresh = sparse(tmp_path / "gradio" / "new" / "photo.png", GB, 5)  # in use: never removed
    vids = [sparse(tmp_path / "videos" / f"painted-{i}.mp4", GB, 1000 - i) for i in range(3)]
    runs = [sparse(tmp_path / "runs" / f"run-{i}" / "state.safetensors", GB, 7200 - i * 60) for i in range(4)]
    folders.prune_all(keep_runs={"run-0"})
    assert folders.uploads().total_bytes() <= GB and fresh.exists()
    assert [p.exists() for p in ups] == [False, False, False, False]  # the oldest go first; 1 GB is the fresh one
    assert [p.exists() for p in vids] == [False, True, True] and videos.total_bytes() <= 2 * GB
    assert [p.exists() for p in runs] == [True, False, False, True]  # run-0 is in use; the next oldest went
    assert folders.runs().total_bytes() <= 2 * GB


def test_run_folders_stay_on_your_own_machine_but_empty_ones_go(tmp_path, monkeypatch):
    from studio.core import folders

    monkeypatch.setenv("STUDIO_PUBLIC", "0")
    monkeypatch.setenv("STUDIO_RUNS_DIR", str(tmp_path / "runs"))
    kept = sparse(tmp_path / "runs" / "run-a" / "state.safetensors", 3 * GB, 10 * 86400)
    empty = sparse(tmp_path / "runs" / "run-b" / "train.log", 10, 7200)
    young = sparse(tmp_path / "runs" / "run-c" / "train.log", 10, 60)
    in_use = sparse(tmp_path / "runs" / "run-d" / "train.log", 10, 7200)
    assert folders.runs() is None
    assert folders.prune_empty_runs(keep={"run-d"}) == [empty.parent]
    assert kept.exists() and young.exists() and in_use.exists()
