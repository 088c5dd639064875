"""MicroAST (Wang et al., AAAI 2023): a 0.47 M-parameter network for arbitrary style transfer.

Written from the description in the weights' MODEL.md; parameter names match the published
state dicts. The style half (style encoder + modulator) depends on the painting only, so
`StyleCode` holds its outputs and a painting is encoded once, however many photos follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from studio.style.feature_stats import adaptive_instance_normalization, calc_mean_std

# Large images run their full-resolution stages (the content encoder and dec3, which have no
# global statistics) in horizontal strips: peak memory follows the strip, not the image.
STRIP_PIXELS = 1 << 20
# Rows of context, in 1/4-resolution rows, that a strip needs on each side for its kept rows to
# equal the whole-image result exactly. Measured on real images: the encoder (9x9 conv, two
# strided 3x3, four 3x3 at 1/4 size) needs 6 and dec3 (two upsamplings, two 3x3, a 9x9) needs 3;
# the margin is deliberate. tests/style/test_microast.py checks the equality.
ENCODER_HALO, DEC3_HALO = 8, 4


def in_strips(fn, x: torch.Tensor, rows: int, halo: int, scale: float):
    """fn(x) computed on overlapping horizontal strips of `rows` input rows with `halo` rows of
    context each side, then joined. fn maps h input rows to h*scale output rows and returns a
    tensor or a tuple of tensors."""
    h = x.shape[-2]
    if h <= rows + 2 * halo:
        return fn(x)
    pieces = []
    for a in range(0, h, rows):
        b = min(h, a + rows)
        lo, hi = max(0, a - halo), min(h, b + halo)
        out = fn(x[..., lo:hi, :])
        out = out if isinstance(out, tuple) else (out,)
        pieces.append([t[..., round((a - lo) * scale):round((b - lo) * scale), :] for t in out])
    joined = tuple(torch.cat(parts, -2) for parts in zip(*pieces))
    return joined if len(joined) > 1 else joined[0]


def strip_rows(width: int, multiple: int, strip_pixels: int = STRIP_PIXELS) -> int:
    """Rows per strip so that one strip holds about strip_pixels output pixels."""
    return max(multiple, strip_pixels // max(1, width) // multiple * multiple)


class Conv(nn.Module):
    """Reflection padding of k//2, then a biased convolution (`conv_layer`)."""

    def __init__(self, k: int, cin: int, cout: int, stride: int = 1, groups: int = 1):
        super().__init__()
        self.pad = k // 2
        self.conv_layer = nn.Conv2d(cin, cout, k, stride, groups=groups)

    def forward(self, x):
        return self.conv_layer(F.pad(x, [self.pad] * 4, mode="reflect") if self.pad else x)


class ResBlock(nn.Module):
    def __init__(self, ch: int = 64):
        super().__init__()
        self.conv1 = Conv(3, ch, ch)
        self.conv2 = Conv(3, ch, ch)

    def forward(self, x, w=None, b=None):
        if w is None:
            return x + self.conv2(F.relu_(self.conv1(x)))
        # modulated form: per-channel weight and bias predicted from the painting
        r = F.relu_(torch.addcmul(b * x, w, self.conv1(x)))
        return torch.addcmul(b * r, w, self.conv2(r)).add_(x)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(
            Conv(9, 3, 16), nn.ReLU(inplace=True),
            Conv(3, 16, 32, 2, groups=16), nn.ReLU(inplace=True), Conv(1, 32, 32), nn.ReLU(inplace=True),
            Conv(3, 32, 64, 2, groups=32), nn.ReLU(inplace=True), Conv(1, 64, 64), nn.ReLU(inplace=True),
            ResBlock(),
        )
        self.enc2 = nn.Sequential(ResBlock())

    def forward(self, x):
        f1 = self.enc1(x)
        return f1, self.enc2(f1)


