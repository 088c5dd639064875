"""studio.ui.state: the engines the tabs share, placed where ZeroGPU allows."""

import pytest

from studio.style import zero


def test_a_request_never_places_the_engine_on_cuda(monkeypatch):
    """On ZeroGPU only the importing thread may start CUDA: when placing the engine at import failed, a
    later request paints on the CPU engine instead of trying CUDA from its handler thread."""
    from studio.style import worker
    from studio.ui import state

    monkeypatch.setattr(state, "zero_gpu", lambda: True)
    monkeypatch.setattr(zero, "_engine", None)
    monkeypatch.setattr(zero, "engine", lambda: pytest.fail("a request loaded the engine on CUDA"))
    monkeypatch.setattr(worker, "StyleWorker", lambda: "the CPU engine")
    assert state.StylizerSlot().get() == "the CPU engine"
