"""Clips for the video tests and benchmarks, made on the spot: a pan across a photo with sensor noise."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from PIL import Image

PAN = 3  # px per frame, to the right


def pan_frames(photo, count: int = 24, size=(384, 288), noise: float = 6.0, seed: int = 0) -> list[np.ndarray]:
    """RGB uint8 frames of a camera panning right over a photo, PAN px per frame, with noise."""
    w, h = size
    wide = np.asarray(Image.open(photo).convert("RGB").resize((w + PAN * count, h), Image.LANCZOS))
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(count):
        x = PAN * (count - i)  # the window slides left, so the content moves right on screen
        frame = wide[:, x:x + w].astype(np.float32) + rng.normal(0, noise, (h, w, 3))
        frames.append(np.clip(frame, 0, 255).astype(np.uint8))
    return frames


def write_video(path, frames, fps=24, audio_seconds: float | None = None, codec="libx264") -> None:
    """Frames (and optionally a 440 Hz tone) into a video file with PyAV."""
    import av

    with av.open(str(path), "w") as c:
        v = c.add_stream(codec, rate=Fraction(fps))
        v.width, v.height = frames[0].shape[1], frames[0].shape[0]
        v.pix_fmt = "yuv420p" if codec != "gif" else "rgb8"
        a = c.add_stream("aac", rate=44100) if audio_seconds else None
        for f in frames:
            for packet in v.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                c.mux(packet)
        for packet in v.encode(None):
            c.mux(packet)
        if a is not None:
            t = np.arange(int(44100 * audio_seconds)) / 44100
            tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None]
            for i in range(0, tone.shape[1], 1024):
                af = av.AudioFrame.from_ndarray(np.ascontiguousarray(tone[:, i:i + 1024]), format="fltp", layout="mono")
                af.sample_rate = 44100
                for packet in a.encode(af):
                    c.mux(packet)
            for packet in a.encode(None):
                c.mux(packet)


def write_y4m(path, frames, fps: int = 15) -> None:
    """Frames as a YUV4MPEG2 file: what Chromium's fake camera plays."""
    import cv2

    h, w = frames[0].shape[:2]
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            f.write(b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420).tobytes())
