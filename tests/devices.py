"""Which devices a piece of code touches: every tensor each aten op reads or makes, recorded below
autograd, so an engine built on `meta` shows a stray CPU tensor (the bug that breaks it on a GPU)."""

import traceback

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves


class DevicesTouched(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.seen: dict[str, str] = {}  # device type -> the first op that touched it, and the studio line

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in tree_leaves((args, kwargs, out)):
            if isinstance(t, torch.Tensor) and t.device.type not in self.seen and not step_count(t):
                self.seen[t.device.type] = f"{func} at {where()}"
        return out


def where() -> str:
    """The innermost line of the studio's own code on the stack."""
    ours = [f for f in traceback.extract_stack() if "/studio/" in f.filename]
    return f"{ours[-1].filename.split('/studio/')[-1]}:{ours[-1].lineno}" if ours else "outside the studio"


def step_count(t: torch.Tensor) -> bool:
    """Adam's step counter: PyTorch keeps it on the CPU by design (a number read on the host each step,
    no device sync), whatever the parameters' device."""
    return t.device.type == "cpu" and t.dim() == 0 and any("/torch/optim/" in f.filename for f in traceback.extract_stack())
