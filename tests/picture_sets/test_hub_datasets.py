"""hf:USER/NAME: a Hub dataset's image and label columns as an ImageSet, read through `datasets`
(a dataset built in memory stands in for the download)."""

import numpy as np
import pytest
from PIL import Image

from studio.datasets.hub import parse, read_hub
from studio.datasets.imageset import DataSourceError

datasets = pytest.importorskip("datasets")


def _picture(colour, transparent=False):
    img = Image.new("RGBA" if transparent else "RGB", (48, 40), (*colour, 0) if transparent else colour)
    img.paste((*colour, 255) if transparent else colour, (10, 10, 30, 30))
    return img


def hub_set(with_labels=True, label_feature=True):
    rows = {"image": [_picture((200, 30, 30)), _picture((30, 30, 200), transparent=True), _picture((30, 200, 30))],
            "caption": ["red", "blue", "green"]}
    features = {"image": datasets.Image(), "caption": datasets.Value("string")}
    if with_labels:
        rows["label"] = [2, 0, 2]
        features["label"] = datasets.ClassLabel(names=["cats", "dogs", "owls"]) if label_feature \
            else datasets.Value("int64")
    return datasets.Dataset.from_dict(rows, features=datasets.Features(features))


def loader(ds, seen=None):
    def load(repo_id, split):
        if seen is not None:
            seen.append((repo_id, split))
        return ds
    return load


def test_images_and_class_labels_by_their_names():
    seen = []
    images = read_hub("hf:someone/pets:test", 32, load=loader(hub_set(), seen))
    assert seen == [("someone/pets", "test")]
    assert images.images.shape == (3, 32, 32, 3) and images.classes == ["cats", "owls"]  # dogs: no picture
    assert images.labels.tolist() == [1, 0, 1] and images.source == "hf:someone/pets:test"
    assert any("transparency flattened onto white in 1" in n for n in images.notes)
    assert any("centre-cropped" in n for n in images.notes)
    assert np.asarray(images.images[0])[16, 16].tolist() == [200, 30, 30]


def test_an_integer_label_column_and_none():
    assert read_hub("hf:a/b", 32, load=loader(hub_set(label_feature=False))).classes == ["0", "2"]
    unlabelled = read_hub("hf:a/b", 32, load=loader(hub_set(with_labels=False)))
    assert unlabelled.labels is None and not unlabelled.conditional


def test_what_cannot_be_read_says_why():
    with pytest.raises(DataSourceError, match="no image column"):
        read_hub("hf:a/b", 32, load=loader(datasets.Dataset.from_dict({"text": ["x"]})))

    def offline(repo_id, split):
        raise ConnectionError("Couldn't reach the Hub")
    with pytest.raises(DataSourceError, match="could not load the dataset a/b .train.: Couldn't reach"):
        read_hub("hf:a/b", 32, load=offline)
    for bad in ("hf:", "hf:a", "hf:a/b/c", "hf:a/b:train;rm"):
        with pytest.raises(DataSourceError, match="not a Hugging Face dataset id"):
            parse(bad)
