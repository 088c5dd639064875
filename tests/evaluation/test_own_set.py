"""The evaluator for sets of one's own pictures, on known answers: a generator that copies the set,
one that draws noise, and one that draws every picture in the wrong class."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from studio.datasets.imageset import ImageSet
from studio.evaluation import metrics
from studio.evaluation.own_set import NEAR_IDENTICAL, SetEvaluator, held_out_split, nearest, nearest_grid

SHAPES = ("square", "bar", "cross")


def shapes_set(per_class=60, seed=0) -> ImageSet:
    """Three classes of coloured shapes at random places on white, 32 px: easy to tell apart."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for c, colour in enumerate([(220, 30, 30), (30, 160, 60), (40, 60, 220)]):
        for _ in range(per_class):
            img = np.full((32, 32, 3), 255, np.uint8)
            y, x = rng.integers(2, 14, 2)
            if c == 0:
                img[y:y + 14, x:x + 14] = colour
            elif c == 1:
                img[y:y + 16, x + 5:x + 9] = colour
            else:
                img[y + 6:y + 10, x:x + 16] = colour
                img[y:y + 16, x + 6:x + 10] = colour
            images.append(img)
            labels.append(c)
    return ImageSet(np.stack(images), np.array(labels), list(SHAPES), "shapes")


class Drawer(torch.nn.Module):
    """A stand-in generator: draws (for class c) a picture chosen by `pick` from its pool of the set."""

    def __init__(self, x, y, pick):
        super().__init__()
        self.x, self.y, self.pick = x, y, pick
        self.config = SimpleNamespace(num_classes=3, latent_dim=4, image_size=32, image_channels=3)
        self.weight = torch.nn.Parameter(torch.zeros(1))

    def forward(self, z, onehot):
        return torch.stack([self.pick(self, int(c), z[i]) for i, c in enumerate(onehot.argmax(1))])


def copy_of(self, c, z):
    pool = self.x[self.y == c]
    return pool[int(abs(z[0].item()) * 1e6) % len(pool)]


def wrong_class(self, c, z):
    return copy_of(self, (c + 1) % 3, z)


def noise(self, c, z):
    return torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(int(abs(z[0].item()) * 1e6))) * 2 - 1


@pytest.fixture(scope="module")
def evaluator():
    return SetEvaluator(shapes_set(), steps=80, batch=32)


def drawer(ev, pick):
    return Drawer(ev.x, ev.y, pick)


def test_the_split_holds_out_every_class_and_never_shares_a_picture():
    labels = np.array([0] * 50 + [1] * 10 + [2] * 2 + [3])
    train, held = held_out_split(labels)
    assert not set(train) & set(held) and len(train) + len(held) == len(labels)
    assert [int((labels[held] == c).sum()) for c in range(4)] == [10, 2, 1, 0]  # a class of 1 stays in training
    assert np.array_equal(held, held_out_split(labels)[1]) and not np.array_equal(held, held_out_split(labels, seed=1)[1])


def test_kid_is_near_zero_for_one_distribution_and_grows_with_the_gap():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(800, 16)), rng.normal(size=(800, 16))
    same, far = metrics.kid(a, b)[0], metrics.kid(a, b + 1.0)[0]
    assert abs(same) < 0.01 and far > 20 * max(abs(same), 1e-3)


def test_nearest_finds_copies_exactly():
    pool = torch.rand(20, 3, 8, 8) * 2 - 1
    idx, rms = nearest(pool[[4, 7]] + 0.01, pool)
    assert idx.tolist() == [4, 7] and np.allclose(rms, 0.005, atol=1e-4)


@pytest.mark.slow
def test_the_classifier_learns_the_set(evaluator):
    assert evaluator.real_accuracy >= 0.9


def test_a_copier_scores_like_the_real_set_and_is_caught_copying(evaluator):
    s = evaluator.score(drawer(evaluator, copy_of))
    assert s["near_identical"] == 1.0 and s["near_identical_real"] < 1.0
    assert s["class_accuracy"] >= 0.9


def test_noise_scores_far_from_the_floor_and_copies_nothing(evaluator):
    s = evaluator.score(drawer(evaluator, noise))
    copier = evaluator.score(drawer(evaluator, copy_of))
    assert s["near_identical"] == 0.0
    assert s["fid"] > 10 * copier["fid"] and s["kid"] > 10 * max(copier["kid"], 1e-3)


def test_pictures_in_the_wrong_class_score_low_class_accuracy(evaluator):
    assert evaluator.score(drawer(evaluator, wrong_class))["class_accuracy"] < 0.1


def test_the_nearest_grid_puts_each_sample_beside_its_copies(evaluator):
    x = evaluator.x
    grid = np.asarray(nearest_grid(x[:3], x, rows=3, k=2))
    assert grid.shape == (3 * 34 + 2, 3 * 34 + 6, 3)
    first, nearest_one = grid[2:34, 2:34], grid[2:34, 2 + 34 + 4:2 + 34 + 4 + 32]
    assert np.array_equal(first, nearest_one)  # a picture's nearest training picture is itself
    assert NEAR_IDENTICAL < 0.1


def test_evaluate_on_a_run_trained_on_a_folder(tiny_config, tmp_path, capsys):
    from PIL import Image

    from studio.cli import main
    from studio.training.trainer import Trainer

    folder = tmp_path / "shapes"
    for i, (img, c) in enumerate(zip(shapes_set(12).images, shapes_set(12).labels)):
        (folder / SHAPES[c]).mkdir(parents=True, exist_ok=True)
        Image.fromarray(img).save(folder / SHAPES[c] / f"{i}.png")
    run = tmp_path / "run"
    Trainer(tiny_config(steps=2, out=str(run), data=str(folder), size=32, log_every=1)).run()
    grid = tmp_path / "nearest.png"
    assert main(["evaluate", "--generator", str(run), "--json", "--grid", str(grid), "--write",
                 "--classifier-steps", "10"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["set"] == "folder shapes" and s["pictures"] == 36 and 0 <= s["class_accuracy"] <= 1
    assert {"fid", "fid_floor", "kid", "kid_floor", "real_accuracy", "near_identical"} <= set(s)
    assert Image.open(grid).size == ((4 + 1) * 34 + 6, 8 * 34 + 2)
    written = json.loads((run / "generator.json").read_text())["metrics"]
    assert written["evaluated"].endswith("folder shapes") and "seconds" not in written
    assert main(["evaluate", "--generator", str(run), "--data", str(tmp_path / "nowhere")]) == 2
