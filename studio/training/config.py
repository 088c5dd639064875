"""Training settings: the one list. `python -m studio train`, the Train tab's form, a job's
arguments and validation are all derived from these fields (studio.core.settings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.core.settings import SettingError, Settings, setting

LOSSES = ("hinge", "nonsaturating", "minimax", "wgan-gp", "relativistic")
DEVICES = ("auto", "cpu", "cuda")
AUGMENTS = ("off", "translation", "translation,cutout", "color,translation,cutout")  # DiffAugment's policies
MNIST_TRAIN = 60000  # images in an epoch
ENCODER_STEPS = 8000  # the shipped Digits encoder's (checkpoints/encoder.json: 11.4 min on a 2-core CPU)


class ConfigError(SettingError):
    """A training setting is out of range; the message names it."""


@dataclass
class TrainConfig(Settings):
    # Where: set by the app for its jobs, so the form does not show them.
    out: str = setting("runs/gan", "run folder: metrics, samples and checkpoints", label="output folder", form=None)
    data_root: str | None = setting(None, "MNIST root (default: $STUDIO_DATA_DIR or the cache)", label="data root",
                                    form=None)
    # What: MNIST at 28 px (the shipped generator's data) unless --data names a set of your own.
    data: str | None = setting(None, "your own pictures: a folder (sub-folders are classes), a .zip of one, or "
                            "torchvision:NAME (none: MNIST at 28 px)", label="data", form=None)
    per_class: int = setting(0, "train on only this many MNIST training digits of each class, drawn with the seed "
                                "(0: all 60,000): few labels, as in the augmentation study", label="digits per class",
                             lo=0, hi=5000, form="more")
    size: int = setting(32, "side of the pictures trained on with --data", label="picture size", choices=(32, 64),
                        form="more")
    data_licence: str | None = setting(None, "the licence of your pictures and the credit it asks for: kept with "
                                       "the generator, shown beside its samples and in its model card",
                                       label="licence of the pictures", hi=300, form="more")
    background: str = setting("white", "what transparency is flattened onto, with --data", choices=("white", "black"),
                              form="more")
    # How long and how much. The defaults are the first phase of the shipped generator's recipe
    # (recipes/generator-v3.json); the relativistic loss, R1/R2 and shifts are options: a 24,000-step
    # run with them scored higher precision but far lower recall and coverage.
    steps: int = setting(6000, "training steps", lo=1, hi=10_000_000)
    epochs: float = setting(0.0, "passes over MNIST's 60,000 images; above 0 it overrides steps (0: use steps)",
                            lo=0, hi=1000, form="more")
    batch_size: int = setting(64, "images per step", lo=2, hi=8192, label="batch size")
    loss: str = setting("hinge", "the GAN loss", choices=LOSSES)
    conditional: bool = setting(True, "class-conditional (Digits' digit picker needs it)",
                                label="class-conditional", negation="--unconditional")
    device: str = setting("auto", "where to train", choices=DEVICES)
    # The networks.
    latent_dim: int = setting(64, "size of the generator's noise input", label="latent size", lo=8, hi=512,
                              form="more")
    g_channels: int = setting(64, "width of the generator", label="generator channels", lo=8, hi=512, form="more")
    g_depth: int = setting(2, "generator layers per scale: 2 adds a 3x3 conv after each upsampling",
                           label="generator depth", choices=(1, 2), form="more")
    d_channels: int = setting(64, "width of the discriminator", label="discriminator channels", lo=8, hi=512,
                              form="more")
    # The optimiser.
    lr_g: float = setting(2e-4, "generator learning rate", label="G learning rate", lo=0, lo_open=True, hi=1,
                          form="more")
    lr_d: float = setting(2e-4, "discriminator learning rate", label="D learning rate", lo=0, lo_open=True, hi=1,
                          form="more")
    beta1: float = setting(0.5, "Adam beta1", lo=0, hi=1, hi_open=True, form="more")
    beta2: float = setting(0.999, "Adam beta2", lo=0, hi=1, hi_open=True, form="more")
    d_steps: int = setting(1, "critic steps per generator step", label="critic steps per G step", lo=1, hi=20,
                           form="more")
    lr_decay_from: int = setting(0, "from this step, learning rates fall linearly to 0 at the last step (0: constant)",
                                 label="learning rates fall to 0 from step", lo=0, form="more")
    ema: float = setting(0.999, "EMA decay of the generator's weights (0: off)", label="EMA decay", lo=0, hi=1,
                         hi_open=True, form="more")
    # Extra loss terms.
    aux_weight: float = setting(0.5, "AC-GAN class loss on top of the projection discriminator (0: off)",
                                label="class-loss weight", lo=0, hi=10, form="more")
    aux_until: int = setting(0, "the class loss stops at this step (0: the whole run); late, it makes samples "
                                "over-certain", label="class loss stops at step", lo=0, form="more")
    gp_weight: float = setting(10.0, "WGAN-GP gradient penalty weight", label="gradient-penalty weight", lo=0,
                               hi=1000, form="more")
    r1_weight: float = setting(0.0, "gamma of the R1 penalty on real images, gamma/2 E|grad D(real)|^2 "
                                    "(Mescheder et al. 2018; 0: off)", label="R1 penalty γ", lo=0, hi=1000,
                               aliases=("--r1",), form="more")
    r2_weight: float = setting(0.0, "the same on generated images (R2; R3GAN uses both)", label="R2 penalty γ",
                               lo=0, hi=1000, aliases=("--r2",), form="more")
    augment_shift: int = setting(0, "translate real and generated images by up to this many pixels before D (0: off)",
                                 label="shift augmentation (px)", lo=0, hi=8, form="more")
    augment: str = setting("off", "differentiable augmentation of real and generated images before D, for sets of a "
                                  "few hundred pictures (Zhao et al. 2020)", label="DiffAugment", choices=AUGMENTS,
                           form="more")
    diversity: float = setting(0.25, "weight of the mode-seeking term (Mao et al. 2019) that spreads each class's "
                                     "samples (0: off); the one change that moved recall",
                               label="diversity weight", lo=0, hi=100, form="more")
    # Bookkeeping.
    seed: int = setting(0, "random seed", lo=0, hi=2**63 - 1)
    log_every: int = setting(50, "steps between metrics records", label="log every", lo=1, hi=10_000_000, form="more")
    sample_every: int = setting(500, "steps between sample grids", label="sample every", lo=1, hi=10_000_000,
                                form="more")
    checkpoint_every: int = setting(500, "steps between checkpoints", label="checkpoint every", lo=1, hi=10_000_000,
                                    form="more")
    eval_every: int = setting(0, "steps between evaluations (0: never)", label="evaluate every", lo=0)
    minutes: float = setting(0.0, "stop with a checkpoint after this many minutes of this session (0: no limit)",
                             label="time limit (minutes)", lo=0, hi=10_000_000, form="more")
    burst_seconds: float = setting(0.0, "train in bursts of at most this many seconds, each loading the run's state "
                                        "and ending with a checkpoint, as a ZeroGPU call does (0: one stretch)",
                                   label="burst (seconds)", lo=0, hi=86_400, form="more")
    eval_per_class: int = setting(100, "samples per class in each evaluation", label="evaluation samples per class",
                                  lo=10, hi=1000, form="more")
    resume: bool = setting(False, "continue from the run folder's last checkpoint", form=None)

    def validate(self) -> "TrainConfig":
        try:
            super().validate()
        except SettingError as e:
            raise ConfigError(str(e)) from None
        if not self.out.strip():
            raise ConfigError("an output folder is required")
        if self.data and self.epochs > 0:
            raise ConfigError("--epochs counts MNIST's 60,000 images; with --data give --steps")
        if self.per_class and (self.data or self.epochs > 0):
            raise ConfigError("--per-class takes a few of MNIST's digits: not with --data or --epochs (give --steps)")
        if self.device == "cuda":
            import torch

            if not torch.cuda.is_available():
                raise ConfigError("device cuda was asked for but no CUDA GPU is available")
        return self

    def memory_estimate_mb(self) -> float:
        """Peak memory of a training process with these settings, from measurements on this CPU
        (2026-12-01, torch 2.14.1): about 700 MB for torch and the networks, 190 MB for MNIST as
        float32, and 0.9 MB per image of the batch at 64 channels, growing with the width (batch
        256 at 128 channels measured 1.8x the 64-channel figure, 1024 at 32 channels 0.73x)."""
        width = max(self.g_channels, self.d_channels) / 64
        return 700 + 190 + 0.9 * self.batch_size * width

    @property
    def total_steps(self) -> int:
        if self.epochs > 0:
            return max(1, round(self.epochs * MNIST_TRAIN / self.batch_size))
        return int(self.steps)


@dataclass
class StudyConfig(Settings):
    """The augmentation study's settings (studio.training.augment_study)."""

    ks: str = setting("10,50,100,500", "labelled digits per class, one study arm each (comma-separated)", label="k")
    seeds: str = setting("0,1,2", "seeds: each draws its own digits, GAN and classifiers (comma-separated)")
    out: str = setting("runs/augment-study", "the study's folder: its GANs and results.jsonl")
    gan_steps: int = setting(1000, "training steps of each GAN", lo=10, hi=1_000_000)
    synthetic: int = setting(5000, "synthetic digits each classifier of (b) and (c) draws from", lo=10, hi=600_000)
    classifier_steps: int = setting(1000, "training steps of every classifier, whatever its set's size", lo=10,
                                    hi=1_000_000)
    share: float = setting(0.5, "the share of synthetic digits in (b)'s training set, so in its batches", lo=0.05,
                           hi=0.95)
    keep: float = setting(0.0, "keep only the synthetic digits to which (a)'s classifier, trained on the same real "
                          "digits, gives their own class with at least this probability (0: keep all)", lo=0.0, hi=0.999)

    def validate(self) -> "StudyConfig":
        super().validate()
        self.k_list()
        self.seed_list()
        return self

    def k_list(self) -> list[int]:
        return _ints(self.ks, "ks", 1, 5000)

    def seed_list(self) -> list[int]:
        return _ints(self.seeds, "seeds", 0, 2**31)

    def gan_config(self, k: int, seed: int) -> TrainConfig:
        """The small-set recipe: DiffAugment, learning rates falling over the last fifth, checkpoints to resume from."""
        return TrainConfig(out=str(Path(self.out) / f"gan-k{k}-seed{seed}"), per_class=k, seed=seed,
                           steps=self.gan_steps, augment="translation,cutout", lr_decay_from=int(self.gan_steps * 0.8),
                           eval_every=0, sample_every=self.gan_steps, checkpoint_every=max(10, self.gan_steps // 6),
                           log_every=max(1, self.gan_steps // 30), resume=True).validate()


def _ints(text: str, name: str, lo: int, hi: int) -> list[int]:
    try:
        values = [int(v) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise SettingError(f"{name} must be whole numbers separated by commas, got {str(text)[:40]!r}") from None
    if not values or any(not lo <= v <= hi for v in values) or len(set(values)) != len(values):
        raise SettingError(f"{name} must be distinct whole numbers from {lo:,} to {hi:,}, got {str(text)[:40]!r}")
    return values
