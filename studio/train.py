"""Train the MNIST GAN: one trainer for the command line, the app's Train tab and torchrun.

    python -m studio.train --data-root DIR --out DIR [--steps N | --epochs N] [--batch-size B]
                           [--loss hinge|nonsaturating|minimax|wgan-gp] [--device auto|cpu|cuda]
                           [--seed S] [--resume]

Everything a run produces lives in --out, so any process can watch it:
  metrics.jsonl            one JSON record per log interval ("kind": "train" or "eval")
  samples/step_NNNNNNN.png a 10x10 grid from fixed noise (row = digit), every --sample-every steps
  generator.safetensors    the EMA generator with generator.json (what Digits loads)
  state.safetensors        everything needed to resume (networks, optimisers, step) with state.json
Checkpoints are written atomically, so a kill at any moment leaves the previous one loadable.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import math
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from studio import paths
from studio.checkpoints import CheckpointError, load_strict, read_config, read_tensors, save_generator, save_tensors
from studio.data import DataError, load_mnist, to_model_range
from studio.images import save_png, tile
from studio.networks import Discriminator, Generator, GeneratorConfig, NUM_CLASSES, one_hot

LOSSES = ("hinge", "nonsaturating", "minimax", "wgan-gp")


class ConfigError(ValueError):
    """A training setting is out of range; the message names it."""


class TrainingDiverged(RuntimeError):
    """Losses went NaN/inf or exploded: the run stops and the last good checkpoint stays."""


@dataclass
class TrainConfig:
    out: str = "runs/gan"
    data_root: str | None = None
    steps: int = 6000
    epochs: float | None = None  # when set, overrides steps
    batch_size: int = 64
    loss: str = "hinge"
    conditional: bool = True
    latent_dim: int = 64
    g_channels: int = 64
    d_channels: int = 64
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    d_steps: int = 1
    aux_weight: float = 0.5  # AC-GAN class loss on top of the projection discriminator
    gp_weight: float = 10.0
    ema: float = 0.999  # 0 disables the EMA generator
    seed: int = 0
    device: str = "auto"
    log_every: int = 50
    sample_every: int = 500
    checkpoint_every: int = 500
    eval_every: int = 0  # 0: no periodic evaluation
    eval_per_class: int = 100
    lr_decay_from: int = 0  # from this step, learning rates fall linearly to 0 at the last step (0: constant)
    resume: bool = False

    def validate(self) -> "TrainConfig":
        def check(ok, msg):
            if not ok:
                raise ConfigError(msg)

        def number(name):
            v = getattr(self, name)
            check(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v), f"{name} must be a finite number, got {v!r}")
            return v

        check(self.loss in LOSSES, f"loss must be one of {', '.join(LOSSES)}, got {self.loss!r}")
        check(self.device in ("auto", "cpu", "cuda"), f"device must be auto, cpu or cuda, got {self.device!r}")
        if self.device == "cuda":
            check(torch.cuda.is_available(), "device cuda was asked for but no CUDA GPU is available")
        check(1 <= number("steps") <= 10_000_000 and float(self.steps).is_integer(), "steps must be a whole number from 1 to 10,000,000")
        if self.epochs is not None:
            check(0 < number("epochs") <= 1000, "epochs must be above 0 and at most 1000")
        check(2 <= number("batch_size") <= 8192 and float(self.batch_size).is_integer(), "batch size must be a whole number from 2 to 8192")
        for name in ("lr_g", "lr_d"):
            check(0 < number(name) <= 1, f"{name} (learning rate) must be above 0 and at most 1")
        for name in ("beta1", "beta2"):
            check(0 <= number(name) < 1, f"{name} must be in [0, 1)")
        check(1 <= number("d_steps") <= 20 and float(self.d_steps).is_integer(), "critic steps per generator step must be from 1 to 20")
        check(0 <= number("ema") < 1, "ema decay must be in [0, 1) (0 turns it off)")
        check(0 <= number("aux_weight") <= 10, "aux weight must be from 0 to 10")
        check(0 <= number("gp_weight") <= 1000, "gradient-penalty weight must be from 0 to 1000")
        check(8 <= number("latent_dim") <= 512, "latent size must be from 8 to 512")
        for name in ("g_channels", "d_channels"):
            check(8 <= number(name) <= 512, f"{name} must be from 8 to 512")
        check(0 <= number("seed") < 2**63 and float(self.seed).is_integer(), "seed must be a whole number >= 0")
        for name in ("log_every", "sample_every", "checkpoint_every"):
            check(1 <= number(name) <= 10_000_000, f"{name} must be at least 1")
        check(0 <= number("lr_decay_from") and float(self.lr_decay_from).is_integer(),
              "lr-decay-from must be a whole number >= 0")
        check(0 <= number("eval_every") and float(self.eval_every).is_integer(), "evaluate-every must be a whole number >= 0")
        check(isinstance(self.out, str) and self.out.strip() != "", "an output folder is required")
        return self

    @property
    def total_steps(self) -> int:
        if self.epochs is not None:
            return max(1, round(self.epochs * 60000 / self.batch_size))
        return int(self.steps)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def _flatten_optimizer(opt: torch.optim.Optimizer, prefix: str) -> tuple[dict, dict]:
    """Optimiser state as (tensors for safetensors, JSON-able rest): keeps resume pickle-free."""
    sd = opt.state_dict()
    tensors = {}
    for pid, st in sd["state"].items():
        for name, v in st.items():
            tensors[f"{prefix}.{pid}.{name}"] = v if torch.is_tensor(v) else torch.tensor(v)
    return tensors, {"param_groups": sd["param_groups"]}


def _unflatten_optimizer(tensors: dict, meta: dict, prefix: str) -> dict:
    state: dict = {}
    for key, v in tensors.items():
        if key.startswith(prefix + "."):
            _, pid, name = key.split(".", 2)
            state.setdefault(int(pid), {})[name] = v
    return {"state": state, "param_groups": meta["param_groups"]}


def d_loss_fn(loss: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    if loss == "hinge":
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()
    if loss == "wgan-gp":
        return fake.mean() - real.mean()
    return F.softplus(-real).mean() + F.softplus(fake).mean()  # BCE with logits


def g_loss_fn(loss: str, fake: torch.Tensor) -> torch.Tensor:
    if loss == "minimax":
        return -F.softplus(fake).mean()  # minimise log(1 - D(G(z))): saturates early, as the paper warns
    if loss == "nonsaturating":
        return F.softplus(-fake).mean()  # minimise -log D(G(z))
    return -fake.mean()


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
        self.G = Generator(GeneratorConfig(config.latent_dim, config.g_channels, nc)).to(self.device)
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
        tg, mg = _flatten_optimizer(self.opt_g, "opt_g")
        td, md = _flatten_optimizer(self.opt_d, "opt_d")
        tensors.update(tg)
        tensors.update(td)
        meta = {"kind": "train_state", "step": self.step, "elapsed": self.elapsed,
                "config": dataclasses.asdict(self.cfg), "opt_g": mg, "opt_d": md}
        save_tensors(self.state_path, tensors, meta)
        summary = {"training": {"step": self.step, "seconds": round(self.elapsed, 1), "loss": self.cfg.loss,
                                "batch_size": self.cfg.batch_size, "ema": self.cfg.ema, "seed": self.cfg.seed,
                                "dataset": "MNIST train (60k)"}}
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
            self.opt_g.load_state_dict(_unflatten_optimizer(tensors, meta["opt_g"], "opt_g"))
            self.opt_d.load_state_dict(_unflatten_optimizer(tensors, meta["opt_d"], "opt_d"))
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
            # One discriminator call per step (real, fake and, for WGAN-GP, interpolates together):
            # DistributedDataParallel allows a single forward before each backward.
            parts = [real, fake]
            gp = cfg.loss == "wgan-gp" and cfg.gp_weight > 0
            if gp:
                eps = torch.rand(n, 1, 1, 1, device=dev)
                parts.append((eps * real + (1 - eps) * fake).requires_grad_(True))
            x = torch.cat(parts)
            lab = labels.repeat(len(parts)) if cond else None
            logits, aux = self.D_train(x, lab)
            lr_, lf_ = logits[:n], logits[n:2 * n]
            loss_d = d_loss_fn(cfg.loss, lr_, lf_)
            if cond and cfg.aux_weight > 0:
                loss_d = loss_d + cfg.aux_weight * F.cross_entropy(aux[:n], labels)
            if gp:
                (grad,) = torch.autograd.grad(logits[2 * n:].sum(), parts[2], create_graph=True)
                loss_d = loss_d + cfg.gp_weight * ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
        labels = torch.randint(0, NUM_CLASSES, (cfg.batch_size,), device=dev)
        z = torch.randn(cfg.batch_size, cfg.latent_dim, device=dev)
        fake = self.G_train(z, one_hot(labels).to(dev) if cond else None)
        # The plain D here: its gradients from this step are discarded, so no need to sync them.
        lf, aux_f = self.D(fake, labels if cond else None)
        loss_g = g_loss_fn(cfg.loss, lf)
        if cond and cfg.aux_weight > 0:
            loss_g = loss_g + cfg.aux_weight * F.cross_entropy(aux_f, labels)
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
            from studio.evaluate import Evaluator
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
                from studio.evaluate import evaluate_generator
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


def build_parser() -> argparse.ArgumentParser:
    d = TrainConfig()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-root", help="MNIST root (default: $STUDIO_DATA_DIR or the cache)")
    p.add_argument("--out", default=str(paths.runs_dir() / "cli"), help="run folder")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--steps", type=int, default=d.steps)
    g.add_argument("--epochs", type=float)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--loss", choices=LOSSES, default=d.loss)
    p.add_argument("--unconditional", action="store_true")
    p.add_argument("--latent-dim", type=int, default=d.latent_dim)
    p.add_argument("--g-channels", type=int, default=d.g_channels)
    p.add_argument("--d-channels", type=int, default=d.d_channels)
    p.add_argument("--lr-g", type=float, default=d.lr_g)
    p.add_argument("--lr-d", type=float, default=d.lr_d)
    p.add_argument("--beta1", type=float, default=d.beta1)
    p.add_argument("--beta2", type=float, default=d.beta2)
    p.add_argument("--d-steps", type=int, default=d.d_steps, help="critic steps per generator step")
    p.add_argument("--aux-weight", type=float, default=d.aux_weight)
    p.add_argument("--ema", type=float, default=d.ema, help="EMA decay of generator weights (0: off)")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default=d.device)
    p.add_argument("--sample-every", type=int, default=d.sample_every)
    p.add_argument("--checkpoint-every", type=int, default=d.checkpoint_every)
    p.add_argument("--eval-every", type=int, default=d.eval_every)
    p.add_argument("--eval-per-class", type=int, default=d.eval_per_class)
    p.add_argument("--lr-decay-from", type=int, default=d.lr_decay_from,
                   help="step from which learning rates fall linearly to 0 at the end (0: constant)")
    p.add_argument("--log-every", type=int, default=d.log_every)
    p.add_argument("--threads", type=int, help="CPU threads for torch (default: all cores)")
    p.add_argument("--resume", action="store_true", help="continue from --out/state.safetensors")
    return p


def config_from_args(args) -> TrainConfig:
    return TrainConfig(
        out=args.out, data_root=args.data_root, steps=args.steps, epochs=args.epochs, batch_size=args.batch_size,
        loss=args.loss, conditional=not args.unconditional, latent_dim=args.latent_dim,
        g_channels=args.g_channels, d_channels=args.d_channels, lr_g=args.lr_g,
        lr_d=args.lr_d, beta1=args.beta1, beta2=args.beta2, d_steps=args.d_steps, aux_weight=args.aux_weight,
        ema=args.ema, seed=args.seed, device=args.device, sample_every=args.sample_every,
        checkpoint_every=args.checkpoint_every, eval_every=args.eval_every, eval_per_class=args.eval_per_class,
        log_every=args.log_every, lr_decay_from=args.lr_decay_from, resume=args.resume)


def orphaned() -> bool:
    """True once the app that launched this job (STUDIO_PARENT_PID) has exited."""
    parent = os.environ.get("STUDIO_PARENT_PID")
    return bool(parent) and os.getppid() != int(parent)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    if args.threads is not None:
        if not 1 <= args.threads <= 256:
            print("error: --threads must be from 1 to 256", file=sys.stderr)
            return 2
        torch.set_num_threads(args.threads)
    # SIGTERM / Ctrl-C ask for a clean stop: the loop finishes its step and saves a checkpoint.
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        cfg = config_from_args(args).validate()
        if world > 1:
            import torch.distributed as dist
            dist.init_process_group("nccl" if pick_device(cfg.device).type == "cuda" else "gloo")
        trainer = Trainer(cfg, rank, world)
        from tqdm import tqdm

        with tqdm(total=cfg.total_steps, disable=rank != 0, desc="train", unit="step", mininterval=1.0) as bar:
            result = trainer.run(should_stop=lambda: stop.is_set() or orphaned(), progress=bar)
    except (ConfigError, DataError, CheckpointError, TrainingDiverged) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # full or read-only disk: the previous checkpoint is still intact
        print(f"error: could not write to {args.out}: {e}", file=sys.stderr)
        return 2
    print(json.dumps({**result, "rank": rank, "world_size": world}))
    if world > 1:
        import torch.distributed as dist
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
