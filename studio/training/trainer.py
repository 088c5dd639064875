"""Train the MNIST GAN: one trainer for the command line, the app's Train tab and torchrun.

    python -m studio train --data-root DIR --out DIR [--steps N | --epochs N] [--batch-size B]
                           [--loss hinge|nonsaturating|minimax|wgan-gp|relativistic] [--device auto|cpu|cuda]
                           [--seed S] [--resume]

Everything a run produces lives in --out, so any process can watch it:
  metrics.jsonl            one JSON record per log interval ("kind": "train" or "eval")
  samples/step_NNNNNNN.png a 10x10 grid from fixed noise (row = digit), every --sample-every steps
  generator.safetensors    the EMA generator with generator.json (what Digits loads)
  state.safetensors        everything needed to resume (networks, optimisers, step) with state.json
Checkpoints are written atomically, so a kill at any moment leaves the previous one loadable.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from studio.core.files import CheckpointError, load_strict, read_config, read_tensors, save_tensors
from studio.core.images import save_png, tile, to_model_range
from studio.digits.checkpoints import save_generator
from studio.digits.data import load_mnist
from studio.digits.networks import Discriminator, Generator, GeneratorConfig, NUM_CLASSES, one_hot
from studio.training.config import TrainConfig
from studio.training.losses import d_loss_fn, g_loss_fn, mode_seeking, translate
from studio.training.state import flatten_optimizer, unflatten_optimizer


class TrainingDiverged(RuntimeError):
    """Losses went NaN/inf or exploded: the run stops and the last good checkpoint stays."""


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


class Trainer:
    """Owns the networks, optimisers and run folder. Call run(); it returns when done or stopped."""

    def __init__(self, config: TrainConfig, rank: int = 0, world_size: int = 1):
        self.cfg = config.validate()
        self.rank, self.world_size = rank, world_size
        self.out = Path(config.out)
        self.device = pick_device(config.device)
        if world_size > 1 and self.device.type == "cuda":
            self.device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.manual_seed(config.seed + rank)
        nc = NUM_CLASSES if config.conditional else 0
        self.G = Generator(GeneratorConfig(config.latent_dim, config.g_channels, nc, config.g_depth)).to(self.device)
        self.D = Discriminator(config.d_channels, nc).to(self.device)
        self.G_ema = None
        if config.ema > 0:
            self.G_ema = copy.deepcopy(self.G).requires_grad_(False)
        betas = (config.beta1, config.beta2)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=config.lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=config.lr_d, betas=betas)
        self.step = 0
        self.elapsed = 0.0  # training seconds over all sessions of this run
        self.G_train, self.D_train = self.G, self.D
        if world_size > 1:
            from torch.nn.parallel import DistributedDataParallel as DDP

            ids = [self.device.index] if self.device.type == "cuda" else None
            self.G_train = DDP(self.G, device_ids=ids, broadcast_buffers=False)
            self.D_train = DDP(self.D, device_ids=ids, broadcast_buffers=False)
        gen = torch.Generator().manual_seed(1234)
        self.fixed_z = torch.randn(100, config.latent_dim, generator=gen).to(self.device)
        self.fixed_y = one_hot(torch.arange(10).repeat_interleave(10)).to(self.device) if nc else None

    # ---- checkpoints -------------------------------------------------------------
    @property
    def generator_path(self) -> Path:
        return self.out / "generator.safetensors"

    @property
    def state_path(self) -> Path:
        return self.out / "state.safetensors"

    def sampling_generator(self) -> Generator:
        return self.G_ema if self.G_ema is not None else self.G

    def save(self) -> None:
        if self.rank != 0:
            return
        tensors = {f"G.{k}": v for k, v in self.G.state_dict().items()}
        tensors.update({f"D.{k}": v for k, v in self.D.state_dict().items()})
        if self.G_ema is not None:
            tensors.update({f"E.{k}": v for k, v in self.G_ema.state_dict().items()})
        tg, mg = flatten_optimizer(self.opt_g, "opt_g")
        td, md = flatten_optimizer(self.opt_d, "opt_d")
        tensors.update(tg)
        tensors.update(td)
        meta = {"kind": "train_state", "step": self.step, "elapsed": self.elapsed,
                "config": dataclasses.asdict(self.cfg), "opt_g": mg, "opt_d": md}
        save_tensors(self.state_path, tensors, meta)
        c = self.cfg
        summary = {"training": {"step": self.step, "seconds": round(self.elapsed, 1), "loss": c.loss,
                                "batch_size": c.batch_size, "ema": c.ema, "seed": c.seed,
                                "r1": c.r1_weight, "r2": c.r2_weight, "augment_shift": c.augment_shift, "diversity": c.diversity,
                                "aux_weight": c.aux_weight, "aux_until": c.aux_until, "lr_decay_from": c.lr_decay_from, "lr_g": c.lr_g, "lr_d": c.lr_d, "dataset": "MNIST train (60k)"}}
        save_generator(self.generator_path, self.sampling_generator(), summary)

    def load(self) -> None:
        meta = read_config(self.state_path)
        tensors = read_tensors(self.state_path)

        def part(prefix):
            return {k[len(prefix) + 1:]: v for k, v in tensors.items() if k.startswith(prefix + ".")}

        load_strict(self.G, part("G"), f"{self.state_path} (generator)")
        load_strict(self.D, part("D"), f"{self.state_path} (discriminator)")
        if self.G_ema is not None and any(k.startswith("E.") for k in tensors):
            load_strict(self.G_ema, part("E"), f"{self.state_path} (EMA generator)")
        try:
            self.opt_g.load_state_dict(unflatten_optimizer(tensors, meta["opt_g"], "opt_g"))
            self.opt_d.load_state_dict(unflatten_optimizer(tensors, meta["opt_d"], "opt_d"))
        except (KeyError, ValueError) as e:
            raise CheckpointError(f"{self.state_path}: optimiser state does not fit these settings ({e})") from e
        self.step = int(meta["step"])
        self.elapsed = float(meta.get("elapsed", 0.0))

    # ---- training ----------------------------------------------------------------
    def _batches(self, images: torch.Tensor, labels: torch.Tensor):
        """Endless shuffled batches; each rank takes its own slice of every permutation."""
        bs, n = self.cfg.batch_size, len(images)
        gen = torch.Generator().manual_seed(self.cfg.seed * 1000 + self.step)
        while True:
            perm = torch.randperm(n, generator=gen)[self.rank::self.world_size]
            for i in range(0, len(perm) - bs + 1, bs):
                idx = perm[i:i + bs].to(images.device)
                yield images[idx], labels[idx]

    def _set_learning_rates(self) -> None:
        cfg = self.cfg
        scale = 1.0
        if cfg.lr_decay_from and self.step >= cfg.lr_decay_from:
            scale = max(0.0, (cfg.total_steps - self.step) / max(1, cfg.total_steps - cfg.lr_decay_from))
        for opt, base in ((self.opt_g, cfg.lr_g), (self.opt_d, cfg.lr_d)):
            for group in opt.param_groups:
                group["lr"] = base * scale

    def _aux_on(self) -> bool:
        cfg = self.cfg
        return cfg.conditional and cfg.aux_weight > 0 and (not cfg.aux_until or self.step < cfg.aux_until)

    def train_step(self, batches) -> dict:
        cfg, dev = self.cfg, self.device
        cond = cfg.conditional
        self._set_learning_rates()
        for _ in range(cfg.d_steps):
            real, labels = next(batches)
            n = real.shape[0]
            z = torch.randn(n, cfg.latent_dim, device=dev)
            with torch.no_grad():
                fake = self.G(z, one_hot(labels).to(dev) if cond else None)
            real, fake = translate(real, cfg.augment_shift), translate(fake, cfg.augment_shift)
            r1, r2 = cfg.r1_weight > 0, cfg.r2_weight > 0
            real.requires_grad_(r1)
            fake.requires_grad_(r2)
            # One discriminator call per step (real, fake and, for WGAN-GP, interpolates together):
            # DistributedDataParallel allows a single forward before each backward.
            parts = [real, fake]
            gp = cfg.loss == "wgan-gp" and cfg.gp_weight > 0
            if gp:
                eps = torch.rand(n, 1, 1, 1, device=dev)
                parts.append((eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True))
            x = torch.cat(parts)
            lab = labels.repeat(len(parts)) if cond else None
            logits, aux = self.D_train(x, lab)
            lr_, lf_ = logits[:n], logits[n:2 * n]
            loss_d = d_loss_fn(cfg.loss, lr_, lf_)
            if self._aux_on():
                loss_d = loss_d + cfg.aux_weight * F.cross_entropy(aux[:n], labels)
            if gp:
                (grad,) = torch.autograd.grad(logits[2 * n:].sum(), parts[2], create_graph=True)
                loss_d = loss_d + cfg.gp_weight * ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
            if r1 or r2:
                # The discriminator treats samples independently, so one gradient of the summed
                # logits gives each input its own gradient.
                wanted = [(t, w) for t, w in ((real, cfg.r1_weight), (fake, cfg.r2_weight)) if w > 0]
                grads = torch.autograd.grad(logits[:2 * n].sum(), [t for t, _ in wanted], create_graph=True)
                for g, (_, w) in zip(grads, wanted):
                    loss_d = loss_d + w / 2 * g.square().flatten(1).sum(1).mean()
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
        g_labels = torch.randint(0, NUM_CLASSES, (cfg.batch_size,), device=dev)
        half = cfg.batch_size // 2
        if cfg.diversity > 0:  # pairs (i, half + i) share a label for the mode-seeking term
            g_labels[half:2 * half] = g_labels[:half]
        z = torch.randn(cfg.batch_size, cfg.latent_dim, device=dev)
        fake = self.G_train(z, one_hot(g_labels).to(dev) if cond else None)
        # The plain D here: its gradients from this step are discarded, so no need to sync them.
        lf, aux_f = self.D(translate(fake, cfg.augment_shift), g_labels if cond else None)
        paired = None
        if cfg.loss == "relativistic":  # each fake against a real, as in the discriminator's step
            with torch.no_grad():
                paired = self.D(translate(real.detach(), cfg.augment_shift), labels if cond else None)[0]
        loss_g = g_loss_fn(cfg.loss, lf, paired)
        if self._aux_on():
            loss_g = loss_g + cfg.aux_weight * F.cross_entropy(aux_f, g_labels)
        if cfg.diversity > 0:
            loss_g = loss_g + cfg.diversity * mode_seeking(fake[:half], fake[half:2 * half], z[:half], z[half:2 * half])
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        if self.G_ema is not None:
            self._update_ema()
        probs = cfg.loss in ("minimax", "nonsaturating")
        return {
            "loss_g": loss_g.item(), "loss_d": loss_d.item(),
            # D(x) and D(G(z)) as probabilities where the loss has them, else raw critic scores
            "d_real": (torch.sigmoid(lr_) if probs else lr_).mean().item(),
            "d_fake": (torch.sigmoid(lf_) if probs else lf_).mean().item(),
        }

    @torch.no_grad()
    def _update_ema(self) -> None:
        # Warm-up: average over roughly the last step/10 steps early on, so short runs are
        # not dominated by the random initial weights.
        decay = min(self.cfg.ema, (1 + self.step) / (10 + self.step))
        for pe, p in zip(self.G_ema.parameters(), self.G.parameters()):
            pe.lerp_(p, 1 - decay)
        for be, b in zip(self.G_ema.buffers(), self.G.buffers()):
            be.copy_(b)

    def write_samples(self) -> Path:
        g = self.sampling_generator()
        g.eval()
        with torch.no_grad():
            imgs = g(self.fixed_z, self.fixed_y).cpu()
        g.train()
        path = self.out / "samples" / f"step_{self.step:07d}.png"
        save_png(tile(imgs, nrow=10), path)
        return path

    def _log(self, record: dict) -> None:
        with open(self.out / "metrics.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")

    def run(self, should_stop=lambda: False, on_record=lambda r: None, progress=None) -> dict:
        """Train until total_steps or should_stop() is true. Returns the final status record."""
        cfg = self.cfg
        if self.rank == 0:
            self.out.mkdir(parents=True, exist_ok=True)
        if cfg.resume and self.state_path.is_file():
            self.load()
        images, labels = load_mnist(cfg.data_root, train=True)
        images, labels = to_model_range(images).to(self.device), labels.to(self.device)
        evaluator = None
        if cfg.eval_every and self.rank == 0:
            from studio.evaluation.evaluator import Evaluator
            evaluator = Evaluator(data_root=cfg.data_root)
        batches = self._batches(images, labels)
        total = cfg.total_steps
        self.G.train()
        t_last, n_last, sums, count = time.time(), 0, {}, 0
        status = "finished"
        if progress is not None:
            progress.reset(total=total)
            progress.update(self.step)
        while self.step < total:
            if should_stop():
                status = "stopped"
                break
            t0 = time.time()
            rec = self.train_step(batches)
            self.elapsed += time.time() - t0
            self.step += 1
            n_last += 1
            if progress is not None:
                progress.update(1)
            if not all(math.isfinite(v) for v in rec.values()) or abs(rec["loss_d"]) > 1e6:
                raise TrainingDiverged(
                    f"training diverged at step {self.step} (loss_d={rec['loss_d']:.3g}, loss_g={rec['loss_g']:.3g}); "
                    f"the last good checkpoint is kept in {self.out}. Try a lower learning rate.")
            for k, v in rec.items():
                sums[k] = sums.get(k, 0.0) + v
            count += 1
            if self.rank != 0:
                continue
            if self.step % cfg.log_every == 0 or self.step == total:
                now = time.time()
                record = {"kind": "train", "step": self.step, "total": total, "time": round(self.elapsed, 2),
                          "images_per_s": round(n_last * cfg.batch_size * self.world_size / max(now - t_last, 1e-9), 1),
                          **{k: round(v / count, 5) for k, v in sums.items()}}
                self._log(record)
                on_record(record)
                t_last, n_last, sums, count = now, 0, {}, 0
            if self.step % cfg.sample_every == 0 or self.step == total:
                self.write_samples()
            if evaluator is not None and (self.step % cfg.eval_every == 0 or self.step == total):
                from studio.evaluation.evaluator import evaluate_generator
                g = self.sampling_generator()
                scores = evaluate_generator(g, evaluator, cfg.eval_per_class, seed=0, full=False)
                g.train()
                record = {"kind": "eval", "step": self.step, "time": round(self.elapsed, 2),
                          **{k: round(v, 5) for k, v in scores.items() if isinstance(v, float)}}
                self._log(record)
                on_record(record)
            if self.step % cfg.checkpoint_every == 0:
                self.save()
        self.save()
        if self.rank == 0 and status == "stopped":
            self.write_samples()
        return {"status": status, "step": self.step, "total": total, "out": str(self.out)}
