"""Mouse-style digits for tests: thick PIL strokes along hand-made paths, bent and coloured at random.

Written for the tests without looking at what the studio's encoder does well: each digit is the
plain way a person draws it with a mouse, in one to three strokes.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw


def arc(cx, cy, rx, ry, start, end, n=24):
    """Points on an ellipse from angle start to end (degrees, 0 = right, 90 = down)."""
    return [(cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
            for a in np.linspace(start, end, n)]


# Strokes in a unit box, x to the right and y downwards.
DIGITS = {
    0: [arc(0.5, 0.5, 0.28, 0.42, -90, 270)],
    1: [[(0.38, 0.22), (0.55, 0.08), (0.55, 0.92)]],
    2: [arc(0.5, 0.3, 0.25, 0.22, 190, 380) + [(0.25, 0.9), (0.8, 0.9)]],
    3: [arc(0.48, 0.29, 0.24, 0.21, 200, 450) + arc(0.48, 0.71, 0.27, 0.21, -90, 160)],
    4: [[(0.6, 0.08), (0.2, 0.62), (0.85, 0.62)], [(0.65, 0.35), (0.65, 0.92)]],
    5: [[(0.75, 0.1), (0.32, 0.1), (0.28, 0.45)] + arc(0.5, 0.66, 0.27, 0.24, -125, 155)],
    6: [arc(0.55, 0.45, 0.3, 0.4, -70, -200) + arc(0.5, 0.68, 0.25, 0.22, 180, 540)],
    7: [[(0.2, 0.12), (0.8, 0.12), (0.4, 0.92)]],
    8: [arc(0.5, 0.29, 0.21, 0.2, 90, 450), arc(0.5, 0.7, 0.26, 0.22, -90, 270)],
    9: [arc(0.5, 0.32, 0.25, 0.22, 0, 360), [(0.75, 0.32), (0.7, 0.92)]],
}


def draw_digit(digit: int, rng: np.random.Generator, size: int = 280) -> Image.Image:
    """One digit as a person might draw it on a canvas: random pen width, slant, shear, size,
    place, and one of three looks (black on white, white on black, colour on transparent)."""
    angle = math.radians(rng.uniform(-15, 15))
    shear = rng.uniform(-0.3, 0.3)
    scale = size * rng.uniform(0.5, 0.85)
    ox, oy = size * rng.uniform(0.35, 0.65), size * rng.uniform(0.4, 0.6)
    width = int(rng.integers(max(6, size // 28), size // 12))
    look = rng.integers(3)
    if look == 0:
        img, ink = Image.new("RGB", (size, size), "white"), (20, 20, 20)
    elif look == 1:
        img, ink = Image.new("RGB", (size, size), "black"), (240, 240, 240)
    else:
        img, ink = Image.new("RGBA", (size, size), (0, 0, 0, 0)), (40, 90, 220, 255)
    pen = ImageDraw.Draw(img)
    for stroke in DIGITS[digit]:
        pts = []
        for x, y in stroke:
            x, y = x - 0.5, y - 0.5
            x = x + shear * y
            x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
            pts.append((ox + scale * x, oy + scale * y))
        pen.line(pts, fill=ink, width=width, joint="curve")
        for p in (pts[0], pts[-1]):  # round pen ends, as a brush leaves them
            pen.ellipse([p[0] - width / 2, p[1] - width / 2, p[0] + width / 2, p[1] + width / 2], fill=ink)
    return img


def drawings(count: int, seed: int = 0):
    """(picture, digit) pairs, the classes in turn."""
    rng = np.random.default_rng(seed)
    return [(draw_digit(i % 10, rng), i % 10) for i in range(count)]
