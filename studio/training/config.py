"""Training settings: one dataclass for the CLI, the Train tab and torchrun, checked in one place."""

from __future__ import annotations

import math
from dataclasses import dataclass

LOSSES = ("hinge", "nonsaturating", "minimax", "wgan-gp", "relativistic")


class ConfigError(ValueError):
    """A training setting is out of range; the message names it."""


@dataclass
class TrainConfig:
    out: str = "runs/gan"
    data_root: str | None = None
    steps: int = 6000
    epochs: float | None = None  # when set, overrides steps
    batch_size: int = 64
    # The defaults are the first phase of the shipped generator's recipe; its step counts (aux_until,
    # lr_decay_from) and the gentler fine-tuning phases after it are in checkpoints/generator.json and
    # the README, since they depend on the run's length. The relativistic loss, R1/R2 and shifts are
    # options: a 24,000-step run with them scored higher precision but far lower recall and coverage.
    loss: str = "hinge"
    conditional: bool = True
    latent_dim: int = 64
    g_channels: int = 64
    g_depth: int = 2  # layers per scale in the generator (GeneratorConfig.depth)
    d_channels: int = 64
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    d_steps: int = 1
    aux_weight: float = 0.5  # AC-GAN class loss on top of the projection discriminator
    aux_until: int = 0  # the class loss stops at this step (0: the whole run); it makes samples over-certain late
    gp_weight: float = 10.0
    r1_weight: float = 0.0  # gamma of the R1 penalty, gamma/2 * E|grad D(real)|^2 (Mescheder et al. 2018)
    r2_weight: float = 0.0  # the same on fakes (R2); R3GAN uses both
    augment_shift: int = 0  # translate real and fake images by up to this many pixels before D
    diversity: float = 0.25  # weight of the mode-seeking term (Mao et al. 2019): the one change that moved recall
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
            import torch

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
        check(0 <= number("aux_until") and float(self.aux_until).is_integer(), "aux-until must be a whole number >= 0")
        check(0 <= number("gp_weight") <= 1000, "gradient-penalty weight must be from 0 to 1000")
        for name in ("r1_weight", "r2_weight"):
            check(0 <= number(name) <= 1000, f"{name} (R1/R2 penalty gamma) must be from 0 to 1000")
        check(0 <= number("augment_shift") <= 8 and float(self.augment_shift).is_integer(),
              "augment-shift must be a whole number of pixels from 0 to 8")
        check(0 <= number("diversity") <= 100, "diversity weight must be from 0 to 100")
        check(number("g_depth") in (1, 2), "generator depth must be 1 or 2")
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
