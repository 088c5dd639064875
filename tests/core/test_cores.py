"""studio.core.cores: the idle cores a trainer takes by default."""

import pytest

from studio.core import cores


@pytest.mark.parametrize("busy_share,expected", [(0.0, 2), (0.1, 2), (0.5, 1), (0.6, 1), (1.0, 1)])
def test_busy_cores_are_left_to_their_process(monkeypatch, busy_share, expected):
    samples = iter([(0, 0), (int(1000 * busy_share), 1000)])  # (busy, total) jiffies, before and after
    monkeypatch.setattr(cores, "_busy_and_total", lambda: next(samples))
    monkeypatch.setattr(cores.os, "cpu_count", lambda: 2)
    assert cores.idle_cores(sample_s=0) == expected


def test_without_proc_stat_every_core_counts(monkeypatch):
    def unreadable():
        raise OSError("no /proc here")

    monkeypatch.setattr(cores, "_busy_and_total", unreadable)
    monkeypatch.setattr(cores.os, "cpu_count", lambda: 8)
    assert cores.idle_cores(sample_s=0) == 8
