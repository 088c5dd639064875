"""The trainer on a shared machine: steps per second alone and beside one busy process.

    python bench/contention.py [--steps 150]

Runs the real command line (`python -m studio train`, MNIST, the default recipe) three ways and prints
the training rate of each, from the trainer's own timing of its steps (reading MNIST and starting up
excluded): alone with its default threads; beside a neighbour process that keeps one core busy, with its
default threads (the cores idle at start, studio.core.cores); and beside it with every core (--threads
equal to the machine's cores), as the trainer ran before. Needs MNIST (shared/data or STUDIO_DATA_DIR).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def busy() -> None:
    while True:
        pass


def rate(steps: int, threads: int | None) -> float:
    """Steps per second of the trainer's loop, from the first to the last logged step."""
    from studio.core.runfiles import RunFolder

    with tempfile.TemporaryDirectory() as out:
        argv = [sys.executable, "-m", "studio", "train", "--out", out, "--steps", str(steps), "--log-every", "10",
                "--sample-every", "100000", "--checkpoint-every", "100000", "--eval-every", "0"]
        if threads:
            argv += ["--threads", str(threads)]
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True)
        logged = [json.loads(line) for line in RunFolder(out).metrics.read_text().splitlines()]
    train = [m for m in logged if m.get("kind") == "train"]
    return (train[-1]["step"] - train[0]["step"]) / (train[-1]["time"] - train[0]["time"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=150)
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    quiet = rate(args.steps, None)
    print(f"alone, default threads: {quiet:.2f} steps/s", flush=True)
    neighbour = mp.get_context("spawn").Process(target=busy, daemon=True)
    neighbour.start()
    try:
        time.sleep(1)
        shared = rate(args.steps, None)
        print(f"beside one busy process, default threads: {shared:.2f} steps/s ({shared / quiet:.2f} of alone)",
              flush=True)
        every = rate(args.steps, cores)
        print(f"beside one busy process, {cores} threads: {every:.2f} steps/s ({every / quiet:.2f} of alone)",
              flush=True)
    finally:
        neighbour.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
