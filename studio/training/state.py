"""A run's resumable state (networks, optimisers, step) as safetensors + JSON, so resuming a run
never unpickles anything."""

from __future__ import annotations

import dataclasses

import torch

from studio.core.files import CheckpointError, load_strict, read_config, read_tensors, save_tensors
from studio.digits.checkpoints import save_generator


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


# The settings a generator's JSON records under "training", by the names it has always used.
SUMMARY = {"loss": "loss", "batch_size": "batch_size", "ema": "ema", "seed": "seed", "r1": "r1_weight",
           "r2": "r2_weight", "augment_shift": "augment_shift", "diversity": "diversity", "aux_weight": "aux_weight",
           "aux_until": "aux_until", "lr_decay_from": "lr_decay_from", "lr_g": "lr_g", "lr_d": "lr_d"}


def save_state(t) -> None:
    """Write a Trainer's resumable state and its EMA generator, each atomically."""
    tensors = {f"G.{k}": v for k, v in t.G.state_dict().items()}
    tensors.update({f"D.{k}": v for k, v in t.D.state_dict().items()})
    if t.G_ema is not None:
        tensors.update({f"E.{k}": v for k, v in t.G_ema.state_dict().items()})
    tg, mg = flatten_optimizer(t.opt_g, "opt_g")
    td, md = flatten_optimizer(t.opt_d, "opt_d")
    tensors.update(tg)
    tensors.update(td)
    meta = {"kind": "train_state", "step": t.step, "elapsed": t.elapsed,
            "config": dataclasses.asdict(t.cfg), "opt_g": mg, "opt_d": md}
    save_tensors(t.state_path, tensors, meta)
    training = {"step": t.step, "seconds": round(t.elapsed, 1),
                **{key: getattr(t.cfg, name) for key, name in SUMMARY.items()}, "dataset": t.data.describe()}
    extra = {"training": training}
    if t.data.own is not None:  # a set of one's own pictures
        training["augment"] = t.cfg.augment
        extra["classes"] = t.data.own.classes if t.num_classes else []
        if t.cfg.data_licence:
            extra["data_licence"] = t.cfg.data_licence
    save_generator(t.generator_path, t.sampling_generator(), extra)


def load_state(t) -> None:
    """Restore a Trainer from its run folder's state; a mismatch raises CheckpointError."""
    meta = read_config(t.state_path)
    tensors = read_tensors(t.state_path)

    def part(prefix):
        return {k[len(prefix) + 1:]: v for k, v in tensors.items() if k.startswith(prefix + ".")}

    load_strict(t.G, part("G"), f"{t.state_path} (generator)")
    load_strict(t.D, part("D"), f"{t.state_path} (discriminator)")
    if t.G_ema is not None and any(k.startswith("E.") for k in tensors):
        load_strict(t.G_ema, part("E"), f"{t.state_path} (EMA generator)")
    try:
        t.opt_g.load_state_dict(unflatten_optimizer(tensors, meta["opt_g"], "opt_g"))
        t.opt_d.load_state_dict(unflatten_optimizer(tensors, meta["opt_d"], "opt_d"))
    except (KeyError, ValueError) as e:
        raise CheckpointError(f"{t.state_path}: optimiser state does not fit these settings ({e})") from e
    t.step = int(meta["step"])
    t.elapsed = float(meta.get("elapsed", 0.0))
