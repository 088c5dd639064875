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

import contextlib
import logging
import math
import os
import threading

from studio.core.children import CHILD

spaces = None
if os.environ.get(CHILD) != "1":  # a child process (studio.core.children) is never lent a GPU
    try:  # before torch touches CUDA: on ZeroGPU, `spaces` must patch it first
        import spaces
    except ImportError:  # not on a Space, and not needed: the app runs the same without it
        pass

log = logging.getLogger("studio")

MIN_SECONDS = 5  # a call's floor: the GPU's hand-over and moving the inputs there
MAX_SECONDS = 300  # a call's ceiling: longer work is split (training runs in bursts)


def zero_gpu() -> bool:
    """True on a ZeroGPU Space (the variable `spaces` itself reads: SPACES_ZERO_GPU=true)."""
    return spaces is not None and os.environ.get("SPACES_ZERO_GPU", "").lower() in ("1", "t", "true")


def duration_factor() -> float:
    """What `spaces` multiplies every asked duration by on this node's GPU before asking for it (1.5 on
    its Blackwell nodes, 1.0 on H200: spaces/zero/configs.json, read from the driver as it does)."""
    if not zero_gpu():
        return 1.0
    try:
        from spaces.zero.config import get_config

        return max(1.0, float(get_config().get("duration_factor", 1.0)))
    except Exception:  # noqa: BLE001 - an older or newer `spaces` without it: no factor
        return 1.0


def ceiling() -> int:
    """The most seconds a call may ask for here: MAX_SECONDS once `spaces` has applied the node's factor,
    or the ask is refused as an illegal duration before it starts."""
    return int(MAX_SECONDS / duration_factor())


def fits_one_call(seconds: float) -> bool:
    """Can one ZeroGPU call hold this much work? Longer work would be refused, or aborted part way
    after spending the visitor's quota."""
    return seconds <= ceiling()


def bounded(seconds: float) -> int:
    return int(min(ceiling(), max(MIN_SECONDS, math.ceil(seconds))))


def gpu(duration):
    """`spaces.GPU(duration=...)` with the duration (a callable of the call's inputs) kept within
    MIN_SECONDS..MAX_SECONDS; the undecorated function where `spaces` is not installed."""
    def ask(*args, **kwargs) -> int:
        return bounded(duration(*args, **kwargs))

    def decorate(fn):
        if spaces is None:
            return fn
        return spaces.GPU(duration=ask)(_keeps_messages(fn))

    return decorate


# What `spaces` (0.51.3, zero/client.py) raises when it will not lend a GPU, by the title of its
# gradio.Error: the visitor's quota or credits, the queue, the device API. A failure of the work itself
# comes back titled "ZeroGPU worker error" (any exception but gradio.Error, by class name, or "GPU task
# aborted" for a killed worker) and is not a refusal: running it again on the CPU would hide a bug, an
# out-of-memory or a diverged run behind "No GPU this time", after the quota was spent.
REFUSALS = ("ZeroGPU quota exceeded", "ZeroGPU pending credits exceeded", "ZeroGPU queue timeout",
            "ZeroGPU client error")
WORKER_ERROR = "ZeroGPU worker error"


def _keeps_messages(fn):
    """In the forked worker, a person's mistake (a UserError) becomes a gradio.Error with its message:
    `spaces` passes those back as they are, and reports any other exception by its class name only."""
    import functools

    @functools.wraps(fn)
    def call(*args, **kwargs):
        from studio.core.errors import UserError, public_text

        try:
            return fn(*args, **kwargs)
        except UserError as e:
            import gradio as gr

            raise gr.Error(public_text(str(e)), print_exception=False) from None

    return call


_thread = threading.local()


@contextlib.contextmanager
def on_cpu():
    """Work on the CPU in a handler thread on ZeroGPU: torch in this thread sees no CUDA. `spaces` makes
    torch.cuda.is_available() true in every thread and makes CUDA's start raise outside its emulation
    (the importing thread); PyTorch asks is_available() where the studio does not choose (Adam.step's
    graph-capture check then reaches CUDA's start), so a handler's CPU work would fail without this."""
    if not zero_gpu():
        yield
        return
    _install_cpu_switch()
    before = getattr(_thread, "cpu_only", False)
    _thread.cpu_only = True
    try:
        yield
    finally:
        _thread.cpu_only = before


def _install_cpu_switch() -> None:
    import torch

    available = torch.cuda.is_available  # spaces' own (always true) or the real one
    if getattr(available, "studio_switch", False):
        return

    def is_available() -> bool:
        return False if getattr(_thread, "cpu_only", False) else available()

    is_available.studio_switch = True
    torch.cuda.is_available = is_available


def refused(exc: BaseException) -> bool:
    """A ZeroGPU refusal (quota spent, no GPU free, the device API down), not an error in the work."""
    title = getattr(exc, "title", None)
    if title is not None:
        return title in REFUSALS
    return isinstance(exc, RuntimeError) and str(exc).startswith("Error while initializing ZeroGPU")


def fallback(on_gpu, cpu_work, note=lambda message: None):
    """on_gpu on ZeroGPU, cpu_work elsewhere, and cpu_work with a note when ZeroGPU refuses the call."""
    def call(*args, **kwargs):
        if not zero_gpu():
            return cpu_work(*args, **kwargs)
        try:
            return on_gpu(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - refused() tells a refusal from a failure, which is raised
            if not refused(e):
                raise
            log.warning("ZeroGPU refused a call: %s", e)
            note(f"No GPU this time ({str(e)[:200]}); this runs on the CPU instead, more slowly.")
            with on_cpu():
                return cpu_work(*args, **kwargs)

    return call
