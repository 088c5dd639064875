"""The Digits engine the Gradio app hands to browsers: the app's generator as ONNX, onnxruntime-web
and the page's scripts, in one folder the app serves as static files.

    engine = BrowserDigits(paths.cache_dir() / "web-app")
    engine.start("shipped", studio)   # in the background: nothing waits for it
    engine.info(studio)               # {"base": ..., "key": ...} once ready, for that generator; else None

The generator is exported once per set of weights (a child process, so the app never imports the
exporter) into models/<digest>/, and reused by every later start. Without the runtime (no network
and no STUDIO_ORT_TGZ) or with an export that fails, info() stays None and pages draw on the server.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

from studio.core import children
from studio.web import files, runtime

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SCRIPTS = ("engine.js", "seeds.js", "digits.js")  # what the Digits tab's module imports
EXPORT_TIMEOUT_S = 600


def weights_digest(studio) -> str:
    """Names the export of exactly these weights, in this export format."""
    from studio.digits.checkpoints import weights_digest as digest
    from studio.web.export import META_FORMAT

    return f"{digest(studio.generator)}-v{META_FORMAT}"


class BrowserDigits:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._ready: dict[int, str] = {}  # id(studio) -> digest of its finished export
        self._studios: dict[int, object] = {}  # keeps each studio alive while its id is a key
        self.error: str | None = None

    def start(self, spec: str, studio, extra: tuple[Path, ...] = ()) -> threading.Thread | None:
        """Prepare the folder for `studio` (loaded from `spec`) in a background thread; `extra`:
        the tab's own scripts, copied beside the engine's."""
        if studio is None:
            return None
        thread = threading.Thread(target=self._prepare, args=(spec, studio, extra), daemon=True,
                                  name="browser-digits")
        thread.start()
        return thread

    def info(self, studio) -> dict | None:
        key = self._ready.get(id(studio))
        if key is None or self._studios.get(id(studio)) is not studio:
            return None
        return {"base": str(self.root), "models": f"{files.MODELS}/{key}/"}

    def _prepare(self, spec: str, studio, extra: tuple[Path, ...]) -> None:
        try:
            key = weights_digest(studio)
            self.root.mkdir(parents=True, exist_ok=True)
            for src in [*(STATIC / s for s in SCRIPTS), *extra]:
                _copy_if_changed(src, self.root / src.name)
            if not runtime.installed(self.root / files.RUNTIME):  # none yet, or another version's
                _replace(self.root / files.RUNTIME, runtime.install)
            models = self.root / files.MODELS / key
            if not (models / files.GENERATOR_META).exists():
                _replace(models, lambda tmp: _export(spec, tmp))
            self._studios[id(studio)], self._ready[id(studio)] = studio, key
        except Exception as e:  # noqa: BLE001 - any failure leaves pages on the server path
            self.error = str(e)
            log.warning("Digits in the browser are off (pages draw on the server): %s", e)


def _export(spec: str, out: Path) -> None:
    cmd = children.Command(children.studio("export-web", "--no-style", "--generator", spec, "--out", str(out),
                                           "--json"), nice=10, env={**os.environ, "OMP_NUM_THREADS": "1"})
    for _ in cmd.lines():
        pass
    if cmd.wait(EXPORT_TIMEOUT_S) != 0:
        raise RuntimeError("; ".join(cmd.errors()) or f"export-web exited with {cmd.poll()}")


def _replace(folder: Path, write) -> None:
    """Write into a fresh temporary sibling, then move it into place: a half-written folder is never
    served, and two apps preparing at once both end with a whole one."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        write(tmp)
        if folder.exists():
            return  # another app finished first; its copy is identical
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _copy_if_changed(src: Path, dst: Path) -> None:
    data = src.read_bytes()
    if not dst.exists() or dst.read_bytes() != data:
        tmp = dst.with_name(f".{dst.name}.{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, dst)
