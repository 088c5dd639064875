import os
import signal

import numpy as np
import pytest
from PIL import Image

from studio.core.imageio import ImageInputError
from studio.style.worker import StyleWorker, StyleWorkerError
from studio.style.weights import WeightsError


@pytest.fixture(scope="module")
def worker(microast_dir):
    w = StyleWorker(microast_dir, allow_download=False)
    yield w
    w.close()


def small(path, size=(96, 72)):
    return Image.open(path).convert("RGB").resize(size)


def test_same_result_as_in_process(worker, fast_stylizer, photos, paintings):
    photo, painting = small(photos[0]), small(paintings[0])
    here = fast_stylizer(photo, [painting], strength=0.6, max_size=96)
    there = worker(photo, [painting], strength=0.6, max_size=96)
    assert there.size == here.size
    assert np.abs(np.asarray(there, np.int16) - np.asarray(here, np.int16)).max() <= 1


def test_png_is_the_same_picture_encoded(worker, photos, paintings):
    import io

    photo, painting = small(photos[0]), small(paintings[0])
    picture = worker(photo, [painting], strength=0.6, max_size=96)
    data = worker.png(photo, [painting], strength=0.6, max_size=96)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), np.asarray(picture))


def test_runs_at_lower_priority(worker):
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) > os.getpriority(os.PRIO_PROCESS, os.getpid())


def test_user_errors_come_back_and_it_keeps_serving(worker, photos, paintings, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    with pytest.raises(ImageInputError, match="photo"):
        worker(str(bad), [small(paintings[0])])
    assert worker(small(photos[0]), [small(paintings[0])], max_size=64).size == (64, 48)


@pytest.mark.app
def test_a_killed_worker_is_reported_then_replaced(worker, photos, paintings):
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(StyleWorkerError, match="stopped unexpectedly"):
        worker(small(photos[0]), [small(paintings[0])], max_size=64)
    assert worker(small(photos[0]), [small(paintings[0])], max_size=64).size == (64, 48)


@pytest.mark.app
def test_missing_weights_say_so(tmp_path, monkeypatch):
    monkeypatch.delenv("STUDIO_WEIGHTS_DIR", raising=False)
    monkeypatch.setenv("STUDIO_SHARED_DIR", str(tmp_path / "no-shared"))  # nor ../shared
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(WeightsError):
        StyleWorker(tmp_path / "empty", allow_download=False)
