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


def _rank(rank, out, port, results):
    """One rank of two (gloo, CPU): rank 1 alone is asked to stop after its second step."""
    import torch.distributed as dist

    from studio.training.config import TrainConfig
    from studio.training.trainer import Trainer

    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=2)
    cfg = TrainConfig(out=str(out), steps=50, batch_size=8, g_channels=8, d_channels=8, latent_dim=16, log_every=1,
                      sample_every=1000, checkpoint_every=1000)
    trainer = Trainer(cfg, rank=rank, world_size=2)
    status = trainer.run(should_stop=lambda: rank == 1 and trainer.step >= 2)
    results.put((rank, status["status"], trainer.step))
    dist.destroy_process_group()


@pytest.mark.app
def test_one_ranks_stop_stops_every_rank_at_the_same_step(tmp_path, mnist_available):
    """A Stop seen by one rank only (its signal, its own clock) must not leave the other waiting in an
    all-reduce for ever: every rank stops at the same step."""
    import multiprocessing as mp

    from studio.ui.testing import free_port

    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    port = free_port()
    procs = [ctx.Process(target=_rank, args=(r, tmp_path, port, results)) for r in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    hung = [p for p in procs if p.is_alive()]
    for p in hung:
        p.kill()
    assert not hung, "a rank was left waiting"
    got = sorted(results.get(timeout=5) for _ in procs)
    assert got == [(0, "stopped", 2), (1, "stopped", 2)]
