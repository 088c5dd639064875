"""Mistakes a person makes, tried in a real page: what the page shows after each one.

Used by tests/ui/test_ui_mistakes.py; every case is also a row of docs/mistakes.md."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

# What must never be visible on the page: framework text, tracebacks, server paths (case as written).
FORBIDDEN = ("Could not preprocess", "Traceback", "/tmp/", "/work/", "site-packages", "gradio_", "Errno", "Error (",
             "UnidentifiedImageError", "EditorData", "internal error", "Exception")

OBSERVE = """() => {
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const toasts = [...document.querySelectorAll('[data-testid="toast-body"], .toast-body')].filter(visible)
    .map((e) => e.innerText.trim());
  const notes = [...document.querySelectorAll('.prose, .md')]
    .filter((e) => visible(e) && !e.parentElement.closest('.prose, .md'))
    .map((e) => e.innerText.trim()).filter((t) => t.includes('⚠️'));
  // Gradio marks an event's outputs with an "Error" status when its handler fails.
  const badges = [...document.querySelectorAll('.block .error, .wrap .error')].filter(visible).length;
  return {toasts, notes, badges, text: document.body.innerText};
}"""


def seven() -> bytes:
    """A handwritten-looking 7 (black ink on white), a good upload for the twin search."""
    from PIL import ImageDraw

    img = Image.new("L", (140, 140), 255)
    ImageDraw.Draw(img).line([(30, 30), (110, 30), (60, 120)], fill=0, width=14)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


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
    put("seven.png", seven())
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
    made["clip.mp4"] = folder / "clip.mp4"
    write_clip(made["clip.mp4"])
    made["pictures.zip"] = folder / "pictures.zip"
    with zipfile.ZipFile(made["pictures.zip"], "w") as z:  # a good set: two classes of 12 squares
        for name, colour in (("red", (220, 40, 40)), ("blue", (40, 40, 220))):
            for i in range(12):
                square = io.BytesIO()
                Image.new("RGB", (32, 32), tuple(min(255, c + 8 * i) for c in colour)).save(square, "PNG")
                z.writestr(f"{name}/{i}.png", square.getvalue())
    return made


def write_clip(path: Path, frames: int = 12, size=(96, 64)) -> None:
    """A short, real H.264 clip: a bar moving across a gradient."""
    import av
    import numpy as np

    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=12)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        base = np.linspace(0, 255, size[0], dtype=np.uint8)[None, :, None].repeat(size[1], 0).repeat(3, 2)
        for i in range(frames):
            frame = base.copy()
            frame[:, 6 * i:6 * i + 8] = (255, 60, 60)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
