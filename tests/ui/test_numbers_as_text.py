"""Numbers as text are read the same way by every handler: "42" is 42, "abc" is a message naming the
input (API callers send text; JSON cannot carry NaN or infinity at all)."""

import gradio as gr
import numpy as np
import pytest

from studio.ui import digits_tab, live_panel, tools
from studio.ui.state import GENERATOR


@pytest.fixture(scope="module", autouse=True)
def shipped():
    GENERATOR.load("shipped")


def test_digit_endpoints_read_numeric_text_as_numbers():
    as_numbers = digits_tab.render(3, "none", 0.5, 42, 1.0, *[0.5] * 8, "pca", None)
    as_text = digits_tab.render("3", "none", "0.5", "42", "1", *["0.5"] * 8, "pca", None)
    assert as_text == as_numbers
    assert np.array_equal(np.asarray(tools.draw_digit("3", "42", "-1", "0.5", "1")),
                          np.asarray(tools.draw_digit(3, 42, -1, 0.5, 1.0)))
    assert np.array_equal(np.asarray(tools.digit_grid("7", "1")), np.asarray(tools.digit_grid(7, 1.0)))


@pytest.mark.parametrize("call, name", [
    (lambda v: tools.draw_digit(3, v, -1, 0.5, 1), "seed"),
    (lambda v: tools.digit_grid(7, v), "truncation"),
    (lambda v: digits_tab.render(3, "none", v, 42, 1, *[0] * 8, "pca", None), "blend"),
])
@pytest.mark.parametrize("value", ["abc", "nan", "1e999", ""])
def test_digit_endpoints_name_the_input_for_text_that_is_no_number(call, name, value):
    with pytest.raises(gr.Error, match=name):
        call(value)


def test_video_settings_read_numeric_text_and_refuse_the_rest(tmp_path):
    cmd = live_panel._video_command("in.mp4", ["p.jpg"], "out.mp4", "0.5", False, "640", True)
    assert cmd[cmd.index("--strength") + 1] == "0.5" and cmd[cmd.index("--max-size") + 1] == "640"
    for strength, size, name in (("abc", "640", "strength"), ("nan", "640", "strength"), (1, "12.5", "output size"),
                                 (1, "1e9", "output size")):
        with pytest.raises(gr.Error, match=name):
            list(live_panel.paint_video(str(tmp_path / "v.mp4"), "p.jpg", None, None, strength, False, size, True))


def test_a_live_frame_with_a_bad_size_is_a_message_on_the_frame():
    frame = np.zeros((48, 64, 3), np.uint8)
    out, readout, _ = live_panel.live_frame(frame, None, None, None, 1, 1, 1, 1.0, False, "huge", None, None)
    assert "frame size must be a number" in readout and out.shape == frame.shape
