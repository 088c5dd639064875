"""Training commands: `train` (the GAN, also under torchrun) and `train-classifier` (the evaluator's CNN)."""

from __future__ import annotations

import json
import os
import signal
import threading

from studio.cli.common import command, fail
from studio.core import paths
from studio.training.config import LOSSES, TrainConfig

TRAIN_DOC = """Train the MNIST GAN: the same trainer the Train tab runs in the background.

    python -m studio train --data-root DIR --out DIR [--steps N | --epochs N] [--batch-size B]
                           [--loss hinge|relativistic|nonsaturating|minimax|wgan-gp] [--device auto|cpu|cuda]
                           [--r1 G] [--r2 G] [--augment-shift P] [--diversity W] [--aux-until STEP] [--lr-decay-from STEP]
                           [--seed S] [--resume]
    torchrun --standalone --nproc_per_node=2 -m studio train --out DIR    # DDP: gloo on CPU, NCCL on GPU

Everything a run produces lives in --out (metrics.jsonl, samples/, generator.safetensors,
state.safetensors); checkpoints are written atomically. SIGTERM or Ctrl-C stop cleanly
after saving."""

ENCODER_DOC = """Train the Digits encoder that starts the search for a drawing's twin, for one generator.

    python -m studio train-encoder [--generator SPEC] [--steps 3000] [--out checkpoints/encoder.safetensors]

It learns from the generator's own samples and from real MNIST training digits (with their
labels), never from the evaluator's classifier. The encoder records which generator it
belongs to; with another generator the studio falls back to a search from random latents."""

CLASSIFIER_DOC = """Train the evaluation classifier that scores generators (accuracy, FID features, IS).

    python -m studio train-classifier --data-root DIR [--epochs 6] [--out checkpoints/classifier.safetensors]"""


def register(sub) -> None:
    d = TrainConfig()
    p = command(sub, "train", TRAIN_DOC, "train the MNIST GAN (resumable; works under torchrun)", train)
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
    p.add_argument("--g-depth", type=int, choices=(1, 2), default=d.g_depth,
                   help="generator layers per scale: 2 adds a 3x3 conv after each upsampling")
    p.add_argument("--d-channels", type=int, default=d.d_channels)
    p.add_argument("--lr-g", type=float, default=d.lr_g)
    p.add_argument("--lr-d", type=float, default=d.lr_d)
    p.add_argument("--beta1", type=float, default=d.beta1)
    p.add_argument("--beta2", type=float, default=d.beta2)
    p.add_argument("--d-steps", type=int, default=d.d_steps, help="critic steps per generator step")
    p.add_argument("--aux-weight", type=float, default=d.aux_weight)
    p.add_argument("--gp-weight", type=float, default=d.gp_weight, help="WGAN-GP gradient penalty weight")
    p.add_argument("--r1", type=float, default=d.r1_weight, help="R1 penalty gamma on real images (0: off)")
    p.add_argument("--r2", type=float, default=d.r2_weight, help="R2 penalty gamma on generated images (0: off)")
    p.add_argument("--augment-shift", type=int, default=d.augment_shift,
                   help="translate real and generated images by up to this many pixels before D (0: off)")
    p.add_argument("--diversity", type=float, default=d.diversity,
                   help="weight of the mode-seeking term that spreads each class's samples (0: off)")
    p.add_argument("--ema", type=float, default=d.ema, help="EMA decay of generator weights (0: off)")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default=d.device)
    p.add_argument("--sample-every", type=int, default=d.sample_every)
    p.add_argument("--checkpoint-every", type=int, default=d.checkpoint_every)
    p.add_argument("--eval-every", type=int, default=d.eval_every)
    p.add_argument("--eval-per-class", type=int, default=d.eval_per_class)
    p.add_argument("--aux-until", type=int, default=d.aux_until,
                   help="step at which the class loss (--aux-weight) stops (0: the whole run)")
    p.add_argument("--lr-decay-from", type=int, default=d.lr_decay_from,
                   help="step from which learning rates fall linearly to 0 at the end (0: constant)")
    p.add_argument("--log-every", type=int, default=d.log_every)
    p.add_argument("--threads", type=int, help="CPU threads for torch (default: all cores)")
    p.add_argument("--resume", action="store_true", help="continue from --out/state.safetensors")

    p = command(sub, "train-encoder", ENCODER_DOC, "train the encoder used to find a drawing's twin", train_encoder)
    p.add_argument("--generator", default="shipped", help="checkpoint path, run folder or hf://USER/NAME")
    p.add_argument("--data-root", help="MNIST root (default: $STUDIO_DATA_DIR or the cache)")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(paths.DEFAULT_ENCODER))

    p = command(sub, "train-classifier", CLASSIFIER_DOC, "train the evaluation classifier", train_classifier)
    p.add_argument("--data-root", help="MNIST root (default: $STUDIO_DATA_DIR or the cache)")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(paths.DEFAULT_CLASSIFIER))


