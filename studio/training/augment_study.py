"""Do digits a GAN draws make a classifier better when only a few labelled digits exist (DAGAN's
question, Antoniou et al. 2017)?

    python -m studio augment-study [--ks 10,50,100,500] [--seeds 0,1,2] [--out runs/augment-study]

For each k and seed: k real MNIST training digits of each class, drawn with the seed (test digits are
never drawn); a conditional GAN trained on those k x 10 only, with DiffAugment; and the evaluation
classifier's architecture trained with one budget of steps three ways: (a) on the real digits alone
with its ordinary +-2 px shifts, (b) on real and synthetic digits (half of each batch synthetic, or
--share), (c) on synthetic digits alone. With --keep, (b) and (c) use only the synthetic digits that
(a)'s classifier, which saw the same k x 10 real digits and nothing else, gives their own class with
that probability (never the evaluator's classifier). Each is tested on the 10,000 MNIST test digits.
Every result is appended to results.jsonl as it comes, with the settings that made it, and every GAN
keeps its checkpoints, so a study that is stopped resumes where it was.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import torch

from studio.core.images import to_model_range
from studio.core.runfiles import STUDY_RESULTS, RunFolder
from studio.core.settings import SettingError
from studio.digits.data import load_mnist
from studio.evaluation.cas import real_subset
from studio.evaluation.evaluator import generate_balanced
from studio.evaluation.fit import accuracy, fit
from studio.training.config import StudyConfig, TrainConfig  # noqa: F401 - StudyConfig is this module's settings

ARMS = {"real": "(a) real digits alone", "real+synthetic": "(b) real and synthetic", "synthetic": "(c) synthetic alone"}
RESULTS = STUDY_RESULTS


def _rows(out: Path) -> list[dict]:
    path = Path(out) / RESULTS
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.is_file() else []


def measured_seconds(out: Path) -> float:
    """The study's time so far, over every session: each (k, seed) took until its last result."""
    last: dict[tuple[int, int], float] = {}
    for r in _rows(out):
        last[(r["k"], r["seed"])] = max(last.get((r["k"], r["seed"]), 0.0), r["seconds"])
    return sum(last.values())


def done(out: Path) -> dict[tuple[int, int, str], float]:
    """(k, seed, arm) -> test accuracy, for every result already in the study's folder."""
    return {(r["k"], r["seed"], r["arm"]): r["accuracy"] for r in _rows(out)}


def _same_settings(study: StudyConfig) -> None:
    """One folder, one recipe: results made with another share or filter are never mixed into its table."""
    for r in _rows(study.out):
        theirs = (r.get("share", 0.5), r.get("keep", 0.0))  # rows from before these settings: the defaults
        if theirs != (study.share, study.keep):
            raise SettingError(f"{study.out} holds results made with share {theirs[0]} and keep {theirs[1]}: "
                               "give this recipe its own --out")


def _record(out: Path, row: dict) -> None:
    with open(Path(out) / RESULTS, "a") as f:  # one line per result: a stop loses at most the one running
        f.write(json.dumps(row) + "\n")


def train_gan(cfg: TrainConfig, should_stop=lambda: False):
    """The GAN for one (k, seed), resumed from its checkpoint; its EMA generator, or None if stopped."""
    from studio.digits.checkpoints import load_generator
    from studio.training.trainer import Trainer

    result = Trainer(cfg).run(should_stop=should_stop)
    if result["status"] != "finished":
        return None
    return load_generator(RunFolder(cfg.out).generator)[0]


