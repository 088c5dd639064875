"""The Digits tab's synthetic dataset export, with what the set is worth (its generator's CAS)."""

from __future__ import annotations

import gradio as gr

from studio.core import folders
from studio.core.files import atomic_write_bytes
from studio.core.inputs import check_number
from studio.digits.sample import class_names, generate_dataset, npz_bytes, worth
from studio.ui.common import Number, user_errors
from studio.ui.state import VISITORS

MAX_COUNT = 20_000


def worth_text() -> str:
    slot = VISITORS.generator()
    return worth(slot.studio.config) if slot.studio is not None else ""


@user_errors
def export(count, seed, truncation):
    studio = VISITORS.generator().get()
    count = check_number("pictures", count, 1, MAX_COUNT, integer=True)
    images, labels = generate_dataset(studio.generator, count, None, check_number("seed", seed, 0, 2**31, integer=True),
                                      check_number("truncation", truncation, 0.0, 1.0))
    path = folders.EXPORTS.new_path("digits-", ".npz")
    atomic_write_bytes(path, npz_bytes(images, labels, class_names(studio.generator, studio.config)))
    return gr.update(value=str(path), visible=True), worth_text()


def build(seed, truncation) -> gr.Markdown:
    """Inside the Digits tab; returns the line that says what the set is worth (refreshed on a new generator)."""
    with gr.Accordion("Export a synthetic dataset (.npz: images, labels, classes; the classes balanced)", open=False):
        line = gr.Markdown(worth_text(), elem_id="dataset-worth")
        with gr.Row():
            count = Number(value=10_000, label="Digits", minimum=1, maximum=MAX_COUNT, elem_id="dataset-count")
            button = gr.Button("Export dataset", elem_id="dataset-export")
        file = gr.File(label="Dataset", visible=False, elem_id="dataset-file")
    button.click(export, [count, seed, truncation], [file, line], api_visibility="private")
    return line
