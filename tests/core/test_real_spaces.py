"""The studio under the real `spaces` package with its ZeroGPU patching active (SPACES_ZERO_GPU=true), as far
as a machine without a GPU allows: `spaces` makes CUDA look available in every thread, emulates it only in
the thread that imported it, and replaces CUDA's start with one that raises. Gradio runs each handler in a
worker thread, so every CPU path a handler takes must never reach that start. In a child process: the
patching is process-wide and must not leak into the other tests."""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("spaces", reason="the real `spaces` package is not installed")

ZERO_GPU = {"SPACES_ZERO_GPU": "true", "SPACES_ZERO_DEVICE_API_URL": "http://127.0.0.1:9"}  # no device API here

SCRIPT = r"""
import json, sys, threading
import studio.core.gpu as gpu  # imports the real `spaces` first, which patches torch
import torch
from PIL import Image

report = {"zero_gpu": gpu.zero_gpu(), "cuda looks available": torch.cuda.is_available()}
starts = []
raising = torch._C._cuda_init  # spaces' stand-in for CUDA's start: it raises

def watched():
    import traceback
    where = [f"{f.filename.split('/')[-1]}:{f.lineno}" for f in traceback.extract_stack()[-8:-1]]
    starts.append(threading.current_thread().name + ": " + " > ".join(where))
    return raising()

torch._C._cuda_init = watched

def handler(name, work):
    # What Gradio does with an event: the handler runs in a worker thread.
    out = {}
    def run():
        try:
            work()
            out["result"] = "ok"
        except BaseException as e:
            out["result"] = f"{type(e).__name__}: {e}"[:400]
    t = threading.Thread(target=run, name=name)
    t.start()
    t.join(300)
    report[name] = out.get("result", "still running")

from studio.training.config import TrainConfig
from studio.training.burst_jobs import train_burst_on_cpu
from studio.training.estimate import steps_per_second
from studio.training.trainer import pick_device
tiny = dict(steps=4, batch_size=16, g_channels=8, d_channels=8, latent_dim=16, per_class=10, log_every=2,
            sample_every=1000, checkpoint_every=1000)
handler("a burst ZeroGPU refused, on the CPU", lambda: train_burst_on_cpu(TrainConfig(out=sys.argv[1] + "/a", **tiny), 30))
handler("Estimate time", lambda: steps_per_second(TrainConfig(out=sys.argv[1] + "/b", **tiny)))

from studio.digits import DigitStudio
from studio.digits.invert import Inverter
handler("a digit", lambda: DigitStudio.from_checkpoint().image(seed=3, digit=7))
sketch = Image.new("L", (280, 280))
sketch.paste(255, (120, 40, 160, 240))
from spaces.zero.gradio import error  # the real package's refusal, as its client raises it

def refuse(*args):
    raise error("ZeroGPU quota exceeded", "You have exceeded your GPU quota (12s requested vs. 3s left)")

handler("a twin ZeroGPU refused, on the CPU",
        lambda: gpu.fallback(refuse, lambda inverter, p: inverter(p))(Inverter.from_checkpoint(), sketch))

from studio.ui.state import StylizerSlot
photo, painting = Image.new("RGB", (320, 240), (200, 120, 40)), Image.new("RGB", (256, 256), (20, 60, 200))
handler("the style engine asked for by a request", lambda: StylizerSlot().get().png(photo, [painting], max_size=256))

report["auto picks"] = str(pick_device("auto"))  # the trap the CPU paths above avoid
report["CUDA starts"] = starts
print(json.dumps(report))
"""


@pytest.mark.app
def test_handler_threads_never_start_cuda_under_the_real_spaces_patching(tmp_path, mnist_available):
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True,
                       env={**os.environ, **ZERO_GPU}, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert report.pop("zero_gpu") and report.pop("cuda looks available"), "the real patching was not active"
    assert report.pop("auto picks") == "cuda"  # so "auto" anywhere in a handler would start CUDA, and fail
    assert report.pop("CUDA starts") == []
    assert report == {name: "ok" for name in report}, report


CHILD = r"""
import sys
import studio.core.gpu, studio.digits.invert, studio.training.burst_jobs  # every module that imports `spaces`
print("spaces" in sys.modules, studio.core.gpu.zero_gpu())
"""


@pytest.mark.app
def test_a_command_child_of_a_zero_gpu_app_does_not_import_spaces():
    from studio.core.children import Command

    os.environ.update(ZERO_GPU)
    try:
        child = Command([sys.executable, "-c", CHILD])
        out = "".join(child.lines())
        assert child.wait(60) == 0, "\n".join(child.stderr_lines)
    finally:
        for name in ZERO_GPU:
            os.environ.pop(name)
    assert out.split() == ["False", "False"]


@pytest.mark.app
def test_the_spawned_engines_modules_do_not_import_spaces():
    """A spawned child imports its target's module before running anything: those modules must not
    reach `spaces` (app.py, run again as __mp_main__, is covered in test_children)."""
    code = "import sys, studio.style.worker, studio.style.classic_worker; print('spaces' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, **ZERO_GPU})
    assert r.returncode == 0 and r.stdout.split() == ["False"], r.stderr[-2000:]