def arm_data(arm: str, real: tuple, synthetic: tuple | None, share: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    """A classifier's training set. (b) repeats the real digits so that `share` of it, so of each batch on
    average, is synthetic however few the real digits are."""
    if arm == "real":
        return real
    if arm == "synthetic":
        return synthetic
    reps = max(1, round(len(synthetic[0]) * (1 - share) / (share * len(real[0]))))
    return torch.cat([real[0].repeat(reps, 1, 1, 1), synthetic[0]]), torch.cat([real[1].repeat(reps), synthetic[1]])


def run(study: StudyConfig, log=print, should_stop=lambda: False) -> dict:
    """Every (k, seed, arm) not yet in results.jsonl; returns the results by (k, seed, arm)."""
    study.validate()
    _same_settings(study)
    out = Path(study.out)
    out.mkdir(parents=True, exist_ok=True)
    xte, yte = load_mnist(train=False)
    test = (to_model_range(xte), yte)
    results = done(out)
    for k in study.k_list():
        for seed in study.seed_list():
            if all((k, seed, arm) in results for arm in ARMS) or should_stop():
                continue
            t0 = time.time()
            real = real_subset(k * 10, seed)
            generator = train_gan(study.gan_config(k, seed), should_stop)
            if generator is None:
                break
            synthetic = generate_balanced(generator, study.synthetic // 10, seed=seed)
            for arm in ARMS:
                judges = arm == "real" and study.keep > 0  # (a)'s classifier, trained again when resumed
                if (k, seed, arm) in results and not judges:
                    continue
                data = arm_data(arm, real, synthetic, study.share)
                model = fit(*data, seed=seed, steps=study.classifier_steps, log=lambda *_: None)
                if judges:
                    synthetic = kept(synthetic, model, study.keep)
                if (k, seed, arm) in results:
                    continue
                results[(k, seed, arm)] = accuracy(model, *test)
                _record(out, {"k": k, "seed": seed, "arm": arm, "accuracy": results[(k, seed, arm)],
                              "seconds": round(time.time() - t0, 1), "share": study.share, "keep": study.keep,
                              "synthetic": len(synthetic[0])})
                log(f"k={k} seed={seed} {ARMS[arm]}: {results[(k, seed, arm)]:.2%}")
    return results


@torch.no_grad()
def kept(synthetic: tuple, judge, threshold: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The synthetic digits to which `judge` gives their own class with at least `threshold` probability."""
    x, y = synthetic
    judge.eval()
    p = torch.cat([judge(x[i:i + 1000]).softmax(1) for i in range(0, len(x), 1000)])
    mask = p[torch.arange(len(y)), y] >= threshold
    if mask.sum() < 10:
        raise SettingError(f"--keep {threshold} kept {int(mask.sum())} of {len(y)} synthetic digits: give a lower one")
    return x[mask], y[mask]


def summary(results: dict) -> list[dict]:
    """Mean and standard deviation over seeds of each (k, arm), and (b) minus (a) in points, paired by seed
    (only seeds with both measured: one seed's digits are both arms' digits)."""
    rows = []
    for k in sorted({k for k, _, _ in results}):
        row = {"k": k}
        for arm in ARMS:
            values = [v for (kk, _, a), v in results.items() if kk == k and a == arm]
            mean = statistics.mean(values) if values else 0.0  # an arm not measured yet for this k
            row[arm] = (mean, statistics.stdev(values) if len(values) > 1 else 0.0, len(values))
        gains = [100 * (results[(k, s, "real+synthetic")] - v) for (kk, s, a), v in results.items()
                 if kk == k and a == "real" and (k, s, "real+synthetic") in results]
        if gains:
            row["gain_points"] = statistics.mean(gains)
            row["gain_spread"] = statistics.stdev(gains) if len(gains) > 1 else 0.0
        rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    """The README's table: test accuracy, mean ± standard deviation over the seeds."""
    lines = ["| k per class | " + " | ".join(ARMS.values()) + " | (b) − (a) |", "|---|---|---|---|---|"]
    for r in rows:
        cells = [f"{100 * r[a][0]:.2f} ± {100 * r[a][1]:.2f} % ({r[a][2]} seed{'s' * (r[a][2] != 1)})"
                 if r[a][2] else "not yet" for a in ARMS]
        gain = f"{r['gain_points']:+.2f} ± {r['gain_spread']:.2f} points" if "gain_points" in r else ""
        lines.append(f"| {r['k']} | " + " | ".join(cells) + f" | {gain} |")
    return "\n".join(lines)


def planned_seconds(study: StudyConfig) -> tuple[float, str]:
    """The study's time on this machine, from a few GAN and classifier steps timed now, and how it adds up."""
    from studio.training.estimate import steps_per_second

    todo = [(k, s) for k in study.k_list() for s in study.seed_list()
            if not all((k, s, arm) in done(Path(study.out)) for arm in ARMS)]
    if not todo:
        return 0.0, "nothing left to run"
    gan_rate = steps_per_second(study.gan_config(*todo[-1]).replace(resume=False))
    x, y = real_subset(1000, 0)
    t0 = time.perf_counter()
    fit(x, y, steps=20, log=lambda *_: None)
    clf_rate = 20 / (time.perf_counter() - t0)
    gans, classifiers = len(todo), 3 * len(todo)
    seconds = gans * study.gan_steps / gan_rate + classifiers * study.classifier_steps / clf_rate
    return seconds, (f"{gans} GANs x {study.gan_steps:,} steps at {gan_rate:.1f} steps/s and {classifiers} classifiers "
                     f"x {study.classifier_steps:,} steps at {clf_rate:.0f} steps/s")


def chart(rows: list[dict], width: int = 560, height: int = 320) -> str:
    """An SVG of test accuracy against k (log scale), a line per arm, each point's spread as a bar."""
    import math

    colours = {"real": "#1f77b4", "real+synthetic": "#2ca02c", "synthetic": "#d62728"}
    ks = [r["k"] for r in rows]
    values = [r[a][0] for r in rows for a in ARMS if r[a][2]]
    lo, hi = (min(values) - 0.02, min(1.0, max(values) + 0.01)) if values else (0.0, 1.0)
    left, right, top, bottom = 60, width - 150, 20, height - 40

    def px(k, v):
        span = math.log10(max(ks)) - math.log10(min(ks)) or 1
        x = left + (math.log10(k) - math.log10(min(ks))) / span * (right - left)
        return x, bottom - (v - lo) / (hi - lo) * (bottom - top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             'font-size="12">', f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#333"/>',
             f'<text x="{(left + right) / 2}" y="{height - 8}" text-anchor="middle">real digits per class (k)</text>',
             f'<text x="14" y="{(top + bottom) / 2}" transform="rotate(-90 14 {(top + bottom) / 2})" '
             'text-anchor="middle">MNIST test accuracy</text>']
    for k in ks:
        x, _ = px(k, lo)
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{k}</text>')
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        _, y = px(min(ks), v)
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{100 * v:.1f} %</text>')
    for n, (arm, name) in enumerate(ARMS.items()):
        points = [(px(r["k"], r[arm][0]), px(r["k"], r[arm][0] - r[arm][1]), px(r["k"], r[arm][0] + r[arm][1]))
                  for r in rows if r[arm][2]]
        c = colours[arm]
        parts.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for (x, y), _, _ in points) + '"/>')
        for (x, y), (_, y1), (_, y2) in points:
            parts.append(f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2:.1f}" stroke="{c}"/>')
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{c}"/>')
        parts.append(f'<text x="{right + 10}" y="{top + 16 + 18 * n}" fill="{c}">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
