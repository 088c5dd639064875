"""studio.core.gpu: the decorator's bounds, and the CPU path when ZeroGPU refuses a call."""

import pytest

from studio.core import gpu


class QuotaError(Exception):
    title = "ZeroGPU quota exceeded"


def test_off_zero_gpu_only_the_cpu_path_runs(monkeypatch):
    monkeypatch.delenv("SPACES_ZERO_GPU", raising=False)
    assert not gpu.zero_gpu()
    call = gpu.fallback(lambda x: pytest.fail("the GPU path ran off ZeroGPU"), lambda x: ("cpu", x))
    assert call(3) == ("cpu", 3)


def test_a_refusal_runs_the_cpu_path_with_a_note(monkeypatch):
    monkeypatch.setattr(gpu, "zero_gpu", lambda: True)
    notes = []

    def refuse(x):
        raise QuotaError("You have exceeded your GPU quota (60s requested vs. 12s left).")

    assert gpu.fallback(refuse, lambda x: ("cpu", x), notes.append)(3) == ("cpu", 3)
    assert len(notes) == 1 and "CPU" in notes[0] and "quota" in notes[0]
    assert gpu.fallback(lambda x: ("gpu", x), lambda x: ("cpu", x))(4) == ("gpu", 4)


def test_a_failure_in_the_work_is_not_a_refusal(monkeypatch):
    monkeypatch.setattr(gpu, "zero_gpu", lambda: True)

    def broken(x):
        raise ValueError("shapes do not match")

    with pytest.raises(ValueError):
        gpu.fallback(broken, lambda x: pytest.fail("a bug was hidden behind the CPU path"))(1)
    assert gpu.refused(RuntimeError("Error while initializing ZeroGPU: Unknown"))
    assert not gpu.refused(RuntimeError("CUDA out of memory"))


def test_durations_stay_within_a_calls_bounds():
    assert gpu.bounded(0.1) == gpu.MIN_SECONDS
    assert gpu.bounded(10_000) == gpu.MAX_SECONDS
    assert gpu.bounded(41.2) == 42  # rounded up: a call never asks for less than it was computed to need


def test_with_the_real_spaces_package_off_zero_gpu_nothing_is_wrapped(monkeypatch):
    spaces = pytest.importorskip("spaces", reason="the real `spaces` package is not installed")
    from studio.training.burst_jobs import train_burst_on_gpu

    assert gpu.spaces is spaces and not spaces.config.Config.zero_gpu
    assert not hasattr(train_burst_on_gpu, "zerogpu")  # what spaces.GPU marks a wrapped function with


def test_the_real_spaces_refusals_and_worker_errors_are_told_apart():
    """The errors as the real `spaces` package makes them (its own error() helper, 0.51.3)."""
    from spaces.zero.gradio import error

    for title, message in [("ZeroGPU quota exceeded", "You have exceeded your GPU quota (60s requested vs. 12s left)"),
                           ("ZeroGPU client error", "No GPU was available"),
                           ("ZeroGPU queue timeout", "No GPU was available after 60s"),
                           ("ZeroGPU pending credits exceeded", "You have too many pending requests")]:
        assert gpu.refused(error(title, message)), title
    for message in ("GPU task aborted", "ValueError", "OutOfMemoryError"):  # a killed worker, a bug, CUDA OOM
        assert not gpu.refused(error("ZeroGPU worker error", message)), message
    assert not gpu.refused(error("ZeroGPU illegal duration", "duration 900 > 300")), "our request was wrong: a bug"


def test_a_persons_mistake_inside_a_gpu_call_keeps_its_message(monkeypatch):
    """`spaces` reports any exception but gradio.Error by class name; the studio's decorated calls turn a
    UserError into a gradio.Error with its words, so the visitor reads what to mend."""
    import gradio as gr

    from studio.core.inputs import InputError

    def work(x):
        raise InputError("the photo is not an image format this app can read")

    with pytest.raises(gr.Error, match="not an image format"):
        gpu._keeps_messages(work)(1)
    assert gpu._keeps_messages(lambda x: x + 1)(1) == 2


def test_on_a_node_whose_factor_stretches_each_ask_the_asks_still_fit_the_cap(monkeypatch):
    """`spaces` multiplies each asked duration by its node's factor (1.5 on its Blackwell nodes, in the real
    package's configs.json) before asking; the studio's asks, calls and bursts stay within MAX_SECONDS after it."""
    import json
    from importlib.resources import files

    pytest.importorskip("spaces", reason="the real `spaces` package is not installed")
    import spaces.zero.config as zero_config

    from studio.training.burst_jobs import BURST_OVERHEAD_S, BurstRunner
    from studio.training.config import TrainConfig

    nodes = json.loads(files("spaces.zero").joinpath("configs.json").read_text())
    blackwell = next(n for n in nodes if n["duration_factor"] > 1)
    monkeypatch.setattr(gpu, "zero_gpu", lambda: True)
    monkeypatch.setattr(zero_config, "get_config", lambda: blackwell)
    factor = blackwell["duration_factor"]
    assert gpu.duration_factor() == factor
    assert gpu.bounded(10_000) * factor <= gpu.MAX_SECONDS and gpu.bounded(10_000) >= gpu.MAX_SECONDS / factor - 1
    assert not gpu.fits_one_call(gpu.MAX_SECONDS / factor + 1)
    runner = BurstRunner(runs_root=None)
    monkeypatch.setattr(runner, "prepare", lambda cfg: cfg.out)
    runner.start(TrainConfig(out="x", burst_seconds=290))
    assert (runner.config.burst_seconds + BURST_OVERHEAD_S) * factor <= gpu.MAX_SECONDS
    monkeypatch.setattr(zero_config, "get_config", lambda: nodes[0])  # an H200 node: no factor
    assert gpu.duration_factor() == 1.0 and gpu.bounded(10_000) == gpu.MAX_SECONDS
