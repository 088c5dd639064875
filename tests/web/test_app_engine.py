"""The app's browser engine folder: named by the weights, made once, never half-served, off on failure."""

import json

import pytest
import torch

from studio.web import app_engine, files


@pytest.fixture
def studio():
    from studio.digits import DigitStudio

    return DigitStudio.from_checkpoint("shipped")


def fake_export(spec, out):
    (out / files.GENERATOR).write_bytes(b"onnx")
    (out / files.GENERATOR_META).write_text(json.dumps({"source": spec}))


@pytest.fixture
def offline(monkeypatch):
    """No child process and no runtime tarball: the export and the runtime's install are stand-ins."""
    calls = []
    monkeypatch.setattr(app_engine, "_export", lambda spec, out: (calls.append(spec), fake_export(spec, out)))
    monkeypatch.setattr(app_engine.runtime, "install", lambda folder: (folder / "LICENSE.txt").write_text("MIT"))
    return calls


def test_the_digest_names_the_weights(studio):
    from studio.digits import DigitStudio

    again = DigitStudio.from_checkpoint("shipped")
    assert app_engine.weights_digest(studio) == app_engine.weights_digest(again)
    with torch.no_grad():
        next(again.generator.parameters()).add_(1e-3)
    assert app_engine.weights_digest(studio) != app_engine.weights_digest(again)


def test_ready_once_prepared_and_only_for_that_generator(tmp_path, studio, offline):
    from studio.digits import DigitStudio

    engine = app_engine.BrowserDigits(tmp_path / "web")
    assert engine.info(studio) is None
    engine.start("shipped", studio).join()
    info = engine.info(studio)
    key = app_engine.weights_digest(studio)
    assert info == {"base": str(tmp_path / "web"), "models": f"models/{key}/"}
    assert {p.name for p in (tmp_path / "web").iterdir()} >= {"engine.js", "digits.js", "seeds.js", "models", "ort"}
    assert engine.info(DigitStudio.from_checkpoint("shipped")) is None  # another visitor's own load
    # a second app start reuses the export
    app_engine.BrowserDigits(tmp_path / "web").start("shipped", studio).join()
    assert offline == ["shipped"]
    assert not [p for p in (tmp_path / "web" / "models").iterdir() if p.name.startswith(".")]


def test_a_failed_export_leaves_pages_on_the_server(tmp_path, studio, monkeypatch):
    def broken(spec, out):
        (out / files.GENERATOR).write_bytes(b"half")
        raise RuntimeError("export-web exited with 1")

    monkeypatch.setattr(app_engine, "_export", broken)
    monkeypatch.setattr(app_engine.runtime, "install", lambda folder: (folder / "LICENSE.txt").write_text("MIT"))
    engine = app_engine.BrowserDigits(tmp_path / "web")
    engine.start("shipped", studio).join()
    assert engine.info(studio) is None
    assert "exited with 1" in engine.error
    assert list((tmp_path / "web" / "models").iterdir()) == []  # nothing half-written is served


def test_no_generator_no_engine(tmp_path):
    assert app_engine.BrowserDigits(tmp_path).start("broken", None) is None
