"""Training in bursts (ZeroGPU's shape, run on the CPU): the same steps as one run, a loadable
checkpoint after every burst, Stop between bursts, continuous curves."""

import json

import pytest

from studio.digits.checkpoints import load_generator
from studio.training.bursts import train_burst, train_in_bursts
from studio.training.trainer import Trainer


def curve(folder):
    return [json.loads(line)["step"] for line in (folder / "metrics.jsonl").read_text().splitlines()
            if '"step"' in line]


def test_three_bursts_reach_the_steps_of_one_run(tiny_config, tmp_path, mnist_available):
    settings = dict(steps=12, log_every=2, sample_every=1000, checkpoint_every=1000, burst_seconds=600)
    whole = Trainer(tiny_config(**settings, out=str(tmp_path / "whole"))).run()
    seen = []

    def after(result):
        load_generator(tmp_path / "bursts" / "generator.safetensors")  # loadable after every burst
        seen.append((result["bursts"], result["step"], result["burst_steps"]))

    result = train_in_bursts(tiny_config(**settings, out=str(tmp_path / "bursts")), on_burst=after, max_steps=4)
    assert result["status"] == "finished" and result["bursts"] == 3
    assert result["step"] == whole["step"] == 12
    assert seen == [(1, 4, 4), (2, 8, 4), (3, 12, 4)]
    assert curve(tmp_path / "bursts") == curve(tmp_path / "whole") == list(range(2, 13, 2))


def test_stop_between_bursts_then_resume(tiny_config, tmp_path, mnist_available):
    cfg = tiny_config(steps=12, log_every=2, sample_every=1000, checkpoint_every=1000, burst_seconds=600)
    bursts = []
    result = train_in_bursts(cfg, should_stop=lambda: len(bursts) >= 1, on_burst=bursts.append, max_steps=4)
    assert result["status"] == "stopped" and result["step"] == 4 and result["bursts"] == 1
    load_generator(tmp_path / "generator.safetensors")
    result = train_in_bursts(cfg, max_steps=4)
    assert result["status"] == "finished" and result["step"] == 12 and result["bursts"] == 2
    assert curve(tmp_path) == list(range(2, 13, 2))


@pytest.mark.slow
def test_a_burst_ends_at_its_time_with_a_checkpoint(tiny_config, tmp_path, mnist_available):
    cfg = tiny_config(steps=10_000_000, log_every=10_000_000, sample_every=10_000_000, checkpoint_every=10_000_000)
    first = train_burst(cfg, seconds=1.0)
    assert first["status"] == "stopped" and 0 < first["step"] < 10_000_000 and first["burst_seconds"] < 10
    second = train_burst(cfg, seconds=1.0)
    assert second["step"] > first["step"] and second["burst_steps"] == second["step"] - first["step"]
