"""Optimiser state as safetensors + JSON, so resuming a run never unpickles anything."""

from __future__ import annotations

import torch


def flatten_optimizer(opt: torch.optim.Optimizer, prefix: str) -> tuple[dict, dict]:
    """Optimiser state as (tensors for safetensors, JSON-able rest): keeps resume pickle-free."""
    sd = opt.state_dict()
    tensors = {}
    for pid, st in sd["state"].items():
        for name, v in st.items():
            tensors[f"{prefix}.{pid}.{name}"] = v if torch.is_tensor(v) else torch.tensor(v)
    return tensors, {"param_groups": sd["param_groups"]}


def unflatten_optimizer(tensors: dict, meta: dict, prefix: str) -> dict:
    state: dict = {}
    for key, v in tensors.items():
        if key.startswith(prefix + "."):
            _, pid, name = key.split(".", 2)
            state.setdefault(int(pid), {})[name] = v
    return {"state": state, "param_groups": meta["param_groups"]}
