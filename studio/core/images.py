"""Image helpers shared by the CLI and the UI: tensors to pictures, grids, crisp upscaling, GIFs,
and the two pixel ranges (uint8 like MNIST, floats in [-1, 1] like the generator)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from studio.core.files import atomic_write_bytes


def to_pil(image: torch.Tensor) -> Image.Image:
    """(1, H, W) or (H, W) float in [-1, 1] -> grayscale PIL image; (3, H, W) -> colour."""
    if image.dim() >= 3 and image.shape[-3] == 3:
        arr = image.detach().cpu().float().reshape(3, image.shape[-2], image.shape[-1]).permute(1, 2, 0)
        return Image.fromarray(((arr + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy(), mode="RGB")
    arr = image.detach().cpu().float().reshape(image.shape[-2], image.shape[-1])
    arr = ((arr + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
    return Image.fromarray(arr, mode="L")


def tile(images: torch.Tensor, nrow: int, pad: int = 2) -> Image.Image:
    """(N, 1 or 3, H, W) in [-1, 1] -> one grid image, nrow images per row, black gutters."""
    n, c, h, w = images.shape
    rows = (n + nrow - 1) // nrow
    grid = np.zeros((rows * (h + pad) + pad, nrow * (w + pad) + pad, c), dtype=np.uint8)
    u8 = ((images.detach().cpu().float() + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
    u8 = u8.numpy()
    for i in range(n):
        r, col = divmod(i, nrow)
        grid[pad + r * (h + pad):pad + r * (h + pad) + h, pad + col * (w + pad):pad + col * (w + pad) + w] = u8[i]
    return Image.fromarray(grid[..., 0], mode="L") if c == 1 else Image.fromarray(grid, mode="RGB")


def upscale(img: Image.Image, factor: int) -> Image.Image:
    """Nearest-neighbour upscaling keeps the pixels crisp instead of blurring a 28 px digit."""
    return img.resize((img.width * factor, img.height * factor), Image.NEAREST)


def png_bytes(img: Image.Image, compress_level: int = 6) -> bytes:
    """compress_level 1 encodes a 768x512 photo in 20 ms instead of 96 ms, for 11 % more bytes."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=compress_level)
    return buf.getvalue()


def save_png(img: Image.Image, path: str | os.PathLike) -> Path:
    path = Path(path)
    atomic_write_bytes(path, png_bytes(img))
    return path


def gif_bytes(frames: list[Image.Image], ms_per_frame: int = 60, bounce: bool = True) -> bytes:
    """Animated GIF that loops forever; bounce plays it forwards then backwards so the loop has no jump."""
    seq = frames + frames[-2:0:-1] if bounce and len(frames) > 2 else frames
    buf = io.BytesIO()
    seq[0].save(buf, format="GIF", save_all=True, append_images=seq[1:], duration=ms_per_frame, loop=0)
    return buf.getvalue()


def strip(frames: list[Image.Image], pad: int = 2) -> Image.Image:
    """Equal-sized frames (grey or colour) side by side with black gutters."""
    w, h = frames[0].size
    out = Image.new(frames[0].mode, (len(frames) * (w + pad) + pad, h + 2 * pad), 0)
    for i, f in enumerate(frames):
        out.paste(f, (pad + i * (w + pad), pad))
    return out


def to_model_range(images_u8: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28) in [-1, 1], the generator's range."""
    return images_u8.float().div(127.5).sub(1.0).unsqueeze(1)


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """float (N, 1, H, W) in [-1, 1] -> uint8 (N, H, W), white digit on black like MNIST;
    (N, 3, H, W) -> (N, H, W, 3)."""
    u8 = images.add(1.0).mul(127.5).round().clamp(0, 255).to(torch.uint8)
    return u8.squeeze(1) if u8.shape[1] == 1 else u8.permute(0, 2, 3, 1).contiguous()
