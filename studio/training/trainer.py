"""Train the MNIST GAN: one trainer for the command line, the app's Train tab and torchrun.

    python -m studio train --data-root DIR --out DIR [--steps N | --epochs N] [--batch-size B]
                           [--loss hinge|nonsaturating|minimax|wgan-gp|relativistic] [--device auto|cpu|cuda]
                           [--seed S] [--resume]

Everything a run produces lives in --out (studio.core.runfiles names the files), so any
process can watch it: metrics, sample grids, the EMA generator Digits loads, the state to resume.
Checkpoints are written atomically, so a kill at any moment leaves the previous one loadable.
"""

from __future__ import annotations

import copy
import json
import math
import os
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from studio.core.devices import seeded
from studio.core.errors import UserError
from studio.core.images import save_png, tile
from studio.core.runfiles import RunFolder
from studio.digits.networks import NUM_CLASSES, Discriminator, Generator, GeneratorConfig, one_hot
from studio.training.augment import diff_augment, parse as parse_augment
from studio.training.config import TrainConfig
from studio.training.data import training_data
from studio.training.losses import (d_loss_fn, g_loss_fn, gradient_penalty, interpolates, mode_seeking,
                                    r_penalties, translate)
from studio.training.meter import Meter
from studio.training.state import load_state, save_state

MAX_GRID_ROWS = 16  # sample grids show the first 16 classes of a set with more


class TrainingDiverged(UserError, RuntimeError):
    """Losses went NaN/inf or exploded: the run stops and the last good checkpoint stays."""


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def numbers(record: dict) -> dict:
    """A step's record as floats, read from the device in one transfer."""
    return dict(zip(record, torch.stack([v.float() for v in record.values()]).tolist()))


