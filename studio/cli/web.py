"""Browser commands: `export-web` (the models as ONNX) and `build-web` (the static studio)."""

from __future__ import annotations

import json
from pathlib import Path

from studio.cli.common import command

EXPORT_DOC = """Export the studio's models as ONNX for onnxruntime-web, each checked against PyTorch.

    python -m studio export-web [--generator SPEC] [--no-style] [--half] --out DIR

Writes generator.onnx with generator.web.json (latent size, classes, named directions of both
methods), encoder.onnx (a drawing's twin proposal, when the generator has one) and MicroAST as
style_encoder.onnx, content_encoder.onnx and decoder.onnx (a painting is encoded once). The
generator and encoder must match PyTorch within 1e-4; MicroAST within 40 dB PSNR on the Style
tab's example photos x paintings. --half stores the weights as float16 (half the download; the
computation stays float32) and checks again: within two grey levels, and 40 dB."""


def register(sub) -> None:
    p = command(sub, "export-web", EXPORT_DOC, "export the models as ONNX for the browser", export_web)
    p.add_argument("--generator", default="shipped", help="shipped, a checkpoint or run folder, or hf://USER/NAME")
    p.add_argument("--out", required=True, help="folder to write the models into")
    p.add_argument("--no-style", action="store_true", help="the generator and encoder only")
    p.add_argument("--half", action="store_true", help="float16 weights on disk, checked again")
    p.add_argument("--json", action="store_true", help="print the report as one JSON line")
    register_site(sub)


def export_web(args) -> int:
    from studio.web.bundle import export_models

    reports = export_models(args.generator, Path(args.out), style=not args.no_style, half=args.half)
    if args.json:
        print(json.dumps(reports))
    for r in reports if not args.json else ():
        check = (f"max abs error {r['max_abs_error']:.1e}" if "max_abs_error" in r
                 else f"min PSNR {r['min_psnr_db']} dB")
        if "half_max_abs_error" in r or "half_min_psnr_db" in r:
            check += (f"; float16 weights: {r['half_max_abs_error']:.1e}" if "half_max_abs_error" in r
                      else f"; float16 weights: {r['half_min_psnr_db']} dB")
        print(f"{r['file']}: {r['bytes'] / 2**20:.1f} MB, {check}")
    return 0


BUILD_DOC = """Write the static studio: Digits, Style and Live computed in the visitor's browser.

    python -m studio build-web DIR [--generator RUN ...] [--no-examples]
    python -m studio serve-web DIR [--port 8000]

DIR gets index.html, its scripts, the models as ONNX (float16 weights, checked), onnxruntime-web
(from the npm registry, integrity checked) and example pictures with their credits. Any static
file server hosts it; serve-web adds the headers that let the page use several threads. Each
--generator (a run folder, a checkpoint or hf://USER/NAME; repeatable) is offered on the page's
Generate tab, with its class names and named sliders; Digits always draws the shipped generator."""


def register_site(sub) -> None:
    p = command(sub, "build-web", BUILD_DOC, "write the static studio (runs in the browser)", build_web)
    p.add_argument("out", help="the site's folder (empty, or an earlier build)")
    p.add_argument("--generator", action="append", default=[], metavar="RUN",
                   help="a generator for the Generate tab: run folder, checkpoint or hf://USER/NAME (repeatable)")
    p.add_argument("--no-examples", action="store_true", help="no example pictures")
    p.add_argument("--json", action="store_true", help="print the report as one JSON line")
    s = command(sub, "serve-web", BUILD_DOC, "serve a built static studio on this machine", serve_web)
    s.add_argument("site")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)


def build_web(args) -> int:
    from studio.web.site import build_site

    report = build_site(Path(args.out), examples=not args.no_examples, generators=args.generator)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"wrote {args.out}: {report['bytes'] / 2**20:.1f} MB ({report['gzip_bytes'] / 2**20:.1f} MB gzip), "
          f"examples {report['examples_bytes'] / 2**20:.1f} MB")
    return 0


def serve_web(args) -> int:
    from studio.web.site import server

    if not 1 <= args.port <= 65535:
        args.parser.error("--port must be from 1 to 65535")
    httpd = server(Path(args.site), args.host, args.port)
    print(f"serving {args.site} on http://{args.host}:{args.port}/ (Ctrl-C stops)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
