"""Evaluator on real data with the shipped classifier: the known answers."""

import json
import subprocess
import sys

import pytest
import torch

from studio.core import paths
from studio.core.images import to_model_range
from studio.digits.data import load_mnist
from studio.evaluation.evaluator import Evaluator, generate_balanced


@pytest.fixture(scope="module")
def evaluator(mnist_available):
    return Evaluator(paths.DEFAULT_CLASSIFIER, mnist_available)


@pytest.mark.slow  # the whole MNIST test set through the real classifier: 25 s
def test_real_test_images_are_classified(evaluator):
    x, y = load_mnist(train=False)
    scores = evaluator.score_images(to_model_range(x), y)
    assert scores["class_accuracy"] >= 0.99
    assert scores["fid"] == pytest.approx(0.0, abs=1e-3)  # identical sets
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0
    assert scores["coverage"] == 1.0
    assert scores["density"] == pytest.approx(6 / 5, abs=0.01)  # a copy of the reals: (k+1)/k
    assert max(scores["class_fids"]) == pytest.approx(0.0, abs=1e-3)
    assert scores["inception_score"] > 9.5


@pytest.mark.slow
def test_fid_floor_small_but_positive(evaluator):
    floor = evaluator.fid_floor(n=2000)  # small samples bias FID upward: 3.8 at 10k, about 8 at 2k
    assert 0 < floor < 15


@pytest.mark.slow
def test_noise_scores_badly(evaluator):
    noise = torch.rand(1000, 1, 28, 28) * 2 - 1
    s = evaluator.score_images(noise, torch.arange(1000) % 10)
    assert s["class_accuracy"] < 0.5 and s["precision"] < 0.2 and s["fid"] > 50
    assert s["coverage"] < 0.2 and min(s["class_fids"]) > 50


def test_generate_balanced(tiny_generator):
    imgs, labels = generate_balanced(tiny_generator, 3, seed=0)
    assert imgs.shape == (30, 1, 28, 28)
    assert torch.bincount(labels).tolist() == [3] * 10


@pytest.mark.slow
def test_shipped_generator_meets_the_bar(evaluator):
    """The acceptance bar on 10,000 samples (1,000 per class)."""
    from studio.digits.checkpoints import load_generator
    from studio.evaluation.evaluator import evaluate_generator

    g, config = load_generator(paths.DEFAULT_GENERATOR)
    s = evaluate_generator(g, evaluator, 1000, seed=0)
    floor = evaluator.floor()
    assert s["class_accuracy"] >= 0.995
    assert s["inception_score"] >= 9.8
    assert s["fid"] <= 2 * floor["fid_floor"]
    for measure in ("precision", "recall", "coverage"):
        assert s[measure] >= 0.95 * floor[f"{measure}_floor"], measure
    # the figures recorded in the checkpoint are the ones this evaluator measures
    assert config["metrics"]["class_accuracy"] == pytest.approx(s["class_accuracy"], abs=1e-4)


@pytest.mark.app
def test_cli_json(tmp_path, tiny_generator):
    from studio.digits.checkpoints import save_generator

    path = save_generator(tmp_path / "g.safetensors", tiny_generator)
    r = subprocess.run([sys.executable, "-m", "studio", "evaluate", "--generator", str(path), "--n-per-class", "20",
                        "--no-floor", "--json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["n"] == 200 and 0 <= s["class_accuracy"] <= 1 and s["fid"] > 0
    assert 0 <= s["coverage"] <= 1 and s["density"] >= 0 and len(s["class_fids"]) == 10


def test_report_puts_each_measure_beside_its_floor():
    from studio.cli.evaluation import report

    text = report({"n": 100, "fid": 8.0, "fid_floor": 4.0, "coverage": 0.9, "coverage_floor": 0.95,
                   "class_fids": [1.0, 2.0], "class_fids_floor": [0.5, 0.6], "seconds": 3})
    assert "fid" in text and "2.000" in text  # 8 / 4
    assert "0: 1.00 (0.50)" in text and "1: 2.00 (0.60)" in text


@pytest.mark.app
def test_cli_missing_generator(tmp_path):
    r = subprocess.run([sys.executable, "-m", "studio", "evaluate", "--generator", str(tmp_path / "x.safetensors")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_a_second_evaluator_reuses_the_test_sets_features(mnist_available, monkeypatch):
    """A run trained in bursts builds an evaluator per burst: the 10,000 embeddings are made once a process."""
    from studio.evaluation import evaluator as mod

    first = mod.Evaluator(data_root=mnist_available).real()
    monkeypatch.setattr(mod.Evaluator, "embed", lambda *a, **k: pytest.fail("embedded the test set again"))
    assert mod.Evaluator(data_root=mnist_available).real() is first
