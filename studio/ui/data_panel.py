"""The Train tab's data: MNIST (the shipped generator's data) or a zip of your own pictures, read
and previewed as the trainer will read it before a run starts (studio.datasets)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr

from studio.datasets.sources import load
from studio.training.jobs import JobError
from studio.core.errors import UserError
from studio.ui.common import user_errors, warning_line
from studio.ui.state import VISITORS

SOURCES = ("MNIST (28 px, as the shipped generator)", "My pictures (a .zip)")


def data_spec(source, archive) -> str | None:
    """What Start passes as --data: None for MNIST, else the uploaded archive (which the trainer
    checks again and unpacks inside the run folder)."""
    if source != SOURCES[1]:
        return None
    if not archive:
        raise JobError("upload a .zip of your pictures first (one sub-folder per class, or none)")
    return str(archive)


def report_text(report: dict) -> str:
    classes = report["classes"]
    shown = ", ".join(f"{name} {n:,}" for name, n in list(classes.items())[:12])
    more = f" and {len(classes) - 12} more classes" if len(classes) > 12 else ""
    lines = [f"**{report['images']:,} pictures** at {report['size']} px, {report['channels']} · "
             f"{len(classes) if len(classes) > 1 else 'no'} classes: {shown}{more}"]
    lines += [f"- {note}" for note in report["notes"]]
    if report["skipped"]:
        lines.append(f"- **{report['skipped']:,} skipped**: " + "; ".join(report["skipped_examples"][:5]))
    return "\n".join(lines)


def read(archive, size, background):
    """The upload as the trainer will read it (unpacked for the look, then gone): a set that cannot
    be trained on (empty, no pictures, hostile) raises its UserError here, before any run starts."""
    with tempfile.TemporaryDirectory(prefix="studio-data-") as work:
        return load(str(archive), int(size), Path(work), background)


@user_errors
def inspect(source, archive, size, background):
    """The upload as the trainer will read it: counts per class, what was done, what was skipped, a
    grid; or one line beside the upload saying why it cannot be used."""
    if source != SOURCES[1]:
        return "", gr.update(value=None, visible=False), gr.skip()
    if not archive:  # emptied (by the person, or below after a refusal): whatever was said stays
        return gr.skip(), gr.update(value=None, visible=False), gr.skip()
    try:
        images = read(archive, size, background)
    except UserError as e:  # the zip is taken off the slot, and why is said beside it
        return warning_line(str(e)), gr.update(value=None, visible=False), None
    return report_text(images.report()), gr.update(value=images.preview(), visible=True), gr.skip()


def build() -> dict:
    with gr.Group():
        source = gr.Radio(list(SOURCES), value=SOURCES[0], label="Data", elem_id="train-data-source")
        archive = gr.File(label="A .zip of your pictures: one sub-folder per class (none: no classes)",
                          file_types=[".zip"], visible=False, elem_id="train-data-zip")
        report = gr.Markdown(elem_id="train-data-report")
        preview = gr.Image(label="What the trainer will see (a row per class)", type="pil", interactive=False,
                           visible=False, height=220, elem_id="train-data-preview")
    source.change(lambda s: gr.update(visible=s == SOURCES[1]), source, archive, api_visibility="private",
                  queue=False)
    return dict(source=source, archive=archive, report=report, preview=preview)


def wire(panel: dict, size, background) -> None:
    """Read the upload again whenever it, the size or the background changes."""
    inputs = [panel["source"], panel["archive"], size, background]
    for control in (panel["source"], panel["archive"], size, background):
        control.change(**VISITORS.fair("load", inspect), inputs=inputs, outputs=[panel["report"], panel["preview"], panel["archive"]],
                       api_visibility="private")
