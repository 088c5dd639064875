"""Many people at once: 20 gradio_client users for 60 s, mixing slider moves and 512 px stylisations.

    python bench/load.py [--clients 20] [--seconds 60] [--stylize-share 0.25]

Prints per endpoint: requests, failures, busy answers, p50 / p95 latency; and the server
process's peak resident memory. Talks only to the app it starts on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio.ui.testing import serve_app  # noqa: E402

SHARED = Path(os.environ.get("STUDIO_SHARED_DIR", ROOT.parent / "shared"))


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))] if xs else float("nan")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(c) for c in (task / "children").read_text().split()]
    return kids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--stylize-share", type=float, default=0.25)
    args = ap.parse_args()
    from gradio_client import Client, handle_file
    from PIL import Image

    photo = Path("/tmp/load-photo.jpg")
    Image.open(SHARED / "images" / "content" / "chelsea.jpg").convert("RGB").resize((512, 512)).save(photo)
    paintings = sorted((SHARED / "images" / "style").glob("*.jpg"))
    results = {"digit": [], "stylize": []}
    failures = {"digit": [], "stylize": []}
    busy = {"digit": 0, "stylize": 0}
    lock = threading.Lock()

    with serve_app() as (url, _, pid):
        deadline = time.time() + args.seconds

        def user(i):
            rng = random.Random(i)
            # ssl_verify=False: the app is plain http here, and otherwise httpx builds a certificate-checking
            # SSL context for every request (measured: about 55 ms of client CPU per call, on the same 2 cores)
            client = Client(url, verbose=False, ssl_verify=False)
            while time.time() < deadline:
                kind = "stylize" if rng.random() < args.stylize_share else "digit"
                t = time.perf_counter()
                try:
                    if kind == "digit":
                        client.predict(str(rng.randrange(10)), "none", 0.5, rng.randrange(1000), 1.0,
                                       *[rng.uniform(-2, 2) for _ in range(8)], "PCA of the first layer (GANSpace)",
                                       api_name="/digit")
                    else:
                        client.predict(handle_file(str(photo)), handle_file(str(rng.choice(paintings))), None, None,
                                       1, 1, 1, rng.random(), False, 512, None, api_name="/stylize_controls")
                    with lock:
                        results[kind].append((time.perf_counter() - t) * 1000)
                except Exception as e:  # noqa: BLE001 - a load test counts every failure
                    with lock:
                        if "busy" in str(e).lower() or "queue is full" in str(e).lower():
                            busy[kind] += 1
                        else:
                            failures[kind].append(str(e)[:200])
                    time.sleep(0.5)
                time.sleep(rng.uniform(0.02, 0.1))  # think time between moves

        threads = [threading.Thread(target=user, args=(i,)) for i in range(args.clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        peak = peak_rss_mb(pid)
        worker_peaks = [peak_rss_mb(k) for k in children(pid)]  # the style engine's process
    print(f"{args.clients} clients, {args.seconds:.0f} s, stylize share {args.stylize_share}")
    for kind in results:
        r = results[kind]
        print(f"{kind:>8}: {len(r)} ok, {len(failures[kind])} failed, {busy[kind]} busy; "
              f"p50 {pct(r, 50):.0f} ms, p95 {pct(r, 95):.0f} ms")
        for msg in sorted(set(failures[kind]))[:3]:
            print(f"          failure: {msg}")
    print(f"server peak memory: {peak:.0f} MB; child processes: "
          f"{', '.join(f'{p:.0f} MB' for p in worker_peaks) or 'none'}; sum {peak + sum(worker_peaks):.0f} MB")
    return 0 if not any(failures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
