"""The ZeroGPU runner: Start prepares, the page's chain() trains burst after burst, Stop ends the
burst in progress with a checkpoint, and a refused GPU moves the bursts to the CPU."""

import functools
import json
import threading
import time

import pytest

from studio.core.runfiles import RunFolder
from studio.digits.checkpoints import load_generator
from studio.training import burst_jobs
from studio.training.bursts import train_burst
from studio.training.burst_jobs import BurstRunner
from studio.training.jobs import JobError

SETTINGS = dict(steps=12, log_every=2, sample_every=1000, checkpoint_every=1000, burst_seconds=60)


def bursts_of(steps):
    """A burst that ends after `steps` steps: the same mechanics, with a step count a test can predict."""
    def burst(cfg, seconds):
        assert seconds == cfg.burst_seconds
        return functools.partial(train_burst, max_steps=steps)(cfg, seconds, should_stop=RunFolder(cfg.out).stop.exists)
    return burst


def steps_logged(folder):
    return [json.loads(line)["step"] for line in RunFolder(folder).metrics.read_text().splitlines()]


def test_a_chain_trains_the_run_in_bursts(tiny_config, tmp_path, mnist_available):
    runner = BurstRunner(tmp_path, burst=bursts_of(4))
    runner.start(tiny_config(**SETTINGS))
    assert runner.running() and runner.status()["step"] == 0
    lines = []
    for line in runner.chain():
        lines.append(line)
        load_generator(tmp_path / "generator.safetensors")  # a checkpoint after every burst
    assert [line.split(" ·")[0] for line in lines] == ["Burst 1: step 4 / 12", "Burst 2: step 8 / 12",
                                                       "Burst 3: step 12 / 12"]
    status = runner.status()
    assert status["state"] == "finished" and status["step"] == 12 and status["bursts"] == 3
    assert status["gpu_seconds"] > 0 and not runner.running()
    assert steps_logged(tmp_path) == list(range(2, 13, 2))


def test_stop_between_bursts_then_resume(tiny_config, tmp_path, mnist_available):
    runner = BurstRunner(tmp_path, burst=bursts_of(4))
    cfg = tiny_config(**SETTINGS)
    runner.start(cfg)
    chain = runner.chain()
    assert next(chain).startswith("Burst 1: step 4")
    stopped = runner.stop()
    assert stopped.was_running and stopped.step == 4 and stopped.message() == "Stopped at step 4; the checkpoint is saved."
    assert list(chain) == [] and runner.status()["state"] == "stopped"
    with_resume = tiny_config(**SETTINGS, resume=True)
    runner.start(with_resume)
    assert not RunFolder(tmp_path).stop.exists()  # the earlier Stop does not stop the resumed run
    assert list(runner.chain())[-1].startswith("Burst 2: step 12 / 12")
    assert steps_logged(tmp_path) == list(range(2, 13, 2))  # continuous across the stop


def test_stop_ends_the_burst_in_progress_with_a_checkpoint(tiny_config, tmp_path, mnist_available):
    runner = BurstRunner(tmp_path)  # the real burst: up to burst_seconds of training
    runner.start(tiny_config(steps=10_000_000, log_every=10, sample_every=10_000_000, checkpoint_every=10_000_000,
                             burst_seconds=600))
    lines = []
    worker = threading.Thread(target=lambda: lines.extend(runner.chain()))
    worker.start()
    while runner.state != "training" or not RunFolder(tmp_path).metrics.exists():
        time.sleep(0.05)
    t0 = time.monotonic()
    stopped = runner.stop()
    worker.join(30)
    assert stopped.clean and stopped.step is not None and stopped.step > 0
    assert time.monotonic() - t0 < 30 and runner.status()["state"] == "stopped"
    assert len(lines) == 1 and load_generator(tmp_path / "generator.safetensors")


def test_a_refused_gpu_moves_the_bursts_to_the_cpu(tiny_config, tmp_path, mnist_available, monkeypatch):
    class QuotaError(Exception):
        title = "ZeroGPU quota exceeded"

    def refuse(cfg, seconds):
        raise QuotaError("You have exceeded your free GPU quota")

    monkeypatch.setattr(burst_jobs, "train_burst", functools.partial(train_burst, max_steps=6))
    runner = BurstRunner(tmp_path, burst=refuse)
    runner.start(tiny_config(**SETTINGS))
    notes = []
    lines = list(runner.chain(note=notes.append))
    assert len(notes) == 1 and "CPU" in notes[0]
    assert runner.state == "finished" and runner.bursts == 2 and runner.gpu_seconds == 0
    assert lines[-1].startswith("Burst 2: step 12 / 12")


def test_after_a_refusal_the_next_burst_asks_for_the_gpu_again(tiny_config, tmp_path, mnist_available, monkeypatch):
    class QuotaError(Exception):
        title = "ZeroGPU quota exceeded"

    asked = []

    def sometimes(cfg, seconds):
        asked.append(len(asked))
        if len(asked) == 1:
            raise QuotaError("No GPU was available")
        time.sleep(0.2)  # the call's own time (hand-over, loading) counts as GPU time too
        return functools.partial(train_burst, max_steps=6)(cfg, seconds)

    monkeypatch.setattr(burst_jobs, "train_burst", functools.partial(train_burst, max_steps=6))
    runner = BurstRunner(tmp_path, burst=sometimes)
    runner.start(tiny_config(**SETTINGS))
    list(runner.chain())
    assert asked == [0, 1] and runner.bursts == 2 and runner.state == "finished"
    assert runner.gpu_seconds >= 0.2, "the second burst ran on the GPU, and its whole call is counted"


def test_a_failed_burst_is_said_and_a_second_start_refused_while_running(tiny_config, tmp_path, mnist_available):
    def broken(cfg, seconds):
        raise OSError("No space left on device")

    runner = BurstRunner(tmp_path, burst=broken)
    runner.start(tiny_config(**SETTINGS))
    with pytest.raises(JobError, match="already running"):
        runner.start(tiny_config(**SETTINGS))
    assert list(runner.chain()) == ["Training failed: No space left on device"]
    assert runner.status()["state"] == "failed" and runner.status()["error"] == "No space left on device"
    assert runner.stop().message() == "No job is running."


def test_the_cpu_burst_stays_on_the_cpu_whatever_the_runs_device(tiny_config, monkeypatch):
    """On ZeroGPU, `spaces` makes torch.cuda.is_available() true in every thread while only its decorated
    calls may initialise CUDA: the CPU fallback must not hand device "auto" to the trainer, which would
    pick CUDA there."""
    from studio.training import trainer

    class Picked(Exception):
        pass

    picked = []

    def record(name):
        picked.append(name)
        raise Picked

    monkeypatch.setattr(trainer, "pick_device", record)
    with pytest.raises(Picked):
        burst_jobs.train_burst_on_cpu(tiny_config(**{**SETTINGS, "device": "auto"}), 30)
    assert picked == ["cpu"]
