"""Server-side state: the app's default generator, the style engine, and the visitors.

The default generator and the style engine are the app's, shared read-only; what a visitor
changes (the generator they load, the runs they train) is theirs (studio.ui.visitors).
"""

from __future__ import annotations

import logging
import threading

from studio.core.errors import UserError, public_text
from studio.core.gpu import zero_gpu
from studio.digits import DigitStudio
from studio.digits.resolve import display_name
from studio.evaluation import words
from studio.ui.visitors import Visitors

log = logging.getLogger("studio")


class EngineUnavailable(UserError, LookupError):
    """No generator is loaded, or the style engine could not start; the message says why."""


class GeneratorSlot:
    def __init__(self):
        self._lock = threading.Lock()
        self.studio: DigitStudio | None = None
        self.source = "shipped"
        self.spec: str | None = None  # what it was loaded from (the browser engine exports the same)
        self.error: str | None = None
        self._inverter = None  # (studio it belongs to, Inverter), built on the first drawing

    @classmethod
    def like(cls, other: "GeneratorSlot") -> "GeneratorSlot":
        """A visitor's own slot, starting with what `other` holds (a failed load keeps that)."""
        slot = cls()
        slot.studio, slot.source, slot.spec, slot.error = other.studio, other.source, other.spec, other.error
        return slot

    def load(self, spec: str | None = "shipped") -> str:
        """Load a generator; on failure keep the previous one and return the message."""
        try:
            studio = DigitStudio.from_checkpoint(spec)
        except (UserError, OSError) as e:
            with self._lock:
                self.error = str(e)
            return public_text(f"Could not load generator {display_name(spec)}: {e}")
        with self._lock:
            self.studio, self.source, self.spec, self.error = studio, display_name(spec), spec, None
        return f"Loaded generator {self.source}"

    def note_error(self, message: str) -> None:
        with self._lock:
            self.error = message

    def get(self) -> DigitStudio:
        studio = self.studio
        if studio is None:
            raise EngineUnavailable(f"No generator is loaded ({self.error or 'none yet'}).")
        return studio

    def inverter(self):
        """The twin finder for the loaded generator, with its encoder when one was trained for it."""
        from studio.digits.invert import Inverter, matching_encoder

        studio = self.get()
        with self._lock:
            if self._inverter is None or self._inverter[0] is not studio:
                self._inverter = (studio, Inverter(studio.generator, matching_encoder(studio.generator)))
            inverter = self._inverter[1]
        return _on_zero_gpu(inverter) if zero_gpu() else inverter

    def describe(self) -> str:
        if self.studio is None:
            return f"**No generator loaded.** {self.error or ''}"
        cfg = self.studio.config
        m = cfg.get("metrics") or {}
        bits = [f"**Generator:** {self.source}. " + (words.summary(m) or "Not evaluated yet.")]
        if m:
            bits.append(f"<details><summary>How good is it?</summary>{words.details(m)}</details>")
        if self.error:
            bits.append(f"⚠️ last load failed: {public_text(self.error)}")
        return "\n\n".join(bits)


GENERATOR = GeneratorSlot()


def _on_zero_gpu(inverter):
    """The twin search as one ZeroGPU call, and on the CPU when ZeroGPU refuses it."""
    import gradio as gr

    from studio.core.gpu import fallback
    from studio.digits.invert import find_twin_on_gpu

    return lambda picture: fallback(find_twin_on_gpu, lambda i, p: i(p), gr.Warning)(inverter, picture)


class StylizerSlot:
    """The fast style engine, started on first use in its own lower-priority process
    (studio.style.worker); the weights are a 1.9 MB download on a fresh machine."""

    def __init__(self):
        self._lock = threading.Lock()
        self.stylizer = None
        self.error: str | None = None

    def get(self, at_import: bool = False):
        from studio.style.worker import StyleWorker, StyleWorkerError
        from studio.style.weights import WeightsError

        with self._lock:
            if self.stylizer is None:
                try:
                    self.stylizer = self._zero_gpu(StyleWorker, at_import) if zero_gpu() else StyleWorker()
                    self.error = None
                except (WeightsError, StyleWorkerError) as e:
                    self.error = str(e)
                    raise EngineUnavailable(f"The style engine is unavailable: {e}") from None
            return self.stylizer

    def frames(self):
        """The engine for webcam frames: on ZeroGPU its CPU engine, since a GPU call per frame would
        spend a visitor's daily quota on hand-overs within a minute."""
        engine = self.get()
        return engine.cpu() if hasattr(engine, "cpu") else engine

    @staticmethod
    def _zero_gpu(cpu, at_import: bool):
        """On ZeroGPU: the engine on CUDA in this process (placed there at import, as ZeroGPU asks),
        with the CPU engine behind it for calls ZeroGPU refuses. A request (a handler thread) never
        places it: `spaces` emulates CUDA only in the thread that imported it, and a real CUDA
        start there fails; if placing it at import failed, the CPU engine paints."""
        import gradio as gr

        from studio.style import zero

        if not at_import and zero.loaded() is None:
            log.warning("the style engine was not placed on the GPU at import: painting on the CPU")
            return cpu()
        zero.engine()
        return zero.ZeroGpuStylizer(cpu, note=gr.Warning)

    def describe(self) -> str:
        from studio.style.weights import WeightsError, resolve_microast

        try:
            resolve_microast(allow_download=False)
            return "Fast engine: MicroAST (Wang et al., AAAI 2023, MIT licence), weights found."
        except WeightsError:
            return ("Fast engine: MicroAST weights are not on this machine yet; they download (1.9 MB, "
                    "SHA-256 checked) the first time you paint. Without network, put them in shared/weights/microast beside "
                    "the app or name their folder in STUDIO_WEIGHTS_DIR.")


STYLIZER = StylizerSlot()
if zero_gpu():
    try:
        STYLIZER.get(at_import=True)  # models on (emulated) CUDA at import time, as ZeroGPU asks
    except Exception as e:  # noqa: BLE001 - the app starts anyway; the first stylisation says why
        log.warning("the style engine could not be placed on the GPU: %s", e)


VISITORS = Visitors(GENERATOR)  # each visitor's generator, runs and fair share


def _browser_digits():
    from studio.core import paths
    from studio.web.app_engine import BrowserDigits

    return BrowserDigits(paths.cache_dir() / "web-app")


BROWSER_DIGITS = _browser_digits()  # the app's generator as ONNX for pages to draw with (started by launch())
