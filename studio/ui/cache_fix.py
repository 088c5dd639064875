"""Gradio 6's picture cache written so that a download in progress is never cut short.

Gradio saves each output picture as cache/<hash of its bytes>/image.png with `write_bytes`, which
truncates and rewrites the file. Two visitors who get the same picture (the same photo painted in the
same style) share that path, so one visitor's download can read a file that the other's save has just
emptied: the server then sends fewer bytes than it announced and the client fails with "peer closed
connection". Gradio already writes copies of files under a temporary name and renames them into place
(`save_file_to_cache`); this does the same for pictures, and leaves an existing copy alone.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gradio import processing_utils


def save_pil_to_cache(img, cache_dir: str, name: str = "image", format: str = "webp") -> str:
    data = processing_utils.encode_pil_to_bytes(img, format)
    folder = Path(cache_dir) / processing_utils.hash_bytes(data)
    folder.mkdir(exist_ok=True, parents=True)
    path = (folder / f"{name}.{format}").resolve()
    if path.exists() and path.stat().st_size == len(data):
        os.utime(path)  # delete_cache ages files by ctime: one handed out again is fresh
        return str(path)
    fd, staging = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return str(path)


def install() -> None:
    """Put the atomic save in place of Gradio's (image_utils looks it up on the module at each call)."""
    processing_utils.save_pil_to_cache = save_pil_to_cache
