"""bench/gpu_check.sh runs end to end on the CPU and prints every figure it prints on a GPU."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.app
def test_the_gpu_check_runs_on_the_cpu_and_prints_every_figure(microast_dir, mnist_available):
    r = subprocess.run(["bash", "bench/gpu_check.sh", "--device", "cpu", "--minutes", "0.2", "--burst-seconds", "1",
                        "--repeats", "1", "--digits", "3"],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    out = r.stdout
    for figure in ("CUDA tests", "burst 3:", "steps/s", "s of overhead", "class accuracy against wall time",
                   "512 x 512:", "1024 x 1024:", "3840 x 2160:", "twin search", "class right", "all checks in"):
        assert figure in out, figure
