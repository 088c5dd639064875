"""MicroAST's heaviest convolutions rewritten for onnxruntime-web's WebAssembly kernels: the same
function as the reference layers (tests/web/test_webconv.py compares them), fewer multiplications
and less copying. Medians in Node, onnxruntime-web 1.30, one thread, this project's 2-core CPU:

- A 3x3 conv from 64 to 64 channels (the eight in the residual blocks, 2/3 of the work) as
  Winograd's F(4x4, 3x3) (Lavin & Gray 2016): 36 products per 4x4 output tile instead of 144, the
  tile transforms applied one axis at a time as small matrix products. 128 x 128 features: about
  27 ms instead of 45-50 ms. The transformed weights are computed inside the graph from the 3x3 ones,
  so the download does not grow (the runtime folds that product once, when the model loads).
- The decoder's modulated convs, w * conv(x) + b * x, are one such conv whose transformed weights
  carry w, and b on the centre tap, as studio.style.fastpath does for PyTorch.
- The last conv, 9x9 from 16 channels to 3, writes 3 channels from 1,296 inputs per pixel, which
  the runtime's im2col and matrix product handle badly. As a 1x9 conv to 27 channels (one per
  output channel and kernel row), then a sum of 9 row-shifted slices: about 92-95 ms instead of
  132-133 ms at 512 x 512.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

M = 4  # output tile side: F(4x4, 3x3)
A = M + 2  # input tile side
# Lavin & Gray's F(4, 3) matrices: input (B^T), weight (G) and output (A^T) transforms
B_T = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
       [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]
G = [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
     [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]]
A_T = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]


def winograd(x: torch.Tensor, u: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Reflect-padded 3x3 conv of x (1, C, H, W), any H and W, with transformed weights u
    (36, K, C) and bias (K,)."""
    _, c, h, w = x.shape
    ty, tx = (h + M - 1) // M, (w + M - 1) // M
    b_t = torch.tensor(B_T, dtype=x.dtype)
    a_t = torch.tensor(A_T, dtype=x.dtype)
    xp = F.pad(F.pad(x, [1, 1, 1, 1], mode="reflect"), [0, tx * M - w, 0, ty * M - h])[0]
    # input tiles (A x A, stride M), transformed along rows, then along columns
    rows = torch.stack([xp[:, i:i + M * ty:M] for i in range(A)])  # (i, C, ty, W')
    rows = (b_t @ rows.reshape(A, -1)).reshape(A, c, ty, -1)  # (p, C, ty, W')
    tiles = torch.stack([rows[..., j:j + M * tx:M] for j in range(A)], 1)  # (p, j, C, ty, tx)
    v = (b_t @ tiles.reshape(A, A, -1)).reshape(A * A, c, ty * tx)  # (p*A + q, C, tiles)
    prod = (u @ v).reshape(A, A, -1)  # one (K x C) product per tile position
    y = a_t @ (a_t @ prod.reshape(A, -1)).reshape(M, A, -1)  # (M, M, K * tiles)
    y = y.reshape(M, M, -1, ty, tx).permute(2, 3, 0, 4, 1).reshape(1, -1, ty * M, tx * M)
    return y[:, :, :h, :w] + bias.view(1, -1, 1, 1)


class Winograd3x3(nn.Module):
    """A studio.style.microast.Conv(3, C, K) (reflect padding, stride 1, one group) as F(4x4, 3x3).
    modulated(x, w, b) is w * conv(x) + b * x with per-channel w and b of shape (1, K, 1, 1)."""

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        k, c = conv.weight.shape[:2]
        self.register_buffer("taps", conv.weight.detach().reshape(k * c, 9).T.contiguous())  # (9, K*C)
        self.register_buffer("bias", conv.bias.detach().clone())
        self.register_buffer("g", torch.kron(torch.tensor(G, dtype=torch.float64), torch.tensor(G, dtype=torch.float64)).float())
        self.register_buffer("eye", torch.eye(k).unsqueeze(0))
        self.k, self.c = k, c

    def transformed(self) -> torch.Tensor:
        return (self.g @ self.taps).reshape(A * A, self.k, self.c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return winograd(x, self.transformed(), self.bias)

    def modulated(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        w, b = w.reshape(1, self.k, 1), b.reshape(1, self.k, 1)
        centre = self.g[:, 4].reshape(A * A, 1, 1)  # the centre tap's share of each tile position
        u = self.transformed() * w + centre * (self.eye * b)
        return winograd(x, u, self.bias * w.flatten())


class WebResBlock(nn.Module):
    """studio.style.microast.ResBlock, plain or modulated, on Winograd convs."""

    def __init__(self, block: nn.Module):
        super().__init__()
        self.conv1, self.conv2 = Winograd3x3(block.conv1.conv_layer), Winograd3x3(block.conv2.conv_layer)

    def forward(self, x, w=None, b=None):
        if w is None:
            return x + self.conv2(F.relu(self.conv1(x)))
        return x + self.conv2.modulated(F.relu(self.conv1.modulated(x, w, b)), w, b)


class RowSplitConv(nn.Module):
    """A studio.style.microast.Conv(k, C, K) with few outputs (k odd, stride 1, one group): a 1 x k
    conv to K * k channels ordered (kernel row, output), then the k rows summed, each shifted."""

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        k_out, c, k, _ = conv.weight.shape
        self.k_out, self.k = k_out, k
        self.register_buffer("rows", conv.weight.detach().permute(2, 0, 1, 3).reshape(k * k_out, c, 1, k).contiguous())
        self.register_buffer("bias", conv.bias.detach().view(1, -1, 1, 1).clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, p = x.shape[2], self.k // 2
        t = F.conv2d(F.pad(x, [p] * 4, mode="reflect"), self.rows)  # (1, k * K, H + 2p, W)
        out = self.bias
        for row in range(self.k):
            out = out + t[:, row * self.k_out:(row + 1) * self.k_out, row:row + h]
        return out


class WebEncoder(nn.Module):
    """studio.style.microast.Encoder with its residual blocks on Winograd convs: x -> (f1, f2)."""

    def __init__(self, enc: nn.Module):
        super().__init__()
        self.stem = enc.enc1[:10]
        self.res1, self.res2 = WebResBlock(enc.enc1[10]), WebResBlock(enc.enc2[0])

    def forward(self, x):
        f1 = self.res1(self.stem(x))
        return f1, self.res2(f1)


class WebDec3(nn.Module):
    """studio.style.microast.Decoder.dec3 with its last conv split by rows."""

    def __init__(self, dec3: nn.Sequential):
        super().__init__()
        self.body, self.last = dec3[:10], RowSplitConv(dec3[10].conv_layer)

    def forward(self, t):
        return self.last(self.body(t))