class Trainer:
    """Owns the networks, optimisers and run folder. Call run(); it returns when done or stopped."""

    def __init__(self, config: TrainConfig, rank: int = 0, world_size: int = 1, device: str | None = None):
        """device: in place of config.device, for the tests' `meta` trainer (shapes only, no numbers)."""
        self.cfg = config.validate()
        self.rank, self.world_size = rank, world_size
        self.out = Path(config.out)
        self.folder = RunFolder(self.out)
        self.device = torch.device(device) if device else pick_device(config.device)
        if world_size > 1 and self.device.type == "cuda":
            self.device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.manual_seed(config.seed + rank)
        self.data = training_data(config)
        nc = self.num_classes = self.data.num_classes
        gcfg = GeneratorConfig(config.latent_dim, config.g_channels, nc, config.g_depth, self.data.size,
                               self.data.channels)
        with self.device:  # made where they train, not made on the CPU and copied over
            self.G = Generator(gcfg)
            self.D = Discriminator(config.d_channels, nc, self.data.channels, self.data.size)
        self.policy = parse_augment(config.augment)
        weights = self.data.label_weights()
        self.label_weights = weights.to(self.device) if weights is not None else None
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
        rows = min(nc, MAX_GRID_ROWS) if nc else 10  # a row per class in the sample grids
        dev = self.device
        self.fixed_z = torch.randn(rows * 10, config.latent_dim, generator=seeded(1234, dev), device=dev)
        self.fixed_y = one_hot(torch.arange(rows, device=dev).repeat_interleave(10), nc) if nc else None

    # ---- checkpoints -------------------------------------------------------------
    @property
    def generator_path(self) -> Path:
        return self.folder.generator

    @property
    def state_path(self) -> Path:
        return self.folder.state

    def sampling_generator(self) -> Generator:
        return self.G_ema if self.G_ema is not None else self.G

    def save(self) -> None:
        if self.rank == 0:
            save_state(self)

    def load(self) -> None:
        load_state(self)

    # ---- training ----------------------------------------------------------------
    def _batches(self, images: torch.Tensor, labels: torch.Tensor):
        """Endless shuffled batches; each rank takes its own slice of every permutation."""
        bs, n, dev = self.cfg.batch_size, len(images), images.device
        gen = seeded(self.cfg.seed * 1000 + self.step, dev)
        while True:
            perm = torch.randperm(n, generator=gen, device=dev)[self.rank::self.world_size]
            if len(perm) < bs:  # a set smaller than a batch (a few pictures of one's own): drawn with replacement
                perm = perm[torch.randint(0, max(len(perm), 1), (bs,), generator=gen, device=dev)]
            for i in range(0, len(perm) - bs + 1, bs):
                idx = perm[i:i + bs]
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
        return self.num_classes > 0 and cfg.aux_weight > 0 and (not cfg.aux_until or self.step < cfg.aux_until)

    def train_step(self, batches) -> dict:
        """(1) Update D, d_steps times; (2) update G; then the hooks (the EMA). The record's values are
        0-d tensors on the device: run() reads them all in one transfer, not one wait per number."""
        self._set_learning_rates()
        for _ in range(self.cfg.d_steps):
            real, labels = next(batches)
            d_record = self.critic_step(real, labels)
        g_record = self.generator_step(real, labels)
        self.after_step()
        return {**g_record, **d_record}

    def critic_step(self, real: torch.Tensor, labels: torch.Tensor) -> dict:
        """One discriminator update on a real batch and as many fakes; returns its loss and scores."""
        cfg, dev = self.cfg, self.device
        cond, n = self.num_classes > 0, real.shape[0]
        z = torch.randn(n, cfg.latent_dim, device=dev)
        with torch.no_grad():
            fake = self.G(z, one_hot(labels, self.num_classes).to(dev) if cond else None)
        real, fake = self.augment(real), self.augment(fake)
        real.requires_grad_(cfg.r1_weight > 0)
        fake.requires_grad_(cfg.r2_weight > 0)
        # One discriminator call per step (real, fake and, for WGAN-GP, interpolates together):
        # DistributedDataParallel allows a single forward before each backward.
        parts = [real, fake]
        gp = cfg.loss == "wgan-gp" and cfg.gp_weight > 0
        if gp:
            parts.append(interpolates(real, fake))
        logits, aux = self.D_train(torch.cat(parts), labels.repeat(len(parts)) if cond else None)
        on_real, on_fake = logits[:n], logits[n:2 * n]
        loss = d_loss_fn(cfg.loss, on_real, on_fake)
        if self._aux_on():
            loss = loss + cfg.aux_weight * F.cross_entropy(aux[:n], labels)
        if gp:
            loss = loss + cfg.gp_weight * gradient_penalty(logits[2 * n:], parts[2])
        wanted = [(t, w) for t, w in ((real, cfg.r1_weight), (fake, cfg.r2_weight)) if w > 0]
        if wanted:
            loss = loss + r_penalties(logits[:2 * n], [t for t, _ in wanted], [w for _, w in wanted])
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        probs = cfg.loss in ("minimax", "nonsaturating")
        # D(x) and D(G(z)) as probabilities where the loss has them, else raw critic scores
        return {"loss_d": loss.detach(), "d_real": (torch.sigmoid(on_real) if probs else on_real).detach().mean(),
                "d_fake": (torch.sigmoid(on_fake) if probs else on_fake).detach().mean()}

    def generator_step(self, real: torch.Tensor, labels: torch.Tensor) -> dict:
        """One generator update; real/labels (the critic's last batch) pair with fakes for the
        relativistic loss."""
        cfg, dev = self.cfg, self.device
        cond = self.num_classes > 0  # an unlabelled set trains unconditionally
        g_labels = self._generator_labels(cfg.batch_size)
        half = cfg.batch_size // 2
        if cfg.diversity > 0:  # pairs (i, half + i) share a label for the mode-seeking term
            g_labels[half:2 * half] = g_labels[:half]
        z = torch.randn(cfg.batch_size, cfg.latent_dim, device=dev)
        fake = self.G_train(z, one_hot(g_labels, self.num_classes).to(dev) if cond else None)
        # The plain D here: its gradients from this step are discarded, so no need to sync them.
        on_fake, aux = self.D(self.augment(fake), g_labels if cond else None)
        paired = None
        if cfg.loss == "relativistic":  # each fake against a real, as in the discriminator's step
            with torch.no_grad():
                paired = self.D(self.augment(real), labels if cond else None)[0]
        loss = g_loss_fn(cfg.loss, on_fake, paired)
        if self._aux_on():
            loss = loss + cfg.aux_weight * F.cross_entropy(aux, g_labels)
        if cfg.diversity > 0:
            loss = loss + cfg.diversity * mode_seeking(fake[:half], fake[half:2 * half], z[:half], z[half:2 * half])
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return {"loss_g": loss.detach()}

    def augment(self, x: torch.Tensor) -> torch.Tensor:
        """What D sees of a batch, real or generated alike: the shift, then DiffAugment."""
        return diff_augment(translate(x, self.cfg.augment_shift), self.policy)

    def _generator_labels(self, n: int) -> torch.Tensor:
        dev = self.device
        if not self.num_classes:
            return torch.zeros(n, dtype=torch.long, device=dev)
        if self.label_weights is None:
            return torch.randint(0, NUM_CLASSES, (n,), device=dev)
        return torch.multinomial(self.label_weights, n, replacement=True)

    def after_step(self) -> None:
        """Hooks after each full step: the EMA generator follows the trained one."""
        if self.G_ema is not None:
            self._update_ema()

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
        path = self.folder.sample(self.step)
        save_png(tile(imgs, nrow=10), path)
        return path

    def _log(self, record: dict, on_record) -> None:
        with open(self.folder.metrics, "a") as f:
            f.write(json.dumps(record) + "\n")
        on_record(record)

    def _stopping(self, should_stop, session_start: float) -> bool:
        """Stop before this step? Under torchrun every rank stops at the same step: one rank's Stop (a
        signal, its own clock's time limit) is every rank's, or the others would wait in their next
        all-reduce for a rank that has left."""
        minutes = self.cfg.minutes
        local = bool(should_stop()) or bool(minutes and time.time() - session_start > minutes * 60)
        if self.world_size == 1:
            return local
        import torch.distributed as dist

        flag = torch.tensor([float(local)], device=self.device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item())

    def run(self, should_stop=lambda: False, on_record=lambda r: None, progress=None) -> dict:
        """Train until total_steps or should_stop() is true. Returns the final status record."""
        cfg, total = self.cfg, self.cfg.total_steps
        if self.rank == 0:
            self.out.mkdir(parents=True, exist_ok=True)
        if cfg.resume and self.state_path.is_file():
            self.load()
        images, labels = self.data.tensors(cfg.data_root)
        batches = self._batches(images.to(self.device), labels.to(self.device))
        evaluator = self._evaluator() if cfg.eval_every and self.rank == 0 and self.data.scorable else None
        meter = Meter(cfg.batch_size * self.world_size)
        status = "finished"
        self.G.train()
        if progress is not None:
            progress.reset(total=total)
            progress.update(self.step)
        session_start = time.time()
        self.last_session_seconds = 0.0
        while self.step < total:
            if self._stopping(should_stop, session_start):  # a Stop, or the time limit: a clean stop
                status = "stopped"
                break
            t0 = time.time()
            rec = numbers(self.train_step(batches))
            self.elapsed += time.time() - t0
            self.last_session_seconds = time.time() - session_start
            self.step += 1
            if progress is not None:
                progress.update(1)
            self._check_finite(rec)
            meter.add(rec)
            if self.rank == 0:
                self._after_step_io(meter, evaluator, on_record)
        self.save()
        if self.rank == 0 and status == "stopped":
            self.write_samples()
        return {"status": status, "step": self.step, "total": total, "out": str(self.out)}

    def _check_finite(self, rec: dict) -> None:
        if not all(math.isfinite(v) for v in rec.values()) or abs(rec["loss_d"]) > 1e6:
            raise TrainingDiverged(
                f"training diverged at step {self.step} (loss_d={rec['loss_d']:.3g}, loss_g={rec['loss_g']:.3g}); "
                f"the last good checkpoint is kept in {self.out}. Try a lower learning rate.")

    def _evaluator(self):
        from studio.evaluation.evaluator import Evaluator

        return Evaluator(data_root=self.cfg.data_root)

    def _after_step_io(self, meter: Meter, evaluator, on_record) -> None:
        """What rank 0 writes after a step: metrics, sample grids, evaluations, checkpoints."""
        cfg, total, last = self.cfg, self.cfg.total_steps, self.step == self.cfg.total_steps
        if self.step % cfg.log_every == 0 or last:
            self._log({"kind": "train", "step": self.step, "total": total, "time": round(self.elapsed, 2),
                       **meter.flush()}, on_record)
        if self.step % cfg.sample_every == 0 or last:
            self.write_samples()
        if evaluator is not None and (self.step % cfg.eval_every == 0 or last):
            self._log(self._evaluate(evaluator), on_record)
        if self.step % cfg.checkpoint_every == 0:
            self.save()

    def _evaluate(self, evaluator) -> dict:
        from studio.evaluation.evaluator import evaluate_generator

        g = self.sampling_generator()
        scores = evaluate_generator(g, evaluator, self.cfg.eval_per_class, seed=0, full=False)
        g.train()
        return {"kind": "eval", "step": self.step, "time": round(self.elapsed, 2),
                **{k: round(v, 5) for k, v in scores.items() if isinstance(v, float)}}

