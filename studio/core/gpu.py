"""ZeroGPU where it is, nothing elsewhere.

On a ZeroGPU Space a GPU is lent to one call of a function decorated with `spaces.GPU`, for at most
the seconds that call asks for, out of the visitor's daily quota (hub-docs, spaces-zerogpu.md). The
studio's GPU work (stylisation, video, the twin search, evaluation, training bursts) is written as
such functions, each with a duration computed from its inputs:

    @gpu(duration=lambda photo, size: 5 + size * size / 1e6)
    def paint(photo, size): ...

Without the `spaces` package the decorator returns the function itself; with it but off ZeroGPU,
`spaces.GPU` does the same (it is effect-free there). `fallback` runs the CPU path, with a note for the
visitor, when ZeroGPU refuses a call (quota spent, no GPU free).
"""

from __future__ import annotations

import logging
import math
import os

try:  # before torch touches CUDA: on ZeroGPU, `spaces` must patch it first
    import spaces
except ImportError:  # not on a Space, and not needed: the app runs the same without it
    spaces = None

log = logging.getLogger("studio")

MIN_SECONDS = 5  # a call's floor: the GPU's hand-over and moving the inputs there
MAX_SECONDS = 300  # a call's ceiling: longer work is split (training runs in bursts)


def zero_gpu() -> bool:
    """True on a ZeroGPU Space (the variable `spaces` itself reads: SPACES_ZERO_GPU=true)."""
    return spaces is not None and os.environ.get("SPACES_ZERO_GPU", "").lower() in ("1", "t", "true")


def bounded(seconds: float) -> int:
    return int(min(MAX_SECONDS, max(MIN_SECONDS, math.ceil(seconds))))


def gpu(duration):
    """`spaces.GPU(duration=...)` with the duration (a callable of the call's inputs) kept within
    MIN_SECONDS..MAX_SECONDS; the undecorated function where `spaces` is not installed."""
    def ask(*args, **kwargs) -> int:
        return bounded(duration(*args, **kwargs))

    def decorate(fn):
        if spaces is None:
            return fn
        return spaces.GPU(duration=ask)(fn)

    return decorate


def refused(exc: BaseException) -> bool:
    """A ZeroGPU refusal (quota spent, queue full, the device API down), not an error in the work:
    `spaces` raises them as gradio.Error titled "ZeroGPU ..." or RuntimeErrors naming ZeroGPU."""
    text = f"{getattr(exc, 'title', '')} {exc}"
    return "ZeroGPU" in text or "GPU quota" in text


def fallback(on_gpu, on_cpu, note=lambda message: None):
    """on_gpu on ZeroGPU, on_cpu elsewhere, and on_cpu with a note when ZeroGPU refuses the call."""
    def call(*args, **kwargs):
        if not zero_gpu():
            return on_cpu(*args, **kwargs)
        try:
            return on_gpu(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - refused() tells a refusal from a failure, which is raised
            if not refused(e):
                raise
            log.warning("ZeroGPU refused a call: %s", e)
            note(f"No GPU this time ({str(e)[:200]}); this runs on the CPU instead, more slowly.")
            return on_cpu(*args, **kwargs)

    return call
