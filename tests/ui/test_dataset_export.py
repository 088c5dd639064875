"""The Digits tab's dataset export: a balanced, named .npz, and the line on what it is worth."""

import numpy as np
import pytest


def test_the_export_is_balanced_named_and_says_its_worth():
    import gradio as gr

    from studio.ui import dataset_export
    from studio.ui.state import GENERATOR

    GENERATOR.load("shipped")
    file, line = dataset_export.export(100, 0, 1.0)
    z = np.load(file["value"])
    assert z["images"].shape == (100, 28, 28) and np.bincount(z["labels"]).tolist() == [10] * 10
    assert z["classes"].tolist() == [str(d) for d in range(10)]
    assert "CAS" in line or "has not been measured" in line
    with pytest.raises(gr.Error, match="pictures"):
        dataset_export.export(10**9, 0, 1.0)
