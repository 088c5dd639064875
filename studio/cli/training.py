"""Training commands: `train` (the GAN, also under torchrun) and `train-classifier` (the evaluator's CNN)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

from studio.cli.common import command, fail
from studio.core import paths
from studio.core.errors import storage
from studio.training import recipes
from studio.training.config import ENCODER_STEPS, StudyConfig, TrainConfig

TRAIN_DOC = """Train the MNIST GAN: the same trainer the Train tab runs in the background.

    python -m studio train --out DIR [--recipe NAME] [--steps N | --epochs N] [--batch-size B] [any setting below]
    python -m studio train --recipe generator-v3 --out runs/v3   # the shipped generator's five phases
    torchrun --standalone --nproc_per_node=2 -m studio train --out DIR    # DDP: gloo on CPU, NCCL on GPU

Every setting below is a field of studio.training.config.TrainConfig. A recipe
(studio/training/recipes/NAME.json) sets several at once, possibly in phases on one run
folder; options given beside it override it in every phase.

Everything a run produces lives in --out (metrics.jsonl, samples/, generator.safetensors,
state.safetensors); checkpoints are written atomically. SIGTERM or Ctrl-C stop cleanly
after saving."""

ENCODER_DOC = """Train the Digits encoder that starts the search for a drawing's twin, for one generator.

    python -m studio train-encoder [--generator SPEC] [--steps 8000] [--out checkpoints/encoder.safetensors]

