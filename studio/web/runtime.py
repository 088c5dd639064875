"""onnxruntime-web, the browser's inference engine (MIT licence, Microsoft), at a pinned version.

The package comes from the npm registry once, is checked against the registry's own integrity
hash (SHA-512) and kept in the cache; sites and the app serve the few files they need from local
disk, never from a CDN. STUDIO_ORT_TGZ names a tarball already on this machine (offline).
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import tarfile
import urllib.request
from pathlib import Path

from studio.core import paths
from studio.core.errors import UserError

VERSION = "1.31.1"
TARBALL = f"https://registry.npmjs.org/onnxruntime-web/-/onnxruntime-web-{VERSION}.tgz"
INTEGRITY = "sha512-5GeH+bWQ+HxM10z7erGlsWqryrwMbSvm/1tkIsKTT48g0fI19VXVVC435t4t7VsPdSQeS7NmuZPXrQ73k82URw=="
# The WebAssembly build (its loader, the loader of its module, and the module: SIMD, threads where the page
# is cross-origin isolated) and the WebGPU build (its loader and its module, 27 MB, fetched only by a browser
# that has a WebGPU adapter).
FILES = ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm",
         "ort.webgpu.min.mjs", "ort-wasm-simd-threaded.asyncify.mjs", "ort-wasm-simd-threaded.asyncify.wasm")
LICENSE = "onnxruntime-web is MIT-licensed, (c) Microsoft Corporation: https://github.com/microsoft/onnxruntime"


class RuntimeFetchError(UserError, OSError):
    """onnxruntime-web could not be fetched or did not match its pinned integrity hash."""


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def tarball() -> Path:
    """The verified package tarball: from STUDIO_ORT_TGZ, the cache, or the registry."""
    given = os.environ.get("STUDIO_ORT_TGZ")
    path = Path(given) if given else paths.cache_dir() / "onnxruntime-web" / f"onnxruntime-web-{VERSION}.tgz"
    if not path.is_file():
        if given:
            raise RuntimeFetchError(f"STUDIO_ORT_TGZ names {path.name}, which does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with urllib.request.urlopen(TARBALL, timeout=60) as r:
                data = r.read()
        except OSError as e:
            raise RuntimeFetchError(f"could not download onnxruntime-web {VERSION} from the npm registry: {e}") from None
        _verify(data)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    _verify(path.read_bytes())
    return path


def _verify(data: bytes) -> None:
    if integrity(data) != INTEGRITY:
        raise RuntimeFetchError(f"onnxruntime-web {VERSION} does not match its pinned integrity hash: not used")


def install(folder: Path) -> list[Path]:
    """Copy the runtime's files (and a licence note) into `folder`; returns what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(tarball()) as tar:
        for name in FILES:
            member = tar.getmember(f"package/dist/{name}")
            with tar.extractfile(member) as src, open(folder / name, "wb") as dst:
                shutil.copyfileobj(src, dst)
            written.append(folder / name)
    (folder / "LICENSE.txt").write_text(f"{LICENSE}\nVersion {VERSION}, {TARBALL}\nIntegrity {INTEGRITY}\n")
    return written + [folder / "LICENSE.txt"]


def installed(folder: Path) -> bool:
    """Whether `folder` holds this version's files (install writes the version into its licence note)."""
    note = folder / "LICENSE.txt"
    return note.is_file() and f"Version {VERSION}," in note.read_text() and all((folder / n).is_file() for n in FILES)
