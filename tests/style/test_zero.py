"""The style engine's ZeroGPU calls: the time each asks for, and the CPU engine when ZeroGPU refuses."""

from fractions import Fraction

import numpy as np
import pytest

from studio.core import gpu
from studio.style import zero
from studio.style.video import VideoInfo


class QuotaError(Exception):
    title = "ZeroGPU quota exceeded"


def test_bigger_work_asks_for_more_time():
    sizes = [zero.picture_seconds("p.png", ["s.png"], max_size=s) for s in (512, 1024, 2048, 4096)]
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]
    assert zero.picture_seconds("p.png", ["a", "b", "c"]) > zero.picture_seconds("p.png", ["a"])
    clip = lambda frames: VideoInfo(1280, 720, Fraction(30), frames, frames / 30, False)  # noqa: E731
    assert zero.video_seconds("v", ["s"], "o", 1, False, None, True, clip(300)) > \
        zero.video_seconds("v", ["s"], "o", 1, False, 640, True, clip(300)) > \
        zero.video_seconds("v", ["s"], "o", 1, False, 640, True, clip(30))


def test_the_largest_allowed_inputs_fit_one_call_or_go_to_the_cpu_before_asking():
    """A picture at the largest output size fits one call; the longest video allowed (60 s of 4K at 30 fps)
    does not, so it is painted on the CPU instead of being asked for, cut off at the bound and aborted."""
    from studio.style.tensors import MAX_OUTPUT
    from studio.style.video import MAX_SECONDS

    largest = zero.picture_seconds("p.png", ["a", "b", "c"], max_size=MAX_OUTPUT)
    assert gpu.fits_one_call(largest) and gpu.bounded(largest) >= largest
    longest = VideoInfo(3840, 2160, Fraction(30), int(MAX_SECONDS * 30), MAX_SECONDS, True)
    assert not gpu.fits_one_call(zero.video_seconds("v", ["s"], "o", 1, False, None, True, longest))
    short = VideoInfo(640, 360, Fraction(30), 150, 5, False)
    seconds = zero.video_seconds("v", ["s"], "o", 1, False, None, True, short)
    assert gpu.fits_one_call(seconds) and gpu.bounded(seconds) >= seconds


def test_on_zero_gpu_a_drag_is_painted_on_the_cpu_and_spends_no_gpu_call(monkeypatch):
    monkeypatch.setattr(gpu, "zero_gpu", lambda: True)
    monkeypatch.setattr(zero, "paint_on_gpu", lambda *a, **k: pytest.fail("a slider's move asked for the GPU"))
    painted = []
    engine = zero.ZeroGpuStylizer(cpu=lambda: lambda *args: painted.append(args[5]) or "picture")
    for size in (256, 768, zero.CPU_UP_TO, "768"):
        assert engine("photo.png", ["painting.png"], None, 0.5, False, size) == "picture"
    assert painted == [256, 768, zero.CPU_UP_TO, "768"]


@pytest.mark.slow
def test_on_zero_gpu_a_picture_is_painted_by_the_gpu_call_or_on_refusal_by_the_cpu(
        monkeypatch, fast_stylizer, photos, paintings):
    monkeypatch.setattr(gpu, "zero_gpu", lambda: True)
    calls, notes = [], []

    def on_gpu(*args, **kwargs):
        calls.append(kwargs.get("max_size", args[5] if len(args) > 5 else None))
        return fast_stylizer(*args, **kwargs)

    monkeypatch.setattr(zero, "paint_on_gpu", on_gpu)
    engine = zero.ZeroGpuStylizer(cpu=lambda: pytest.fail("the CPU engine started though the GPU answered"))
    picture = engine(photos[0], [paintings[0]], None, 1.0, False, 1088)
    assert calls == [1088] and max(picture.size) <= 1088  # photos are never enlarged

    def refuse(*args, **kwargs):
        raise QuotaError("You have exceeded your GPU quota")

    monkeypatch.setattr(zero, "paint_on_gpu", refuse)
    engine = zero.ZeroGpuStylizer(cpu=lambda: fast_stylizer, note=notes.append)
    png = engine.png(photos[0], [paintings[0]], None, 1.0, False, 1088)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(notes) == 1 and "CPU" in notes[0]
    again = np.asarray(fast_stylizer(photos[0], [paintings[0]], None, 1.0, False, 1088))
    assert np.array_equal(np.asarray(picture), again)  # the same picture either way
    assert engine.cpu() is fast_stylizer

