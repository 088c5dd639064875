"""The augmentation study's bookkeeping on tiny settings: its digits never include a test digit, each
seed draws its own, a stopped study resumes where it was, and the table says what was measured."""

import hashlib
import json

import pytest
import torch

from studio.core.settings import SettingError
from studio.evaluation.cas import real_subset
from studio.training import augment_study as study_mod
from studio.training.config import StudyConfig

TINY = dict(ks="2", seeds="0", gan_steps=12, synthetic=20, classifier_steps=10)


def _hashes(images: torch.Tensor) -> set[str]:
    return {hashlib.sha1(img.numpy().tobytes()).hexdigest() for img in images}


def test_the_digits_are_training_digits_only_and_each_seed_draws_its_own(mnist_available):
    from studio.digits.data import load_mnist
    from studio.training.data import training_data

    test = load_mnist(train=False)[0].float().div(127.5).sub(1).unsqueeze(1)
    x0, y0 = real_subset(50 * 10, seed=0)
    assert not _hashes(x0) & _hashes(test)
    assert torch.bincount(y0).tolist() == [50] * 10
    assert torch.equal(x0, real_subset(500, seed=0)[0]) and not torch.equal(x0, real_subset(500, seed=1)[0])
    # the GAN of (k, seed) trains on exactly those digits
    gan = StudyConfig(ks="50", seeds="0").gan_config(50, 0)
    gx, gy = training_data(gan).tensors()
    assert torch.equal(gx, x0) and torch.equal(gy, y0)


def test_b_mixes_real_and_synthetic_half_and_half():
    real = (torch.zeros(20, 1, 28, 28), torch.arange(20) % 10)
    synthetic = (torch.ones(200, 1, 28, 28), torch.arange(200) % 10)
    x, y = study_mod.arm_data("real+synthetic", real, synthetic)
    assert len(x) == 400 and x.mean().item() == 0.5 and len(y) == 400
    assert study_mod.arm_data("real", real, synthetic)[0] is real[0]


@pytest.mark.slow
def test_a_stopped_study_resumes_where_it_was(tmp_path, mnist_available, monkeypatch):
    out = tmp_path / "study"
    checks = {"n": 0}

    def stop_mid_gan():  # the first GAN is stopped part way, with its checkpoint
        checks["n"] += 1
        return checks["n"] > 6

    study = StudyConfig(**TINY, out=str(out))
    assert study_mod.run(study, should_stop=stop_mid_gan) == {}
    state = json.loads((out / "gan-k2-seed0" / "state.json").read_text())
    assert 0 < state["step"] < 12
    fits = []
    real_fit = study_mod.fit
    monkeypatch.setattr(study_mod, "fit", lambda *a, **k: fits.append(1) or real_fit(*a, **k))
    results = study_mod.run(study)
    assert set(results) == {(2, 0, arm) for arm in study_mod.ARMS} and len(fits) == 3
    assert json.loads((out / "gan-k2-seed0" / "state.json").read_text())["step"] == 12
    # a second seed adds its own three results; the first seed's are not measured again
    more = study_mod.run(StudyConfig(**{**TINY, "seeds": "0,1"}, out=str(out)))
    assert len(fits) == 6 and len(more) == 6 and all(0 <= v <= 1 for v in more.values())
    assert len((out / study_mod.RESULTS).read_text().splitlines()) == 6
    rows = [json.loads(line) for line in (out / study_mod.RESULTS).read_text().splitlines()]
    assert study_mod.measured_seconds(out) == pytest.approx(sum(max(r["seconds"] for r in rows if r["seed"] == s)
                                                                 for s in (0, 1)))


def test_the_summary_and_table_report_mean_and_spread():
    # (b) - (a) is paired by seed: a seed with (a) but not yet (b) does not enter it.
    results = {(10, s, arm): v for s, (a, b, c) in enumerate([(0.70, 0.72, 0.60), (0.74, 0.78, 0.64)])
               for arm, v in zip(study_mod.ARMS, (a, b, c))}
    [row] = study_mod.summary({**results, (10, 2, "real"): 0.99})
    assert row["gain_points"] == pytest.approx(3.0) and row["real"][2] == 3
    [row] = study_mod.summary(results)
    assert row["real"][0] == pytest.approx(0.72) and row["real"][1] == pytest.approx(0.028284, abs=1e-5)
    assert row["gain_points"] == pytest.approx(3.0) and row["gain_spread"] == pytest.approx(1.41421, abs=1e-4)
    table = study_mod.table([row])
    assert "| 10 | 72.00 ± 2.83 % (2 seeds) | 75.00 ± 4.24 % (2 seeds) | 62.00 ± 2.83 % (2 seeds) | +3.00 ± 1.41 points |" in table
    assert study_mod.chart([row]).startswith("<svg") and "(b) real and synthetic" in study_mod.chart([row])


