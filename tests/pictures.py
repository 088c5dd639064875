"""Small sets of one's own pictures for tests: coloured squares on transparency, a folder per class."""

import numpy as np
from PIL import Image

COLOURS = {"red": (220, 30, 30), "green": (30, 160, 60), "blue": (40, 60, 220)}


def picture(colour, seed) -> Image.Image:
    rng = np.random.default_rng(seed)
    img = np.full((40, 40, 4), 0, np.uint8)
    y, x = rng.integers(0, 20, 2)
    img[y:y + 20, x:x + 20] = (*colour, 255)  # a square on transparency
    return Image.fromarray(img, "RGBA")


def folder_of_squares(root, per_class=6):
    for name, colour in COLOURS.items():
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            picture(colour, i).save(root / name / f"{i}.png")
    return root
