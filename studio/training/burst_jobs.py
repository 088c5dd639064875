"""Training jobs on ZeroGPU: in the app's process, one burst per decorated call, chained by the
visitor's page while it stays open.

A ZeroGPU GPU is lent to one call of a `spaces.GPU` function (hub-docs, spaces-zerogpu.md), never to
a background process, so the JobRunner's child cannot use it. Here Start only prepares the run; the
Train tab then runs `chain()`, an event that calls train_burst_on_gpu again and again (each call loads
the run's state, trains for at most burst_seconds, checkpoints and returns) until the run is done,
Stop is pressed or the page goes away. The live view reads the same run folder as before.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from studio.core.errors import UserError, public_text
from studio.core.gpu import ceiling, gpu, on_cpu, refused
from studio.core.runfiles import RunFolder
from studio.training.bursts import train_burst
from studio.training.config import TrainConfig
from studio.training.jobs import JobRunner, Stopped, read_metrics, saved_step

# A burst's time beyond its training: the GPU hand-over, reading the state and MNIST, the last
# checkpoint and sample grid (about 3 s on this project's CPU; the rest is margin).
BURST_OVERHEAD_S = 15
DEFAULT_BURST_S = 60  # ZeroGPU's own default call time, when the form leaves burst_seconds at 0


def burst_seconds(cfg: TrainConfig, seconds: float) -> float:
    return seconds + BURST_OVERHEAD_S


def _burst(cfg: TrainConfig, seconds: float) -> dict:
    """One burst that ends early when the run folder's STOP file appears. A file, not a flag: on
    ZeroGPU the decorated call runs in a forked process, which sees none of this one's memory."""
    stop = RunFolder(cfg.out).stop
    return train_burst(cfg, seconds, should_stop=stop.exists)


def train_burst_on_cpu(cfg: TrainConfig, seconds: float) -> dict:
    """The burst on the CPU, whatever the run's device says: on ZeroGPU `spaces` makes CUDA look
    available in every thread, but only a decorated call may initialise it ("auto" would pick it here)."""
    with on_cpu():
        return _burst(replace(cfg, device="cpu"), seconds)


@gpu(duration=burst_seconds)
def train_burst_on_gpu(cfg: TrainConfig, seconds: float) -> dict:
    return _burst(cfg, seconds)


class BurstRunner(JobRunner):
    """JobRunner's calls (start, stop, status, running), with the training done by chain()."""

    def __init__(self, runs_root: Path | None = None, burst=train_burst_on_gpu, on_cpu=train_burst_on_cpu):
        super().__init__(runs_root)
        self.burst, self.on_cpu = burst, on_cpu
        self.state = "idle"  # idle, ready (started, no burst yet), training, finished, stopped, failed
        self.bursts, self.gpu_seconds, self.error = 0, 0.0, None
        self._done = threading.Event()  # set when no burst is in progress
        self._done.set()

    def running(self) -> bool:
        return self.state in ("ready", "training")

    def start(self, cfg: TrainConfig, threads: int | None = None) -> Path:
        """Prepare the run; the page's chain() then trains it."""
        seconds = cfg.burst_seconds or DEFAULT_BURST_S  # one call never asks for more than a call may have
        cfg = replace(cfg, burst_seconds=min(seconds, ceiling() - BURST_OVERHEAD_S))
        with self._lock:
            run_dir = self.prepare(cfg)
            self.run_dir, self.config, self.started, self.stop_requested = run_dir, cfg, time.time(), False
            self.state, self.bursts, self.gpu_seconds, self.error = "ready", 0, 0.0, None
            RunFolder(run_dir).stop.unlink(missing_ok=True)  # a Stop from an earlier session is done with
            return run_dir

    def chain(self, note=lambda message: None):
        """Burst after burst until the run is finished or stopped; yields a line after each. A burst
        ZeroGPU refuses (quota spent, no GPU free) runs on the CPU, with a note the first time, and the
        next burst asks for the GPU again. "GPU time used" is the whole of each GPU call, as ZeroGPU
        counts it, not only its training steps."""
        noted = False
        try:
            while self.running() and not self.stop_requested:
                self._done.clear()
                self.state = "training"
                try:
                    started, on_gpu = time.monotonic(), self.burst is not self.on_cpu
                    try:
                        result = self.burst(self.config, self.config.burst_seconds)
                    except Exception as e:  # noqa: BLE001 - a refusal runs on the CPU; a failure is shown
                        if not on_gpu or not refused(e):
                            raise
                        if not noted:
                            note(f"No GPU this time ({str(e)[:200]}); the bursts go on on the CPU, more slowly.")
                            noted = True
                        started, on_gpu = time.monotonic(), False
                        result = self.on_cpu(self.config, self.config.burst_seconds)
                finally:
                    self._done.set()
                self.bursts += 1
                self.gpu_seconds += time.monotonic() - started if on_gpu else 0.0
                if result["step"] >= result["total"]:
                    self.state = "finished"
                yield self.line(result)
        except (UserError, RuntimeError, OSError, ValueError) as e:
            self.state, self.error = "failed", public_text(str(e))
            yield f"Training failed: {self.error}"
        finally:  # stopped, or the page went away between bursts: the last checkpoint stays
            if self.state in ("ready", "training"):
                self.state = "stopped"

    def line(self, result: dict) -> str:
        return (f"Burst {self.bursts}: step {result['step']} / {result['total']} · GPU time used "
                f"{self.gpu_seconds:.0f} s")

    def stop(self, timeout: float = 60.0) -> Stopped:
        """The burst in progress ends at its next step, with a checkpoint; no further burst starts."""
        with self._lock:
            if not self.running():
                return Stopped(was_running=False)
            self.stop_requested = True
            RunFolder(self.run_dir).stop.touch()
        clean = self._done.wait(timeout)
        if self.state in ("ready", "training") and clean:
            self.state = "stopped"
        return Stopped(was_running=True, clean=clean, step=saved_step(self.run_dir))

    def status(self) -> dict:
        if self.run_dir is None:
            return {"state": "idle"}
        train = [m for m in read_metrics(self.run_dir) if m.get("kind") == "train"]
        last = train[-1] if train else {}
        out = {"state": self.state, "run_dir": str(self.run_dir), "step": last.get("step", 0),
               "total": last.get("total", self.config.total_steps), "images_per_s": last.get("images_per_s"),
               "elapsed": time.time() - self.started, "exit_code": None, "bursts": self.bursts,
               "gpu_seconds": self.gpu_seconds}
        if self.error:
            out["error"] = self.error
        return out

    def last_error(self) -> str:
        return self.error or ""


def job_runner(runs_root: Path | None = None, zero_gpu: bool = False) -> JobRunner:
    """The runner for this deployment: bursts in this process on ZeroGPU, a child process elsewhere."""
    return BurstRunner(runs_root) if zero_gpu else JobRunner(runs_root)
