"""A short real training on MNIST through the app's job runner: log, checkpoint, stop, resume, kill -9."""

import json
import os
import signal
import time

import pytest

from studio.core.files import read_config
from studio.digits.checkpoints import load_generator
from studio.training.jobs import JobError, JobRunner, Stopped, read_metrics, saved_step
from studio.training.config import TrainConfig

pytestmark = pytest.mark.app  # every job is a child process


def wait_for(cond, timeout=240, what="condition"):
    t0 = time.time()
    while not cond():
        if time.time() - t0 > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def small(out, **kw):
    return TrainConfig(out=str(out), steps=300, batch_size=32, g_channels=32, d_channels=32, log_every=10,
                       sample_every=50, checkpoint_every=40, **kw)


@pytest.mark.slow
def test_run_stop_resume(tmp_path, mnist_available):
    jobs = JobRunner(tmp_path)
    run = tmp_path / "a"
    jobs.start(small(run), threads=1)
    with pytest.raises(JobError, match="already running"):
        jobs.start(small(tmp_path / "b"), threads=1)
    wait_for(lambda: (run / "state.safetensors").exists() and read_config(run / "state.safetensors")["step"] >= 80,
             what="two checkpoints")
    t0 = time.time()
    stopped = jobs.stop()
    stop_s = time.time() - t0
    assert stop_s < 5.0, f"stop took {stop_s:.2f} s"  # a clean stop, well before the 10 s kill (a loaded CI machine took 2.07 s)
    st = jobs.status()
    assert st["state"] == "stopped"
    stopped_at = read_config(run / "state.safetensors")["step"]
    assert stopped_at >= 80
    assert stopped.clean and stopped.step == stopped_at
    assert stopped.message() == f"Stopped at step {stopped_at}; the checkpoint is saved."
    train = [m for m in read_metrics(run) if m["kind"] == "train"]
    assert train and all(k in train[-1] for k in ("loss_g", "loss_d", "d_real", "d_fake", "images_per_s"))
    assert list((run / "samples").glob("step_*.png"))
    load_generator(run / "generator.safetensors")
    # Nothing half-written is left behind: the checkpoint, its records and the job's own files only.
    assert {p.name for p in run.iterdir()} <= {"generator.safetensors", "generator.json", "state.safetensors",
                                               "state.json", "metrics.jsonl", "samples", "job.json", "train.log"}

    cfg = small(run, resume=True)
    cfg.steps = stopped_at + 30
    jobs.start(cfg, threads=1)
    wait_for(lambda: not jobs.running(), what="the resumed run to finish")
    assert jobs.status()["state"] == "finished", (run / "train.log").read_text()[-2000:]
    assert read_config(run / "state.safetensors")["step"] == stopped_at + 30
    steps = [m["step"] for m in read_metrics(run) if m["kind"] == "train"]
    resumed = steps[steps.index(max(s for s in steps if s <= stopped_at)) + 1:]
    assert resumed and min(resumed) > stopped_at - 10  # counting went on from the checkpoint, not from 0


@pytest.mark.slow
def test_kill_9_leaves_a_loadable_checkpoint(tmp_path, mnist_available):
    jobs = JobRunner(tmp_path)
    run = tmp_path / "k"
    cfg = small(run)
    cfg.checkpoint_every = 5  # checkpoints are being written most of the time: the kill lands mid-write often
    jobs.start(cfg, threads=1)
    wait_for(lambda: (run / "generator.safetensors").exists(), what="a first checkpoint")
    time.sleep(1.5)
    os.killpg(jobs.proc.pid, signal.SIGKILL)
    jobs.proc.wait()
    assert jobs.status()["state"] == "failed"
    g, cfg_json = load_generator(run / "generator.safetensors")
    assert cfg_json["training"]["step"] > 0
    state = read_config(run / "state.safetensors")
    assert state["step"] > 0


def test_failed_job_reports_its_error(tmp_path):
    jobs = JobRunner(tmp_path)
    cfg = small(tmp_path / "bad", data_root=str(tmp_path / "no-mnist-here"))
    jobs.start(cfg, threads=1)
    wait_for(lambda: not jobs.running(), timeout=120, what="the job to fail")
    st = jobs.status()
    assert st["state"] == "failed" and "MNIST not found" in st["error"]


