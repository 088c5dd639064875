"""Many people at once: 20 gradio_client users for 60 s, mixing slider moves and 512 px stylisations,
while one more visitor runs the classic (Gatys) method through the app the whole time.

    python bench/load.py [--clients 20] [--seconds 60] [--stylize-share 0.25] [--no-classic]
    python bench/load.py --burst 80

--burst N: one visitor sends N stylisations at once to a public deployment while another drags
a Digits slider (a move every 50 ms) until the burst is answered; prints the slider's p50 / p95
and failures, and how the burst was answered (painted, busy, anything else).

Prints per endpoint: requests, failures, busy answers, p50 / p95 latency; how many steps the
classic run made; and the peak resident memory of the server and its child processes. Talks
only to the app it starts on 127.0.0.1.

The classic method needs torchvision's pretrained VGG-19 (548 MB), which cannot be downloaded
on a machine without internet. The app started here gets its own cache folder holding a
VGG-19 with random weights in that file's place: the same layers, so the same work per step,
and the app's own code path (its process, streaming previews, Stop) runs unchanged. The
pictures it makes are meaningless; only the load counts.
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

from studio.ui.testing import draw_digit, serve_app  # noqa: E402

SHARED = Path(os.environ.get("STUDIO_SHARED_DIR", ROOT.parent / "shared"))


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))] if xs else float("nan")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(c) for c in (task / "children").read_text().split()]
    return kids


def stand_in_vgg_cache() -> str:
    """A cache folder for the app with a randomly initialised VGG-19 where the pretrained file goes."""
    import tempfile

    import torch
    from torchvision.models import vgg19

    folder = tempfile.mkdtemp(prefix="load-bench-cache-")
    os.environ["STUDIO_CACHE_DIR"] = folder  # so _vgg_file() names the file inside it
    from studio.style.classic import _vgg_file

    path = _vgg_file()[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(vgg19().state_dict(), path)
    return folder


def start_classic(url, photo, painting):
    """One visitor's classic run at the tab's default size, long enough to outlast the benchmark."""
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False, ssl_verify=False)
    return client.submit(handle_file(str(photo)), handle_file(str(painting)), None, None, 1, 1, 1, 1000, 384, 1e5,
                         False, api_name="/classic")


def classic_steps(job) -> int | str:
    """The last step the classic run reported (it streams one update every 10 steps), then cancel it."""
    if job is None:
        return 0
    status = [str(o[2]) for o in job.outputs() if o and len(o) > 2]
    try:
        job.cancel()
    except Exception:  # noqa: BLE001 - the app is stopped next anyway, and the run with it
        pass
    last = next((s for s in reversed(status) if s.startswith("Step")), None)
    return last.split()[1] if last else f"none ({status[-1] if status else job.status().code})"


def burst(n: int, photo: Path, paintings: list[Path]) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client, handle_file

    moves, failed, answers = [], [], {"painted": 0, "busy": 0}
    with serve_app({"STUDIO_PUBLIC": "1"}) as (url, _, pid):
        dragger = Client(url, verbose=False, ssl_verify=False)
        draw_digit(dragger)  # warm: the first call builds the generator's directions
        flood = Client(url, verbose=False, ssl_verify=False)
        done = threading.Event()

        def drag():
            i = 0
            while not done.is_set():
                t = time.perf_counter()
                try:
                    draw_digit(dragger, sliders=[((i % 40) - 20) / 10] + [0.0] * 7)
                    moves.append((time.perf_counter() - t) * 1000)
                except Exception as e:  # noqa: BLE001 - every failed move counts
                    failed.append(str(e)[:200])
                i += 1
                time.sleep(0.05)

        def paint(i):
            try:
                flood.predict(handle_file(str(photo)), handle_file(str(paintings[i % len(paintings)])), 1.0, False,
                              api_name="/stylize")
                return "painted"
            except Exception as e:  # noqa: BLE001 - sorted into busy and anything else below
                return "busy" if "busy" in str(e).lower() else str(e)[:200]

        mover = threading.Thread(target=drag)
        mover.start()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            outcomes = list(pool.map(paint, range(n)))
        took = time.perf_counter() - t0
        done.set()
        mover.join()
        peak = peak_rss_mb(pid)
    for o in outcomes:
        answers[o] = answers.get(o, 0) + 1
    print(f"burst of {n} stylisations from one visitor, answered in {took:.1f} s: "
          + ", ".join(f"{v} {k}" for k, v in answers.items()))
    print(f"   slider: {len(moves)} moves, {len(failed)} failed; p50 {pct(moves, 50):.0f} ms, "
          f"p95 {pct(moves, 95):.0f} ms")
    for msg in sorted(set(failed))[:3]:
        print(f"          failure: {msg}")
    print(f"server peak memory: {peak:.0f} MB")
    clean = not failed and set(answers) <= {"painted", "busy"}
    return 0 if clean and pct(moves, 95) <= 150 else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--stylize-share", type=float, default=0.25)
    ap.add_argument("--no-classic", action="store_true", help="no classic run in the background")
    ap.add_argument("--burst", type=int, default=0, metavar="N", help="N stylisations at once instead (see above)")
    args = ap.parse_args()
    from gradio_client import Client, handle_file
    from PIL import Image

    photo = Path("/tmp/load-photo.jpg")
    Image.open(SHARED / "images" / "content" / "chelsea.jpg").convert("RGB").resize((512, 512)).save(photo)
    paintings = sorted((SHARED / "images" / "style").glob("*.jpg"))
    if args.burst:
        return burst(args.burst, photo, paintings)
    results = {"digit": [], "stylize": []}
    failures = {"digit": [], "stylize": []}
    busy = {"digit": 0, "stylize": 0}
    lock = threading.Lock()

    env = {} if args.no_classic else {"STUDIO_CACHE_DIR": stand_in_vgg_cache()}
    with serve_app(env) as (url, _, pid):
        classic = None if args.no_classic else start_classic(url, photo, paintings[0])
        deadline = time.time() + args.seconds
        cpu0 = {p: cpu_seconds(p) for p in [pid, *children(pid)]}
        own0 = sum(os.times()[:2])

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
                        draw_digit(client, digit=rng.randrange(10), seed=rng.randrange(1000),
                                   sliders=[rng.uniform(-2, 2) for _ in range(8)])
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
        cpu = {p: cpu_seconds(p) - cpu0.get(p, 0.0) for p in [pid, *children(pid)]}
        own = sum(os.times()[:2]) - own0
        worker_peaks = [peak_rss_mb(k) for k in children(pid)]  # the style engines' processes
        steps = classic_steps(classic)
    print(f"{args.clients} clients, {args.seconds:.0f} s, stylize share {args.stylize_share}")
    if classic is not None:
        print(f"classic run in the background: {steps} steps made during the run")
    for kind in results:
        r = results[kind]
        print(f"{kind:>8}: {len(r)} ok, {len(failures[kind])} failed, {busy[kind]} busy; "
              f"p50 {pct(r, 50):.0f} ms, p95 {pct(r, 95):.0f} ms")
        for msg in sorted(set(failures[kind]))[:3]:
            print(f"          failure: {msg}")
    print(f"server peak memory: {peak:.0f} MB; child processes: "
          f"{', '.join(f'{p:.0f} MB' for p in worker_peaks) or 'none'}; sum {peak + sum(worker_peaks):.0f} MB")
    print(f"CPU seconds during the run: app {cpu.pop(pid):.1f}; child processes "
          f"{', '.join(f'{c:.1f}' for c in cpu.values()) or 'none'}; these {args.clients} clients {own:.1f} "
          f"(of {2 * args.seconds:.0f} on 2 cores)")
    return 0 if not any(failures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
