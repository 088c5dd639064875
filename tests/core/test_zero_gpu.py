"""What runs on ZeroGPU and for how long it asks, shown with a stand-in `spaces` (tests/stand_ins)
that records each decoration and each call. In a child process: the studio's modules decorate at
import, and this process has imported them with the real package (or none)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

STAND_INS = Path(__file__).resolve().parent.parent / "stand_ins"

SCRIPT = r"""
import functools, json, sys
from fractions import Fraction
import spaces  # the stand-in
import studio.core.gpu, studio.style.zero, studio.digits.invert, studio.training.burst_jobs as burst_jobs
from studio.style.video import VideoInfo
from studio.training.config import TrainConfig
from studio.training.bursts import train_burst

assert studio.core.gpu.spaces is spaces
d = spaces.DECORATED
picture = d["studio.style.zero.paint_on_gpu"]
video = d["studio.style.zero.paint_video_on_gpu"]
clip = VideoInfo(1280, 720, Fraction(30), 300, 10.0, False)

def chain(out, steps_per_burst):
    burst_jobs.train_burst = functools.partial(train_burst, max_steps=steps_per_burst)
    cfg = TrainConfig(out=out, steps=12, batch_size=16, g_channels=8, d_channels=8, latent_dim=16, log_every=2,
                      sample_every=1000, checkpoint_every=1000, burst_seconds=60)
    runner = burst_jobs.BurstRunner()
    runner.start(cfg)
    lines = list(runner.chain())
    calls = [s for name, s in spaces.CALLS if name.endswith("train_burst_on_gpu")]
    spaces.CALLS.clear()
    return {"calls": calls, "state": runner.state, "bursts": runner.bursts, "lines": lines}

print(json.dumps({
    "decorated": sorted(d),
    "picture": {"512": picture("photo.png", ["painting.png"], None, 1.0, False, 512),
                "4096": picture("photo.png", ["painting.png"], None, 1.0, False, 4096)},
    "video": {"720p": video("in.mp4", ["p.png"], "out.mp4", 1.0, False, None, True, clip),
              "360p": video("in.mp4", ["p.png"], "out.mp4", 1.0, False, 640, True, clip)},
    "three": chain(sys.argv[1] + "/three", 4),
    "one": chain(sys.argv[1] + "/one", 12),
}))
"""


@pytest.mark.app
def test_the_gpu_work_is_decorated_with_durations_from_its_size(tmp_path, mnist_available):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(STAND_INS), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["decorated"] == ["studio.digits.invert.find_twin_on_gpu", "studio.style.zero.paint_on_gpu",
                                "studio.style.zero.paint_video_on_gpu", "studio.training.burst_jobs.train_burst_on_gpu"]
    small, large = got["picture"]["512"], got["picture"]["4096"]
    assert 5 <= small < large <= 300  # 64 times the pixels; a small one asks for the hand-over's floor
    assert got["video"]["360p"] < got["video"]["720p"]
    # The same 12 steps: three calls of one burst's time each, against one call.
    three, one = got["three"], got["one"]
    assert three["state"] == one["state"] == "finished"
    assert three["bursts"] == len(three["calls"]) == 3 and one["bursts"] == len(one["calls"]) == 1
    assert three["calls"] == [75, 75, 75] and one["calls"] == [75]
    assert three["lines"][-1].startswith("Burst 3: step 12 / 12")
