"""Training on a set of one's own pictures with a recipe, against wall-clock time.

    python bench/pictures.py --data DIR [--recipe pictures-cpu] [--minutes 15] [--target 0.97] [--out DIR]
    python bench/pictures.py --write-mnist-folder DIR     # MNIST's 60,000 training digits as PNGs, 0/ ... 9/

Runs the trainer exactly as `python -m studio train --recipe R --data DIR` does (the recipe's steps,
evaluations and sample grids) and prints, for each evaluation record, the wall time since the start
(reading and decoding the pictures included) and the class accuracy by the studio's MNIST classifier,
which scores sets whose classes are the ten digits. It stops at the recipe's last step, at --minutes,
or once --target is reached, and prints the run folder (sample grids under samples/).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.training import recipes  # noqa: E402
from studio.training.config import TrainConfig  # noqa: E402
from studio.training.trainer import Trainer  # noqa: E402


def write_mnist_folder(folder: Path) -> None:
    from PIL import Image

    from studio.digits.data import load_mnist

    images, labels = load_mnist(train=True)
    for d in range(10):
        (folder / str(d)).mkdir(parents=True, exist_ok=True)
    for i, (img, label) in enumerate(zip(images.numpy(), labels.tolist())):
        Image.fromarray(img).save(folder / str(label) / f"{i:05d}.png")
    print(f"wrote {len(images):,} PNGs under {folder}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="the set: a folder, a .zip or torchvision:NAME")
    ap.add_argument("--recipe", default="pictures-cpu")
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("--target", type=float, default=0.97, help="stop once the class accuracy reaches this")
    ap.add_argument("--out", default="runs/bench-pictures", help="the run folder (emptied first)")
    ap.add_argument("--write-mnist-folder", metavar="DIR")
    args = ap.parse_args()
    if args.write_mnist_folder:
        write_mnist_folder(Path(args.write_mnist_folder))
        return 0
    if not args.data:
        ap.error("--data is required")
    import shutil

    shutil.rmtree(args.out, ignore_errors=True)
    t0 = time.time()
    cfg = recipes.load(args.recipe).configs(out=args.out, data=args.data)[0]
    trainer = Trainer(cfg)
    print(f"read {len(trainer.data.own.images):,} pictures in {time.time() - t0:.0f} s; {cfg.total_steps} steps",
          flush=True)
    reached = {}

    def on_record(record):
        if record.get("kind") == "eval":
            wall = time.time() - t0
            print(f"{wall:7.0f} s  step {record['step']:6d}  class accuracy {record['class_accuracy']:.4f}", flush=True)
            if record["class_accuracy"] >= args.target and "at" not in reached:
                reached.update(at=wall, step=record["step"])

    result = trainer.run(should_stop=lambda: "at" in reached or time.time() - t0 > args.minutes * 60,
                         on_record=on_record)
    wall = time.time() - t0
    print(f"{result['status']} at step {result['step']} after {wall:.0f} s wall; run folder {args.out}")
    print(f"reached {args.target:.0%} at step {reached['step']} after {reached['at']:.0f} s" if reached else
          f"did not reach {args.target:.0%} within {args.minutes:g} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
