"""Digits commands: `sample` (a synthetic labelled dataset), `directions` (named latent sliders)
and `invert` (a drawing's twin in the GAN)."""

from __future__ import annotations

from pathlib import Path

from studio.cli.common import command, fail
from studio.core import paths
from studio.core.errors import UserError, storage
from studio.core.inputs import MAX_SEED, InputError

MAX_COUNT = 1_000_000

SAMPLE_DOC = """Export a synthetic labelled MNIST-style dataset from a generator.

    python -m studio sample --count 10000 --label all --seed 0 --out digits.npz [--png-dir DIR]

The .npz holds `images` uint8 (N, 28, 28), white digit on black like MNIST, and `labels`
int64 (N,). With --label all the classes are balanced (counts differ by at most one).
--png-dir also writes one PNG per sample and a labels.csv beside them."""

DIRECTIONS_DOC = """Find a generator's latent directions by PCA (GANSpace) and by SeFa, name the ones a
measurement confirms (each name once), and store both sets in the checkpoint's JSON, where
the Digits tab reads them.

    python -m studio directions [CHECKPOINT] [--count 8]"""

INVERT_DOC = """Find each drawing's twin in the GAN: the digit and latent that make the generator redraw it.

    python -m studio invert IMAGE [IMAGE ...] [--generator SPEC] [--json] [--out-dir DIR]

A drawing is any picture of one digit: dark ink on light, light on dark, or ink on a
transparent layer; it is read like MNIST (cropped, fitted into 20 px, centred in 28 x 28).
--json prints one object per image and line: file, digit, confidence, latent, error (mean
squared pixel error of the twin against the drawing as read, both in [0, 1]) and seconds.
--out-dir writes DIR/<name>_twin.png, the twin as 28 x 28 white on black. A bad file gets a
message on stderr, the others are still processed, and the exit status is then 2."""


def register(sub) -> None:
    p = command(sub, "sample", SAMPLE_DOC, "export a labelled dataset of generated digits (.npz, PNGs)", sample)
    p.add_argument("--count", type=int, required=True, help=f"number of samples (1 to {MAX_COUNT:,})")
    p.add_argument("--label", default="all", help="'all' (balanced), or one class by name or number (a digit 0-9)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="output .npz file")
    p.add_argument("--png-dir", help="also write PNGs and labels.csv into this folder")
    p.add_argument("--generator", default="shipped", help="checkpoint path, run folder or hf://USER/NAME")
    p.add_argument("--truncation", type=float, default=1.0, help="scale latents toward the mean (0-1]")

    p = command(sub, "directions", DIRECTIONS_DOC, "find and name a generator's latent directions", directions)
    p.add_argument("checkpoint", nargs="?", default=str(paths.DEFAULT_GENERATOR))
    p.add_argument("--count", type=int, default=8)

    p = command(sub, "invert", INVERT_DOC, "find the GAN's twin of drawn or photographed digits", invert)
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--generator", default="shipped", help="checkpoint path, run folder or hf://USER/NAME")
    p.add_argument("--json", action="store_true", help="one JSON object per image and line on stdout")
    p.add_argument("--out-dir", help="write each twin as <name>_twin.png here")


def sample(args) -> int:
    p = args.parser
    if not 1 <= args.count <= MAX_COUNT:
        p.error(f"--count must be from 1 to {MAX_COUNT:,}")
    if not 0 <= args.seed <= MAX_SEED:
        p.error(f"--seed must be from 0 to {MAX_SEED}")
    if not 0 < args.truncation <= 1:
        p.error("--truncation must be above 0 and at most 1")
    out = Path(args.out)
    if out.suffix != ".npz":
        p.error("--out must end in .npz")
    import numpy as np

    from studio.digits.resolve import load_generator_any
    from studio.digits.sample import class_names, generate_dataset, parse_label, write_npz, write_png_folder

    generator, config = load_generator_any(args.generator)
    classes = class_names(generator, config)
    label = parse_label(args.label, classes)
    with storage(out.name):
        images, labels = generate_dataset(generator, args.count, label, args.seed, args.truncation)
        write_npz(out, images, labels, classes)
        if args.png_dir:
            write_png_folder(Path(args.png_dir), images, labels)
    counts = np.bincount(labels, minlength=len(classes)).tolist()
    per_class = ", ".join(f"{name}: {n}" for name, n in zip(classes, counts))
    print(f"wrote {len(images)} images to {out} (per class: {per_class})")
    return 0


def directions(args) -> int:
    if not 1 <= args.count <= 32:
        args.parser.error("--count must be from 1 to 32")
    from studio.digits.directions import store_directions

    with storage(Path(args.checkpoint).name):
        found = store_directions(args.checkpoint, args.count)
    for method, dirs in found.items():
        named = sum(d["name"] is not None for d in dirs)
        print(f"{method}: {named} of {len(dirs)} directions named by measurement")
        for i, d in enumerate(dirs):
            print(f"  {i + 1}: strength {d['variance']:.3f}  {d['name'] or '-'} (effect {d['effect']})")
    return 0


def invert(args) -> int:
    import json

    from studio.core.imageio import safe_name
    from studio.core.images import save_png
    from studio.digits.invert import Inverter

    inverter = Inverter.from_checkpoint(args.generator)
    out_dir = Path(args.out_dir) if args.out_dir else None
    status = 0
    for name in args.images:
        try:  # one bad drawing is reported and the others go on
            with storage(str(out_dir)):
                twin = inverter(name)
                if out_dir is not None:
                    save_png(twin.image, out_dir / f"{safe_name(Path(name).stem, 'drawing')}_twin.png")
        except UserError as e:
            status = fail(f"{name}: {e}")
            continue
        if args.json:
            print(json.dumps(twin.to_json(name)), flush=True)
        else:
            print(f"{name}: looks like a {twin.digit} ({twin.confidence:.0%}), pixel error {twin.error:.4f}, "
                  f"{twin.seconds:.2f} s", flush=True)
    return status
