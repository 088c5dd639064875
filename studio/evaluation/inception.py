"""Features of the Inception-v3 network that FID and KID are reported in by papers, where its weights
can be had.

The weights are pytorch-fid's port of TensorFlow's FID Inception (2015-12-05), fetched once from a
pinned address and checked against a pinned SHA-256 (91 MB; STUDIO_INCEPTION_WEIGHTS names a copy
on disk). Without them (offline, a mismatch) InceptionUnavailable says why, and the evaluator goes
on with its other scores. The network is torchvision's Inception-v3 with the four block types whose
pooling the TensorFlow graph does differently (average pools that leave the padding out; a max pool
in the last block), so that the same weights give the same features.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.models import inception as tv

from studio.core import paths
from studio.core.errors import UserError

URL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth"
SHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"
FEATURES = 2048


class InceptionUnavailable(UserError, LookupError):
    """The Inception weights cannot be had here; the message says why and what to do."""


def _pool(x):
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)


class _A(tv.InceptionA):
    def _forward(self, x):
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return [self.branch1x1(x), b5, b3, self.branch_pool(_pool(x))]


class _C(tv.InceptionC):
    def _forward(self, x):
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        d = x
        for layer in (self.branch7x7dbl_1, self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4,
                      self.branch7x7dbl_5):
            d = layer(d)
        return [self.branch1x1(x), b7, d, self.branch_pool(_pool(x))]


class _E(tv.InceptionE):
    def __init__(self, in_channels, max_pool: bool):
        super().__init__(in_channels)
        self.max_pool = max_pool

    def _forward(self, x):
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        d = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        d = torch.cat([self.branch3x3dbl_3a(d), self.branch3x3dbl_3b(d)], 1)
        pooled = F.max_pool2d(x, kernel_size=3, stride=1, padding=1) if self.max_pool else _pool(x)
        return [self.branch1x1(x), b3, d, self.branch_pool(pooled)]


def fid_inception() -> tv.Inception3:
    """The FID Inception with untrained weights (load_state_dict the pinned file into it)."""
    net = tv.Inception3(num_classes=1008, aux_logits=False, init_weights=False)
    net.Mixed_5b, net.Mixed_5c, net.Mixed_5d = _A(192, 32), _A(256, 64), _A(288, 64)
    net.Mixed_6b, net.Mixed_6c, net.Mixed_6d, net.Mixed_6e = _C(768, 128), _C(768, 160), _C(768, 160), _C(768, 192)
    net.Mixed_7b, net.Mixed_7c = _E(1280, max_pool=False), _E(2048, max_pool=True)
    return net.eval()


def weights_path(allow_download: bool = True) -> Path:
    from studio.share.download import DownloadError, download, verified

    given = os.environ.get("STUDIO_INCEPTION_WEIGHTS")
    path = Path(given) if given else paths.cache_dir() / "inception" / Path(URL).name
    if verified(path, SHA256):
        return path
    if given or not allow_download:
        why = "does not match the pinned SHA-256" if path.is_file() else "is not on this machine"
        raise InceptionUnavailable(f"FID and KID in Inception features are skipped: {path.name} {why} "
                                   f"(fetch {URL}, or set STUDIO_INCEPTION_WEIGHTS to a copy)")
    try:
        return download(URL, path, SHA256, timeout=60)
    except DownloadError as e:
        raise InceptionUnavailable(f"FID and KID in Inception features are skipped: {e}") from None


class InceptionFeatures:
    """images float (N, 1 or 3, H, W) in [-1, 1] -> (N, 2048) pool features, at 299 px as the FID is."""

    def __init__(self, net: torch.nn.Module | None = None, allow_download: bool = True):
        if net is None:
            net = fid_inception()
            state = torch.load(weights_path(allow_download), map_location="cpu", weights_only=True)
            net.load_state_dict(state)
        net.fc = torch.nn.Identity()  # the 2048-d pool, not the 1008 logits
        self.net = net.eval()

    @torch.no_grad()
    def __call__(self, images: torch.Tensor, batch: int = 50) -> np.ndarray:
        out = []
        for i in range(0, len(images), batch):
            x = images[i:i + batch].float()
            x = x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x
            x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
            out.append(self.net(x).flatten(1))
        return torch.cat(out).numpy()
