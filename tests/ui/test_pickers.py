"""studio.ui.pickers: runs are listed by their names, never by server paths, and only listed names load."""

import shutil

from studio.core import paths
from studio.ui import pickers


def test_runs_are_listed_by_name_and_a_name_resolves_to_its_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_RUNS_DIR", str(tmp_path))
    monkeypatch.setenv("STUDIO_PUBLIC", "0")
    run = tmp_path / "my-first-run"
    run.mkdir()
    shutil.copy(paths.DEFAULT_GENERATOR, run / "generator.safetensors")
    (tmp_path / "no-generator-yet").mkdir()
    assert pickers.model_choices() == ["shipped", "my-first-run"]
    assert pickers.listed_spec("my-first-run") == str(run)
    assert pickers.listed_spec(str(run)) == str(run), "API clients may still name the folder"
    assert pickers.listed_spec("shipped") == "shipped"
    for unlisted in ("no-generator-yet", "/etc", "../my-first-run", str(tmp_path)):
        assert pickers.listed_spec(unlisted) is None, unlisted
