"""The Train tab's settings form, derived from TrainConfig's fields: each control from its Spec."""

from __future__ import annotations

import gradio as gr

from studio.core.settings import specs
from studio.training.config import TrainConfig
from studio.ui.common import Number

FORM = {name: s for name, s in specs(TrainConfig).items() if s.form}  # out, data_root, resume: the app's to set


def field(name: str, value):
    """The form control of one TrainConfig field, from its Spec."""
    s = FORM[name]
    label, elem_id = s.label[0].upper() + s.label[1:], f"train-{name.replace('_', '-')}"
    # The help line only where it says more than the label ("Seed: random seed" does not).
    info = s.help if len(s.help) > 30 and not s.help.lower().startswith(s.label.lower()) else None
    common = dict(label=label, info=info, elem_id=elem_id)
    if s.kind is bool:
        return gr.Checkbox(value, **common)
    if s.choices and len(s.choices) <= 3:
        return gr.Radio(list(s.choices), value=value, **common)
    if s.choices:
        return gr.Dropdown(list(s.choices), value=value, **common)
    if s.kind is str:
        return gr.Textbox(value or "", max_lines=1, max_length=int(s.hi or 300), **common)
    return Number(value, minimum=s.lo, min_width=140, **common)


def form(values: dict) -> dict:
    """Every form field, the main ones first and the rest in an accordion; returns name -> control."""
    controls = {}
    for section in ("main", "more"):
        names = [n for n, s in FORM.items() if s.form == section]
        with (gr.Group() if section == "main" else gr.Accordion("Optimiser and more", open=False)):
            for row in range(0, len(names), 2):
                with gr.Row():  # rows wrap on a phone: each control keeps a minimum width
                    for name in names[row:row + 2]:
                        controls[name] = field(name, values[name])
    return controls
