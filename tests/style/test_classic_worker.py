"""The classic engine in its own process: same pictures, Stop within 2 s, crashes and offline as messages."""

import os
import signal
import time

import numpy as np
import pytest
from PIL import Image

from studio.style.classic import VGGUnavailable
from studio.style.classic_worker import ClassicJob

pytestmark = pytest.mark.app  # every run is a child process
from studio.style.worker import StyleWorkerError


def small_vgg():
    """A randomly initialised VGG-19 cut after relu5_1: the real layers, no download (picklable by name)."""
    import torch
    from torchvision.models import vgg19

    torch.manual_seed(0)
    return vgg19().features[:30]


def picture(seed, size=(64, 48)):
    return Image.fromarray((np.random.default_rng(seed).random((size[1], size[0], 3)) * 255).astype(np.uint8))


def test_runs_in_another_process_and_streams_its_steps():
    job = ClassicJob(picture(0), [picture(1)], features=small_vgg, steps=12, max_size=64, every=4)
    try:
        assert job.pid and job.pid != os.getpid()
        frames = list(job)
    finally:
        job.close()
    assert [info["step"] for _, info in frames] == [4, 8, 12]
    assert frames[-1][0].size == (64, 48) and frames[-1][1]["loss"] > 0


def test_stop_ends_the_process_within_two_seconds():
    job = ClassicJob(picture(0, (320, 240)), [picture(1, (320, 240))], features=small_vgg, steps=5000, max_size=320,
                     every=1)
    try:
        next(iter(job))  # it is running
        t0 = time.perf_counter()
        job.stop()
        took = time.perf_counter() - t0
        assert took < 2.0 and not job._proc.is_alive()
    finally:
        job.close()


def test_a_crash_becomes_a_message():
    job = ClassicJob(picture(0, (320, 240)), [picture(1, (320, 240))], features=small_vgg, steps=5000, max_size=320,
                     every=1)
    try:
        frames = iter(job)
        next(frames)
        os.kill(job.pid, signal.SIGKILL)
        with pytest.raises(StyleWorkerError, match="stopped unexpectedly"):
            for _ in frames:
                pass
    finally:
        job.close()


def test_bad_input_and_missing_weights_come_back_as_their_errors(tmp_path, monkeypatch):
    from studio.core.imageio import ImageInputError

    job = ClassicJob(b"not an image", [picture(1)], features=small_vgg, steps=3)
    with pytest.raises(ImageInputError, match="not an image format"):
        list(job)
    job.close()
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))  # no cached VGG-19, and no network here
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    job = ClassicJob(picture(0), [picture(1)], steps=3)
    with pytest.raises(VGGUnavailable, match="VGG-19 weights are unavailable"):
        list(job)
    job.close()
