"""The studio's GPU paths, checked and timed on one device: what to run when a CUDA GPU is at hand.

    python bench/gpu_check.py [--device cuda|cpu] [--minutes 4]

No network needed: MNIST, the MicroAST weights and the example pictures come from shared/ beside the
repository or the STUDIO_* variables. Prints, in order:
1. the CUDA tests (`pytest -m cuda`; skipped, saying so, without a GPU);
2. a run trained in 3 bursts on the device, each burst's seconds of training and its overhead (loading
   the state and data, the last checkpoint): what a ZeroGPU burst pays on top of its training;
3. training throughput and the time to 90 % class accuracy (bench/train.py, --minutes at most);
4. the fast style engine at 512, 1024 and 3840 x 2160: seconds on the device, and its agreement with the
   CPU's exact float32 result (PSNR, dB; "same" on the CPU itself);
5. the twin search: seconds per drawing and whether the twin's class is the digit's, on 20 test digits.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = [(512, 512), (1024, 1024), (3840, 2160)]


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def cuda_tests() -> None:
    section("CUDA tests (pytest -m cuda)")
    r = subprocess.run([sys.executable, "-m", "pytest", "-m", "cuda", "-q", "-p", "no:cacheprovider", "tests"],
                       cwd=ROOT, capture_output=True, text=True)
    print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-500:], flush=True)


def bursts(device: str, seconds: float) -> None:
    from studio.training.bursts import train_burst
    from studio.training.config import TrainConfig

    section(f"3 training bursts of {seconds:g} s on {device}")
    with tempfile.TemporaryDirectory() as out:
        cfg = TrainConfig(out=out, steps=1_000_000, device=device, log_every=50, sample_every=1_000_000,
                          checkpoint_every=1_000_000)
        for i in range(3):
            start = time.monotonic()
            result = train_burst(cfg, seconds)
            wall = time.monotonic() - start
            rate = result["burst_steps"] / max(result["burst_seconds"], 1e-9)
            print(f"burst {i + 1}: {result['burst_steps']} steps in {result['burst_seconds']:.1f} s of training "
                  f"({rate:.1f} steps/s of batch {cfg.batch_size}), {wall - result['burst_seconds']:.1f} s of "
                  "overhead (state, data, checkpoint)", flush=True)


def time_to_90(device: str, minutes: float) -> None:
    section(f"training from scratch on {device}: class accuracy against wall time (at most {minutes:g} min)")
    subprocess.run([sys.executable, str(ROOT / "bench" / "train.py"), "--device", device, "--budget", str(minutes),
                    "--stop-at-90", "--score-every", "250"], cwd=ROOT, check=False)


def psnr(a, b) -> float:
    import numpy as np

    err = np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2)
    return float("inf") if err == 0 else 10 * np.log10(255.0 ** 2 / err)


def style(device: str, repeats: int) -> None:
    import torch
    from PIL import Image

    from studio.core.paths import examples_dir
    from studio.style.fast import FastStylizer

    section(f"fast style on {device} against the CPU's exact result")
    folder = examples_dir()
    photo = Image.open(folder / "content" / "astronaut.jpg").convert("RGB")
    painting = Image.open(folder / "style" / "starry_night.jpg").convert("RGB")
    engine = FastStylizer.load(device=device, allow_download=False)
    reference = engine if device == "cpu" else FastStylizer.load(device="cpu", exact=True, allow_download=False)
    for w, h in SIZES:
        big = photo.resize((w, h), Image.BICUBIC)
        engine(big, [painting], max_size=max(w, h))  # warm-up: kernels, the painting's code
        times = []
        for _ in range(repeats):
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            start = time.perf_counter()
            out = engine(big, [painting], max_size=max(w, h))
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            times.append(time.perf_counter() - start)
        agree = "same engine" if reference is engine else f"{psnr(out, reference(big, [painting], max_size=max(w, h))):.1f} dB"
        print(f"{w} x {h}: {statistics.median(times):.3f} s (median of {repeats}); against the CPU: {agree}", flush=True)


def twins(device: str, count: int) -> None:
    from studio.digits import DigitStudio
    from studio.digits.data import load_mnist
    from studio.digits.invert import Inverter, matching_encoder

    section(f"twin search on {device}, {count} MNIST test digits")
    generator = DigitStudio.from_checkpoint("shipped").generator
    inverter = Inverter(generator, matching_encoder(generator)).on(device)
    images, labels = load_mnist(train=False, download=False)
    seconds, right = [], 0
    for i in range(count):
        start = time.perf_counter()
        twin = inverter(images[i * 500].numpy())
        seconds.append(time.perf_counter() - start)
        right += twin.digit == int(labels[i * 500])
    print(f"p50 {statistics.median(seconds):.3f} s, max {max(seconds):.3f} s per drawing; class right {right} of {count}",
          flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda", help="cuda (the default) or cpu, to check the script itself")
    ap.add_argument("--minutes", type=float, default=4, help="at most this long for the time to 90 %%")
    ap.add_argument("--burst-seconds", type=float, default=10)
    ap.add_argument("--repeats", type=int, default=3, help="timed runs of each style size (the median is printed)")
    ap.add_argument("--digits", type=int, default=20, help="drawings for the twin search (up to 20)")
    args = ap.parse_args()
    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("no CUDA GPU here: run with --device cpu to check the script itself", file=sys.stderr)
        return 2
    start = time.monotonic()
    print(f"device: {torch.cuda.get_device_name() if args.device.startswith('cuda') else 'cpu'}; "
          f"torch {torch.__version__}; {time.strftime('%Y-%m-%d')}", flush=True)
    cuda_tests()
    bursts(args.device, args.burst_seconds)
    time_to_90(args.device, args.minutes)
    style(args.device, max(1, args.repeats))
    twins(args.device, min(20, max(1, args.digits)))
    print(f"\nall checks in {time.monotonic() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
