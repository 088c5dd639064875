"""`evaluate`: score a generator with the project's MNIST classifier, or one trained on its own set."""

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
(10k training images against the 10k test images), which is what a perfect generator scores.

A generator trained on one's own pictures (a run folder with dataset.npz, or --data SPEC) is scored
on that set instead: class accuracy and FID and KID in the features of a classifier trained on the
set itself, each beside its real floor, and the share of samples nearly identical to a training
picture (--grid writes each sample beside its nearest training pictures)."""


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
    p.add_argument("--cas", action="store_true", help="also the Classification Accuracy Score: the evaluation "
                   "classifier's recipe trained on generated digits only, and on as many real ones, both tested on "
                   "the MNIST test set (two trainings: minutes)")
    p.add_argument("--cas-n", type=int, default=60_000, help="digits each CAS classifier trains on (default 60000)")
    p.add_argument("--cas-epochs", type=int, default=6, help="epochs of each CAS classifier (default 6, the recipe's)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--write", action="store_true", help="store the figures as 'metrics' in the checkpoint's JSON")
    p.add_argument("--data", help="the set an own-pictures generator was trained on (default: its run folder's)")
    p.add_argument("--classifier-steps", type=int, help="steps to train an own set's classifier (default: "
                   "30 passes over the set, 400 at least)")
    p.add_argument("--inception", action="store_true", help="an own set's FID and KID in Inception-v3 features "
                   "too (weights: 91 MB, fetched once from a pinned address; offline the rest goes on)")
    p.add_argument("--grid", help="write a PNG of samples beside their nearest training pictures here")


def evaluate(args) -> int:
    if not 10 <= args.n_per_class <= 10000:
        args.parser.error("--n-per-class must be between 10 and 10000")
    if not 0 < args.truncation <= 1:
        args.parser.error("--truncation must be above 0 and at most 1")
    if not 100 <= args.cas_n <= 600_000 or not 1 <= args.cas_epochs <= 100:
        args.parser.error("--cas-n must be from 100 to 600000 and --cas-epochs from 1 to 100")
    from studio.digits.resolve import load_generator_any
    from studio.evaluation.evaluator import Evaluator, evaluate_generator

    with storage(args.generator):
        t0 = time.time()
        generator, _ = load_generator_any(args.generator)
        own = own_set(args, generator)
        if own is not None:
            return evaluate_own(args, generator, own, t0)
        if args.cas and generator.config.num_classes != 10:
            args.parser.error("--cas needs a class-conditional generator of the ten digits")
        ev = Evaluator(args.classifier, args.data_root)
        scores = evaluate_generator(generator, ev, args.n_per_class, args.seed, truncation=args.truncation)
        if not args.no_floor:
            scores.update(ev.floor())
        if args.cas:
            from studio.evaluation.cas import cas

            scores.update(cas(generator, args.cas_n, args.cas_epochs, args.seed, args.truncation, args.data_root))
        seconds = round(time.time() - t0, 1)
        if args.write:
            _write_metrics(args.generator, {**scores, "truncation": args.truncation},
                           f"{args.n_per_class} samples per class, seed {args.seed}, MNIST test set")
    scores["seconds"] = seconds
    if args.json:
        print(json.dumps(scores, indent=2))
    else:
        print(report(scores))
    return 0


def _write_metrics(spec, scores: dict, evaluated: str) -> None:
    from studio.core.files import read_config, write_config
    from studio.digits.resolve import resolve_generator

    target = resolve_generator(spec)
    config = read_config(target)
    # the figures only: how long this run took is no property of the generator
    # merged: a CAS measured once stays when the other figures are measured again without it
    config["metrics"] = {**(config.get("metrics") or {}),
                         **{k: _rounded(v) for k, v in scores.items() if k not in ("seconds", "cas_seconds")}}
    config["metrics"]["evaluated"] = evaluated
    write_config(target, config)


def own_set(args, generator):
    """The set an own-pictures generator was trained on: --data, else its run folder's dataset.npz;
    None for an MNIST generator (28 px grey), which the MNIST evaluator scores."""
    from studio.core.runfiles import RunFolder
    from studio.datasets.imageset import DataSourceError, ImageSet
    from studio.datasets.sources import load
    from studio.digits.resolve import resolve_generator

    g = generator.config
    if args.data:
        return load(args.data, g.image_size, work=None, channels="grey" if g.image_channels == 1 else "colour")
    run = RunFolder(resolve_generator(args.generator).parent)
    if run.dataset.is_file():
        return ImageSet.load(run.dataset)
    if (g.image_size, g.image_channels) != (28, 1):
        raise DataSourceError(f"{args.generator} was trained on pictures of its own but its run folder has no "
                              "dataset.npz: name the set with --data")
    return None


def evaluate_own(args, generator, images, t0) -> int:
    from studio.evaluation.own_set import SetEvaluator

    if (images.size, images.channels) != (generator.config.image_size, generator.config.image_channels):
        args.parser.error(f"the set is {images.size} px with {images.channels} channels but the generator draws "
                          f"{generator.config.image_size} px with {generator.config.image_channels}")
    if args.classifier_steps is not None and not 10 <= args.classifier_steps <= 100_000:
        args.parser.error("--classifier-steps must be between 10 and 100000")
    ev = SetEvaluator(images, seed=args.seed, steps=args.classifier_steps)
    inception, skipped = _inception() if args.inception else (None, None)
    scores = {"set": images.source, **ev.score(generator, seed=args.seed, inception=inception)}
    if skipped:
        scores["inception"] = skipped
    if args.grid:
        ev.grid(generator, seed=args.seed).save(args.grid)
    if args.write:
        _write_metrics(args.generator, scores, f"{scores['n']} samples, seed {args.seed}, {images.source}")
    scores["seconds"] = round(time.time() - t0, 1)
    print(json.dumps(scores, indent=2) if args.json else report_own(scores))
    return 0


def _inception():
    """(features, None), or (None, why not): without the weights the other scores go on."""
    import sys

    from studio.evaluation.inception import InceptionFeatures, InceptionUnavailable

    try:
        return InceptionFeatures(), None
    except InceptionUnavailable as e:
        print(str(e), file=sys.stderr)
        return None, str(e)


def report_own(s: dict) -> str:
    lines = [f"{s['set']}: {s['pictures']:,} pictures, {s['n']:,} samples against as many real ones"]
    if "real_accuracy" in s:
        if "class_accuracy" in s:
            lines.append(f"class accuracy {s['class_accuracy']:.4f} (the set's classifier on held-out real "
                         f"pictures: {s['real_accuracy']:.4f})")
        lines.append(f"FID {s['fid']:.3f} (real floor {s['fid_floor']:.3f}); "
                     f"KID {s['kid']:.4f} (real floor {s['kid_floor']:.4f})")
    if "inception_fid" in s:
        lines.append(f"Inception FID {s['inception_fid']:.2f} (real floor {s['inception_fid_floor']:.2f}); "
                     f"KID {s['inception_kid']:.4f} (real floor {s['inception_kid_floor']:.4f})")
    elif "inception" in s:
        lines.append(s["inception"])
    lines.append(f"nearly identical to a training picture: {s['near_identical']:.1%} of samples "
                 f"({s['near_identical_real']:.1%} of held-out real pictures)")
    lines.append(f"{s['seconds']:.0f} s")
    return "\n".join(lines)


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
    if "cas" in scores:
        lines.append(f"CAS {scores['cas']:.2%}: a classifier trained on {scores['cas_n']:,} generated digits only, "
                     f"tested on real ones; {scores['cas_real']:.2%} trained on {scores['cas_n_real']:,} real "
                     f"digits by the same recipe ({scores['cas_gap_points']:+.2f} points)")
    lines.append(f"{scores['n']} samples, {scores.get('seconds', 0):.0f} s")
    return "\n".join(lines)
