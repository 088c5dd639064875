"""The one command line: every subcommand answers --help, bad input exits 2 with a message."""

import io
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

from studio.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def run(*args, env=None, timeout=120):
    """`python -m studio ARGS` as a child process: the real command line."""
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, **(env or {})})


def run_here(*args):
    """The same command in this process (main() and its exit status): a fraction of a second."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse's own refusals and --help
            code = e.code
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def subcommands(parser=None, prefix=()):
    """Every leaf command as a tuple of words, found from the parser itself."""
    import argparse

    parser = parser or build_parser()
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += subcommands(sub, prefix + (name,)) or [prefix + (name,)]
    return found


def test_every_capability_has_its_commands():
    names = {" ".join(c) for c in subcommands()}
    assert {"sample", "evaluate", "directions", "train", "train-classifier", "stylize", "deploy", "hub push",
            "hub pull", "examples"} <= names


@pytest.mark.app
def test_top_level_help_lists_every_command_with_a_line():
    r = run("--help")
    assert r.returncode == 0, r.stderr
    for name in {c[0] for c in subcommands()}:
        line = next((ln for ln in r.stdout.splitlines() if ln.strip().startswith(name)), "")
        assert line, f"{name} missing from --help"


@pytest.mark.parametrize("words", subcommands(), ids=lambda w: "-".join(w))
def test_each_subcommand_has_help(words):
    r = run_here(*words, "--help")
    assert r.returncode == 0, r.stderr
    assert "usage:" in r.stdout and words[-1] in r.stdout


@pytest.mark.parametrize("args, message", [
    (("sample", "--count", "0", "--out", "x.npz"), "--count must be"),
    (("sample", "--count", "5", "--label", "eleven", "--out", "x.npz"), "label must be"),
    (("evaluate", "--n-per-class", "3"), "--n-per-class must be"),
    (("train", "--out", "unused", "--lr-g", "-1"), "--lr-g"),
    (("stylize", "a.png", "b.png", "-o", "out.gif"), "--out must end in"),
    (("stylize", "missing.png", "missing2.png", "-o", "out.png", "--strength", "5"), "strength must be between"),
    (("hub", "pull", "not a repo"), "is not a Hub repo id"),
    (("directions", "--count", "99"), "--count must be"),
    (("nonsense",), "invalid choice"),
    ((), "required"),
])
def test_bad_input_exits_2_with_a_message(args, message, tmp_path):
    r = run_here(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr and "Traceback" not in r.stderr


@pytest.mark.app
def test_classic_method_without_vgg_weights_says_so(tmp_path, photos, paintings):
    """No network and no cached VGG-19: a clear message and exit 2, never a traceback."""
    env = {"STUDIO_CACHE_DIR": str(tmp_path / "cache"), "TORCH_HOME": str(tmp_path / "torch"),
           "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    r = run("stylize", str(photos[0]), str(paintings[0]), "-o", str(tmp_path / "o.png"), "--method", "classic",
            "--steps", "1", env=env)
    assert r.returncode == 2, r.stderr
    assert "VGG-19 weights are unavailable" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.app
def test_console_script():
    """scripts/test.sh installs the project (pip install -e .), which puts gan-studio beside python."""
    exe = shutil.which("gan-studio", path=str(Path(sys.executable).parent))
    assert exe, "gan-studio is not installed beside this python: run pip install -e ."
    r = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("usage: gan-studio")


@pytest.mark.app
def test_invert_json_lines_twins_and_a_bad_file(tmp_path):
    import json

    from PIL import Image, ImageDraw

    one = tmp_path / "my one.png"
    img = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(img).line([(100, 20), (100, 180)], fill="black", width=14)
    img.save(one)
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    blank = tmp_path / "blank.png"
    Image.new("RGB", (100, 100), "white").save(blank)
    r = run("invert", str(one), str(bad), str(blank), "--json", "--out-dir", str(tmp_path / "twins"))
    assert r.returncode == 2, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == 1 and lines[0]["file"] == str(one) and lines[0]["digit"] == 1
    assert {"digit", "confidence", "latent", "error", "seconds"} <= set(lines[0]) and len(lines[0]["latent"]) == 64
    assert f"{bad}: the drawing is not an image format" in r.stderr and f"{blank}: the drawing is empty" in r.stderr
    twin = Image.open(tmp_path / "twins" / "my_one_twin.png")
    assert twin.size == (28, 28) and twin.mode == "L"
    assert "Traceback" not in r.stderr
