"""How steady a video is: the frame-to-frame error once the known motion is taken out.

For a clip whose true motion is known (a pan of (dx, dy) pixels per frame), each frame is
compared with the previous one moved by that motion, over the pixels both frames see. A
perfectly steady stylisation scores what the input scores (noise aside); flicker adds to it.
"""

from __future__ import annotations

import numpy as np

from studio.core.inputs import InputError


def moved_difference(prev: np.ndarray, cur: np.ndarray, dx: int, dy: int) -> float:
    """Mean absolute difference between cur and prev moved by (dx, dy), over valid pixels.
    Frames are (H, W[, C]) arrays in any range; a pan to the right has dx > 0 (content
    moves right on screen)."""
    h, w = cur.shape[:2]
    if abs(dx) >= w or abs(dy) >= h:
        raise InputError("the motion is larger than the frame: no pixel is seen twice")
    # cur[y, x] shows what prev showed at (y - dy, x - dx)
    c = cur[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)]
    p = prev[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return float(np.abs(c.astype(np.float64) - p.astype(np.float64)).mean())


def temporal_error(frames, motion) -> float:
    """Mean of moved_difference over consecutive frames; motion is one (dx, dy) per step or
    a list with one per step (len(frames) - 1)."""
    frames = list(frames)
    if len(frames) < 2:
        raise InputError("steadiness needs at least two frames")
    steps = [motion] * (len(frames) - 1) if isinstance(motion, tuple) else list(motion)
    return float(np.mean([moved_difference(a, b, *m) for a, b, m in zip(frames, frames[1:], steps)]))
