"""The same trainer under torchrun: two CPU processes with gloo."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
@pytest.mark.app
def test_torchrun_two_ranks(tmp_path, mnist_available):
    torchrun = Path(sys.executable).with_name("torchrun")
    cmd = [str(torchrun) if torchrun.exists() else shutil.which("torchrun"), "--standalone", "--nproc_per_node=2",
           "-m", "studio", "train", "--out", str(tmp_path), "--steps", "6", "--batch-size", "16",
           "--g-channels", "16", "--d-channels", "16", "--log-every", "2", "--threads", "1"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    results = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert sorted(x["rank"] for x in results) == [0, 1]
    assert all(x["world_size"] == 2 and x["step"] == 6 and x["status"] == "finished" for x in results)
    assert sorted(p.name for p in tmp_path.glob("*.safetensors")) == ["generator.safetensors", "state.safetensors"]
