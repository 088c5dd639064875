"""Style commands: `stylize` (a photo in the style of paintings) and `examples` (the tab's example pictures)."""

from __future__ import annotations

import sys
from pathlib import Path

from studio.cli.common import command, fail

STYLIZE_DOC = """Paint a photo in the style of one or more paintings.

    python -m studio stylize PHOTO PAINTING [PAINTING ...] -o OUT [--strength S] [--preserve-color]
                             [--max-size N] [--method fast|classic] [--weights-dir DIR] [--style-weights W ...]

The fast engine is MicroAST (one forward pass, weights from --weights-dir, $STUDIO_WEIGHTS_DIR,
the cache or a verified download); the classic one is the Gatys et al. optimisation over VGG-19."""

EXAMPLES_DOC = """Make the Style tab's example pictures from the project's own code (no third-party images).

    python -m studio examples      # writes assets/example_digits.png and assets/example_painting.png"""


def register(sub) -> None:
    p = command(sub, "stylize", STYLIZE_DOC, "paint a photo in the style of one to three paintings", stylize)
    p.add_argument("content", help="the photo")
    p.add_argument("styles", nargs="+", help="one to three paintings")
    p.add_argument("-o", "--out", required=True, help="output image (.png, .jpg or .webp)")
    p.add_argument("--strength", type=float, default=1.0)
    p.add_argument("--preserve-color", action="store_true")
    p.add_argument("--max-size", type=int, default=1024, help="long side of the output, at most 4096")
    p.add_argument("--style-weights", type=float, nargs="+", help="one weight per painting")
    p.add_argument("--method", choices=("fast", "classic"), default="fast")
    p.add_argument("--steps", type=int, default=300, help="classic method: optimisation steps")
    p.add_argument("--weights-dir", help="folder holding the MicroAST weights (else $STUDIO_WEIGHTS_DIR, cache, download)")

    command(sub, "examples", EXAMPLES_DOC, "redraw the Style tab's example pictures into assets/", examples)


def stylize(args) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp"):
        args.parser.error("--out must end in .png, .jpg or .webp")
    from studio.core.inputs import InputError
    from studio.style.classic import VGGUnavailable
    from studio.style.weights import WeightsError

    try:
        if args.method == "fast":
            from studio.style.fast import FastStylizer

            result = FastStylizer.load(args.weights_dir)(
                args.content, args.styles, args.style_weights, args.strength, args.preserve_color, args.max_size)
        else:
            from studio.style.classic import ClassicStylizer

            result = None
            for result, info in ClassicStylizer.load()(args.content, args.styles, style_weights=args.style_weights,
                                                       steps=args.steps, max_size=args.max_size,
                                                       preserve_color=args.preserve_color):
                print(f"step {info['step']}/{info['steps']}  loss {info['loss']:.4g}", file=sys.stderr)
        out.parent.mkdir(parents=True, exist_ok=True)
        result.save(out)
    except (InputError, WeightsError, VGGUnavailable, OSError) as e:
        return fail(e)
    print(f"wrote {out} ({result.width}x{result.height})")
    return 0


def examples(args) -> int:
    from studio.style.examples import write_examples

    try:
        written = write_examples()
    except OSError as e:
        return fail(e)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0
