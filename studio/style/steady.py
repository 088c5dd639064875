"""Steady video: each stylised frame blended with the previous output carried along the motion.

Per-frame stylisation turns small changes (sensor noise, exposure) into large ones: measured on
a panning clip with noise, its frame-to-frame error is over twice the input's. Here dense
optical flow (OpenCV's DIS) says where every pixel of the new frame was in the previous one;
the previous *output* is warped there and mixed in, except where the flow is not trusted
(occlusions, fast motion, scene cuts: forward and backward flow disagree, or the warped
previous frame does not match the new one). The result keeps the painting's look (the mix is
of two stylisations) and loses the shimmer.
"""

from __future__ import annotations

import cv2
import numpy as np

KEEP = 0.7  # share of the carried-over previous output where the flow is trusted
MAX_FB_ERROR = 1.0  # px: forward-backward flow disagreement above this marks an occlusion
MAX_MATCH_ERROR = 0.12  # grey-level difference (0-1) above which the warp is not trusted
SCENE_CUT = 0.35  # trusted share below this means a new scene: start afresh


class Steadier:
    """Call once per frame, in order: steadier(frame, stylised) -> steadied output.
    frame and stylised are (H, W, 3) uint8 RGB of the same size."""

    def __init__(self, keep: float = KEEP):
        self.keep = keep
        self.flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        self.reset()

    def reset(self) -> None:
        self._gray = self._out = None

    def __call__(self, frame: np.ndarray, stylised: np.ndarray) -> np.ndarray:
        gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        if self._gray is None or self._gray.shape != gray.shape or self.keep <= 0:
            return self._remember(gray, stylised)
        back = self.flow.calc(gray, self._gray, None)  # new pixel -> where it was before
        fwd = self.flow.calc(self._gray, gray, None)
        h, w = gray.shape
        xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        mx, my = xs + back[..., 0], ys + back[..., 1]
        warped_out = cv2.remap(self._out, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        warped_gray = cv2.remap(self._gray, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        # Consistency: following the backward flow, then the forward flow from there, returns home.
        round_trip = back + cv2.remap(fwd, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        inside = (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
        trusted = (inside & (np.hypot(round_trip[..., 0], round_trip[..., 1]) < MAX_FB_ERROR)
                   & (np.abs(warped_gray.astype(np.float32) - gray) / 255.0 < MAX_MATCH_ERROR))
        if trusted.mean() < SCENE_CUT:
            return self._remember(gray, stylised)
        # A soft edge around untrusted regions avoids seams where the mix switches off.
        weight = cv2.GaussianBlur(trusted.astype(np.float32), (5, 5), 0)[..., None] * self.keep
        out = stylised.astype(np.float32) * (1 - weight) + warped_out.astype(np.float32) * weight
        return self._remember(gray, np.clip(out + 0.5, 0, 255).astype(np.uint8))

    def _remember(self, gray: np.ndarray, out: np.ndarray) -> np.ndarray:
        self._gray, self._out = gray, out
        return out
