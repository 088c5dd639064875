"""Means of the trainer's step records, and the image rate, between two log lines."""

from __future__ import annotations

import time


class Meter:
    """Means of the step records and the image rate since the last flush."""

    def __init__(self, images_per_step: int):
        self.images_per_step = images_per_step
        self.since, self.steps, self.sums = time.time(), 0, {}

    def add(self, rec: dict) -> None:
        self.steps += 1
        for k, v in rec.items():
            self.sums[k] = self.sums.get(k, 0.0) + v

    def flush(self) -> dict:
        now = time.time()
        out = {"images_per_s": round(self.steps * self.images_per_step / max(now - self.since, 1e-9), 1),
               **{k: round(v / max(self.steps, 1), 5) for k, v in self.sums.items()}}
        self.since, self.steps, self.sums = now, 0, {}
        return out
