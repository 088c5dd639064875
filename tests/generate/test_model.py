"""studio.generate: a run trained on one's own pictures, opened with its classes, directions and set."""

import json

import numpy as np
import pytest
import torch

from studio.core.inputs import InputError
from studio.generate import TrainedModel
from studio.generate.model import MAX_EXPORT
from studio.training.trainer import Trainer

from pictures import folder_of_squares

TINY = dict(batch_size=8, g_channels=8, d_channels=8, latent_dim=16, log_every=1, sample_every=3, checkpoint_every=3)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from studio.training.config import TrainConfig

    root = tmp_path_factory.mktemp("generate")
    data = folder_of_squares(root / "squares")
    cfg = TrainConfig(**{**TINY, "steps": 3, "out": str(root / "run"), "data": str(data), "size": 32,
                         "data_licence": "CC0: made for this test"})
    Trainer(cfg).run()
    return root / "run"


def test_a_run_opens_with_its_classes_directions_and_licence(run):
    model = TrainedModel.open(str(run))
    assert model.classes == ["blue", "green", "red"] and model.label("red") == 2 and model.label("0") == 0
    with pytest.raises(InputError, match="class name"):
        model.label("purple")
    stored = json.loads((run / "generator.json").read_text())
    assert len(stored["directions"]) == 4 and len(stored["directions_sefa"]) == 4  # found once, kept
    text = model.describe()
    assert "32 px colour, 3 classes" in text and "CC0: made for this test" in text
    img = model.studio.image(seed=1, digit=2, sliders=[1.0, -1.0])
    assert img.mode == "RGB" and img.size == (32, 32)


def test_blends_and_grids_span_the_sets_classes(run):
    studio = TrainedModel.open(str(run)).studio
    a = np.asarray(studio.image(seed=1, digit=0, blend_to=2, blend=0.0))
    b = np.asarray(studio.image(seed=1, digit=0, blend_to=2, blend=1.0))
    assert np.array_equal(b, np.asarray(studio.image(seed=1, digit=2))) and not np.array_equal(a, b)
    assert studio.grid(seed=0, columns=4).size == (4 * 34 + 2, 3 * 34 + 2)  # a row per class
    with pytest.raises(InputError, match="class"):
        studio.image(seed=1, digit=3)


def test_nearest_tells_a_copy_from_a_new_picture(run, monkeypatch):
    model = TrainedModel.open(str(run))
    grid, line = model.nearest(seed=3, digit=0)
    assert grid.size == (4 * (5 * 34 + 6), 4 * 36) and "RMS difference" in line
    copy = model._pool[5:6]
    monkeypatch.setattr(model.studio, "render", lambda **_: copy)
    assert model.nearest(seed=3)[1].startswith("**Nearly a copy")
    monkeypatch.setattr(model.studio, "render", lambda **_: torch.zeros_like(copy))  # flat grey: no such picture
    assert model.nearest(seed=3)[1].startswith("**Not a copy")


def test_a_model_without_its_pictures_says_so(run, tmp_path):
    import shutil

    for name in ("generator.safetensors", "generator.json"):
        shutil.copy(run / name, tmp_path / name)
    with pytest.raises(InputError, match="training pictures are not with this generator"):
        TrainedModel.open(str(tmp_path)).nearest(seed=0)


@pytest.mark.slow
def test_a_generator_trained_on_mnist_is_compared_with_mnists_training_digits(mnist_available):
    model = TrainedModel.open("shipped")
    grid, line = model.nearest(seed=3, digit=7)
    assert line.startswith("**Not a copy") and grid.size == (4 * (5 * 30 + 6), 4 * 32)


def test_a_dataset_export_is_balanced_and_named(run):
    import io

    z = np.load(io.BytesIO(TrainedModel.open(str(run)).dataset(30, "all", seed=0)))
    assert z["images"].shape == (30, 32, 32, 3) and np.bincount(z["labels"]).tolist() == [10, 10, 10]
    assert z["classes"].tolist() == ["blue", "green", "red"]
    with pytest.raises(InputError, match="count"):
        TrainedModel.open(str(run)).dataset(MAX_EXPORT + 1)
