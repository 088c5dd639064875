"""MicroAST as three ONNX models, so that the browser encodes a painting once and a slider move
runs only the decoder: style encoder, content encoder, decoder. Checked against PyTorch's float32
path on real photos and paintings when written (PSNR of the painted photo)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from studio.style.feature_stats import EPS, calc_mean_std
from studio.web import files
from studio.web.export import STYLE_MIN_PSNR, ExportError, _export, _session, store_half
from studio.web.webconv import WebDec3, WebEncoder, WebResBlock

CODE = ["mean1", "std1", "mean2", "std2", "w1", "b1", "w2", "b2"]  # the decoder's style inputs, in order


def _adain(content, mean, std):
    """AdaIN written plainly (the app's batch_norm form is a CPU speed trick with the same result)."""
    m, s = calc_mean_std(content, EPS)
    return (content - m) / s * std + mean


class StyleEncoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.encoder, self.modulator = WebEncoder(model.style_encoder), model.modulator

    def forward(self, painting):
        s1, s2 = self.encoder(painting)
        return (*calc_mean_std(s1), *calc_mean_std(s2), *self.modulator(s1, s2))


class Decoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        d = model.decoder
        self.dec1, self.dec2, self.dec3 = WebResBlock(d.dec1), WebResBlock(d.dec2), WebDec3(d.dec3)

    def forward(self, c1, c2, mean1, std1, mean2, std2, w1, b1, w2, b2):
        t = self.dec1(_adain(c2, mean2, std2), w2, b2)
        t = self.dec2(_adain(t, mean1, std1), w1, b1)
        return self.dec3(t)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Of two pictures in [0, 1] (values outside are clipped, as when shown)."""
    mse = float(np.mean((np.clip(a, 0, 1) - np.clip(b, 0, 1)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1 / mse)


def _tensor(picture, side: int) -> torch.Tensor:
    from studio.style.tensors import fit, to_tensor

    return to_tensor(fit(picture.convert("RGB"), side))


def export_microast(model, out: Path, photos: list, paintings: list, side: int = 256, half: bool = False) -> list[dict]:
    """The three files; photos and paintings (PIL images) are what the export is checked on;
    half: the weights are then stored as float16 and the check is made again."""
    if not photos or not paintings:
        raise ExportError("checking the style export needs at least one photo and one painting")
    out.mkdir(parents=True, exist_ok=True)
    photo, painting = _tensor(photos[0], side), _tensor(paintings[0], side)
    style, content, decoder = StyleEncoder(model).eval(), WebEncoder(model.content_encoder).eval(), Decoder(model).eval()
    with torch.no_grad():
        code, feats = style(painting), content(photo)
    _export(style, (painting,), out / files.STYLE_ENCODER, ["painting"], CODE, [[2, 3]])
    _export(content, (photo,), out / files.CONTENT_ENCODER, ["photo"], ["c1", "c2"], [[2, 3]])
    _export(decoder, (*feats, *code), out / files.DECODER, ["c1", "c2", *CODE], ["painted"],
            [[2, 3], [2, 3]] + [[]] * len(CODE))
    names = (files.STYLE_ENCODER, files.CONTENT_ENCODER, files.DECODER)
    checks = {"min_psnr_db": _check_psnr(model, out, photos, paintings, side)}
    if half:
        for name in names:
            store_half(out / name)
        checks["half_min_psnr_db"] = _check_psnr(model, out, photos, paintings, side)
    return [{"file": name, "bytes": (out / name).stat().st_size, **checks} for name in names]


def _check_psnr(model, out: Path, photos, paintings, side: int) -> float:
    worst = _check(model, out, photos, paintings, side)
    if worst < STYLE_MIN_PSNR:
        raise ExportError(f"the exported style models paint {worst:.1f} dB from PyTorch (at least {STYLE_MIN_PSNR})")
    return round(float(worst), 1)


def _check(model, out: Path, photos, paintings, side: int) -> float:
    """The lowest PSNR over every photo x painting: ONNX Runtime against PyTorch's float32 path."""
    sessions = [_session(out / f) for f in (files.STYLE_ENCODER, files.CONTENT_ENCODER, files.DECODER)]
    worst = float("inf")
    for photo in photos:
        x = _tensor(photo, side)
        c1, c2 = sessions[1].run(None, {"photo": x.numpy()})
        for painting in paintings:
            s = _tensor(painting, side)
            code = sessions[0].run(None, {"painting": s.numpy()})
            got = sessions[2].run(None, {"c1": c1, "c2": c2, **dict(zip(CODE, code))})[0]
            with torch.no_grad():
                want = model.decode(model.encode_content(x), model.encode_style(s)).numpy()
            worst = min(worst, psnr(got, want))
    return worst
