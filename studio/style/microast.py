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
STRIP_PIXELS = 1 << 21
# Rows of context, in 1/4-resolution rows, that a strip needs on each side for its kept rows to
# equal the whole-image result exactly. Measured on real images: the encoder (9x9 conv, two
# strided 3x3, four 3x3 at 1/4 size) needs 6 and dec3 (two upsamplings, two 3x3, a 9x9) needs 3;
# the margin is deliberate. tests/test_microast.py checks the equality.
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


class FastDec3:
    """dec3 rewritten for CPU speed; the same function (tests/test_microast.py compares them).

    Measured with oneDNN on 2 cores, 512 px output:
    - Conv(3, 64, 32, groups 32) has two inputs per group, a case oneDNN runs slowly: a depthwise
      conv and then a sum of channel pairs takes 2.6 ms instead of 12.6 ms.
    - Conv(3, 32, 16, groups 16): the same weights as a dense, block-diagonal conv take 15 ms
      instead of 33 ms.
    - The final Conv(9, 16, 3) writes 3 channels per pixel, which vectorises badly. On blocks of
      4x4 pixels (pixel_unshuffle) it is a 3x3 conv from 256 to 48 channels: 25 ms instead of 36 ms.
    """

    def __init__(self, dec3: nn.Sequential):
        cl = torch.channels_last
        g1, g2, last = dec3[1].conv_layer, dec3[6].conv_layer, dec3[10].conv_layer
        self.pw1, self.pw2 = dec3[3].conv_layer, dec3[8].conv_layer  # the 1x1 convs stay as they are
        self.dw1 = g1.weight.reshape(-1, 1, 3, 3).contiguous(memory_format=cl)  # (64, 1, 3, 3)
        self.b1 = g1.bias.view(1, -1, 1, 1)
        cout = g2.out_channels  # block-diagonal dense form of the grouped conv
        dense = g2.weight.new_zeros(cout, g2.in_channels, 3, 3)
        per = g2.in_channels // cout
        for g in range(cout):
            dense[g, g * per:(g + 1) * per] = g2.weight[g]
        self.dense2, self.b2 = dense.contiguous(memory_format=cl), g2.bias
        self.block = 4
        self.w_last, self.b_last = _polyphase(last.weight, self.block), last.bias.repeat_interleave(self.block ** 2)

    def __call__(self, t: torch.Tensor) -> torch.Tensor:
        up = dict(scale_factor=2, mode="bilinear", align_corners=False)
        t = F.conv2d(_reflect(F.interpolate(t, **up), 1), self.dw1, groups=self.dw1.shape[0])
        t = F.relu_(t[:, 0::2] + t[:, 1::2] + self.b1)
        t = F.relu_(self.pw1(t))
        t = F.relu_(F.conv2d(_reflect(F.interpolate(t, **up), 1), self.dense2, self.b2))
        t = F.relu_(self.pw2(t))
        # H and W are multiples of 4, so the padded image splits into whole 4x4 blocks
        t = F.conv2d(F.pixel_unshuffle(_reflect(t, 4), self.block), self.w_last, self.b_last)
        return F.pixel_shuffle(t, self.block)


def _reflect(x: torch.Tensor, p: int) -> torch.Tensor:
    return F.pad(x, [p] * 4, mode="reflect")


def _polyphase(w: torch.Tensor, r: int) -> torch.Tensor:
    """Weights of a stride-1 conv rewritten to act on r x r pixel blocks (pixel_unshuffle(r) in,
    pixel_shuffle(r) out): output phase (ry, rx) takes input phase (sy, sx) of block offset (jy, jx)
    with the original tap k = r*j + s - phase, where that tap exists."""
    cout, cin, k, _ = w.shape
    taps = (k + r - 2) // r + 1
    out = w.new_zeros(cout, r, r, cin, r, r, taps, taps)
    for ry in range(r):
        for rx in range(r):
            for sy in range(r):
                for sx in range(r):
                    for jy in range(taps):
                        ky = r * jy + sy - ry
                        for jx in range(taps):
                            kx = r * jx + sx - rx
                            if 0 <= ky < k and 0 <= kx < k:
                                out[:, ry, rx, :, sy, sx, jy, jx] = w[:, :, ky, kx]
    return out.reshape(cout * r * r, cin * r * r, taps, taps).contiguous(memory_format=torch.channels_last)


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
        self.fast_dec3: FastDec3 | None = None  # set by use_fast_dec3() once the weights are in
        self.content_encoder = Encoder()
        self.style_encoder = Encoder()
        self.modulator = Modulator()
        self.decoder = Decoder()

    @torch.inference_mode()
    def use_fast_dec3(self) -> None:
        """Switch decode() to FastDec3, built from the current weights (call after loading them)."""
        self.fast_dec3 = FastDec3(self.decoder.dec3)

    @torch.inference_mode()
    def encode_style(self, style: torch.Tensor) -> StyleCode:
        s1, s2 = self.style_encoder(style)
        m1, sd1 = calc_mean_std(s1)
        m2, sd2 = calc_mean_std(s2)
        return StyleCode(m1, sd1, m2, sd2, *self.modulator(s1, s2))

    @torch.inference_mode()
    def encode_content(self, content: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, w = content.shape[-2:]
        if h * w <= self.strip_pixels:
            return self.content_encoder(content)
        # strips start on multiples of 4 rows, so they line up with the two stride-2 stages
        return in_strips(self.content_encoder, content, strip_rows(w, 4, self.strip_pixels), 4 * ENCODER_HALO, 0.25)

    @torch.inference_mode()
    def decode(self, content_features: tuple[torch.Tensor, torch.Tensor], code: StyleCode) -> torch.Tensor:
        """Full-strength stylisation of encoded content, unclamped (as upstream)."""
        c1, c2 = content_features
        d = self.decoder
        t = adaptive_instance_normalization(c2, code.mean2, code.std2)
        t = d.dec1(t, code.w2, code.b2)
        t = adaptive_instance_normalization(t, code.mean1, code.std1)
        t = d.dec2(t, code.w1, code.b1)
        dec3 = self.fast_dec3 or d.dec3
        h, w = t.shape[-2:]
        if 16 * h * w <= self.strip_pixels:
            return dec3(t)
        return in_strips(dec3, t, strip_rows(4 * w, 4, self.strip_pixels) // 4, DEC3_HALO, 4)

    def forward(self, content: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode_content(content), self.encode_style(style))