It learns from the generator's own samples and from real MNIST training digits (with their
labels), never from the evaluator's classifier. The encoder records which generator it
belongs to; with another generator the studio falls back to a search from random latents."""

CLASSIFIER_DOC = """Train the evaluation classifier that scores generators (accuracy, FID features, IS).

    python -m studio train-classifier --data-root DIR [--epochs 6] [--out checkpoints/classifier.safetensors]"""


STUDY_DOC = """Does a GAN trained on few labelled digits help a classifier (DAGAN's question)?

    python -m studio augment-study [--ks 10,50,100,500] [--seeds 0,1,2] [--out runs/augment-study]

For each k and seed: k labelled MNIST digits per class, a conditional GAN trained on them only, and a
classifier trained (a) on the real digits, (b) on real and synthetic, (c) on synthetic, each tested on
the MNIST test set. Prints its time up front; resumes where it stopped; writes table.md and chart.svg."""


def register(sub) -> None:
    p = command(sub, "train", TRAIN_DOC, "train the MNIST GAN (resumable; works under torchrun)", train)
    p.add_argument("--recipe", help=f"named settings to start from: {', '.join(recipes.names())}")
    p.add_argument("--threads", type=int, help="CPU threads for torch (default: the cores idle when it starts)")
    p.add_argument("--estimate", action="store_true", help="time a few steps here, print how long the run "
                   "would take, and stop (nothing is trained or written)")
    TrainConfig.add_arguments(p)

    p = command(sub, "augment-study", STUDY_DOC, "does a GAN trained on few labelled digits help a classifier?",
                augment_study)
    StudyConfig.add_arguments(p)
    p.add_argument("--report", action="store_true", help="write table.md and chart.svg from the results in --out "
                   "so far, and train nothing")

    p = command(sub, "train-encoder", ENCODER_DOC, "train the encoder used to find a drawing's twin", train_encoder)
    p.add_argument("--generator", default="shipped", help="checkpoint path, run folder or hf://USER/NAME")
    p.add_argument("--data-root", help="MNIST root (default: $STUDIO_DATA_DIR or the cache)")
    p.add_argument("--steps", type=int, default=ENCODER_STEPS, help=f"training steps (default: {ENCODER_STEPS})")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(paths.DEFAULT_ENCODER))

    p = command(sub, "train-classifier", CLASSIFIER_DOC, "train the evaluation classifier", train_classifier)
    p.add_argument("--data-root", help="MNIST root (default: $STUDIO_DATA_DIR or the cache)")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(paths.DEFAULT_CLASSIFIER))


def configs_from_args(args) -> list[TrainConfig]:
    """The phases to run: the recipe's (if any) with the named options on top, validated."""
    given = TrainConfig.given(args)
    given.setdefault("out", str(paths.runs_dir() / "cli"))
    if args.recipe:
        return recipes.load(args.recipe).configs(**given)
    return [TrainConfig(**given).validate()]


def orphaned() -> bool:
    """True once the app that launched this job (STUDIO_PARENT_PID) has exited."""
    parent = os.environ.get("STUDIO_PARENT_PID")
    return bool(parent) and os.getppid() != int(parent)


def train(args) -> int:
    # First, before anything slow (torch, MNIST): SIGTERM / Ctrl-C ask for a clean stop, and the
    # loop finishes its step and saves a checkpoint.
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    import torch

    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    if args.threads is not None:
        if not 1 <= args.threads <= 256:
            return fail("--threads must be from 1 to 256")
        torch.set_num_threads(args.threads)
    elif world == 1:  # on a shared machine, only the cores idle now (studio.core.cores says why)
        from studio.core.cores import idle_cores

        torch.set_num_threads(min(torch.get_num_threads(), idle_cores()))
    phases = configs_from_args(args)
    if args.estimate:
        return estimate(phases)
    from studio.training.trainer import pick_device

    if world > 1:
        import torch.distributed as dist

        cuda = pick_device(phases[0].device).type == "cuda"
        if cuda:  # each rank's own GPU before NCCL starts, or every rank's communicator lands on GPU 0
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
        dist.init_process_group("nccl" if cuda else "gloo")
    for i, cfg in enumerate(phases):
        result = run_phase(cfg, rank, world, stop, f"phase {i + 1}/{len(phases)}" if len(phases) > 1 else "train")
        print(json.dumps({**result, "rank": rank, "world_size": world}))
        if result["status"] != "finished":
            break
    if world > 1:
        dist.destroy_process_group()
    return 0


def estimate(phases: list[TrainConfig]) -> int:
    from studio.training.estimate import describe, steps_per_second

    for i, cfg in enumerate(phases):
        print(f"phase {i + 1}/{len(phases)}: " * (len(phases) > 1) + describe(cfg, steps_per_second(cfg)))
    return 0


def run_phase(cfg: TrainConfig, rank: int, world: int, stop: threading.Event, desc: str) -> dict:
    from tqdm import tqdm

    from studio.training.trainer import Trainer

    with storage(cfg.out):  # a full or read-only disk: the previous checkpoint is still intact
        if cfg.burst_seconds:  # as on ZeroGPU: burst after burst, each from the last checkpoint
            from studio.training.bursts import train_in_bursts

            return train_in_bursts(cfg, should_stop=lambda: stop.is_set() or orphaned(), rank=rank, world_size=world,
                                   on_burst=lambda r: print(json.dumps({"burst": r["bursts"], "step": r["step"],
                                                                        "seconds": r["burst_seconds"]}), flush=True))
        trainer = Trainer(cfg, rank, world)
        with tqdm(total=cfg.total_steps, disable=rank != 0, desc=desc, unit="step", mininterval=1.0) as bar:
            return trainer.run(should_stop=lambda: stop.is_set() or orphaned(), progress=bar)


def augment_study(args) -> int:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    from studio.training import augment_study as study_mod

    study = StudyConfig(**StudyConfig.given(args)).validate()
    out = Path(study.out)
    if args.report and not study_mod.done(out):
        return fail(f"no results in {out} yet: run the study first")
    t0 = time.time()
    if not args.report:
        seconds, how = study_mod.planned_seconds(study)
        print(f"planned: about {seconds / 60:.0f} min on this machine ({how})", flush=True)
        with storage(study.out):
            study_mod.run(study, log=lambda line: print(line, flush=True), should_stop=stop.is_set)
    # Every result in the folder, not only this process's: a study split over processes by --ks and
    # --seeds, all writing to one folder, gets one table.
    rows = study_mod.summary(study_mod.done(out))
    from studio.core.runfiles import STUDY_CHART, STUDY_TABLE

    with storage(out):  # a folder that cannot be written: a message, not a traceback
        (out / STUDY_TABLE).write_text(study_mod.table(rows) + "\n")
        (out / STUDY_CHART).write_text(study_mod.chart(rows))
    print(study_mod.table(rows))
    print(f"{'stopped' if stop.is_set() else 'done'} after {(time.time() - t0) / 60:.1f} min this session, "
          f"{study_mod.measured_seconds(out) / 60:.1f} min of measuring in all; {STUDY_TABLE} and {STUDY_CHART} in {out}")
    return 0


def train_classifier(args) -> int:
    if not 1 <= args.epochs <= 100:
        args.parser.error("--epochs must be between 1 and 100")
    from studio.digits.checkpoints import save_classifier
    from studio.training.classifier import train as train_cnn

    model, acc = train_cnn(args.data_root, epochs=args.epochs, seed=args.seed)
    with storage(args.out):
        save_classifier(args.out, model, {"test_accuracy": round(acc, 5), "epochs": args.epochs, "seed": args.seed})
    print(f"saved {args.out} (test accuracy {acc:.4f})")
    return 0


def train_encoder(args) -> int:
    if not 10 <= args.steps <= 1_000_000:
        args.parser.error("--steps must be from 10 to 1,000,000")
    from studio.digits.checkpoints import save_encoder
    from studio.digits.resolve import load_generator_any
    from studio.training.encoder import train_encoder as train

    generator, _ = load_generator_any(args.generator)
    encoder, summary = train(generator, args.data_root, steps=args.steps, seed=args.seed)
    with storage(args.out):
        save_encoder(args.out, encoder, generator, {"training": summary})
    print(f"saved {args.out} ({summary['seconds']:.0f} s)")
    return 0
