"""A folder of someone's own pictures: classes from sub-folders, transparency flattened, bad files
skipped and counted, grey detected; and the same digits through the folder path and MNIST's."""

import io

import numpy as np
import pytest
from PIL import Image

from studio.datasets.folder import read_folder
from studio.datasets.imageset import DataSourceError, ImageSet
from studio.datasets.sources import load


def save(path, array, mode=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8), mode).save(path)


def test_classes_transparency_cropping_and_skipped_files(tmp_path):
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[10:30, 10:30] = (255, 0, 0, 255)  # a red square on transparency
    save(tmp_path / "cats" / "a.png", rgba, "RGBA")
    save(tmp_path / "cats" / "wide.png", np.full((20, 60, 3), (0, 128, 0)))
    save(tmp_path / "dogs" / "b.png", np.full((32, 32, 3), (0, 0, 255)))
    (tmp_path / "dogs" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (tmp_path / "dogs" / "notes.txt").write_text("hello")
    (tmp_path / "dogs" / "link.png").symlink_to(tmp_path / "dogs" / "b.png")
    save(tmp_path / "loose.png", np.zeros((32, 32, 3)))
    images = read_folder(tmp_path, size=32)
    assert images.classes == ["cats", "dogs"] and images.counts() == {"cats": 2, "dogs": 1}
    assert images.images.shape == (3, 32, 32, 3) and images.conditional
    corner, centre = images.images[0, 0, 0], images.images[0, 16, 16]
    assert tuple(corner) == (255, 255, 255) and tuple(centre) == (255, 0, 0)  # flattened onto white
    why = dict(images.skipped)
    assert set(why) == {"dogs/broken.png", "dogs/notes.txt", "dogs/link.png", "loose.png"}
    assert why["dogs/link.png"] == "a link" and why["loose.png"] == "not in a class folder"
    assert "not a picture" in why["dogs/notes.txt"] and why["dogs/broken.png"]
    assert any("transparency flattened onto white in 1 " in n for n in images.notes)
    assert any("1 pictures centre-cropped" in n for n in images.notes)


def test_grey_pictures_make_a_one_channel_unconditional_set(tmp_path):
    for i in range(3):
        save(tmp_path / f"{i}.png", np.full((64, 64), 40 * i))
    images = read_folder(tmp_path, size=64)
    assert images.channels == 1 and images.labels is None and not images.conditional
    assert images.report()["channels"] == "grey" and images.counts() == {"(all)": 3}
    assert read_folder(tmp_path, size=64, channels="colour").channels == 3


def test_an_empty_or_missing_folder_is_a_message(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "a.txt").write_text("x")
    with pytest.raises(DataSourceError, match="holds no usable pictures .1 skipped: not a picture"):
        read_folder(tmp_path / "empty")
    with pytest.raises(DataSourceError, match="no folder"):
        read_folder(tmp_path / "nowhere")


def test_a_set_survives_its_file_and_draws_a_preview(tmp_path):
    images = ImageSet(np.random.default_rng(0).integers(0, 255, (30, 32, 32, 3), dtype=np.uint8),
                      np.arange(30) % 3, ["a", "b", "c"], "test", [("x.png", "broken")], ["colour"])
    again = ImageSet.load(images.save(tmp_path / "dataset.npz"))
    assert np.array_equal(again.images, images.images) and np.array_equal(again.labels, images.labels)
    assert again.classes == images.classes and again.skipped == [("x.png", "broken")] and again.notes == ["colour"]
    assert images.preview(per_class=8).size == (8 * 34 + 2, 3 * 34 + 2)
    x, y = images.tensors()
    assert x.shape == (30, 3, 32, 32) and -1 <= x.min() and x.max() <= 1 and y.tolist() == images.labels.tolist()


def test_mnist_as_a_folder_of_pngs_matches_the_mnist_path(tmp_path, mnist_available):
    from studio.digits.data import load_mnist

    digits, labels = load_mnist(train=True)
    for i in range(200):
        save(tmp_path / str(int(labels[i])) / f"{i:05d}.png", digits[i].numpy())
    folder = read_folder(tmp_path, size=32)
    mnist = load("torchvision:MNIST", size=32)
    assert folder.channels == mnist.channels == 1 and folder.classes == [str(d) for d in range(10)]
    # The folder is read class by class, each in file-name order: digit i is the k-th of its class.
    rank = {i: k for c in range(10) for k, i in enumerate(j for j in range(200) if labels[j] == c)}
    as_read = np.stack([folder.images[np.flatnonzero(folder.labels == int(labels[i]))[rank[i]]] for i in range(200)])
    diff = np.abs(as_read.astype(np.float32) - mnist.images[:200])
    assert diff.mean() < 3, diff.mean()  # Lanczos against bilinear antialiasing: under 3 grey levels on average
    assert [int(folder.classes[c]) for c in folder.labels[:3]] == [0, 0, 0]


def test_a_folder_holding_only_the_set_is_looked_into(tmp_path):
    save(tmp_path / "my-set" / "cats" / "a.png", np.full((32, 32, 3), (200, 0, 0)))
    save(tmp_path / "my-set" / "dogs" / "b.png", np.full((32, 32, 3), (0, 0, 200)))
    assert read_folder(tmp_path).classes == ["cats", "dogs"]
