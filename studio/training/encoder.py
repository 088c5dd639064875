"""Train the Digits encoder: a picture -> the latent and class of one frozen generator.

    python -m studio train-encoder [--generator SPEC] [--steps 8000] [--out checkpoints/encoder.safetensors]

Three signals, every step:
- generated digits with known (z, class): regress z, classify the class;
- real MNIST training digits, bent a little (rotation, shear, scale, shift, thicker or thinner
  strokes, as people draw): classify the label, and make G(E(x), label) redraw x, so the
  latent it predicts for real handwriting is a good one, not only for the generator's own.
The evaluator's classifier is never used: the encoder learns from MNIST labels and the
generator alone, so the studio's quality scores stay independent of it.
"""

from __future__ import annotations

import math
import time

import torch
import torch.nn.functional as F

from studio.core.images import to_model_range
from studio.digits.data import load_mnist
from studio.digits.networks import Encoder, Generator, NUM_CLASSES, one_hot
from studio.training.config import ENCODER_STEPS


def bend(x: torch.Tensor, gen: torch.Generator, strength: float = 1.0) -> torch.Tensor:
    """Random affine warp and stroke-width change of (N, 1, 28, 28) digits in [-1, 1]."""
    n = x.shape[0]
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(n, generator=gen)  # noqa: E731
    angle = u(-15, 15) * math.pi / 180 * strength
    shear = u(-0.3, 0.3) * strength
    scale = 1.0 + u(-0.12, 0.12) * strength
    tx, ty = u(-0.1, 0.1) * strength, u(-0.1, 0.1) * strength
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin + shear * cos, tx], 1),
                         torch.stack([sin, cos + shear * sin, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    ink = F.grid_sample((x + 1) / 2, grid, align_corners=False, padding_mode="zeros")
    pick = torch.rand(n, generator=gen)
    thick = F.max_pool2d(ink, 3, 1, 1)  # a bolder pen
    thin = -F.max_pool2d(-ink, 3, 1, 1)  # a finer one (only where strokes are wide enough)
    ink = torch.where((pick < 0.3).view(-1, 1, 1, 1), thick, ink)
    ink = torch.where(((pick >= 0.3) & (pick < 0.4) & (thin.flatten(1).sum(1) > 20)).view(-1, 1, 1, 1), thin, ink)
    return ink * 2 - 1


def train_encoder(generator: Generator, data_root=None, steps: int = ENCODER_STEPS, batch_size: int = 64, lr: float = 1e-3,
                  rec_weight: float = 1.0, seed: int = 0, log=print) -> tuple[Encoder, dict]:
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    generator = generator.eval().requires_grad_(False)
    zdim = generator.config.latent_dim
    images, labels = load_mnist(data_root, train=True)
    images = to_model_range(images)
    encoder = Encoder(zdim)
    opt = torch.optim.Adam(encoder.parameters(), lr=lr, betas=(0.9, 0.999))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    start, sums = time.time(), {}
    for step in range(1, steps + 1):
        encoder.train()
        z = torch.randn(batch_size, zdim, generator=gen)
        y = torch.randint(0, NUM_CLASSES, (batch_size,), generator=gen)
        with torch.no_grad():
            fake = generator(z, one_hot(y))
        idx = torch.randint(0, len(images), (batch_size,), generator=gen)
        real, real_y = bend(images[idx], gen), labels[idx]
        z_hat, logits = encoder(torch.cat([fake, real]))
        z_fake, z_real = z_hat[:batch_size], z_hat[batch_size:]
        losses = {
            "latent": F.mse_loss(z_fake, z),
            "class_fake": F.cross_entropy(logits[:batch_size], y),
            "class_real": F.cross_entropy(logits[batch_size:], real_y),
            "redraw": F.mse_loss(generator(z_real, one_hot(real_y)), real),
        }
        loss = losses["latent"] + losses["class_fake"] + losses["class_real"] + rec_weight * losses["redraw"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        for k, v in losses.items():
            sums[k] = sums.get(k, 0.0) + v.item()
        if step % 250 == 0 or step == steps:
            log(f"step {step}/{steps} " + " ".join(f"{k} {v / 250:.4f}" for k, v in sums.items())
                + f" ({time.time() - start:.0f} s)")
            sums = {}
    encoder.eval()
    summary = {"steps": steps, "batch_size": batch_size, "lr": lr, "rec_weight": rec_weight, "seed": seed,
               "seconds": round(time.time() - start, 1)}
    return encoder, summary
