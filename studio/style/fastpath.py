"""MicroAST's per-photo layers rewritten for CPU speed: the same function as the reference layers
in studio.style.microast (tests/style/test_fastpath.py compares them), with kernels oneDNN runs
well. Medians on this project's 2-core CPU, 512 px photo:

- A grouped conv with one input and two outputs per group (the encoder's stride-2 convs) runs as
  two depthwise convs whose outputs are concatenated; the 1x1 conv after it takes its input
  channels in that order: 0.5 ms instead of 2.2 ms.
- A grouped conv with two inputs per group (dec3) runs as a depthwise conv and a sum of channel
  pairs: 3.0 ms instead of 6.7 ms (5.6 ms as a dense block-diagonal conv).
- A modulated conv, w * conv(x) + b * x with w and b from the painting, is one conv whose weights
  carry w, and b on the centre tap: two passes over the features fewer.
- The final Conv(9, 16, 3) writes 3 channels per pixel, which vectorises badly. On blocks of 4x4
  pixels it is a 3x3 conv from 256 to 48 channels: 25 ms instead of 36 ms. The blocks are cut by
  copying whole runs of channels-last memory (to_blocks), not by pixel_unshuffle: 1.1 ms, not 9 ms
  at 1024 px.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

CL = torch.channels_last
UP = dict(scale_factor=2, mode="bilinear", align_corners=False)


def _reflect(x: torch.Tensor, p: int) -> torch.Tensor:
    return F.pad(x, [p] * 4, mode="reflect")


class _OneToTwo:
    """Grouped conv, one input and two outputs per group, as two depthwise convs. The output's
    channels come as (0, 2, 4, ..., 1, 3, 5, ...); `order` is that permutation."""

    def __init__(self, conv: nn.Conv2d):
        w, b = conv.weight, conv.bias
        self.even, self.odd = w[0::2].contiguous(memory_format=CL), w[1::2].contiguous(memory_format=CL)
        self.b_even, self.b_odd = b[0::2].contiguous(), b[1::2].contiguous()
        self.stride, self.groups = conv.stride, conv.groups
        self.order = list(range(0, w.shape[0], 2)) + list(range(1, w.shape[0], 2))

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        x = _reflect(x, 1)
        return torch.cat([F.conv2d(x, self.even, self.b_even, self.stride, groups=self.groups),
                          F.conv2d(x, self.odd, self.b_odd, self.stride, groups=self.groups)], 1)


def _pointwise_after(conv: nn.Conv2d, order: list[int]) -> nn.Conv2d:
    """A copy of the 1x1 conv `conv` that reads its input channels in `order`."""
    # Made where the model lives (a layer left on the CPU would fail the first call on CUDA).
    out = nn.Conv2d(conv.in_channels, conv.out_channels, 1, device=conv.weight.device, dtype=conv.weight.dtype)
    out.weight.data.copy_(conv.weight[:, order])
    out.bias.data.copy_(conv.bias)
    return out.to(memory_format=CL)


class _TwoToOne:
    """Grouped 3x3 conv, two inputs and one output per group, as a depthwise conv and a pair sum."""

    def __init__(self, conv: nn.Conv2d):
        self.dw = conv.weight.reshape(-1, 1, *conv.weight.shape[2:]).contiguous(memory_format=CL)
        self.bias = conv.bias.view(1, -1, 1, 1)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        t = F.conv2d(_reflect(x, 1), self.dw, groups=self.dw.shape[0])
        return t[:, 0::2] + t[:, 1::2] + self.bias


def _cast(conv: nn.Conv2d, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    return conv.weight.to(dtype).contiguous(memory_format=CL), conv.bias.to(dtype)


def _resblock(x: torch.Tensor, w1, b1, w2, b2) -> torch.Tensor:
    """x + conv2(relu(conv1(x))) with reflect padding, the convs in the weights' dtype; the sum,
    like x, in float32 (the skip path keeps its full precision)."""
    r = F.relu_(F.conv2d(_reflect(x.to(w1.dtype), 1), w1, b1))
    return x + F.conv2d(_reflect(r, 1), w2, b2)


class FastEncoder:
    """The content encoder (studio.style.microast.Encoder): x -> (f1, f2); its two residual
    blocks' convs in `dtype`."""

    def __init__(self, enc: nn.Module, dtype=torch.float32):
        e = enc.enc1
        self.first = e[0].conv_layer  # Conv(9, 3, 16)
        self.down1, self.down2 = _OneToTwo(e[2].conv_layer), _OneToTwo(e[6].conv_layer)
        self.pw1 = _pointwise_after(e[4].conv_layer, self.down1.order)
        self.pw2 = _pointwise_after(e[8].conv_layer, self.down2.order)
        self.res = [(*_cast(blk.conv1.conv_layer, dtype), *_cast(blk.conv2.conv_layer, dtype)) for blk in (e[10], enc.enc2[0])]

    def __call__(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        t = F.relu_(self.first(_reflect(x, 4)))
        t = F.relu_(self.pw1(F.relu_(self.down1(t))))
        t = F.relu_(self.pw2(F.relu_(self.down2(t))))
        f1 = _resblock(t, *self.res[0])
        return f1, _resblock(f1, *self.res[1])


def _modulated_weights(conv: nn.Conv2d, w: torch.Tensor, b: torch.Tensor, dtype):
    """Weights and bias of the single conv equal to w * conv(x) + b * x (w, b per channel)."""
    weight = conv.weight * w.view(-1, 1, 1, 1)
    centre = conv.weight.shape[-1] // 2
    weight[:, :, centre, centre] += torch.diag(b.flatten())
    return weight.to(dtype).contiguous(memory_format=CL), (conv.bias * w.flatten()).to(dtype)


def modulated_resblock(block: nn.Module, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                       dtype=torch.float32) -> torch.Tensor:
    """ResBlock.forward(x, w, b) for one painting code (w, b of shape (1, C, 1, 1))."""
    if w.shape[0] != 1:
        return block(x, w, b)
    return _resblock(x, *_modulated_weights(block.conv1.conv_layer, w, b, dtype),
                     *_modulated_weights(block.conv2.conv_layer, w, b, dtype))


class FastDec3:
    """The decoder's last stage (Decoder.dec3): 64 channels at 1/4 size -> RGB at full size. The
    final conv runs in `dtype`; the output is float32."""

    def __init__(self, dec3: nn.Sequential, dtype=torch.float32):
        self.g1, self.g2 = _TwoToOne(dec3[1].conv_layer), _TwoToOne(dec3[6].conv_layer)
        self.pw1, self.pw2 = dec3[3].conv_layer, dec3[8].conv_layer
        self.dtype, r = dtype, BLOCK
        last = dec3[10].conv_layer
        cout, cin = last.out_channels, last.in_channels
        # _polyphase orders channels as pixel_(un)shuffle does, (channel, phase); to_blocks and
        # from_blocks use (phase, channel), which channels-last memory reaches by block copies
        poly = _polyphase(last.weight, r)
        w = poly.reshape(cout, r * r, cin, r * r, *poly.shape[-2:])
        self.w_last = w.transpose(0, 1).transpose(2, 3).reshape(cout * r * r, cin * r * r, *w.shape[-2:])
        self.w_last = self.w_last.to(dtype).contiguous(memory_format=CL)
        self.b_last = last.bias.repeat(r * r).to(dtype)

    def __call__(self, t: torch.Tensor) -> torch.Tensor:
        t = F.relu_(self.pw1(F.relu_(self.g1(F.interpolate(t, **UP)))))
        t = F.relu_(self.pw2(F.relu_(self.g2(F.interpolate(t, **UP)))))
        # H and W are multiples of 4, so the padded image splits into whole 4x4 blocks
        t = to_blocks(_reflect(t.to(self.dtype), 4), BLOCK)
        return from_blocks(F.conv2d(t, self.w_last, self.b_last), BLOCK).float()


BLOCK = 4


def to_blocks(x: torch.Tensor, r: int) -> torch.Tensor:
    """Like pixel_unshuffle(x, r) with channels ordered (phase, channel) instead of (channel, phase):
    for a channels-last x that is a copy of whole r*C runs, 8x faster than pixel_unshuffle."""
    n, c, h, w = x.shape
    y = x.permute(0, 2, 3, 1).reshape(n, h // r, r, w // r, r * c).permute(0, 1, 3, 2, 4)
    return y.reshape(n, h // r, w // r, r * r * c).permute(0, 3, 1, 2)


def from_blocks(y: torch.Tensor, r: int) -> torch.Tensor:
    """The inverse of to_blocks (pixel_shuffle with (phase, channel) order); channels-last result."""
    n, rrc, hb, wb = y.shape
    c = rrc // (r * r)
    x = y.permute(0, 2, 3, 1).reshape(n, hb, wb, r, r * c).permute(0, 1, 3, 2, 4)
    return x.reshape(n, hb * r, wb * r, c).permute(0, 3, 1, 2)


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
    return out.reshape(cout * r * r, cin * r * r, taps, taps)


class FastPath:
    """The fast layers of one MicroAST, built from its current weights.

    reduced=True runs the layers whose rounding stays invisible in bfloat16 (the encoder's residual
    blocks, the decoder's second one, the final conv): about 17 % faster where the CPU
    has native bf16 dot products. Those layers were chosen by measurement: on real photos and
    paintings the result stays above 48 dB PSNR from the float32 one (tests/style/test_fastpath.py
    asks for 40), while the decoder's first block alone would drop it to 37 dB.
    """

    def __init__(self, model: nn.Module, reduced: bool = False):
        low = torch.bfloat16 if reduced else torch.float32
        self.reduced = reduced
        self.encoder = FastEncoder(model.content_encoder, low)
        self.dec3 = FastDec3(model.decoder.dec3, low)
        self.dec2 = model.decoder.dec2
        self.low = low

    def resblock(self, block: nn.Module, x, w, b) -> torch.Tensor:
        return modulated_resblock(block, x, w, b, self.low if block is self.dec2 else torch.float32)


def bf16_is_native() -> bool:
    """Whether this CPU has bfloat16 dot products (AVX512-BF16 or AMX); elsewhere bf16 is emulated
    and slower than float32."""
    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # private helpers: if a future torch drops them, stay exact
        return False
