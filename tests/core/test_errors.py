"""One line between a person's mistake and a bug: UserError's message reaches them; anything
else is logged with its traceback and they see "internal error (logged)"."""

import importlib
import inspect
import logging
import pkgutil

import gradio as gr
import pytest

import studio
from studio.cli import main
from studio.core.errors import INTERNAL, UserError


def studio_exceptions():
    found = {}
    for info in pkgutil.walk_packages(studio.__path__, "studio."):
        if info.name == "studio.__main__":
            continue  # runs the CLI when imported
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == info.name:
                found[f"{info.name}.{name}"] = obj
    return found


def test_every_exception_under_studio_is_a_user_error_or_documented_internal():
    found = studio_exceptions()
    assert len(found) >= 15
    loose = [name for name, cls in found.items() if not issubclass(cls, UserError) and cls.__name__ not in INTERNAL]
    assert not loose, f"subclass UserError, or document it in studio.core.errors.INTERNAL: {loose}"
    assert all(reason for reason in INTERNAL.values())


def _bug(*args, **kwargs):
    raise KeyError("an internal slot")


def test_cli_internal_bug_exits_1_with_the_traceback_logged(monkeypatch, capsys, caplog, tmp_path):
    import studio.digits.sample

    monkeypatch.setattr(studio.digits.sample, "generate_dataset", _bug)
    with caplog.at_level(logging.ERROR, logger="studio"):
        code = main(["sample", "--count", "3", "--out", str(tmp_path / "x.npz")])
    err = capsys.readouterr().err
    assert code == 1 and "internal error (logged): KeyError" in err and "an internal slot" not in err
    [record] = [r for r in caplog.records if r.exc_info]
    assert "an internal slot" in caplog.text and "Traceback" in caplog.text and "_bug" in caplog.text
    assert record.exc_info[0] is KeyError


def test_cli_user_error_exits_2_with_its_message(monkeypatch, capsys, tmp_path):
    import studio.digits.sample
    from studio.core.inputs import InputError

    def refuse(*args, **kwargs):
        raise InputError("no digits today")

    monkeypatch.setattr(studio.digits.sample, "generate_dataset", refuse)
    assert main(["sample", "--count", "3", "--out", str(tmp_path / "x.npz")]) == 2
    assert capsys.readouterr().err == "error: no digits today\n"


def test_ui_internal_bug_shows_internal_error_and_logs_the_traceback(monkeypatch, caplog):
    from studio.ui import digits_tab
    from studio.ui.state import GENERATOR

    monkeypatch.setattr(GENERATOR, "get", _bug)
    with caplog.at_level(logging.ERROR, logger="studio.ui"), pytest.raises(gr.Error) as raised:
        digits_tab.render("4", "none", 0.5, 3, 1.0, *[0.0] * 8, "pca", None)
    assert raised.value.message == "internal error (logged): KeyError"
    assert "an internal slot" in caplog.text and "Traceback" in caplog.text


def test_ui_user_error_shows_its_own_message():
    from studio.ui import digits_tab
    from studio.ui.state import GENERATOR

    GENERATOR.load("shipped")

    with pytest.raises(gr.Error, match="seed must be"):
        digits_tab.render("4", "none", 0.5, -5, 1.0, *[0.0] * 8, "pca", None)


def test_generator_handlers_are_wrapped_too(caplog):
    from studio.ui.common import user_errors

    @user_errors
    def stream():
        yield 1
        raise ZeroDivisionError

    with caplog.at_level(logging.ERROR, logger="studio.ui"), pytest.raises(gr.Error, match="internal error"):
        list(stream())
    assert "ZeroDivisionError" in caplog.text


def test_messages_for_visitors_lose_server_folders_and_errno_numbers():
    from studio.core.errors import public_text

    text = ("could not read /tmp/gradio/9f1c/clip.mp4: [Errno 1094995529] Invalid data; "
            "see https://huggingface.co/bob/x, runs/a")
    assert public_text(text) == "could not read clip.mp4: Invalid data; see https://huggingface.co/bob/x, runs/a"


def test_the_ui_shows_user_errors_without_server_paths():
    from studio.core.files import CheckpointError
    from studio.ui.common import as_message

    e = as_message(CheckpointError("/srv/app/runs/run-1/generator.safetensors is not a readable safetensors file"),
                   "test")
    assert e.message == "generator.safetensors is not a readable safetensors file"


def test_generators_are_named_without_server_paths():
    from studio.digits.resolve import display_name

    assert display_name("/srv/app/runs/run-20261201-101500/generator.safetensors") == "run-20261201-101500"
    assert display_name("/srv/app/my.safetensors") == "my.safetensors"
    assert (display_name(None), display_name("hf://bob/digits")) == ("shipped", "hf://bob/digits")
