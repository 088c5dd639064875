"""How long a run takes, measured before it starts, and nothing written while measuring."""

import re

import pytest

from studio.cli import main
from studio.training.estimate import describe, steps_per_second

from pictures import folder_of_squares


def test_a_rate_is_measured_on_the_runs_own_shape(tiny_config, tmp_path):
    data = folder_of_squares(tmp_path / "squares")
    rate = steps_per_second(tiny_config(data=str(data), size=32, out=str(tmp_path / "run")))
    assert rate > 0 and not (tmp_path / "run").exists()
    cfg = tiny_config(steps=6000)
    assert describe(cfg, 10.0) == ("about 10 min for 6,000 steps (10.0 steps/s measured here just now; evaluations "
                                   "and sample grids add to it)")
    assert describe(tiny_config(steps=100_000), 10.0).startswith("about 2.8 h")


def test_the_cli_prints_it_and_trains_nothing(tmp_path, capsys):
    data = folder_of_squares(tmp_path / "squares")
    out = tmp_path / "run"
    assert main(["train", "--estimate", "--data", str(data), "--steps", "600", "--batch-size", "8",
                 "--g-channels", "8", "--d-channels", "8", "--out", str(out)]) == 0
    assert re.search(r"about \d+ min for 600 steps \([\d.]+ steps/s measured here", capsys.readouterr().out)
    assert not out.exists()


def test_on_zero_gpu_the_estimate_is_timed_on_the_cpu(tiny_config, monkeypatch):
    """An estimate runs in a handler thread, where `spaces` forbids starting CUDA: it never asks for it."""
    from studio.training import estimate, trainer

    class Built(Exception):
        pass

    devices = []

    def record(cfg, *args, **kwargs):
        devices.append(cfg.device)
        raise Built

    monkeypatch.setattr(estimate, "zero_gpu", lambda: True)
    monkeypatch.setattr(trainer, "Trainer", record)
    with pytest.raises(Built):
        estimate.steps_per_second(tiny_config(device="auto"))
    assert devices == ["cpu"]
    assert "on this Space's CPU" in estimate.describe(tiny_config(device="auto", steps=100), 5.0)
