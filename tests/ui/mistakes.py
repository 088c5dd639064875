"""Mistakes a person makes, tried in a real page: what the page shows after each one.

Used by tests/ui/test_ui_mistakes.py; every case is also a row of docs/mistakes.md."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

# What must never be visible on the page: framework text, tracebacks, server paths.
FORBIDDEN = ("Could not preprocess", "Traceback", "/tmp/", "gradio", "Errno", "Error (", "UnidentifiedImageError",
             "EditorData", "internal error")

OBSERVE = """() => {
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const toasts = [...document.querySelectorAll('[data-testid="toast-body"], .toast-body')].filter(visible)
    .map((e) => e.innerText.trim());
  const notes = [...document.querySelectorAll('.prose, .md')]
    .filter((e) => visible(e) && !e.parentElement.closest('.prose, .md'))
    .map((e) => e.innerText.trim()).filter((t) => t.startsWith('⚠️'));
  // Gradio marks an event's outputs with an "Error" status when its handler fails.
  const badges = [...document.querySelectorAll('.block .error, .wrap .error')].filter(visible).length;
  return {toasts, notes, badges, text: document.body.innerText};
}"""


def files(folder: Path) -> dict[str, Path]:
    """The mistaken files, made here (nothing committed)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}

    def put(name, data):
        made[name] = folder / name
        made[name].write_bytes(data)

    put("text.png", b"<html>hello</html>")
    put("not-a-video.mp4", b"this is not a video" * 50)
    blank = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(blank, "PNG")
    put("blank.png", blank.getvalue())
    huge = io.BytesIO()
    Image.new("RGB", (9600, 7200), (120, 130, 140)).save(huge, "PNG")  # 69 MP: over the 50 MP cap
    put("huge.png", huge.getvalue())
    for name, entries in (("empty.zip", {}), ("no-pictures.zip", {"cats/readme.txt": "no pictures",
                                                                  "dogs/notes.md": "none"})):
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as z:
            for entry, text in entries.items():
                z.writestr(entry, text)
        put(name, data.getvalue())
    return made
