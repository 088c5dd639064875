"""Training on a set of one's own pictures: a folder, a zip and torchvision:MNIST train, stop and
resume with the same trainer; the generator records its picture shape and class names."""

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from studio.cli import main
from studio.digits.checkpoints import load_generator
from studio.digits.pipeline import DigitStudio
from studio.core.inputs import InputError
from studio.training.trainer import Trainer

from pictures import COLOURS, folder_of_squares, picture

TINY = dict(steps=6, batch_size=8, g_channels=8, d_channels=8, latent_dim=16, log_every=2, sample_every=3,
            checkpoint_every=3)


def test_a_folder_trains_resumes_and_names_its_classes(tiny_config, tmp_path):
    data = folder_of_squares(tmp_path / "squares")
    run = tmp_path / "run"
    cfg = tiny_config(**TINY, out=str(run), data=str(data), size=32, augment="color,translation,cutout")
    result = Trainer(cfg).run()
    assert result["status"] == "finished" and result["step"] == 6
    generator, config = load_generator(run / "generator.safetensors")
    assert config["classes"] == ["blue", "green", "red"]
    assert (generator.config.image_size, generator.config.image_channels, generator.config.num_classes) == (32, 3, 3)
    grid = Image.open(sorted((run / "samples").glob("*.png"))[-1])
    assert grid.mode == "RGB" and grid.size[1] == 3 * 34 + 2  # a row per class
    assert "folder squares (18 pictures)" in config["training"]["dataset"]
    (data / "red" / "0.png").unlink()  # the run reads its own copy from now on
    again = Trainer(tiny_config(**{**TINY, "steps": 9}, out=str(run), data=str(data), size=32, resume=True)).run()
    assert again["step"] == 9 and len(np.load(run / "dataset.npz")["images"]) == 18
    with pytest.raises(InputError, match="Digits draws MNIST-shaped generators"):
        DigitStudio(generator)


def test_a_zip_trains_from_the_cli_and_a_hostile_one_exits_2(tmp_path, capsys, mnist_available):
    buf = io.BytesIO()
    picture(COLOURS["red"], 0).save(buf, "PNG")
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as zf:
        for i in range(10):
            zf.writestr(f"pics/{i}.png", buf.getvalue())
    args = ["train", "--steps", "2", "--batch-size", "4", "--g-channels", "8", "--d-channels", "8", "--log-every", "1",
            "--size", "32"]
    assert main([*args, "--data", str(good), "--out", str(tmp_path / "run")]) == 0
    assert len(list((tmp_path / "run" / "data" / "pics").glob("*.png"))) == 10  # unpacked inside the run folder
    _, config = load_generator(tmp_path / "run" / "generator.safetensors")
    assert config["generator"]["num_classes"] == 0  # no sub-folders: unconditional
    capsys.readouterr()
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../../escaped.png", buf.getvalue())
    assert main([*args, "--data", str(bad), "--out", str(tmp_path / "run2")]) == 2
    assert "outside its folder" in capsys.readouterr().err
    assert not (tmp_path / "escaped.png").exists() and not (tmp_path.parent / "escaped.png").exists()


@pytest.mark.slow
def test_torchvision_mnist_at_32_px(tiny_config, tmp_path, mnist_available):
    cfg = tiny_config(**{**TINY, "steps": 2}, out=str(tmp_path / "run"), data="torchvision:MNIST", size=32)
    assert Trainer(cfg).run()["step"] == 2
    generator, config = load_generator(tmp_path / "run" / "generator.safetensors")
    assert (generator.config.image_size, generator.config.image_channels) == (32, 1)
    assert config["classes"][:2] == ["0 - zero", "1 - one"]
    assert json.loads((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()[0])["step"] == 2


@pytest.mark.slow
def test_digits_as_a_folder_are_scored_by_the_mnist_classifier_and_other_sets_are_not(tiny_config, tmp_path,
                                                                                      mnist_available):
    from studio.digits.data import load_mnist

    digits, labels = load_mnist(train=True)
    for i in range(100):
        folder = tmp_path / "digits" / str(int(labels[i]))
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(digits[i].numpy()).save(folder / f"{i}.png")
    settings = {**TINY, "steps": 4, "eval_every": 2, "eval_per_class": 10}
    Trainer(tiny_config(**settings, out=str(tmp_path / "a"), data=str(tmp_path / "digits"), size=32)).run()
    evals = [json.loads(line) for line in (tmp_path / "a" / "metrics.jsonl").read_text().splitlines()
             if '"eval"' in line]
    assert [e["step"] for e in evals] == [2, 4] and all(0 <= e["class_accuracy"] <= 1 for e in evals)
    Trainer(tiny_config(**settings, out=str(tmp_path / "b"), data=str(folder_of_squares(tmp_path / "sq")))).run()
    assert '"eval"' not in (tmp_path / "b" / "metrics.jsonl").read_text()


def test_a_set_smaller_than_a_batch_trains(tiny_config, tmp_path):
    data = folder_of_squares(tmp_path / "few", per_class=2)  # 6 pictures, batch 16
    result = Trainer(tiny_config(**{**TINY, "batch_size": 16, "steps": 3}, out=str(tmp_path / "run"),
                                 data=str(data))).run()
    assert result["status"] == "finished" and result["step"] == 3
