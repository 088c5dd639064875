"""--data SPEC: what each form reads, and a clear message for what it cannot."""

import json
import os
from pathlib import Path

import pytest

from studio.cli import main
from studio.datasets.imageset import DataSourceError
from studio.datasets.sources import check_spec, load, prepare


@pytest.mark.parametrize("spec, message", [
    ("torchvision:SVHN", "unknown torchvision set 'SVHN'"),
    ("hf:not a repo", "not a Hugging Face dataset id"),
    ("hf:../../etc", "not a Hugging Face dataset id"),
    ("missing.zip", "no archive 'missing.zip'"),
    ("no/such/folder", "neither an existing folder nor a .zip"),
    ("", "--data is empty"),
])
def test_bad_specs_say_what_is_accepted(spec, message):
    with pytest.raises(DataSourceError, match=message):
        check_spec(spec)


def test_bad_settings_exit_2(tmp_path, capsys):
    assert main(["data", str(tmp_path), "--size", "48"]) == 2
    assert "size must be one of 32, 64" in capsys.readouterr().err
    assert main(["data", str(tmp_path), "--background", "pink"]) == 2
    assert "background must be one of white, black" in capsys.readouterr().err


@pytest.mark.slow
def test_openmoji_report_and_preview(tmp_path, capsys):
    folder = Path(os.environ["STUDIO_DATA_DIR"]) / "openmoji"
    if not folder.is_dir():
        pytest.skip("the OpenMoji set is not in the data folder")
    assert main(["data", str(folder), "--json", "--preview", str(tmp_path / "p.png")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["images"] == 4486 and report["channels"] == "colour" and len(report["classes"]) == 11
    assert report["classes"]["people-body"] == 2418 and (tmp_path / "p.png").stat().st_size > 0
    assert any("transparency flattened onto white" in n for n in report["notes"])


@pytest.mark.slow
def test_a_run_reads_its_set_once(tmp_path, mnist_available):
    first = prepare("torchvision:MNIST", 32, tmp_path / "run")
    assert (tmp_path / "run" / "dataset.npz").is_file() and (tmp_path / "run" / "dataset.png").is_file()
    again = prepare("torchvision:does-not-matter", 32, tmp_path / "run")  # read back, not from the source
    assert again.images.shape == first.images.shape == (60000, 32, 32, 1) and again.classes == first.classes
    assert load("torchvision:MNIST", 64).images.shape == (60000, 64, 64, 1)
