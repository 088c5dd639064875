"""The names of the files a run folder and a checkpoint hold; nothing else in the studio spells one.

    runs/run-20261201-101500/
      generator.safetensors + generator.json   the EMA generator Digits loads (and its directions, metrics)
      state.safetensors + state.json           everything needed to resume
      metrics.jsonl                            one record per log interval ("kind": "train" or "eval")
      samples/step_0000500.png                 a 10x10 grid from fixed noise, row = digit
      job.json, train.log                      the settings an app job started with, and its output
      STOP                                     asks a training burst to end (ZeroGPU's bursts run in a fork)
      dataset.npz, dataset.png, data/          a run's own pictures (--data): the set as read, its preview grid,
                                               and an uploaded archive unpacked
"""

from __future__ import annotations

import os
from pathlib import Path

GENERATOR = "generator.safetensors"
STATE = "state.safetensors"
METRICS = "metrics.jsonl"
SAMPLES = "samples"
JOB = "job.json"
LOG = "train.log"
STOP = "STOP"
DATASET = "dataset.npz"
DATASET_PREVIEW = "dataset.png"
UNPACKED = "data"
ENCODER = "encoder.safetensors"
CLASSIFIER = "classifier.safetensors"
GENERATOR_CONFIG = "generator.json"  # studio.core.files.config_path(GENERATOR)
HUB_FILES = (GENERATOR, GENERATOR_CONFIG)  # what a generator repo on the Hub holds
# The augmentation study's folder: a run folder per GAN (gan-kK-seedS/), and these
STUDY_RESULTS, STUDY_TABLE, STUDY_CHART = "results.jsonl", "table.md", "chart.svg"


def generator_in(path: str | os.PathLike) -> Path:
    """A run folder's generator, or the path itself when it names a checkpoint file."""
    path = Path(path)
    return path / GENERATOR if path.is_dir() else path


def _file(name: str) -> property:
    return property(lambda self: self.root / name, doc=f"the run's {name}")


class RunFolder:
    """The paths inside one run folder."""

    generator = _file(GENERATOR)
    state = _file(STATE)
    metrics = _file(METRICS)
    job = _file(JOB)
    log = _file(LOG)
    stop = _file(STOP)
    dataset = _file(DATASET)
    dataset_preview = _file(DATASET_PREVIEW)
    unpacked = _file(UNPACKED)

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @property
    def name(self) -> str:
        return self.root.name

    def sample(self, step: int) -> Path:
        return self.root / SAMPLES / f"step_{step:07d}.png"

    def samples(self) -> list[Path]:
        return sorted((self.root / SAMPLES).glob("step_*.png"))

    def has_generator(self) -> bool:
        return self.generator.is_file()

    def has_state(self) -> bool:
        return self.state.is_file()
