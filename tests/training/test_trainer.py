"""The trainer: settings checks, one step of each loss, checkpoint and resume state."""

import json
import subprocess
import sys

import pytest
import torch

from studio.core.files import read_config
from studio.training.config import LOSSES, ConfigError, TrainConfig
from studio.training.state import flatten_optimizer, unflatten_optimizer
from studio.training.trainer import Trainer


@pytest.mark.parametrize("change, match", [
    (dict(loss="wasserstein"), "loss must be one of"),
    (dict(batch_size=1), "batch size"),
    (dict(batch_size=3.5), "batch size"),
    (dict(lr_g=0), "lr-g"),
    (dict(lr_d=float("nan")), "lr-d"),
    (dict(beta1=1.0), "beta1"),
    (dict(steps=-4), "steps"),
    (dict(d_steps=0), "critic steps"),
    (dict(ema=1.5), "ema"),
    (dict(seed=-1), "seed"),
    (dict(device="tpu"), "device"),
    (dict(out="  "), "output folder"),
    (dict(r1_weight=-1), "R1 penalty"),
    (dict(r2_weight=float("inf")), "r2-weight"),
    (dict(augment_shift=9), "augment-shift"),
    (dict(augment_shift=1.5), "augment-shift"),
    (dict(g_depth=3), "generator depth"),
    (dict(aux_until=-1), "aux-until"),
    (dict(aux_until=2.5), "aux-until"),
    (dict(diversity=-0.1), "diversity"),
    (dict(diversity=float("nan")), "diversity"),
])
def test_bad_settings_rejected(change, match):
    with pytest.raises(ConfigError, match=match):
        TrainConfig(**change).validate()


def test_cuda_refused_without_gpu():
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ConfigError, match="no CUDA GPU"):
        TrainConfig(device="cuda").validate()


class FakeBatches:
    def __init__(self, n=16):
        self.n = n

    def __next__(self):
        return torch.rand(self.n, 1, 28, 28) * 2 - 1, torch.randint(0, 10, (self.n,))


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("conditional", [True, False])
def test_each_loss_steps(tiny_config, loss, conditional):
    t = Trainer(tiny_config(loss=loss, conditional=conditional))
    before = [p.clone() for p in t.G.parameters()]
    rec = t.train_step(FakeBatches())
    assert set(rec) == {"loss_g", "loss_d", "d_real", "d_fake"}
    assert all(torch.isfinite(v) for v in rec.values())
    assert any(not torch.equal(a, b) for a, b in zip(before, t.G.parameters()))


def test_r1_r2_penalties_enter_the_discriminator_loss(tiny_config):
    """Same seed, same batch: with R1 and R2 on, the critic's loss is its plain loss plus the
    penalties, so it is larger, and both runs stay finite."""
    losses = {}
    for gamma in (0.0, 10.0):
        torch.manual_seed(0)
        t = Trainer(tiny_config(r1_weight=gamma, r2_weight=gamma))
        torch.manual_seed(1)
        losses[gamma] = t.train_step(FakeBatches())["loss_d"]
    assert losses[10.0] > losses[0.0]


def test_class_loss_stops_at_aux_until(tiny_config):
    """Same seed, same batch: before --aux-until the critic's loss carries the class loss (so it is larger than
    with aux 0); from that step on it is exactly the loss of a run without one."""
    def loss_d(aux_weight, step):
        torch.manual_seed(0)
        t = Trainer(tiny_config(aux_weight=aux_weight, aux_until=5))
        t.step = step
        torch.manual_seed(1)
        return t.train_step(FakeBatches())["loss_d"]

    assert loss_d(1.0, 4) > loss_d(0.0, 4)
    assert loss_d(1.0, 5) == loss_d(0.0, 5)


def test_diversity_term_enters_the_generator_loss(tiny_config):
    """Same seed, same batch: with the mode-seeking term on, the generator's loss is its plain loss plus a
    positive term (so larger), and the critic's loss, computed before it, is unchanged."""
    recs = {}
    for w in (0.0, 1.0):
        torch.manual_seed(0)
        t = Trainer(tiny_config(diversity=w))
        torch.manual_seed(1)
        recs[w] = t.train_step(FakeBatches())
    assert recs[1.0]["loss_d"] == recs[0.0]["loss_d"]
    assert recs[1.0]["loss_g"] > recs[0.0]["loss_g"] + 0.5


def test_new_recipe_trains_and_resumes(tiny_config, tmp_path):
    """Relativistic loss, R1, R2, shift augmentation and the deeper generator: a few steps, a checkpoint, a resume."""
    cfg = tiny_config(loss="relativistic", r1_weight=1.0, r2_weight=1.0, augment_shift=2, g_depth=2)
    t = Trainer(cfg)
    before = [p.clone() for p in t.D.parameters()]
    for _ in range(3):
        rec = t.train_step(FakeBatches())
        t.step += 1
    assert all(torch.isfinite(v) for v in rec.values())
    assert any(not torch.equal(a, b) for a, b in zip(before, t.D.parameters()))
    t.save()
    saved = json.loads((tmp_path / "generator.json").read_text())
    assert saved["generator"]["depth"] == 2
    meta = saved["training"]
    assert (meta["loss"], meta["r1"], meta["r2"], meta["augment_shift"]) == ("relativistic", 1.0, 1.0, 2)
    t2 = Trainer(cfg)
    t2.load()
    assert t2.step == 3
    rec = t2.train_step(FakeBatches())
    assert all(torch.isfinite(v) for v in rec.values())


