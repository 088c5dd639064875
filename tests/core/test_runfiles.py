"""The file names of a run and a checkpoint are spelled in one module only."""

import re
from pathlib import Path

from studio.core import runfiles
from studio.core.runfiles import RunFolder, generator_in

STUDIO = Path(__file__).resolve().parents[2] / "studio"
NAMES = [runfiles.GENERATOR, runfiles.STATE, runfiles.METRICS, runfiles.JOB, runfiles.LOG, runfiles.ENCODER,
         runfiles.CLASSIFIER, runfiles.GENERATOR_CONFIG]


def test_each_file_name_is_spelled_once_under_studio():
    for name in NAMES:
        places = [f"{p.relative_to(STUDIO)}:{i}" for p in STUDIO.rglob("*.py")
                  for i, line in enumerate(p.read_text().splitlines(), 1)
                  if re.search(rf"[\"']{re.escape(name)}[\"']", line)]
        assert len(places) == 1 and places[0].startswith("core/runfiles.py:"), (name, places)


def test_a_run_folder_or_a_file_names_its_generator(tmp_path):
    assert generator_in(tmp_path) == tmp_path / "generator.safetensors"
    assert generator_in(tmp_path / "mine.safetensors") == tmp_path / "mine.safetensors"


def test_run_folder_paths(tmp_path):
    run = RunFolder(tmp_path)
    assert (run.state, run.metrics, run.sample(500)) == (
        tmp_path / "state.safetensors", tmp_path / "metrics.jsonl", tmp_path / "samples" / "step_0000500.png")
    assert not run.has_generator() and run.samples() == []
    run.sample(500).parent.mkdir()
    run.sample(500).write_bytes(b"png")
    assert run.samples() == [run.sample(500)]
