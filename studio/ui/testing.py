"""Start the real app in a child process for browser tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from studio.core.paths import ROOT
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(env: dict | None = None, timeout: float = 120.0, log_path: str | os.PathLike | None = None):
    """Run `python app.py` on a free port; yields (url, seconds from start to first HTTP 200, pid)."""
    port = free_port()
    full_env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
                "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1", **(env or {})}
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    t0 = time.time()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=full_env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"app exited with code {proc.returncode} before serving")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() - t0 > timeout:
                raise TimeoutError(f"app did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.1)
        yield url, time.time() - t0, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log_path:
            log.close()


def chromium_path() -> str | None:
    for p in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if p and Path(p).exists():
            return p
    return None


def digit_args(digit="3", blend_to="none", blend=0.5, seed=42, truncation=1.0, sliders=(0.0,) * 8,
               method="pca") -> list:
    """The positional inputs of the app's /digit endpoint, in the Digits tab's order."""
    from studio.digits.directions import METHODS

    return [str(digit), blend_to, blend, seed, truncation, *sliders, METHODS.get(method, method)]


def draw_digit(client, **controls) -> str:
    """One /digit call through a gradio_client Client: the digit's <img> HTML."""
    return client.predict(*digit_args(**controls), api_name="/digit")


def one_frame_video(path, side: int = 8000) -> None:
    """A one-frame black H.264 video of side x side: a few KB on disk, huge once decoded (a hostile upload)."""
    import av
    import numpy as np

    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=1)
        s.width = s.height = side
        s.pix_fmt = "yuv420p"
        for packet in [*s.encode(av.VideoFrame.from_ndarray(np.zeros((side, side, 3), np.uint8))), *s.encode()]:
            out.mux(packet)


def sixteen_bit_png(side: int = 7000) -> bytes:
    """A flat 16-bit grey PNG of side x side: about 100 KB, 49 MP (a hostile upload)."""
    import io

    import numpy as np
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.full((side, side), 1000, np.uint16)).save(buf, "PNG")
    return buf.getvalue()
