"""`evaluate`: score a generator with the project's MNIST classifier."""

from __future__ import annotations

import json
import time

from studio.cli.common import command
from studio.core.errors import storage
from studio.core import paths

DOC = """Score a generator with the project's MNIST classifier.

    python -m studio evaluate [--generator SPEC] [--n-per-class 1000] [--json] [--write]

Reports class accuracy of conditional samples, FID in the classifier's 128-d feature
space against the MNIST test set and the same per class, the classifier Inception Score,
k-NN precision and recall, density and coverage; each beside its real-vs-real floor
(10k training images against the 10k test images), which is what a perfect generator scores."""


def register(sub) -> None:
    p = command(sub, "evaluate", DOC, "score a generator: class accuracy, FID, IS, precision, recall, density, coverage", evaluate)
    p.add_argument("--generator", default=str(paths.DEFAULT_GENERATOR),
                   help="checkpoint path, run folder or hf://USER/NAME")
    p.add_argument("--classifier", default=str(paths.DEFAULT_CLASSIFIER))
    p.add_argument("--data-root", help="MNIST root (default: $STUDIO_DATA_DIR or the cache)")
    p.add_argument("--n-per-class", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--truncation", type=float, default=1.0, help="scale latents toward the mean, as `sample` does")
    p.add_argument("--no-floor", action="store_true", help="skip the real-vs-real floor")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--write", action="store_true", help="store the figures as 'metrics' in the checkpoint's JSON")


def evaluate(args) -> int:
    if not 10 <= args.n_per_class <= 10000:
        args.parser.error("--n-per-class must be between 10 and 10000")
    if not 0 < args.truncation <= 1:
        args.parser.error("--truncation must be above 0 and at most 1")
    from studio.core.files import read_config, write_config
    from studio.digits.resolve import load_generator_any, resolve_generator
    from studio.evaluation.evaluator import Evaluator, evaluate_generator

    with storage(args.generator):
        t0 = time.time()
        generator, _ = load_generator_any(args.generator)
        ev = Evaluator(args.classifier, args.data_root)
        scores = evaluate_generator(generator, ev, args.n_per_class, args.seed, truncation=args.truncation)
        if not args.no_floor:
            scores.update(ev.floor())
        seconds = round(time.time() - t0, 1)
        if args.write:
            target = resolve_generator(args.generator)
            config = read_config(target)
            # the figures only: how long this run took is no property of the generator
            config["metrics"] = {k: _rounded(v) for k, v in scores.items()}
            config["metrics"]["truncation"] = args.truncation
            config["metrics"]["evaluated"] = f"{args.n_per_class} samples per class, seed {args.seed}, MNIST test set"
            write_config(target, config)
    scores["seconds"] = seconds
    if args.json:
        print(json.dumps(scores, indent=2))
    else:
        print(report(scores))
    return 0


def _rounded(v):
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    return round(v, 5) if isinstance(v, float) else v


MEASURES = ("class_accuracy", "inception_score", "fid", "class_fid", "precision", "recall", "density", "coverage")


def report(scores: dict) -> str:
    """Each measure beside its real-vs-real floor and the ratio; then FID class by class."""
    lines = [f"{'measure':>16} {'generator':>10} {'real floor':>11} {'ratio':>7}"]
    for name in MEASURES:
        if name not in scores:
            continue
        floor = scores.get(f"{name}_floor")
        tail = f" {floor:11.4f} {scores[name] / floor:7.3f}" if floor else ""
        lines.append(f"{name:>16} {scores[name]:10.4f}{tail}")
    if "class_fids" in scores:
        floors = scores.get("class_fids_floor") or [None] * len(scores["class_fids"])
        lines.append("FID per class (floor): " + ", ".join(
            f"{c}: {v:.2f}" + (f" ({f:.2f})" if f is not None else "")
            for c, (v, f) in enumerate(zip(scores["class_fids"], floors))))
    lines.append(f"{scores['n']} samples, {scores.get('seconds', 0):.0f} s")
    return "\n".join(lines)
