"""Class accuracy of a GAN trained from scratch, against wall-clock time.

    python bench/train.py [--budget 10] [--score-every 250] [--stop-at-90] [--recipe NAME] [any train option]

Trains with the project's trainer (same code as the CLI and the Train tab, and the same
settings: TrainConfig's, from which every option of `python -m studio train` is taken) on real
MNIST and, every --score-every steps, scores 1,000 conditional samples (100 per class) of the EMA
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
from studio.training import recipes  # noqa: E402
from studio.training.config import TrainConfig  # noqa: E402
from studio.training.trainer import Trainer  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--budget", type=float, default=10, help="minutes of wall clock at most (--minutes is the run's own limit)")
    ap.add_argument("--score-every", type=int, default=250, help="steps between class-accuracy scores")
    ap.add_argument("--stop-at-90", action="store_true", help="end the run once it reaches 90 %%")
    ap.add_argument("--recipe", help="start from a recipe's first phase")
    TrainConfig.add_arguments(ap)
    args = ap.parse_args()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as out:
        settings = recipes.load(args.recipe).phases[0] if args.recipe else {}
        settings = {**settings, **TrainConfig.given(args)}
        print("settings:", ", ".join(f"{k} {v}" for k, v in settings.items()) or "the defaults", flush=True)
        # The run ends by the clock, not by steps; no checkpoints or grids, only scores.
        cfg = TrainConfig(**{**settings, "out": out, "steps": 10_000_000, "sample_every": 10_000_000,
                             "checkpoint_every": 10_000_000, "log_every": 10_000_000}).validate()
        trainer = Trainer(cfg)
        evaluator = Evaluator()
        evaluator.real()
        deadline = t0 + args.budget * 60
        first90 = None
        print(f"{'wall s':>7} {'step':>6} {'class acc':>9}", flush=True)

        def on_step():
            nonlocal first90
            if trainer.step % args.score_every:
                return time.time() > deadline
            g = trainer.sampling_generator()
            acc = evaluate_generator(g, evaluator, 100, seed=0, full=False)["class_accuracy"]
            g.train()
            wall = time.time() - t0
            print(f"{wall:7.0f} {trainer.step:6d} {acc:9.3f}", flush=True)
            if acc >= 0.9 and first90 is None:
                first90 = wall
            return time.time() > deadline or (args.stop_at_90 and first90 is not None)

        # should_stop is polled before every step: use it as the per-step hook
        trainer.run(should_stop=lambda: trainer.step > 0 and on_step())
    print(f"reached 90 % class accuracy after {first90:.0f} s" if first90 else
          f"did not reach 90 % within {args.budget:g} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
