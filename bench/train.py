"""Class accuracy of a GAN trained from scratch, against wall-clock time.

    python bench/train.py [--minutes 10] [--eval-every 250] [--device auto] [--batch-size 64]

Trains with the project's trainer (same code as the CLI and the Train tab) on real MNIST and,
every --eval-every steps, scores 1,000 conditional samples (100 per class) of the EMA
generator with the project's classifier. Wall time includes data loading and the evaluations.
Prints one line per evaluation and the time the run first reached 90 %.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.evaluation.evaluator import Evaluator, evaluate_generator  # noqa: E402
from studio.training.config import TrainConfig  # noqa: E402
from studio.training.trainer import Trainer  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--ema", type=float, default=0.99)
    ap.add_argument("--aux-weight", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as out:
        cfg = TrainConfig(out=out, steps=10_000_000, batch_size=args.batch_size, device=args.device, ema=args.ema,
                          aux_weight=args.aux_weight, seed=args.seed, sample_every=10_000_000,
                          checkpoint_every=10_000_000, log_every=10_000_000)
        trainer = Trainer(cfg)
        evaluator = Evaluator()
        evaluator.real()
        deadline = t0 + args.minutes * 60
        first90 = None
        print(f"{'wall s':>7} {'step':>6} {'class acc':>9}", flush=True)

        def on_step():
            nonlocal first90
            if trainer.step % args.eval_every:
                return time.time() > deadline
            g = trainer.sampling_generator()
            acc = evaluate_generator(g, evaluator, 100, seed=0, full=False)["class_accuracy"]
            g.train()
            wall = time.time() - t0
            print(f"{wall:7.0f} {trainer.step:6d} {acc:9.3f}", flush=True)
            if acc >= 0.9 and first90 is None:
                first90 = wall
            return time.time() > deadline

        # should_stop is polled before every step: use it as the per-step hook
        trainer.run(should_stop=lambda: trainer.step > 0 and on_step())
    print(f"reached 90 % class accuracy after {first90:.0f} s" if first90 else
          f"did not reach 90 % within {args.minutes:g} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