def test_bad_settings_are_refused(capsys):
    from studio.cli import main

    for bad in (dict(ks="10,x"), dict(ks="0"), dict(seeds="1,1")):
        with pytest.raises(SettingError):
            StudyConfig(**bad).validate()
    assert main(["augment-study", "--ks", "10,,oops"]) == 2
    assert "ks must be" in capsys.readouterr().err


def test_report_writes_the_folders_table_and_trains_nothing(tmp_path, capsys, monkeypatch):
    from studio.cli import main

    out = tmp_path / "study"
    assert main(["augment-study", "--report", "--out", str(out)]) == 2
    assert "no results" in capsys.readouterr().err
    out.mkdir()
    # Two processes' results in one folder, the second still part way through its (k, seed).
    rows = [dict(k=10, seed=0, arm=arm, accuracy=v, seconds=60.0) for arm, v in zip(study_mod.ARMS, (0.9, 0.8, 0.7))]
    rows.append(dict(k=100, seed=0, arm="real", accuracy=0.97, seconds=30.0))
    (out / study_mod.RESULTS).write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setattr(study_mod, "run", lambda *a, **k: pytest.fail("--report trained"))
    assert main(["augment-study", "--report", "--out", str(out), "--ks", "10"]) == 0
    table = (out / "table.md").read_text()
    assert "| 10 | 90.00 ± 0.00 % (1 seed) | 80.00" in table and "| 100 | 97.00 ± 0.00 % (1 seed) | not yet" in table
    assert (out / "chart.svg").read_text().startswith("<svg")


def test_b_takes_the_synthetic_share_asked_for():
    real = (torch.zeros(20, 1, 28, 28), torch.arange(20) % 10)
    synthetic = (torch.ones(200, 1, 28, 28), torch.arange(200) % 10)
    for share in (0.25, 0.1):
        x, _ = study_mod.arm_data("real+synthetic", real, synthetic, share)
        assert x.mean().item() == pytest.approx(share, abs=0.01)


def test_the_filter_keeps_the_digits_its_judge_gives_their_own_class():
    class Judge(torch.nn.Module):  # sure of class 3 for bright digits, of class 5 for dark ones
        def forward(self, x):
            logits = torch.zeros(len(x), 10)
            logits[:, 3] = 10 * x.mean((1, 2, 3))
            logits[:, 5] = -10 * x.mean((1, 2, 3))
            return logits

    x = torch.cat([torch.ones(20, 1, 28, 28), -torch.ones(20, 1, 28, 28)])
    y = torch.tensor([3] * 10 + [5] * 10 + [3] * 10 + [5] * 10)
    kx, ky = study_mod.kept((x, y), Judge(), 0.9)
    assert ky.tolist() == [3] * 10 + [5] * 10 and torch.equal(kx, torch.cat([x[:10], x[30:]]))
    with pytest.raises(SettingError, match="kept 0 of"):
        study_mod.kept((x[:10], torch.full((10,), 5)), Judge(), 0.9)


@pytest.mark.slow
def test_a_filtered_study_judges_with_a_and_keeps_its_own_folder(tmp_path, mnist_available, monkeypatch):
    out = tmp_path / "study"
    (out).mkdir()
    (out / study_mod.RESULTS).write_text(json.dumps(dict(k=2, seed=0, arm="real", accuracy=0.5, seconds=1.0)) + "\n")
    with pytest.raises(SettingError, match="share 0.5 and keep 0.0"):
        study_mod.run(StudyConfig(**TINY, out=str(out), keep=0.5))
    judged = []
    real_kept = study_mod.kept
    monkeypatch.setattr(study_mod, "kept", lambda s, judge, t: judged.append(t) or real_kept(s, judge, 0.0))
    study = StudyConfig(**TINY, out=str(tmp_path / "filtered"), share=0.25, keep=0.5)
    results = study_mod.run(study)
    assert set(results) == {(2, 0, arm) for arm in study_mod.ARMS} and judged == [0.5]
    rows = [json.loads(line) for line in (tmp_path / "filtered" / study_mod.RESULTS).read_text().splitlines()]
    assert {(r["share"], r["keep"]) for r in rows} == {(0.25, 0.5)}