def test_job_json_records_settings(tmp_path):
    jobs = JobRunner(tmp_path)
    cfg = small(tmp_path / "j", data_root=str(tmp_path / "none"))
    jobs.start(cfg, threads=1)
    wait_for(lambda: not jobs.running(), timeout=120, what="the job to end")
    assert json.loads((tmp_path / "j" / "job.json").read_text())["batch_size"] == 32


def test_stop_right_after_start_says_only_what_is_true(tmp_path, mnist_available):
    """Stop within moments of Train: whatever the trainer managed, the message matches the folder."""
    jobs = JobRunner(tmp_path)
    run = tmp_path / "early"
    jobs.start(small(run), threads=1)
    stopped = jobs.stop()
    assert stopped.was_running and not jobs.running()
    on_disk = read_config(run / "state.safetensors")["step"] if (run / "state.safetensors").exists() else None
    assert stopped.step == on_disk
    if on_disk is None:
        assert stopped.message() == "Stopped before its first checkpoint: nothing was saved."
    else:
        assert "saved" in stopped.message() and str(on_disk) in stopped.message()


def test_stop_during_a_start_waits_for_the_job_and_stops_it(tmp_path):
    import threading

    jobs = JobRunner(tmp_path)
    results = {}

    def slow_start():
        with jobs.reserved():  # as the Train tab does while it builds the settings
            time.sleep(0.5)
            jobs.start(small(tmp_path / "s", data_root=str(tmp_path / "none")), threads=1)

    starter = threading.Thread(target=slow_start)
    starter.start()
    time.sleep(0.1)
    results["stop"] = jobs.stop()
    starter.join()
    assert results["stop"].was_running and not jobs.running()


def test_stop_messages():
    assert Stopped(False).message() == "No job is running."
    assert Stopped(True, clean=False, step=None).message() == "Stopped before its first checkpoint: nothing was saved."
    assert Stopped(True, clean=True, step=40).message() == "Stopped at step 40; the checkpoint is saved."
    assert Stopped(True, clean=False, step=40).message() == "Stopped by force; the last checkpoint (step 40) is kept."


def test_saved_step_reads_the_state_or_none(tmp_path):
    from studio.core.files import save_tensors

    assert saved_step(tmp_path) is None
    import torch

    save_tensors(tmp_path / "state.safetensors", {"x": torch.zeros(1)}, {"step": 7})
    assert saved_step(tmp_path) == 7
    (tmp_path / "state.json").write_text("{not json")
    assert saved_step(tmp_path) is None


def test_jobs_past_the_public_bounds_are_refused_before_they_start(tmp_path, monkeypatch):
    """The finding: a batch-8192 job reached 5 GB in 40 s without finishing a step."""
    from studio.core.limits import job_limits
    from studio.training.jobs import check_limits

    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    jobs = JobRunner(tmp_path)
    with pytest.raises(JobError, match=r"needs about 8,\d{3} MB of memory \(batch size 8192\); the limit here is 1,500"):
        jobs.start(TrainConfig(out=str(tmp_path / "big"), batch_size=8192))
    with pytest.raises(JobError, match="steps x batch size is 640,000,000"):
        jobs.start(TrainConfig(out=str(tmp_path / "long"), steps=10_000_000, batch_size=64))
    assert not jobs.running() and not (tmp_path / "big").exists()
    cfg = check_limits(TrainConfig(out=str(tmp_path / "ok")))
    assert cfg.minutes == job_limits().max_minutes == 30  # a time limit is applied, not refused
    monkeypatch.setenv("STUDIO_PUBLIC", "0")
    assert check_limits(TrainConfig(out="x", steps=10_000_000)).minutes == 0


def test_the_memory_estimate_grows_with_the_batch_and_the_width():
    small_job, default, wide = (TrainConfig(batch_size=16, g_channels=32, d_channels=32), TrainConfig(),
                                TrainConfig(g_channels=128))
    assert small_job.memory_estimate_mb() < default.memory_estimate_mb() < wide.memory_estimate_mb()
    assert TrainConfig(batch_size=8192).memory_estimate_mb() > 5000  # what the finding measured, at least
