"""Export the studio's models as ONNX for the browser, each checked against PyTorch when written.

    reports = export_web("shipped", Path("web"))     # generator (+ its JSON), twin encoder, MicroAST

The generator takes (z, y) and returns its image in [-1, 1]; the browser makes z from a seed as the
server does (studio.web.seeds), applies truncation and sliders (z * t + sum s_i d_i), and maps
pixels with round((x + 1) * 127.5). MicroAST is three models, so that a painting is encoded once:
style encoder (painting -> its code), content encoder (photo -> features) and decoder.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from studio.core.errors import UserError
from studio.web import files

GENERATOR_TOLERANCE = 1e-4  # max abs error, images in [-1, 1]
HALF_TOLERANCE = 2 / 127.5  # with float16 weights (half=True): two grey levels of 255
STYLE_MIN_PSNR = 40.0  # dB, the browser's decoder output against PyTorch's on the same inputs
OPSET = 18
META_FORMAT = 3  # generator.web.json's layout (2: max_latent, 3: channels, class names); the app re-exports when it changes


class ExportError(UserError, RuntimeError):
    """A model cannot be exported, or its export does not match PyTorch; the message says which."""


def _export(module: nn.Module, args: tuple, path: Path, inputs: list[str], outputs: list[str],
            dynamic: list[list[int]]) -> None:
    """One ONNX file (weights inside it, for a single download), opset 18; dynamic: each input's
    axes whose size may change (the batch, a picture's height and width)."""
    shapes = tuple({axis: torch.export.Dim.AUTO for axis in axes} for axes in dynamic)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), args, str(path), input_names=inputs, output_names=outputs,
                          dynamic_shapes=shapes, dynamo=True, external_data=False, opset_version=OPSET,
                          verbose=False, report=False)
    _strip_metadata(path)


def _strip_metadata(path: Path) -> None:
    """Drop what the exporter notes on each node (source lines, this machine's paths): a third of a
    MicroAST file, and nothing the runtime reads."""
    import onnx

    model = onnx.load(str(path))
    for node in model.graph.node:
        del node.metadata_props[:]
    onnx.save(model, str(path))


def store_half(path: Path, min_size: int = 1024) -> None:
    """Keep the larger weights in float16 on disk (half the download) and cast them back to float32
    at the start of the graph, so every computation stays float32."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(path))
    graph, casts = model.graph, []
    for init in list(graph.initializer):
        if init.data_type != TensorProto.FLOAT or np.prod(init.dims) < min_size:
            continue
        half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "_f16")
        graph.initializer.remove(init)
        graph.initializer.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
    for node in reversed(casts):
        graph.node.insert(0, node)
    onnx.save(model, str(path))


def _session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


# ---- the generator -----------------------------------------------------------------------------
def export_generator(studio, out: Path, source: str = "shipped", half: bool = False) -> dict:
    """generator.onnx and generator.web.json (latent size, classes, named directions of both methods);
    half: then its weights are stored as float16 and checked again, within HALF_TOLERANCE."""
    from studio.digits import MAX_SEED, SLIDER_RANGE
    from studio.digits.pipeline import MAX_LATENT
    from studio.digits.directions import METHODS

    if studio.latent_dim < 16:
        raise ExportError(f"the browser draws latents of 16 numbers or more; this generator has {studio.latent_dim}")
    out.mkdir(parents=True, exist_ok=True)
    g, n = studio.generator.eval(), 16
    z = torch.randn(n, studio.latent_dim, generator=torch.Generator().manual_seed(0))
    y = torch.eye(studio.generator.config.num_classes)[torch.arange(n) % studio.generator.config.num_classes] if studio.conditional else None
    path = out / files.GENERATOR
    if y is None:
        _export(_Unconditional(g), (z,), path, ["z"], ["image"], [[0]])
    else:
        _export(g, (z, y), path, ["z", "y"], ["image"], [[0], [0]])
    feeds = {"z": z.numpy()} | ({"y": y.numpy()} if y is not None else {})
    with torch.no_grad():
        want = g(z, y).numpy()
    report = _checked("generator", path, feeds, [want], half)
    meta = {
        "format": META_FORMAT, "source": source, "max_latent": MAX_LATENT, "latent_dim": studio.latent_dim, "num_classes": studio.generator.config.num_classes,
        "conditional": studio.conditional, "image_size": int(want.shape[-1]), "channels": int(want.shape[1]),
        "classes": list(studio.classes), "max_seed": MAX_SEED,
        "slider_range": SLIDER_RANGE, "metrics": studio.config.get("metrics") or {},
        "directions": {m: [{"label": d.label(i), "vector": [round(float(v), 7) for v in d.vector]}
                           for i, d in enumerate(studio.direction_set(m))] for m in METHODS},
        "method_labels": dict(METHODS),
    }
    (out / files.GENERATOR_META).write_text(json.dumps(meta))
    return report


def _checked(name: str, path: Path, feeds: dict, want: list, half: bool) -> dict:
    """Compare the file's outputs with PyTorch's (then again after store_half when `half`)."""
    report = {"file": path.name}
    for key, tolerance in (("max_abs_error", GENERATOR_TOLERANCE), ("half_max_abs_error", HALF_TOLERANCE)):
        if key == "half_max_abs_error":
            if not half:
                break
            store_half(path)
        got = _session(path).run(None, feeds)
        error = max(float(np.abs(a - b).max()) for a, b in zip(got, want))
        if error > tolerance:
            raise ExportError(f"the exported {name} differs from PyTorch by {error:.2g} (at most {tolerance:.2g})")
        report[key] = error
    return report | {"bytes": path.stat().st_size}


class _Unconditional(nn.Module):
    def __init__(self, g):
        super().__init__()
        self.g = g

    def forward(self, z):
        return self.g(z, None)


def export_encoder(generator, out: Path, half: bool = False) -> dict | None:
    """encoder.onnx: a 28 x 28 drawing in [-1, 1] -> (latent, class logits), when this generator has one."""
    from studio.digits.invert import matching_encoder

    encoder = matching_encoder(generator)
    if encoder is None:
        return None
    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    path = out / files.ENCODER
    _export(encoder.eval(), (x,), path, ["drawing"], ["latent", "logits"], [[0]])
    with torch.no_grad():
        want = [t.numpy() for t in encoder(x)]
    return _checked("encoder", path, {"drawing": x.numpy()}, want, half)
