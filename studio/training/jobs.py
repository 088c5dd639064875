"""Background training jobs for the app: one at a time, each in its own process.

The job is `python -m studio train` itself, so the app and the command line run the
same code, and a crash (or an out-of-memory kill) in training ends that process only.
Everything the UI shows is read back from the run folder the trainer writes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from studio.core import paths
from studio.core.children import Command, studio
from studio.core.errors import UserError
from studio.core.files import read_config
from studio.core.limits import JobLimits, job_limits
from studio.core.runfiles import RunFolder
from studio.training.config import TrainConfig


class JobError(UserError, RuntimeError):
    """A job cannot be started or controlled; the message is meant for the user."""


def read_metrics(run_dir: Path) -> list[dict]:
    path = RunFolder(run_dir).metrics
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # a line being written right now
    return records


def samples(run_dir: Path) -> list[Path]:
    return RunFolder(run_dir).samples()


@dataclass(frozen=True)
class Stopped:
    """What Stop did, so that its message says what is true."""

    was_running: bool
    clean: bool = False  # the trainer ended by itself, saving its checkpoint on the way out
    step: int | None = None  # the step of the checkpoint the run folder now holds (None: none)

    def message(self) -> str:
        if not self.was_running:
            return "No job is running."
        if self.step is None:
            return "Stopped before its first checkpoint: nothing was saved."
        if self.clean:
            return f"Stopped at step {self.step}; the checkpoint is saved."
        return f"Stopped by force; the last checkpoint (step {self.step}) is kept."


def saved_step(run_dir: Path) -> int | None:
    """The step of a run folder's resumable checkpoint, or None when it has none (or a broken one)."""
    run = RunFolder(run_dir)
    if not run.has_state():
        return None
    try:
        return int(read_config(run.state)["step"])
    except (UserError, KeyError, TypeError, ValueError):
        return None


def check_limits(cfg: TrainConfig, limits: JobLimits | None = None) -> TrainConfig:
    """Refuse a job before it starts when it would pass this deployment's bounds; a time limit
    is applied (the trainer stops itself, with a checkpoint) rather than refused."""
    limits = limits or job_limits()
    need = cfg.memory_estimate_mb()
    if need > limits.memory_mb:
        raise JobError(f"this job needs about {need:,.0f} MB of memory (batch size {cfg.batch_size}); the limit here "
                       f"is {limits.memory_mb:,.0f} MB: lower the batch size or the channels")
    images = cfg.total_steps * cfg.batch_size
    if images > limits.max_images:
        raise JobError(f"steps x batch size is {images:,}; the limit here is {limits.max_images:,.0f}: "
                       "train fewer steps (resume later to go on)")
    if limits.max_minutes and not 0 < cfg.minutes <= limits.max_minutes:
        cfg.minutes = limits.max_minutes
    return cfg


class JobRunner:
    def __init__(self, runs_root: Path | None = None):
        self.runs_root = Path(runs_root or paths.runs_dir())
        # Re-entrant: a caller holds it across choosing settings and start() (reserved()), so a
        # Stop that comes meanwhile waits for the job and stops it instead of missing it.
        self._lock = threading.RLock()
        self.child: Command | None = None
        self.run_dir: Path | None = None
        self.config: TrainConfig | None = None
        self.started = 0.0
        self.stop_requested = False

    @property
    def proc(self):
        return self.child.proc if self.child is not None else None

    def running(self) -> bool:
        return self.child is not None and self.child.running()

    def reserved(self):
        """Hold the runner while a start is being prepared: stop() waits until it is done."""
        return self._lock

    def new_run_dir(self) -> Path:
        # The second and a random tail: two visitors starting in the same second get two folders.
        return self.runs_root / f"{time.strftime('run-%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"

    def prepare(self, cfg: TrainConfig) -> Path:
        """Check a job may start (limits, none running, no run overwritten); its folder, with job.json."""
        check_limits(cfg.validate())
        if self.running():
            raise JobError(f"a training job is already running ({self.run_dir.name}); stop it first")
        run_dir = Path(cfg.out)
        if not cfg.resume and RunFolder(run_dir).has_state():
            raise JobError(f"{run_dir.name} already holds a run; resume it or start a new one")
        run_dir.mkdir(parents=True, exist_ok=True)
        RunFolder(run_dir).job.write_text(json.dumps(dataclasses.asdict(cfg), indent=2))
        return run_dir

    def start(self, cfg: TrainConfig, threads: int | None = None) -> Path:
        with self._lock:
            run_dir = self.prepare(cfg)
            if threads is None:
                # Leave a core for the UI on small machines: the app must stay responsive.
                threads = max(1, (os.cpu_count() or 2) - 1)
            # STUDIO_PARENT_PID: the trainer stops cleanly if the app that started it goes away
            # without ending it (a kill -9); otherwise studio.core.children stops it at exit.
            env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": str(threads),
                   "STUDIO_PARENT_PID": str(os.getpid())}
            argv = studio("train", *cfg.to_args(), "--threads", str(threads))
            self.child = Command(argv, log=RunFolder(run_dir).log, env=env, cwd=paths.ROOT, own_session=True,
                                 read_stdout=False)
            self.run_dir, self.config, self.started, self.stop_requested = run_dir, cfg, time.time(), False
            return run_dir

    def stop(self, timeout: float = 10.0) -> Stopped:
        """Ask the trainer to stop (it saves a checkpoint first); kill it if it does not in time."""
        with self._lock:
            if not self.running():
                return Stopped(was_running=False)
            self.stop_requested = True
        clean = self.child.stop(timeout) and self.child.poll() == 0
        return Stopped(was_running=True, clean=clean, step=saved_step(self.run_dir))

    def status(self) -> dict:
        """A snapshot for the UI: state, progress, ETA, the last error line."""
        if self.proc is None:
            return {"state": "idle"}
        code = self.proc.poll()
        metrics = read_metrics(self.run_dir)
        train = [m for m in metrics if m.get("kind") == "train"]
        last = train[-1] if train else {}
        state = "running" if code is None else (
            "stopped" if self.stop_requested else ("finished" if code == 0 else "failed"))
        out = {"state": state, "run_dir": str(self.run_dir), "step": last.get("step", 0),
               "total": last.get("total", self.config.total_steps), "images_per_s": last.get("images_per_s"),
               "elapsed": time.time() - self.started, "exit_code": code}
        if state == "running" and last.get("step") and last.get("images_per_s"):
            steps_left = out["total"] - out["step"]
            out["eta_s"] = steps_left * self.config.batch_size / max(last["images_per_s"], 1e-6)
        if state == "failed":
            out["error"] = self.last_error()
        return out

    def last_error(self) -> str:
        errors = self.child.errors()
        if errors:
            return errors[-1][:500]
        return "the training process ended unexpectedly (killed, or out of memory?)"
