"""Seconds to find a drawing's twin, one drawing at a time as the app and the CLI do it.

    python bench/invert.py [--count 100] [--json]

Half the drawings are real MNIST test digits, half mouse-style drawings from the tests'
generator (tests/digits/mouse_drawings.py); each is timed from the picture to the twin
(reading it like MNIST included). Prints p50, p95 and the mean, in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "digits"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from mouse_drawings import drawings  # noqa: E402
from studio.digits.data import load_mnist  # noqa: E402
from studio.digits.invert import Inverter  # noqa: E402

SHARED = Path(os.environ.get("STUDIO_SHARED_DIR", ROOT.parent / "shared"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    inverter = Inverter.from_checkpoint()
    x, _ = load_mnist(os.environ.get("STUDIO_DATA_DIR", SHARED / "data"), train=False)
    pictures = [x[i].numpy() for i in range(args.count // 2)] + [p for p, _ in drawings(args.count - args.count // 2)]
    inverter(pictures[0])  # warm-up: first-call allocations are not what a person waits for
    seconds = []
    for p in pictures:
        t0 = time.perf_counter()
        inverter(p)
        seconds.append(time.perf_counter() - t0)
    out = {"drawings": len(seconds), "threads": torch.get_num_threads(), "p50_s": round(float(np.median(seconds)), 3),
           "p95_s": round(float(np.percentile(seconds, 95)), 3), "mean_s": round(float(np.mean(seconds)), 3)}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"torch {torch.__version__}, {out['threads']} threads, {out['drawings']} drawings one at a time")
        print(f"seconds per drawing: p50 {out['p50_s']:.3f}, p95 {out['p95_s']:.3f}, mean {out['mean_s']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
