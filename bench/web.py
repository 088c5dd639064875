"""The studio in the browser, measured in headless Chromium on this machine.

    python bench/web.py [--site DIR] [--runs 200] [--drags 60] [--rtt-ms 150] [--backends wasm,webgpu]

First the Gradio app: a Digits slider dragged with --rtt-ms of round trip emulated (Chrome DevTools
protocol), from the slider's input event to the new digit painted, p50 / p95, drawn in the browser
and (the same run, ?engine=server) on the server, with the requests each drag sent. Then it builds the static studio (or uses --site), serves it with cross-origin isolation and prints: the
first digit after opening, one digit (p50 / p95 over --runs, through the page API), a 512 px photo
with the painting's code cached on two threads and on one, the webcam (Chromium's fake camera) at
256 px in frames per second shown, and the site's download size; then one JSON line. Every request
to anywhere but the local server is blocked. Each of --backends is measured in its own browser:
"wasm" with the page kept to WebAssembly (?backend=wasm), "webgpu" in a Chromium given a WebGPU adapter
(here SwiftShader, a software one: its figures say what the code path costs on a CPU, not a GPU's speed).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.digits import PROBE  # noqa: E402
from bench.load import pct  # noqa: E402
from studio.ui.testing import CHROMIUM_ARGS, chromium_path, serve_app  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

PAINT = """async ([photo, painting, runs, side]) => {
  const { engines, pixels } = await import("./studio.js");
  const s = await engines.style();
  const get = async (u) => (await fetch(u)).blob();
  const code = await s.code(await pixels(await get(painting), 512), "bench");
  const bmp = await createImageBitmap(await get(photo)), k = side / Math.max(bmp.width, bmp.height);
  const big = new OffscreenCanvas(Math.round(bmp.width * k), Math.round(bmp.height * k));  // the photo at `side`
  big.getContext("2d").drawImage(bmp, 0, 0, big.width, big.height);
  const p = await pixels(big, side);
  await s.paint(p, code);  // warm
  const times = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); await s.paint(p, code); times.push(performance.now() - t); }
  return {times, size: `${p.width} x ${p.height}`}; }"""
DIGITS = """async ([runs, backend]) => {
  await window.studio.digit({digit: 3, seed: 1, backend});
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await window.studio.digit({digit: i % 10, seed: i, sliders: [Math.sin(i), Math.cos(i)], backend});
    times.push(performance.now() - t);
  }
  return times; }"""


def y4m(path: Path, width=640, height=480, frames=30) -> None:
    """A moving test pattern as Y4M, the fake camera's input."""
    import numpy as np

    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode())
        yy, xx = np.mgrid[0:height, 0:width]
        for i in range(frames):
            y = ((xx + yy + 8 * i) % 256).astype(np.uint8)
            f.write(b"FRAME\n" + y.tobytes() + np.full((height // 2) * (width // 2) * 2, 128, np.uint8).tobytes())


def page_in(browser, url):
    """A page that may reach the local server only (every other request is blocked)."""
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(origin) else r.abort())
    return page


def app_drags(browser, url: str, drags: int, rtt_ms: float) -> dict:
    """Slider moves in the app's Digits tab at `rtt_ms` of round trip: felt latency and requests."""
    page = page_in(browser, url)
    page.context.set_default_timeout(180000)
    page.goto(url)
    page.wait_for_selector("#digit-image img")
    # A page asks for the engine once, when it opens: on a cold cache the app is still exporting its
    # generator then (a minute at most), and that page draws on the server, so open it again.
    for attempt in range(18 if "engine=server" not in url else 0):
        try:
            page.wait_for_selector("#digit-image[data-engine=browser]", timeout=10000)
            break
        except PlaywrightTimeout:
            if attempt == 17:
                raise TimeoutError("the app's browser engine was not ready after 3 min") from None
            page.reload()
    page.wait_for_timeout(3000)  # the app's own start-up work (first requests, warm caches) settles first
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": rtt_ms, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    sent, times = [], []
    page.on("request", lambda r: sent.append(r.url))
    for i in range(drags + 5):
        value = round(-2.5 + 5 * ((i * 7) % 50) / 49, 2)
        if i == 5:
            sent.clear()  # the warm-up moves apart
        ms = page.evaluate(PROBE, ["#dir-slider-0 input[type=range]", "#digit-image", value])
        if i >= 5:
            times.append(ms)
        page.wait_for_timeout(30)
    page.context.close()
    return {"p50_ms": round(pct(times, 50), 1), "p95_ms": round(pct(times, 95), 1),
            "requests_per_drag": round(len(sent) / drags, 2)}


def measure_app(browser, drags: int, rtt_ms: float) -> dict:
    with serve_app() as (url, *_):
        here = app_drags(browser, url, drags, rtt_ms)
        server = app_drags(browser, url + "?engine=server", drags, rtt_ms)
    return {"rtt_ms": rtt_ms, "browser": here, "server": server}


WEBGPU = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"]  # Chromium's software adapter here


def measure_site(browser, url: str, backend: str, runs: int, paint_runs: int) -> dict:
    """First digit, one digit, 512 and 1024 px paintings, the webcam: in one browser, on one backend."""
    url = f"{url}?backend=wasm" if backend == "wasm" else url
    out = {}
    page = page_in(browser, url)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#digit-time').innerText.includes('drawn in')", timeout=120000)
    out["first_digit_s"] = round(time.perf_counter() - t0, 2)
    out["runs_on"] = page.locator("#engine-chip").inner_text()
    out["info"] = page.evaluate("() => window.studio.info()")
    if out["info"]["backend"] != backend:
        raise SystemExit(f"asked for {backend}, the page runs {out['info']['backend']}")
    digits = page.evaluate(DIGITS, [runs, backend])
    out["digit_ms"] = {"p50": round(pct(digits, 50), 2), "p95": round(pct(digits, 95), 2)}
    print(f"[{backend}] ... first digit {out['first_digit_s']} s, a digit p50 {out['digit_ms']['p50']} ms", flush=True)
    threads = [out["info"]["threads"], 1] if backend == "wasm" else [out["info"]["threads"]]
    for n in threads:
        tab = page_in(browser, url)
        tab.goto(f"{url}{'&' if '?' in url else '?'}threads={n}")
        for photo, side in (("coffee", 512), ("astronaut", 512), ("coffee", 1024)):  # 3:2 and square
            if n == 1 and side == 1024:
                continue
            got = tab.evaluate(PAINT, [f"examples/{photo}.jpg", "examples/starry_night.jpg", paint_runs, side])
            out[f"photo_{side}_s_{n}_threads_{photo}"] = round(pct(got["times"], 50) / 1000, 3)
            out[f"photo_{photo}_{side}_size"] = got["size"]
            print(f"[{backend}] ... {got['size']} painted in {out[f'photo_{side}_s_{n}_threads_{photo}']} s", flush=True)
        tab.context.close()
    live = page_in(browser, url)
    live.goto(url)
    live.get_by_role("tab", name="Style").click()
    live.locator("#painting-examples").get_by_role("button", name="starry night").click()
    live.get_by_role("tab", name="Live").click()
    live.locator("#live-start").click()
    live.wait_for_timeout(8000 if backend == "wasm" else 30000)
    text = live.locator("#live-status").inner_text()
    out["live_256_fps"] = float(text.split()[0]) if "fps" in text else text
    live.context.close()
    return out


def report(backend: str, r: dict) -> None:
    print(f"[{backend}] {r['runs_on']}; first digit {r['first_digit_s']} s after opening; a digit p50 "
          f"{r['digit_ms']['p50']} ms, p95 {r['digit_ms']['p95']} ms")
    n = r["info"]["threads"]
    for photo, side in (("coffee", 512), ("astronaut", 512), ("coffee", 1024)):
        one = r.get(f"photo_{side}_s_1_threads_{photo}")
        print(f"[{backend}] {side} px photo {r[f'photo_{photo}_{side}_size']} ({photo}), the painting's code cached: "
              f"{r[f'photo_{side}_s_{n}_threads_{photo}']} s" + (f" ({n} threads; {one} s on one)" if one else ""))
    print(f"[{backend}] webcam at 256 px: {r['live_256_fps']} fps shown", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", help="a built site (default: build one in a temporary folder)")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--paint-runs", type=int, default=5, help="paintings timed per size (WebGPU on SwiftShader: use 1)")
    ap.add_argument("--drags", type=int, default=60, help="slider moves in the app, per path")
    ap.add_argument("--rtt-ms", type=float, default=150.0, help="round trip emulated for the app's drags")
    ap.add_argument("--no-app", action="store_true", help="the static studio only (no Gradio app started)")
    ap.add_argument("--backends", default="wasm", help="wasm, webgpu or both (comma-separated)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from studio.web.site import build_site, server, sizes

    backends = [b for b in args.backends.split(",") if b]
    if not backends or set(backends) - {"wasm", "webgpu"}:
        ap.error("--backends takes wasm, webgpu or both, comma-separated")
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    site = Path(args.site) if args.site else tmp / "site"
    if not args.site:
        build_site(site)
    camera = tmp / "camera.y4m"
    y4m(camera)
    httpd = server(site, port=0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    out = {"site": sizes(site)}
    fake = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={camera}"]
    with sync_playwright() as p:
        for backend in backends:
            extra = fake + (WEBGPU if backend == "webgpu" else [])
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + extra, headless=True)
            if backend == backends[0] and not args.no_app:
                out["app_digits"] = measure_app(browser, args.drags, args.rtt_ms)
            out[backend] = measure_site(browser, url, backend, args.runs, args.paint_runs if backend == "wasm" else 1)
            browser.close()
            report(backend, out[backend])
    httpd.shutdown()
    a = out.get("app_digits") or {}
    for path in ("browser", "server") if a else ():
        print(f"app Digits at {a['rtt_ms']:g} ms round trip, drawn on the {path}: p50 {a[path]['p50_ms']} ms, "
              f"p95 {a[path]['p95_ms']} ms, {a[path]['requests_per_drag']} requests per drag")
    s = out["site"]
    print(f"site: {s['bytes'] / 2**20:.1f} MB ({s['gzip_bytes'] / 2**20:.1f} MB gzip), examples apart "
          f"{s['examples_bytes'] / 2**20:.1f} MB")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
