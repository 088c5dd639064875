"""`data`: what the trainer would make of a set of your own pictures, before a run starts."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from studio.cli.common import command

DOC = """Read a training set and say what it holds: pictures per class, size, grey or colour,
what was done to them (transparency flattened, cropped), the files skipped and why; write a
preview grid (a row per class).

    python -m studio data SPEC [--size 32|64] [--background white|black] [--channels auto|grey|colour]
                          [--preview FILE.png] [--json]

SPEC: a folder of pictures (sub-folders are classes; none: unconditional), a .zip of one
(checked entry by entry before anything is unpacked), or torchvision:NAME (MNIST,
FashionMNIST, KMNIST, EMNIST-letters, CIFAR10)."""


def register(sub) -> None:
    p = command(sub, "data", DOC, "inspect a set of your own pictures before training on it", inspect)
    p.add_argument("spec", help="a folder, a .zip, or torchvision:NAME")
    p.add_argument("--size", type=int, default=32, help="32 or 64 (pixels a side)")
    p.add_argument("--background", default="white", help="what transparency is flattened onto: white or black")
    p.add_argument("--channels", default="auto", help="auto (grey when every picture is), grey or colour")
    p.add_argument("--preview", help="write the preview grid to this PNG")
    p.add_argument("--json", action="store_true", help="print the report as one JSON line")


def inspect(args) -> int:
    from studio.datasets.sources import load

    with tempfile.TemporaryDirectory(prefix="studio-data-") as work:  # an archive is unpacked here, then gone
        images = load(args.spec, args.size, Path(work), args.background, args.channels)
    report = images.report()
    if args.preview:
        images.preview().save(args.preview)
        report["preview"] = args.preview
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['source']}: {report['images']:,} pictures at {report['size']} px, {report['channels']}")
    for name, n in report["classes"].items():
        print(f"  {name}: {n:,}")
    for note in report["notes"]:
        print(f"  - {note}")
    if report["skipped"]:
        print(f"skipped {report['skipped']:,}:")
        for line in report["skipped_examples"]:
            print(f"  {line}")
    return 0
