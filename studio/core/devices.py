"""Random draws that stay on their device: the engines and the trainer create every tensor where
their model lives, so one built on `meta` (shapes only) runs without touching any other device,
which is how the tests catch a stray CPU tensor that would break on a GPU."""

from __future__ import annotations

import torch


def seeded(seed: int, device: torch.device | str) -> torch.Generator | None:
    """A generator on `device` (None on `meta`, which draws no numbers)."""
    device = torch.device(device)
    return None if device.type == "meta" else torch.Generator(device=device).manual_seed(seed)
