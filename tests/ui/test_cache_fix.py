"""The picture cache: a copy being read is never seen short while the same picture is saved again."""

import threading

import numpy as np
import pytest
from PIL import Image

from studio.ui import cache_fix


def _picture():
    return Image.fromarray(np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8))


def _short_reads(save, tmp_path, saves=300):
    """Save the same picture again and again while another thread reads it as a download would."""
    img = _picture()
    path = save(img, str(tmp_path), format="png")
    size = len(open(path, "rb").read())
    short, done = [], threading.Event()

    def read():
        while not done.is_set():
            with open(path, "rb") as f:
                n = len(f.read())
            if n != size:
                short.append(n)

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(saves):
        assert save(img, str(tmp_path), format="png") == path
    done.set()
    reader.join()
    return short, path


@pytest.mark.slow
def test_a_picture_saved_again_is_never_read_short(tmp_path):
    short, path = _short_reads(cache_fix.save_pil_to_cache, tmp_path)
    assert short == []
    assert np.array_equal(np.asarray(Image.open(path)), np.asarray(_picture()))
    assert [p.name for p in (tmp_path).rglob("*") if p.is_file()] == ["image.png"]  # no staging file left


def test_the_app_uses_it(monkeypatch):
    from gradio import image_utils, processing_utils

    monkeypatch.setattr(processing_utils, "save_pil_to_cache", processing_utils.save_pil_to_cache)
    cache_fix.install()
    assert processing_utils.save_pil_to_cache is cache_fix.save_pil_to_cache
    assert image_utils.processing_utils is processing_utils  # where Gradio's Image output looks it up
