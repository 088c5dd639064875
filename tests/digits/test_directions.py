"""Latent directions by PCA and SeFa: shapes, the closed form, and names that are unique and measured."""

import json

import numpy as np
import pytest
import torch

from studio.core import paths
from studio.digits import directions as dirmod
from studio.digits.checkpoints import load_generator
from studio.digits.directions import ATTRIBUTES, effects, find_directions, measure, name_directions, sefa_directions


def test_directions_are_unit_and_ordered(tiny_generator):
    dirs = find_directions(tiny_generator, count=4, samples=600)
    assert len(dirs) == 4
    variances = [d["variance"] for d in dirs]
    assert variances == sorted(variances, reverse=True)
    for d in dirs:
        assert abs(np.linalg.norm(d["vector"]) - 1) < 1e-4


def test_measure_slant_sign():
    # A stroke from bottom-left to top-right ("/") leans right: positive slant.
    img = -torch.ones(1, 1, 28, 28)
    for i in range(20):
        img[0, 0, 24 - i, 4 + i // 2] = 1.0
    assert measure(img)["slant"][0] > 0
    assert measure(img.flip(-1))["slant"][0] < 0


def test_sefa_is_the_top_right_singular_vectors_of_the_first_layer(tiny_generator):
    dirs, strength = sefa_directions(tiny_generator, 4)
    a = tiny_generator.fc.weight.detach()[:, :16].double()
    _, s, vh = torch.linalg.svd(a, full_matrices=False)
    assert np.allclose(strength, (s[:4] ** 2).numpy(), rtol=1e-6)
    for k in range(4):
        assert abs(abs(float(dirs[k].double() @ vh[k])) - 1) < 1e-4  # the same line, up to sign
    gram = dirs @ dirs.T
    assert torch.allclose(gram, torch.eye(4), atol=1e-4)


def test_directions_are_the_same_every_time(tiny_generator):
    for method in ("pca", "sefa"):
        a = find_directions(tiny_generator, count=3, samples=500, method=method)
        b = find_directions(tiny_generator, count=3, samples=500, method=method)
        assert a == b


def test_unknown_method_is_refused(tiny_generator):
    with pytest.raises(ValueError, match="method must be"):
        find_directions(tiny_generator, method="ica")


def test_names_are_unique_even_when_attributes_repeat(monkeypatch, tiny_generator):
    measured = [[("stroke width", 1.0, 0.9)], [("stroke width", 1.0, 0.8), ("height", -1.0, 0.6)],
                [("stroke width", 1.0, 0.7)], [], [("slant", 1.0, 3.0)]]
    monkeypatch.setattr(dirmod, "effects", lambda g, d, seed=0, consistency_bar=0.9: measured[seed % dirmod.RECHECK])
    names = name_directions(tiny_generator, torch.zeros(5, 16))
    # the strongest stroke-width direction gets the plain name; one with another measured
    # attribute takes that; the last gets a numbered name; an unmeasured one gets none
    assert [n for n, _, _ in names] == ["stroke width", "height", "stroke width 2", None, "slant"]
    assert names[1][1] == -1.0  # the sign that goes with the attribute it was named for


def test_a_name_must_hold_on_a_second_set_of_samples(monkeypatch, tiny_generator):
    """Direction 0 moves height on the first samples only; direction 1 on both."""
    def fake(g, d, seed=0, consistency_bar=0.9):
        again = seed >= dirmod.RECHECK
        if seed % dirmod.RECHECK == 0:
            return [] if again else [("height", 1.0, 0.7)]
        return [("slant", -1.0, 1.0)]

    monkeypatch.setattr(dirmod, "effects", fake)
    names = name_directions(tiny_generator, torch.zeros(2, 16))
    assert [n for n, _, _ in names] == [None, "slant"]


@pytest.mark.parametrize("method, key", [("pca", "directions"), ("sefa", "directions_sefa")])
def test_shipped_names_are_unique_and_hold_when_measured_again(method, key):
    """Every named slider of the shipped generator: its attribute still moves the stated way."""
    stored = json.loads(paths.DEFAULT_GENERATOR.with_suffix(".json").read_text())[key]
    names = [d["name"] for d in stored if d["name"]]
    assert len(names) == len(set(names)) and len(names) >= 3
    generator, _ = load_generator(paths.DEFAULT_GENERATOR)
    for d in stored:
        if not d["name"]:
            continue
        attribute = d["name"].rstrip(" 0123456789")
        assert attribute in ATTRIBUTES
        found = {a: sign for a, sign, _ in effects(generator, torch.tensor(d["vector"]), seed=123)}
        assert found.get(attribute) == 1.0, f"{d['name']}: measured {found}"
