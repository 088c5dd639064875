"""Where the studio reads its data: a variable wins, then a `shared` folder beside the repository."""

from studio.core import paths


def test_a_shared_folder_beside_the_repository_is_found_without_variables(tmp_path, monkeypatch):
    (tmp_path / "shared" / "weights" / "microast").mkdir(parents=True)
    (tmp_path / "shared" / "images").mkdir()
    monkeypatch.setenv("STUDIO_SHARED_DIR", str(tmp_path / "shared"))
    for name in ("STUDIO_WEIGHTS_DIR", "STUDIO_EXAMPLES_DIR", "STUDIO_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert paths.weights_dir() == tmp_path / "shared" / "weights" / "microast"
    assert paths.examples_dir() == tmp_path / "shared" / "images"
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    assert paths.data_dir() == tmp_path / "cache" / "data", "no shared/data: the download cache"


def test_a_variable_wins_over_the_shared_folder(tmp_path, monkeypatch):
    (tmp_path / "shared" / "data").mkdir(parents=True)
    monkeypatch.setenv("STUDIO_SHARED_DIR", str(tmp_path / "shared"))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "mine"))
    assert paths.data_dir() == tmp_path / "mine"
    assert paths.data_dir("flag") == paths.Path("flag")
    monkeypatch.delenv("STUDIO_DATA_DIR")
    assert paths.data_dir() == tmp_path / "shared" / "data"
