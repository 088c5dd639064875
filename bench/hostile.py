"""Hostile inputs against the running app and the command line, with the peak memory of each process.

    python bench/hostile.py

Sends what the public-Space review found: a 16-bit 7000 x 7000 PNG as a drawing (the MCP tool
find_twin, the Digits upload, `studio invert`; the photo of the MCP tool stylize), a one-frame 8000 x 8000 video (the Style tab's
video job, `studio video`) and a batch-8192 training job (the Train tab), on a public
deployment (STUDIO_PUBLIC=1). Prints each answer and each process's peak resident memory
(VmHWM of the app; ru_maxrss of each command), then one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import children, peak_rss_mb  # noqa: E402
from studio.ui.testing import one_frame_video, serve_app, sixteen_bit_png  # noqa: E402

SHARED = Path(os.environ.get("STUDIO_SHARED_DIR", ROOT.parent / "shared"))


def hostile_files(folder: Path) -> tuple[Path, Path]:
    png, video = folder / "sixteen-bit-7000.png", folder / "frame-8000.mp4"
    png.write_bytes(sixteen_bit_png(7000))
    one_frame_video(video, 8000)
    return png, video


def command_peak(*args) -> tuple[int, str, float]:
    """Run `python -m studio ARGS` under /usr/bin/time; (exit status, its last stderr line, its peak MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        r = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, sys.executable, "-m", "studio", *args],
                           capture_output=True, text=True, cwd=ROOT, env={**os.environ, "STUDIO_PUBLIC": "1"})
        peak_kb = float(rss.read().split()[-1])
    return r.returncode, (r.stderr.strip().splitlines() or [""])[-1], peak_kb / 1024


class ChildPeaks:
    """Samples the peak memory of the app's child processes (the style engine, a video job, a
    trainer) every 50 ms while they live, since an ended one's peak cannot be read afterwards."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.peaks, self._done = pid, {}, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self):
        while not self._done.wait(0.05):
            for kid in self._all(self.pid):
                try:
                    cmd = Path(f"/proc/{kid}/cmdline").read_bytes()
                    if b"resource_tracker" in cmd:
                        continue  # multiprocessing's bookkeeping, a few MB
                    args = [a.decode() for a in cmd.split(b"\0")[1:4] if a]
                    label = "style engine" if b"spawn_main" in cmd else " ".join(args)
                    self.peaks[(kid, label)] = max(self.peaks.get((kid, label), 0), peak_rss_mb(kid))
                except (OSError, ValueError):
                    pass  # it ended between listing and reading

    def _all(self, pid):
        try:
            kids = children(pid)
        except OSError:
            return []
        return [k for c in kids for k in (c, *self._all(c))]

    def stop(self) -> dict[str, float]:
        self._done.set()
        self._thread.join()
        return {f"{label} (pid {kid})": round(mb) for (kid, label), mb in self.peaks.items()}


def ask(client, *args, api_name: str, **kwargs) -> str:
    try:
        return f"answered: {str(client.predict(*args, api_name=api_name, **kwargs))[:120]}"
    except Exception as e:  # noqa: BLE001 - the refusal is the point
        return f"refused: {e}"[:200]


def main() -> int:
    from gradio_client import Client, handle_file

    painting = sorted((SHARED / "images" / "style").glob("*.jpg"))[0]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        png, video = hostile_files(Path(tmp))
        print(f"files: {png.name} {png.stat().st_size / 1024:.0f} KB, {video.name} {video.stat().st_size / 1024:.0f} KB")
        env = {"STUDIO_PUBLIC": "1", "STUDIO_RUNS_DIR": str(Path(tmp) / "runs")}
        with serve_app(env) as (url, _, pid):
            client = Client(url, verbose=False)
            start, kids = peak_rss_mb(pid), ChildPeaks(pid)
            print("MCP find_twin:", ask(client, handle_file(str(png)), api_name="/find_twin"))
            print("Digits upload:", ask(client, handle_file(str(png)), api_name="/find_twin_upload"))
            print("MCP stylize, the PNG as the photo:", ask(client, handle_file(str(png)), handle_file(str(painting)),
                                                            1.0, False, api_name="/stylize"))
            print("video job:", ask(client, handle_file(str(video)), handle_file(str(painting)), None, None, 1.0,
                                    False, "as the input", True, api_name="/paint_video"))
            print("batch 8192:", ask(client, *train_start_args(8192), api_name="/train_start"))
            out["app_peak_mb_before"], out["app_peak_mb_after"] = round(start), round(peak_rss_mb(pid))
            out["app_children_peak_mb"] = kids.stop()
        print(f"app peak memory: {out['app_peak_mb_before']} MB after start, {out['app_peak_mb_after']} MB after all")
        for label, mb in out["app_children_peak_mb"].items():
            print(f"  child process {label}: peak {mb} MB")
        for name, args in (("invert", ("invert", str(png))),
                           ("video", ("video", str(video), str(painting), "-o", str(Path(tmp) / "o.mp4")))):
            code, line, peak = command_peak(*args)
            out[f"cli_{name}_peak_mb"] = round(peak)
            print(f"studio {name}: exit {code}, {line[:120]!r}, peak {peak:.0f} MB")
    print(json.dumps(out))
    return 0


def train_start_args(batch: int) -> list:
    """The Train tab's form values in its endpoint's order: a set of inputs is sorted by creation,
    and the form creates its main fields, then the rest, each in TrainConfig's order."""
    from studio.ui.train_tab import FORM, START_RECIPE, form_values

    values = {**form_values(START_RECIPE), "batch_size": batch}
    order = [n for n, s in FORM.items() if s.form == "main"] + [n for n, s in FORM.items() if s.form == "more"]
    return [values[n] for n in order]


if __name__ == "__main__":
    sys.exit(main())