class Modulator(nn.Module):
    def __init__(self):
        super().__init__()
        for name in ("weight1", "bias1", "weight2", "bias2"):
            setattr(self, name, nn.Sequential(Conv(3, 64, 64, groups=64), nn.AdaptiveAvgPool2d(1)))

    def forward(self, f1, f2):
        return self.weight1(f1), self.bias1(f1), self.weight2(f2), self.bias2(f2)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.dec1 = ResBlock()
        self.dec2 = ResBlock()
        up = dict(scale_factor=2, mode="bilinear", align_corners=False)
        self.dec3 = nn.Sequential(
            nn.Upsample(**up), Conv(3, 64, 32, groups=32), nn.ReLU(inplace=True), Conv(1, 32, 32), nn.ReLU(inplace=True),
            nn.Upsample(**up), Conv(3, 32, 16, groups=16), nn.ReLU(inplace=True), Conv(1, 16, 16), nn.ReLU(inplace=True),
            Conv(9, 16, 3),
        )


@dataclass
class StyleCode:
    """Everything the decoder needs from a painting: feature statistics at both levels and
    the modulator's per-channel weights and biases. Tiny (a few KB) and cheap to mix."""

    mean1: torch.Tensor
    std1: torch.Tensor
    mean2: torch.Tensor
    std2: torch.Tensor
    w1: torch.Tensor
    b1: torch.Tensor
    w2: torch.Tensor
    b2: torch.Tensor

    def fields(self):
        return (self.mean1, self.std1, self.mean2, self.std2, self.w1, self.b1, self.w2, self.b2)

    @staticmethod
    def mix(codes: list["StyleCode"], weights: list[float]) -> "StyleCode":
        """Weighted average of several paintings' codes (weights need not sum to 1)."""
        total = float(sum(weights))
        parts = [c.fields() for c in codes]
        return StyleCode(*(sum(w / total * p[i] for w, p in zip(weights, parts)) for i in range(8)))


class MicroAST(nn.Module):
    """Images are RGB float (N, 3, H, W) in [0, 1], H and W multiples of 4."""

    PARTS = ("content_encoder", "style_encoder", "modulator", "decoder")

    def __init__(self, strip_pixels: int = STRIP_PIXELS):
        super().__init__()
        self.strip_pixels = strip_pixels
        self.fast = None  # studio.style.fastpath.FastPath, set by use_fast_path() once the weights are in
        self.content_encoder = Encoder()
        self.style_encoder = Encoder()
        self.modulator = Modulator()
        self.decoder = Decoder()

    @torch.inference_mode()
    def use_fast_path(self, reduced: bool = False) -> None:
        """Switch encode_content() and decode() to the CPU-friendly rewrites of studio.style.fastpath,
        built from the current weights (call after loading them). reduced=False: the same function;
        reduced=True: some layers in bfloat16 (see FastPath)."""
        from studio.style.fastpath import FastPath

        self.fast = FastPath(self, reduced)

    @torch.inference_mode()
    def encode_style(self, style: torch.Tensor) -> StyleCode:
        s1, s2 = self.style_encoder(style)
        m1, sd1 = calc_mean_std(s1)
        m2, sd2 = calc_mean_std(s2)
        return StyleCode(m1, sd1, m2, sd2, *self.modulator(s1, s2))

    @torch.inference_mode()
    def encode_content(self, content: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, w = content.shape[-2:]
        encoder = self.fast.encoder if self.fast else self.content_encoder
        if h * w <= self.strip_pixels:
            return encoder(content)
        # strips start on multiples of 4 rows, so they line up with the two stride-2 stages
        return in_strips(encoder, content, strip_rows(w, 4, self.strip_pixels), 4 * ENCODER_HALO, 0.25)

    @torch.inference_mode()
    def decode(self, content_features: tuple[torch.Tensor, torch.Tensor], code: StyleCode) -> torch.Tensor:
        """Full-strength stylisation of encoded content, unclamped (as upstream)."""
        c1, c2 = content_features
        d = self.decoder
        resblock = self.fast.resblock if self.fast else (lambda block, *args: block(*args))
        t = adaptive_instance_normalization(c2, code.mean2, code.std2)
        t = resblock(d.dec1, t, code.w2, code.b2)
        t = adaptive_instance_normalization(t, code.mean1, code.std1)
        t = resblock(d.dec2, t, code.w1, code.b1)
        dec3 = self.fast.dec3 if self.fast else d.dec3
        h, w = t.shape[-2:]
        if 16 * h * w <= self.strip_pixels:
            return dec3(t)
        return in_strips(dec3, t, strip_rows(4 * w, 4, self.strip_pixels) // 4, DEC3_HALO, 4)

    def forward(self, content: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode_content(content), self.encode_style(style))
