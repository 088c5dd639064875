"""Digits latency, as a person feels it and as its parts cost.

    python bench/digits.py [--generator SPEC] [--drags 60]

Prints:
  * app start: seconds from launching app.py to the first HTTP answer and to the first digit
  * drag latency in headless Chromium: from a slider's `input` event to the new image
    decoded and painted (next animation frame), p50 / p95 over --drags moves
  * gradio_client round trip for the same endpoint, p50 / p95
  * the generator alone: milliseconds per digit (batch of 1), median, as the app renders it (network, sliders,
    picture) and the network's forward pass by itself
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from studio.ui.testing import CHROMIUM_ARGS, chromium_path, draw_digit, serve_app  # noqa: E402

PROBE = """
async ([sliderSel, imgSel, value]) => {
  const input = document.querySelector(sliderSel);
  const box = document.querySelector(imgSel);
  const before = box.querySelector('img') ? box.querySelector('img').src : null;
  const changed = new Promise(resolve => {
    const obs = new MutationObserver(() => {
      const img = box.querySelector('img');
      if (img && img.src !== before) { obs.disconnect(); resolve(img); }
    });
    obs.observe(box, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  });
  const t0 = performance.now();
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setter.call(input, String(value));
  input.dispatchEvent(new Event('input', {bubbles: true}));
  const img = await changed;
  await img.decode();
  await new Promise(r => requestAnimationFrame(() => r()));
  return performance.now() - t0;
}
"""


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))]


def browser_drags(url: str, drags: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#digit-image img", timeout=60000)
        slider = "#dir-slider-0 input[type=range]"
        times = []
        for i in range(drags + 5):
            value = round(-2.5 + 5 * ((i * 7) % 50) / 49, 2)  # positions spread over the range, no repeats in a row
            ms = page.evaluate(PROBE, [slider, "#digit-image", value])
            if i >= 5:  # the first moves warm up caches on both sides
                times.append(ms)
            page.wait_for_timeout(30)  # a dragging hand produces an event every few frames
        browser.close()
    return times


def client_round_trips(url: str, n: int) -> tuple[list[float], float]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    times = []
    for i in range(n + 3):
        t = time.perf_counter()
        draw_digit(client, sliders=((i % 10) / 5 - 1, 0, 0, 0, 0, 0, 0, 0))
        if i >= 3:
            times.append((time.perf_counter() - t) * 1000)
    return times


def generator_ms(spec: str | None) -> tuple[float, float]:
    """(render, network forward) medians in ms for one digit."""
    from studio.digits import DigitStudio
    from studio.digits.networks import one_hot

    studio = DigitStudio.from_checkpoint(spec)
    for _ in range(20):
        studio.render(seed=1, digit=3)
    times = []
    for i in range(300):
        t = time.perf_counter()
        studio.render(seed=i, digit=i % 10, sliders=[0.5, -0.5])
        times.append((time.perf_counter() - t) * 1000)
    g = studio.generator
    z, y = torch.randn(1, g.config.latent_dim), one_hot(torch.tensor([3]))
    forward = []
    with torch.inference_mode():
        for i in range(320):
            t = time.perf_counter()
            g(z, y)
            forward.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), statistics.median(forward[20:])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generator", default=os.environ.get("STUDIO_GENERATOR", "shipped"))
    ap.add_argument("--drags", type=int, default=60)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if chromium_path() is None:
        print("error: Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)", file=sys.stderr)
        return 2
    out = {"cpu_threads": torch.get_num_threads()}
    render_ms, forward_ms = generator_ms(args.generator)
    out["generator_ms_per_digit"] = round(render_ms, 3)
    out["generator_forward_ms"] = round(forward_ms, 3)
    t0 = time.time()
    with serve_app({"STUDIO_GENERATOR": args.generator}) as (url, http_s, _):
        from gradio_client import Client

        draw_digit(Client(url, verbose=False))
        out["start_to_http_s"] = round(http_s, 2)
        out["start_to_first_digit_s"] = round(time.time() - t0, 2)
        drags = browser_drags(url, args.drags)
        rt = client_round_trips(url, 50)
    out["drag_ms_p50"], out["drag_ms_p95"] = round(pct(drags, 50), 1), round(pct(drags, 95), 1)
    out["gradio_client_ms_p50"], out["gradio_client_ms_p95"] = round(pct(rt, 50), 1), round(pct(rt, 95), 1)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:>26}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
