"""Style commands: `stylize` (a photo in the style of paintings), `video` (a whole video, steady)
and `examples` (the tab's example pictures)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from studio.cli.common import command
from studio.core.errors import storage

STYLIZE_DOC = """Paint a photo in the style of one or more paintings.

    python -m studio stylize PHOTO PAINTING [PAINTING ...] -o OUT [--strength S] [--preserve-color]
                             [--max-size N] [--method fast|classic] [--weights-dir DIR] [--style-weights W ...]

The fast engine is MicroAST (one forward pass, weights from --weights-dir, $STUDIO_WEIGHTS_DIR,
the cache or a verified download); the classic one is the Gatys et al. optimisation over VGG-19."""

VIDEO_DOC = """Paint a video (MP4, WebM, MOV or animated GIF) in the style of one to three paintings.

    python -m studio video INPUT PAINTING [PAINTING ...] -o OUT.mp4 [--strength S] [--preserve-color]
                           [--max-size N] [--png-dir DIR] [--no-steady] [--max-seconds 60]

Writes an MP4 (H.264, yuv420p, AAC audio kept) with the input's frame rate, frame count and
size (--max-size fits the long side). Steady by default: each frame is blended with the
previous output carried along the optical flow, where the flow is trusted; --no-steady paints
every frame on its own. --png-dir also writes every output frame losslessly as
frame_000001.png, frame_000002.png, ..."""

EXAMPLES_DOC = """Make the Style tab's example pictures from the project's own code (no third-party images).

    python -m studio examples      # writes assets/example_digits.png and assets/example_painting.png"""


def painting_args(p, source: str, source_help: str, out_help: str) -> None:
    """What painting a photo and painting a video share: the source, the paintings, the look."""
    p.add_argument(source, help=source_help)
    p.add_argument("styles", nargs="+", help="one to three paintings")
    p.add_argument("-o", "--out", required=True, help=out_help)
    p.add_argument("--strength", type=float, default=1.0)
    p.add_argument("--preserve-color", action="store_true")
    p.add_argument("--weights-dir", help="folder holding the MicroAST weights (else $STUDIO_WEIGHTS_DIR, cache, download)")
    p.add_argument("--exact", action="store_true",
                   help="float32 throughout (default: bfloat16 in the layers where it stays invisible, on CPUs with it)")


def register(sub) -> None:
    p = command(sub, "stylize", STYLIZE_DOC, "paint a photo in the style of one to three paintings", stylize)
    painting_args(p, "content", "the photo", "output image (.png, .jpg or .webp)")
    p.add_argument("--max-size", type=int, default=1024, help="long side of the output, at most 4096")
    p.add_argument("--style-weights", type=float, nargs="+", help="one weight per painting")
    p.add_argument("--method", choices=("fast", "classic"), default="fast")
    p.add_argument("--steps", type=int, default=300, help="classic method: optimisation steps")

    p = command(sub, "video", VIDEO_DOC, "paint a video in the style of paintings, steady from frame to frame", video)
    painting_args(p, "input", "the video", "output video (.mp4)")
    p.add_argument("--max-size", type=int, help="long side of the output (default: the input's size)")
    p.add_argument("--png-dir", help="also write every output frame as a PNG here")
    p.add_argument("--no-steady", action="store_true", help="paint each frame on its own (flickers)")
    p.add_argument("--max-seconds", type=float, default=60.0, help="refuse longer videos (default 60)")
    p.add_argument("--progress", choices=("bar", "jsonl", "none"), default="bar", help=argparse.SUPPRESS)

    command(sub, "examples", EXAMPLES_DOC, "redraw the Style tab's example pictures into assets/", examples)


def stylize(args) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp"):
        args.parser.error("--out must end in .png, .jpg or .webp")
    with storage(out.name):
        if args.method == "fast":
            from studio.style.fast import FastStylizer

            result = FastStylizer.load(args.weights_dir, exact=args.exact)(
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
    print(f"wrote {out} ({result.width}x{result.height})")
    return 0


def video(args) -> int:
    if Path(args.out).suffix.lower() != ".mp4":
        args.parser.error("--out must end in .mp4")
    if not 0 < args.max_seconds <= 3600:
        args.parser.error("--max-seconds must be above 0 and at most 3600")
    from studio.style.fast import FastStylizer
    from studio.style.video import VideoStylizer, probe

    with storage(Path(args.out).name):
        found = probe(args.input, args.max_seconds)  # a bad file is refused before the weights load
        painter = VideoStylizer(FastStylizer.load(args.weights_dir, exact=args.exact))
        bar = None
        if args.progress == "bar":
            from tqdm import tqdm

            bar = tqdm(total=found.frames, unit="frame", desc="video", mininterval=1.0)

        def progress(done, total):
            if bar is not None:
                bar.update(done - bar.n)
            elif args.progress == "jsonl":
                print(json.dumps({"done": done, "total": total}), flush=True)

        info = painter(
            args.input, args.styles, args.out, args.strength, args.preserve_color, args.max_size,
            steady=not args.no_steady, png_dir=args.png_dir, max_seconds=args.max_seconds, progress=progress,
            info=found)
        if bar is not None:
            bar.close()
    print(f"wrote {args.out} ({info.frames} frames at {float(info.fps):.3g} fps"
          f"{', audio kept' if info.has_audio else ''})", file=sys.stderr if args.progress == "jsonl" else sys.stdout)
    return 0


def examples(args) -> int:
    from studio.style.examples import write_examples

    with storage("assets/"):
        written = write_examples()
    print("wrote " + ", ".join(str(p) for p in written))
    return 0
