"""The static studio: `build-web DIR` writes a self-contained site (pages, scripts, the models as
ONNX, onnxruntime-web, example pictures with their credits) that any static file server can host;
`serve-web DIR` serves one locally with the headers that allow threads (cross-origin isolation)."""

from __future__ import annotations

import functools
import gzip
import json
import shutil
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from studio.core import paths
from studio.core.errors import UserError, storage
from studio.web import files, runtime

STATIC = Path(__file__).parent / "static"
# Cross-origin isolation: without both, browsers give a page no SharedArrayBuffer, so one thread.
ISOLATION = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
             "Cross-Origin-Resource-Policy": "same-origin"}
EXAMPLES = {"photo": ("astronaut", "chelsea", "coffee"), "painting": ("starry_night", "wave", "composition_vii")}


class SiteError(UserError, ValueError):
    """The site cannot be written where asked; the message says why."""


def build_site(out: Path, generator: str | None = "shipped", style: bool = True, examples: bool = True,
               generators: list[str] = ()) -> dict:
    """Write the site into `out` (created, or an earlier build replaced); returns its size report.
    generator: the Digits tab's; generators: the Generate tab's (run folders, checkpoints, hf://USER/NAME)."""
    from studio.web.bundle import export_generators, export_models, load_generators

    chosen = load_generators(list(generators))  # a wrong name is said before anything is written
    out = Path(out)
    if out.exists() and not (out / "index.html").exists() and any(out.iterdir()):
        raise SiteError(f"{out.name} holds other files: give an empty folder or an earlier build")
    with storage(f"writing {out.name}"):
        out.mkdir(parents=True, exist_ok=True)
        for src in STATIC.iterdir():
            shutil.copy(src, out / src.name)
        shutil.copy(paths.ASSETS / "favicon.png", out / "favicon.png")
        reports = export_models(generator, out / files.MODELS, style=style, half=True)
        reports += export_generators(chosen, out / files.MODELS)
        runtime.install(out / files.RUNTIME)
        if examples:
            _examples(out / "examples")
        _stamp_worker(out)
    return {"models": reports, **sizes(out)}


# Kept when first used rather than on the first visit: only a browser with a WebGPU adapter loads them.
ON_USE = ("ort.webgpu.min.mjs", "ort-wasm-simd-threaded.asyncify.mjs", "ort-wasm-simd-threaded.asyncify.wasm")


def _stamp_worker(out: Path) -> None:
    """Write the build's id (a digest of its files) and the files to keep into the service worker."""
    import hashlib

    kept, digest = [], hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "sw.js"):
        name = path.relative_to(out).as_posix()
        digest.update(name.encode() + path.read_bytes())
        if path.name not in ON_USE:
            kept.append(name)
    text = (out / "sw.js").read_text()
    text = text.replace('const BUILD = "dev";', f'const BUILD = "{digest.hexdigest()[:16]}";')
    text = text.replace("const FILES = [];", f"const FILES = {json.dumps(kept)};")
    (out / "sw.js").write_text(text)


def _examples(folder: Path) -> None:
    from studio.style.examples import PICTURES, picture

    folder.mkdir(parents=True, exist_ok=True)
    found, credits = [], []
    for role, names in EXAMPLES.items():
        for name in names:
            path = picture(name, allow_download=True)
            if path is None:
                continue
            shutil.copy(path, folder / f"{name}{path.suffix}")
            found.append({"role": role, "name": name.replace("_", " "), "file": f"{name}{path.suffix}"})
            _, repo, commit, source, _ = PICTURES[name]
            credits.append(f"{name.replace('_', ' ')}: github.com/{repo} @ {commit[:7]}, {source}")
    text = "Example pictures: public-domain paintings and free photos. " + "; ".join(credits)
    (folder / "examples.json").write_text(json.dumps({"pictures": found, "credits": text, "credit_lines": credits}))


def sizes(site: Path) -> dict:
    """Bytes of the site as stored and gzip-compressed, with the example pictures counted apart."""
    def total(paths_, squeeze):
        return sum(len(gzip.compress(p.read_bytes(), 6)) if squeeze else p.stat().st_size for p in paths_)

    everything = [p for p in Path(site).rglob("*") if p.is_file()]
    examples = [p for p in everything if "examples" in p.relative_to(site).parts]
    rest = [p for p in everything if p not in examples]
    return {"bytes": total(rest, False), "gzip_bytes": total(rest, True), "examples_bytes": total(examples, False)}


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript", ".js": "text/javascript",
                      ".wasm": "application/wasm", ".onnx": "application/octet-stream"}

    def end_headers(self):
        for key, value in ISOLATION.items():
            self.send_header(key, value)
        super().end_headers()

    def log_message(self, *args):
        pass  # quiet: a test or a person reading the terminal wants the URL, not every file


def server(site: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    if not (Path(site) / "index.html").is_file():
        raise SiteError(f"{Path(site).name} is not a built site (no index.html): run build-web first")
    return ThreadingHTTPServer((host, port), functools.partial(_Handler, directory=str(site)))