def config_from_args(args) -> TrainConfig:
    return TrainConfig(
        out=args.out, data_root=args.data_root, steps=args.steps, epochs=args.epochs, batch_size=args.batch_size,
        loss=args.loss, conditional=not args.unconditional, latent_dim=args.latent_dim,
        g_channels=args.g_channels, g_depth=args.g_depth, d_channels=args.d_channels, lr_g=args.lr_g,
        lr_d=args.lr_d, beta1=args.beta1, beta2=args.beta2, d_steps=args.d_steps, aux_weight=args.aux_weight,
        aux_until=args.aux_until, gp_weight=args.gp_weight, r1_weight=args.r1, r2_weight=args.r2,
        augment_shift=args.augment_shift, diversity=args.diversity,
        ema=args.ema, seed=args.seed, device=args.device, sample_every=args.sample_every,
        checkpoint_every=args.checkpoint_every, eval_every=args.eval_every, eval_per_class=args.eval_per_class,
        log_every=args.log_every, lr_decay_from=args.lr_decay_from, resume=args.resume)


def orphaned() -> bool:
    """True once the app that launched this job (STUDIO_PARENT_PID) has exited."""
    parent = os.environ.get("STUDIO_PARENT_PID")
    return bool(parent) and os.getppid() != int(parent)


def train(args) -> int:
    import torch

    from studio.core.files import CheckpointError
    from studio.digits.data import DataError
    from studio.training.config import ConfigError
    from studio.training.trainer import Trainer, TrainingDiverged, pick_device

    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    if args.threads is not None:
        if not 1 <= args.threads <= 256:
            return fail("--threads must be from 1 to 256")
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
        return fail(e)
    except OSError as e:  # full or read-only disk: the previous checkpoint is still intact
        return fail(f"could not write to {args.out}: {e}")
    print(json.dumps({**result, "rank": rank, "world_size": world}))
    if world > 1:
        import torch.distributed as dist
        dist.destroy_process_group()
    return 0


def train_classifier(args) -> int:
    if not 1 <= args.epochs <= 100:
        args.parser.error("--epochs must be between 1 and 100")
    from studio.digits.checkpoints import save_classifier
    from studio.digits.data import DataError
    from studio.training.classifier import train as train_cnn

    try:
        model, acc = train_cnn(args.data_root, epochs=args.epochs, seed=args.seed)
        save_classifier(args.out, model, {"test_accuracy": round(acc, 5), "epochs": args.epochs, "seed": args.seed})
    except (DataError, OSError) as e:
        return fail(e)
    print(f"saved {args.out} (test accuracy {acc:.4f})")
    return 0


def train_encoder(args) -> int:
    if not 10 <= args.steps <= 1_000_000:
        args.parser.error("--steps must be from 10 to 1,000,000")
    from studio.core.files import CheckpointError
    from studio.digits.checkpoints import save_encoder
    from studio.digits.data import DataError
    from studio.digits.resolve import ModelSourceError, load_generator_any
    from studio.training.encoder import train_encoder as train

    try:
        generator, _ = load_generator_any(args.generator)
        encoder, summary = train(generator, args.data_root, steps=args.steps, seed=args.seed)
        save_encoder(args.out, encoder, generator, {"training": summary})
    except (CheckpointError, DataError, ModelSourceError, OSError) as e:
        return fail(e)
    print(f"saved {args.out} ({summary['seconds']:.0f} s)")
    return 0
