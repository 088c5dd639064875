"""Everything the browser needs from the studio's models, in one folder: `export-web`."""

from __future__ import annotations

from pathlib import Path

from studio.core.errors import storage
from studio.web import files


def export_models(generator: str | None = "shipped", out: Path = Path("web") / files.MODELS, style: bool = True,
                  pictures: tuple[list, list] | None = None, half: bool = False) -> list[dict]:
    """Export the generator (its JSON too) and its twin encoder, and MicroAST when `style`;
    `pictures` = (photos, paintings) to check the style export on (default: the Style tab's examples);
    half: weights stored as float16 (half the download), checked again after."""
    from studio.digits import DigitStudio
    from studio.digits.resolve import display_name
    from studio.web.export import export_encoder, export_generator

    studio = DigitStudio.from_checkpoint(generator)
    out = Path(out)
    with storage(f"writing {out}"):
        reports = [export_generator(studio, out, display_name(generator), half)]
        encoder = export_encoder(studio.generator, out, half)
        reports += [encoder] if encoder else []
        if style:
            reports += _export_style(out, pictures, half)
    return reports


def _export_style(out: Path, pictures, half: bool) -> list[dict]:
    from PIL import Image

    from studio.style.examples import example_pairs
    from studio.style.weights import load_microast
    from studio.web.export_style import export_microast

    if pictures is None:
        pairs, _ = example_pairs()
        photos = [Image.open(p) for p in dict.fromkeys(pair[0] for pair in pairs)]
        paintings = [Image.open(p) for p in dict.fromkeys(pair[1] for pair in pairs)]
        pictures = (photos, paintings)
    return export_microast(load_microast(), out, *pictures, half=half)


def load_generators(specs: list[str]) -> list[tuple[str, object]]:
    """(name, DigitStudio) for each of the Generate tab's generators, loaded (and so checked) before
    anything is written."""
    from studio.digits.pipeline import GanStudio
    from studio.digits.resolve import display_name

    return [(display_name(spec), GanStudio.from_checkpoint(spec)) for spec in specs]


def export_generators(chosen: list[tuple[str, object]], out: Path) -> list[dict]:
    """The Generate tab's generators (from load_generators): each in out/generators/<name>/ (its ONNX and
    JSON), listed with its name and classes in out/generators.json; none: no list, and no Generate tab."""
    import json
    import re

    from studio.web.export import export_generator

    listed, reports = [], []
    for name, studio in chosen:
        folder = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "generator"
        while any(g["folder"] == folder for g in listed):
            folder += "-2"
        with storage(f"writing {out}"):
            reports.append(export_generator(studio, out / files.GENERATORS / folder, name, half=True))
        listed.append({"name": name, "folder": folder, "classes": list(studio.classes),
                       "image_size": studio.generator.config.image_size, "channels": studio.generator.config.image_channels})
    if listed:
        (out / files.GENERATORS_LIST).write_text(json.dumps(listed))
    return reports
