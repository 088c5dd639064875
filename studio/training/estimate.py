"""How long a run will take here, measured before it starts: a few training steps of the run's own
networks, batch and device on pictures of its shape, timed. A rate measured on the machine itself
holds for a CPU, a GPU or a busy Space alike, where a table of figures from elsewhere would not.

    rate = steps_per_second(cfg)       # after 2 untimed warm-up steps, 5 timed ones
    print(describe(cfg, rate))         # "about 14 min for 5,000 steps (5.9 steps/s measured here)"
"""

from __future__ import annotations

import dataclasses
import tempfile
import time

import torch

from studio.core.gpu import on_cpu, zero_gpu
from studio.training.config import TrainConfig


def estimate_device(cfg: TrainConfig) -> str:
    """Where the timed steps run: the run's own device, except on ZeroGPU, where an estimate is asked
    for from a handler thread and only a GPU call may start CUDA; it is timed on the CPU there."""
    return "cpu" if zero_gpu() else cfg.device


def steps_per_second(cfg: TrainConfig, steps: int = 5, warmup: int = 2) -> float:
    """Training steps per second for cfg, from a throwaway trainer (its own temporary folder)."""
    from studio.training.trainer import Trainer

    with tempfile.TemporaryDirectory(prefix="studio-estimate-") as tmp, on_cpu():
        probe = dataclasses.replace(cfg, out=tmp, resume=False, device=estimate_device(cfg))
        if cfg.data and cfg.out:  # a set already read into the run folder is read from there
            from studio.core.runfiles import RunFolder

            if RunFolder(cfg.out).dataset.is_file():
                import shutil

                shutil.copy(RunFolder(cfg.out).dataset, RunFolder(tmp).dataset)
        trainer = Trainer(probe)
        n, c, s = cfg.batch_size, trainer.data.channels, trainer.data.size
        real = torch.rand(n * 4, c, s, s, device=trainer.device) * 2 - 1
        labels = torch.randint(0, max(trainer.num_classes, 1), (n * 4,), device=trainer.device)
        batches = trainer._batches(real, labels)
        for _ in range(warmup):
            trainer.train_step(batches)
        _sync(trainer.device)
        t0 = time.perf_counter()
        for _ in range(steps):
            trainer.train_step(batches)
        _sync(trainer.device)
        return steps / (time.perf_counter() - t0)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def describe(cfg: TrainConfig, rate: float) -> str:
    seconds = cfg.total_steps / rate
    took = f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{max(1, round(seconds / 60))} min"
    where = "on this Space's CPU; GPU bursts go faster" if estimate_device(cfg) != cfg.device else "here"
    return (f"about {took} for {cfg.total_steps:,} steps ({rate:.1f} steps/s measured {where} just now; "
            "evaluations and sample grids add to it)")
