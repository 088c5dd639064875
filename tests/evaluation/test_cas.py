"""The Classification Accuracy Score on known answers: real digits in place of generated ones score as
real digits do, shuffled labels score chance, and the CLI reports both figures and the gap."""

import json
from types import SimpleNamespace

import pytest
import torch

from studio.evaluation.cas import cas, real_subset, score

N, EPOCHS = 2000, 3  # small: the known answers hold at any budget


class RealDigits(torch.nn.Module):
    """A stand-in generator that draws real training digits of the asked class (unseen by the real run)."""

    def __init__(self):
        super().__init__()
        self.x, self.y = real_subset(20_000, seed=7)
        self.config = SimpleNamespace(num_classes=10, latent_dim=4)
        self.weight = torch.nn.Parameter(torch.zeros(1))
        self.taken = {c: 0 for c in range(10)}

    def forward(self, z, onehot):
        out = []
        for c in onehot.argmax(1).tolist():
            pool = self.x[self.y == c]
            out.append(pool[self.taken[c] % len(pool)])
            self.taken[c] += 1
        return torch.stack(out)


@pytest.mark.slow
def test_real_digits_in_place_of_generated_ones_score_as_real_digits(mnist_available):
    result = cas(RealDigits(), n=N, epochs=EPOCHS)
    assert result["cas_n"] == result["cas_n_real"] == N
    assert result["cas_real"] > 0.9 and abs(result["cas"] - result["cas_real"]) < 0.025  # within noise
    assert result["cas_gap_points"] == round(100 * (result["cas_real"] - result["cas"]), 2)


@pytest.mark.slow
def test_shuffled_labels_score_about_chance(mnist_available):
    x, y = real_subset(N, seed=3)
    shuffled = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(0))]
    assert 0.04 < score(x, shuffled, epochs=EPOCHS) < 0.18


def test_the_real_subset_is_balanced_and_seeded(mnist_available):
    x, y = real_subset(1000, seed=0)
    assert torch.bincount(y).tolist() == [100] * 10 and x.shape == (1000, 1, 28, 28)
    assert torch.equal(real_subset(1000, seed=0)[0], x) and not torch.equal(real_subset(1000, seed=1)[0], x)
    assert len(real_subset(60_000)[0]) == 60_000


@pytest.mark.slow
def test_the_cli_reports_cas_beside_the_real_figure(tiny_generator, tmp_path, capsys, mnist_available):
    from studio.cli import main
    from studio.digits.checkpoints import save_generator
    from studio.digits.networks import Generator, GeneratorConfig

    torch.manual_seed(0)
    g = Generator(GeneratorConfig(latent_dim=16, channels=8, num_classes=10))
    path = save_generator(tmp_path / "generator.safetensors", g, {})
    assert main(["evaluate", "--generator", str(path), "--n-per-class", "10", "--no-floor", "--cas", "--cas-n", str(N),
                 "--cas-epochs", str(EPOCHS), "--json", "--write"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["cas"] < 0.3 and scores["cas_real"] > 0.9  # an untrained generator's digits teach nothing
    assert json.loads((tmp_path / "generator.json").read_text())["metrics"]["cas_real"] == round(scores["cas_real"], 5)
    unconditional = save_generator(tmp_path / "u.safetensors",
                                   Generator(GeneratorConfig(latent_dim=16, channels=8, num_classes=0)), {})
    with pytest.raises(SystemExit) as e:
        main(["evaluate", "--generator", str(unconditional), "--cas"])
    assert e.value.code == 2
