"""Live and video speed: the webcam path per frame, video throughput, and frames shown in a browser.

    python bench/live.py [--browser-seconds 30] [--json]

1. Live path, as the app runs it: a frame goes to the style engine's process (IPC included),
   comes back painted and is steadied: ms per frame at 256 / 384 / 512 px (median of 30).
2. Video: frames per second of `VideoStylizer` (decode, paint, steady, encode) at 320x240 and
   1280x720, on clips this script writes.
3. Browser: the real app in headless Chromium with a fake camera playing a panning clip (a y4m
   this script writes); counts the distinct painted frames shown over --browser-seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "style"))

import numpy as np  # noqa: E402

from clips import pan_frames, write_video, write_y4m  # noqa: E402

SHARED = Path(os.environ.get("STUDIO_SHARED_DIR", ROOT.parent / "shared"))
PHOTO = sorted((SHARED / "images" / "content").glob("*.jpg"))[0]
PAINTING = sorted((SHARED / "images" / "style").glob("*.jpg"))[1]
os.environ.setdefault("STUDIO_WEIGHTS_DIR", str(SHARED / "weights" / "microast"))


def live_path() -> dict:
    from PIL import Image

    from studio.style.steady import Steadier
    from studio.style.tensors import fit
    from studio.style.worker import StyleWorker

    worker = StyleWorker()
    out = {}
    try:
        for size in (256, 384, 512):
            frames = [np.asarray(fit(Image.fromarray(f), size)) for f in pan_frames(PHOTO, count=34, size=(640, 480))]
            steadier, times = Steadier(), []
            for f in frames:
                t0 = time.perf_counter()
                steadier(f, np.asarray(worker(f, [str(PAINTING)], None, 1.0, False, size)))
                times.append(time.perf_counter() - t0)
            out[size] = round(float(np.median(times[4:])) * 1000, 1)  # the first calls warm caches up
    finally:
        worker.close()
    return out


def video_throughput(folder: Path) -> dict:
    from studio.style.fast import FastStylizer
    from studio.style.video import VideoStylizer

    painter, out = VideoStylizer(FastStylizer.load()), {}
    for (w, h), n in (((320, 240), 72), ((1280, 720), 24)):
        src = folder / f"clip_{w}x{h}.mp4"
        write_video(src, pan_frames(PHOTO, count=n, size=(w, h)), fps=24)
        t0 = time.perf_counter()
        painter(src, [PAINTING], folder / f"out_{w}x{h}.mp4")
        out[f"{w}x{h}"] = round(n / (time.perf_counter() - t0), 1)
    return out


def browser_fps(folder: Path, seconds: float) -> float:
    from playwright.sync_api import sync_playwright

    from studio.ui.testing import CHROMIUM_ARGS, chromium_path, serve_app

    camera = folder / "camera.y4m"
    write_y4m(camera, pan_frames(PHOTO, count=60), fps=15)
    with serve_app(log_path=folder / "app.log") as (url, *_), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS + [
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={camera}"])
        page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
        page.goto(url)
        page.get_by_role("tab", name="Style").click()
        page.locator("#style-painting-1 input[type=file]").set_input_files(str(PAINTING))
        page.get_by_text("Live: the webcam painted").click()
        page.get_by_text("Click to Access Webcam").click()
        page.locator("#live-cam button[aria-label='capture photo']").click(timeout=30000)
        page.locator("#live-out img").wait_for(timeout=60000)
        page.wait_for_timeout(2000)  # past the first frames
        # Count in the page itself: every change of the painted image's source is a frame shown.
        shown = page.evaluate("""async (ms) => {
            const img = document.querySelector('#live-out img');
            let last = img.src, n = 0;
            const t0 = performance.now();
            while (performance.now() - t0 < ms) {
                await new Promise(r => requestAnimationFrame(r));
                const now = document.querySelector('#live-out img');
                if (now && now.src !== last) { n++; last = now.src; }
            }
            return n;
        }""", seconds * 1000)
        browser.close()
    return round(shown / seconds, 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--browser-seconds", type=float, default=30)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = {"live_ms_per_frame": live_path(), "video_fps": video_throughput(Path(tmp)),
                  "browser_fps": browser_fps(Path(tmp), args.browser_seconds)}
    if args.json:
        print(json.dumps(result))
        return 0
    for size, ms in result["live_ms_per_frame"].items():
        print(f"live path {size:>4} px: {ms:6.1f} ms per frame (IPC and steadiness included)")
    for size, fps in result["video_fps"].items():
        print(f"video {size:>9}: {fps:6.1f} frames per second (decode, paint, steady, encode)")
    print(f"headless Chromium, fake camera: {result['browser_fps']:.1f} painted frames shown per second "
          f"over {args.browser_seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