def test_optimizer_state_round_trip():
    p = torch.nn.Parameter(torch.randn(3))
    opt = torch.optim.Adam([p], lr=0.1)
    p.sum().backward()
    opt.step()
    tensors, meta = flatten_optimizer(opt, "o")
    restored = unflatten_optimizer(tensors, json.loads(json.dumps(meta)), "o")
    opt2 = torch.optim.Adam([p], lr=0.1)
    opt2.load_state_dict(restored)
    assert torch.equal(opt2.state_dict()["state"][0]["exp_avg"], opt.state_dict()["state"][0]["exp_avg"])


def test_save_and_load_state(tiny_config):
    cfg = tiny_config()
    t = Trainer(cfg)
    for _ in range(3):
        t.train_step(FakeBatches())
        t.step += 1
    t.save()
    t2 = Trainer(cfg)
    t2.load()
    assert t2.step == 3
    for a, b in zip(t.G_ema.parameters(), t2.G_ema.parameters()):
        assert torch.equal(a, b)
    assert t2.opt_d.state_dict()["state"][0]["step"] == t.opt_d.state_dict()["state"][0]["step"]


@pytest.mark.app
def test_cli_bad_setting_exits_with_message(tmp_path):
    r = subprocess.run([sys.executable, "-m", "studio", "train", "--out", str(tmp_path), "--lr-g", "-1"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--lr-g" in r.stderr and "Traceback" not in r.stderr


def test_critic_and_generator_steps_each_move_only_their_network(tiny_config):
    t = Trainer(tiny_config(ema=0))
    real, labels = next(FakeBatches())
    g_before, d_before = [p.clone() for p in t.G.parameters()], [p.clone() for p in t.D.parameters()]
    rec = t.critic_step(real, labels)
    assert set(rec) == {"loss_d", "d_real", "d_fake"}
    assert all(torch.equal(a, b) for a, b in zip(g_before, t.G.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(d_before, t.D.parameters()))
    d_after = [p.clone() for p in t.D.parameters()]
    assert set(t.generator_step(real, labels)) == {"loss_g"}
    assert all(torch.equal(a, b) for a, b in zip(d_after, t.D.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(g_before, t.G.parameters()))


def test_the_time_limit_stops_the_run_with_a_checkpoint(tiny_config, tmp_path, mnist_available):
    import time

    t = Trainer(tiny_config(steps=10_000_000, minutes=0.02, checkpoint_every=10_000_000, sample_every=10_000_000,
                            log_every=10_000_000))
    t0 = time.time()
    result = t.run()
    assert result["status"] == "stopped" and 0 < result["step"] < 10_000_000
    assert time.time() - t0 < 30
    assert read_config(tmp_path / "state.safetensors")["step"] == result["step"]


@pytest.mark.cuda
def test_on_cuda_a_run_trains_evaluates_and_resumes(cuda, tiny_config, tmp_path, mnist_available):
    from studio.digits.checkpoints import load_generator

    cfg = tiny_config(device="cuda", steps=4, eval_every=2, eval_per_class=10, log_every=2, sample_every=2,
                      checkpoint_every=2)
    trainer = Trainer(cfg)
    assert trainer.device.type == "cuda"
    trainer.run()
    evals = [m for m in map(json.loads, (tmp_path / "metrics.jsonl").read_text().splitlines()) if m["kind"] == "eval"]
    assert [m["step"] for m in evals] == [2, 4] and all(0 <= m["class_accuracy"] <= 1 for m in evals)
    load_generator(tmp_path / "generator.safetensors")  # written from the GPU, read on the CPU
    assert Trainer(tiny_config(device="cuda", steps=6, resume=True)).run()["step"] == 6


@pytest.mark.parametrize("change", [dict(), dict(loss="wgan-gp", augment="color,translation,cutout"),
                                    dict(loss="relativistic", r1_weight=1.0, r2_weight=1.0, augment_shift=2,
                                         diversity=1.0, conditional=False)])
def test_the_trainer_builds_and_steps_on_meta_without_touching_another_device(tiny_config, change):
    """Networks, optimisers, sample latents, batches, augmentations, penalties and the record all live on
    the trainer's device: on `meta` any stray CPU tensor (one that breaks training on a GPU) shows."""
    from devices import DevicesTouched

    with DevicesTouched() as touched:
        t = Trainer(tiny_config(**change), device="meta")
        real = torch.rand(64, 1, 28, 28, device="meta")
        rec = t.train_step(t._batches(real, torch.zeros(64, dtype=torch.long, device="meta")))
    assert set(touched.seen) == {"meta"}, touched.seen
    assert {v.device.type for v in rec.values()} == {"meta"}
    assert {p.device.type for p in [*t.G.parameters(), *t.D.parameters(), *t.G_ema.parameters()]} == {"meta"}
