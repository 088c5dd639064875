"""Draw a run's evaluation records (metrics.jsonl, "kind": "eval") as an SVG line chart against training time.

    python scripts/quality_curve.py RUN_DIR [RUN_DIR ...] --out assets/quality_curve.svg [--measure fid]
                                    [--floor 3.83] [--bar 7.67] [--ymax 30] [--label NAME ...]

Plain SVG, so the README (and the Space page) shows it without a plotting library. Runs that were resumed
are one curve: "time" in the records is training time summed over sessions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 320, 56, 16, 24, 44
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea")


def records(run: Path, measure: str) -> list[tuple[float, float]]:
    out = []
    for line in (run / "metrics.jsonl").read_text().splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        if r.get("kind") == "eval" and measure in r:
            out.append((r["time"] / 60, r[measure]))
    return out


def svg(curves: dict[str, list[tuple[float, float]]], measure: str, floor: float | None, bar: float | None) -> str:
    xs = [x for c in curves.values() for x, _ in c]
    ys = [y for c in curves.values() for _, y in c] + [v for v in (floor, bar) if v is not None]
    x1, y0, y1 = max(xs), 0.0, max(ys) * 1.05

    def px(x, y):
        return (LEFT + x / x1 * (W - LEFT - RIGHT), TOP + (1 - (y - y0) / (y1 - y0)) * (H - TOP - BOTTOM))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" '
             f'font-size="12"><rect width="{W}" height="{H}" fill="white"/>']
    for i in range(6):  # grid and axis labels
        y = y0 + (y1 - y0) * i / 5
        _, py = px(0, y)
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{py:.1f}" y2="{py:.1f}" stroke="#e5e7eb"/>'
                     f'<text x="{LEFT - 6}" y="{py + 4:.1f}" text-anchor="end">{y:.3g}</text>')
        x = x1 * i / 5
        qx, _ = px(x, y0)
        parts.append(f'<text x="{qx:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{x:.0f}</text>')
    parts.append(f'<text x="{(W + LEFT) / 2}" y="{H - 8}" text-anchor="middle">training minutes (CPU, time spent in training steps)</text>'
                 f'<text x="12" y="{TOP - 8}">{measure}</text>')
    for value, name, dash in ((floor, "real floor", "4 3"), (bar, "target", "8 4")):
        if value is not None:
            _, py = px(0, value)
            parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{py:.1f}" y2="{py:.1f}" stroke="#6b7280" '
                         f'stroke-dasharray="{dash}"/><text x="{W - RIGHT - 4}" y="{py - 4:.1f}" '
                         f'text-anchor="end" fill="#6b7280">{name} {value:g}</text>')
    # Legend top right: curves start high on the left and settle low on the right.
    for i, (name, pts) in enumerate(curves.items()):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{a:.1f},{b:.1f}" for a, b in (px(x, y) for x, y in pts))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
                     f'<text x="{W - RIGHT - 4}" y="{TOP + 14 + 16 * i}" text-anchor="end" fill="{colour}">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--measure", default="fid")
    ap.add_argument("--floor", type=float)
    ap.add_argument("--bar", type=float)
    ap.add_argument("--ymax", type=float, help="leave out points above this (the first evaluations of a run)")
    ap.add_argument("--label", nargs="*", help="one name per run (default: the folder names)")
    args = ap.parse_args()
    labels = args.label or [r.name for r in args.runs]
    if len(labels) != len(args.runs):
        sys.exit("give one --label per run")
    curves = {}
    for run, label in zip(args.runs, labels):
        if not (run / "metrics.jsonl").is_file():
            sys.exit(f"{run} has no metrics.jsonl")
        curves[label] = [(x, y) for x, y in records(run, args.measure) if args.ymax is None or y <= args.ymax]
        if not curves[label]:
            sys.exit(f"{run} has no evaluation records with {args.measure!r} (train with --eval-every)")
    args.out.write_text(svg(curves, args.measure, args.floor, args.bar))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
