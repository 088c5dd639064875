import json

import pytest
import torch

from studio.core.files import CheckpointError, config_path
from studio.digits.checkpoints import load_classifier, load_generator, save_classifier, save_generator
from studio.digits.networks import Classifier, Generator, GeneratorConfig


def test_generator_round_trip(tmp_path, tiny_generator):
    path = save_generator(tmp_path / "g.safetensors", tiny_generator, {"metrics": {"fid": 1.5}})
    loaded, config = load_generator(path)
    assert config["generator"] == {"latent_dim": 16, "channels": 8, "num_classes": 10, "depth": 1}
    assert config["metrics"]["fid"] == 1.5
    z, y = torch.randn(4, 16), torch.eye(10)[:4]
    assert torch.equal(loaded(z, y), tiny_generator(z, y))
    assert not list(tmp_path.glob(".*.tmp")), "temporary files must not be left behind"


def test_deeper_generator_round_trip(tmp_path):
    g = Generator(GeneratorConfig(latent_dim=16, channels=8, depth=2)).eval()
    loaded, config = load_generator(save_generator(tmp_path / "g.safetensors", g))
    assert config["generator"]["depth"] == 2
    z, y = torch.randn(4, 16), torch.eye(10)[:4]
    out = loaded(z, y)
    assert out.shape == (4, 1, 28, 28) and out.abs().max() <= 1
    assert torch.equal(out, g(z, y))


def test_checkpoint_from_before_depth_loads_as_depth_1(tmp_path, tiny_generator):
    """The first shipped generator's JSON has no depth field."""
    path = save_generator(tmp_path / "g.safetensors", tiny_generator)
    config = json.loads(config_path(path).read_text())
    del config["generator"]["depth"]
    config_path(path).write_text(json.dumps(config))
    loaded, _ = load_generator(path)
    assert loaded.config.depth == 1


def test_unknown_depth_rejected(tmp_path, tiny_generator):
    path = save_generator(tmp_path / "g.safetensors", tiny_generator)
    config = json.loads(config_path(path).read_text())
    config["generator"]["depth"] = 3
    config_path(path).write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="invalid generator config"):
        load_generator(path)


def test_classifier_round_trip(tmp_path):
    model = Classifier().eval()
    path = save_classifier(tmp_path / "c.safetensors", model)
    loaded, _ = load_classifier(path)
    x = torch.randn(3, 1, 28, 28)
    assert torch.equal(loaded(x), model(x))


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="missing|does not exist"):
        load_generator(tmp_path / "nope.safetensors")


def test_corrupt_weights(tmp_path, tiny_generator):
    path = save_generator(tmp_path / "g.safetensors", tiny_generator)
    path.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(CheckpointError, match="not a readable safetensors"):
        load_generator(path)


def test_truncated_weights(tmp_path, tiny_generator):
    path = save_generator(tmp_path / "g.safetensors", tiny_generator)
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(CheckpointError):
        load_generator(path)


def test_wrong_shapes_named(tmp_path, tiny_generator):
    path = save_generator(tmp_path / "g.safetensors", tiny_generator)
    cfg = json.loads(config_path(path).read_text())
    cfg["generator"]["channels"] = 16  # config no longer matches the weights
    config_path(path).write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="shape"):
        load_generator(path)


def test_classifier_file_is_not_a_generator(tmp_path):
    path = save_classifier(tmp_path / "c.safetensors", Classifier())
    with pytest.raises(CheckpointError, match="does not describe a generator"):
        load_generator(path)


def test_bad_json(tmp_path, tiny_generator):
    path = save_generator(tmp_path / "g.safetensors", tiny_generator)
    config_path(path).write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_generator(path)


def test_nan_weights_rejected(tmp_path):
    g = Generator(GeneratorConfig(latent_dim=16, channels=8))
    with torch.no_grad():
        g.fc.weight[0, 0] = float("nan")
    path = save_generator(tmp_path / "g.safetensors", g)
    with pytest.raises(CheckpointError, match="NaN"):
        load_generator(path)


def test_failed_write_keeps_previous_checkpoint(tmp_path, tiny_generator, monkeypatch):
    """A full disk (or any write error) mid-save leaves the last good checkpoint and no temp files."""
    import os

    from studio.core import files as checkpoints

    path = save_generator(tmp_path / "g.safetensors", tiny_generator)
    good = path.read_bytes()
    real_fsync = os.fsync

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoints.os, "fsync", disk_full)
    with torch.no_grad():
        tiny_generator.fc.bias.add_(1.0)
    with pytest.raises(OSError, match="No space"):
        save_generator(path, tiny_generator)
    monkeypatch.setattr(checkpoints.os, "fsync", real_fsync)
    assert path.read_bytes() == good
    assert not list(tmp_path.glob(".*.tmp"))
    load_generator(path)
