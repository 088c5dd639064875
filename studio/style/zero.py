"""The style engine on ZeroGPU: MicroAST in the app's own process, on CUDA, one decorated call per
picture or video. (Elsewhere the engine lives in a child process, studio.style.worker; a GPU lent to a
ZeroGPU call cannot reach a child.) Each call asks for a time computed from its size.

    engine = ZeroGpuStylizer(cpu=StyleWorker, note=gr.Warning)   # the same calls as StyleWorker
    picture = engine(photo, [painting], max_size=2048)
"""

from __future__ import annotations

import threading

from studio.core.gpu import fallback, gpu
from studio.core.images import png_bytes

# Throughput assumed for the call times, with a wide margin: no GPU was at hand to measure it
# (on this project's 2-core CPU MicroAST paints about 1 megapixel a second).
MEGAPIXELS_PER_S = 4.0
FRAME_OVERHEAD_S = 0.05  # decoding, the steadier and x264 per frame, which stay on the CPU

_engine = None
_engine_lock = threading.Lock()


def engine():
    """MicroAST on CUDA, loaded once. On ZeroGPU this runs at import (studio.ui.state), where CUDA
    is emulated until a decorated call holds the GPU."""
    global _engine
    from studio.style.fast import FastStylizer

    with _engine_lock:
        if _engine is None:
            _engine = FastStylizer.load(device="cuda")
        return _engine


def loaded():
    """The engine on CUDA if it was placed already, else None (nothing is loaded here)."""
    return _engine


def picture_seconds(photo, paintings, weights=None, strength=1.0, preserve_color=False, max_size=1024,
                    mask=None) -> float:
    """At most max_size on the long side: a square of it bounds the pixels painted."""
    count = len(paintings) if isinstance(paintings, (list, tuple)) else 1
    return 3 + 0.2 * count + float(max_size) ** 2 / 1e6 / MEGAPIXELS_PER_S


@gpu(duration=picture_seconds)
def paint_on_gpu(photo, paintings, weights=None, strength=1.0, preserve_color=False, max_size=1024, mask=None):
    return engine()(photo, paintings, weights, strength, preserve_color, max_size, mask)


def video_seconds(src, paintings, out, strength, preserve_color, max_size, steady, info) -> float:
    from studio.style.video import output_size

    w, h = output_size(info, max_size)
    return 5 + info.frames * (w * h / 1e6 / MEGAPIXELS_PER_S + FRAME_OVERHEAD_S)


@gpu(duration=video_seconds)
def paint_video_on_gpu(src, paintings, out, strength, preserve_color, max_size, steady, info):
    from studio.style.video import VideoStylizer

    return VideoStylizer(engine())(src, paintings, out, strength, preserve_color, max_size, steady, info=info)


# Pictures up to this size (long side) are painted on the CPU even on ZeroGPU: the Style tab paints on
# every move of its strength slider and every mask stroke, and one GPU call per move would spend a
# visitor's daily minutes (and runs) on a drag. The fast engine paints 1024 px in 0.17 s on a 2-core CPU
# (docs/style.md); larger outputs, and videos, use the GPU.
CPU_UP_TO = 1024


def _as_number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")  # not a number: the engine says so, wherever it runs


class ZeroGpuStylizer:
    """StyleWorker's calls, painted on ZeroGPU; on the CPU engine (started on first need) with a
    note for the visitor when ZeroGPU refuses (quota spent, no GPU free)."""

    def __init__(self, cpu, note=lambda message: None):
        self._make_cpu, self._cpu, self._note = cpu, None, note

    def cpu(self):
        if self._cpu is None:
            self._cpu = self._make_cpu()
        return self._cpu

    def __call__(self, photo, paintings, weights=None, strength=1.0, preserve_color=False, max_size=1024,
                 mask=None):
        args = (photo, paintings, weights, strength, preserve_color, max_size, mask)
        if _as_number(max_size) <= CPU_UP_TO:  # a slider's drag: many calls, each quick on the CPU
            return self.cpu()(*args)
        return fallback(paint_on_gpu, lambda *a: self.cpu()(*a), self._note)(*args)

    def png(self, *args, **kwargs) -> bytes:
        return png_bytes(self(*args, **kwargs), compress_level=1)
