import subprocess
import sys

import numpy as np
import pytest

from studio.digits.checkpoints import save_generator
from studio.cli import main
from studio.digits.sample import parse_label
from studio.digits.sample import generate_dataset


@pytest.fixture
def gen_path(tmp_path, tiny_generator):
    return save_generator(tmp_path / "g.safetensors", tiny_generator)


def test_npz_format_balanced(tmp_path, gen_path):
    out = tmp_path / "d.npz"
    assert main(["sample", "--count", "25", "--label", "all", "--seed", "1", "--out", str(out), "--generator", str(gen_path)]) == 0
    data = np.load(out)
    assert set(data.files) == {"images", "labels", "classes"} and data["classes"].tolist() == [str(d) for d in range(10)]
    assert data["images"].shape == (25, 28, 28) and data["images"].dtype == np.uint8
    assert data["labels"].shape == (25,) and np.issubdtype(data["labels"].dtype, np.integer)
    counts = np.bincount(data["labels"], minlength=10)
    assert counts.max() - counts.min() <= 1


def test_single_label_and_seed_reproducible(tmp_path, gen_path):
    a, b, c = (tmp_path / n for n in ("a.npz", "b.npz", "c.npz"))
    for out, seed in ((a, 3), (b, 3), (c, 4)):
        assert main(["sample", "--count", "8", "--label", "7", "--seed", str(seed), "--out", str(out), "--generator", str(gen_path)]) == 0
    assert (np.load(a)["labels"] == 7).all()
    assert np.array_equal(np.load(a)["images"], np.load(b)["images"])
    assert not np.array_equal(np.load(a)["images"], np.load(c)["images"])


def test_png_folder(tmp_path, gen_path):
    folder = tmp_path / "pngs"
    assert main(["sample", "--count", "3", "--out", str(tmp_path / "x.npz"), "--png-dir", str(folder), "--generator", str(gen_path)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["0.png", "1.png", "2.png", "labels.csv"]
    assert (folder / "labels.csv").read_text().splitlines() == ["file,label", "0.png,0", "1.png,1", "2.png,2"]


@pytest.mark.parametrize("label", ["10", "-1", "seven", "3.5", ""])
def test_unknown_label_rejected(label):
    with pytest.raises(ValueError):
        parse_label(label, [str(d) for d in range(10)])


def test_labels_by_name_or_number():
    classes = ["cats", "dogs", "owls"]
    assert parse_label("all", classes) is None and parse_label("owls", classes) == 2 and parse_label("1", classes) == 1
    with pytest.raises(ValueError, match="a number below 3 .cats, dogs, owls."):
        parse_label("3", classes)


def test_a_colour_generator_samples_its_classes_by_name(tmp_path):
    import numpy as np

    from studio.digits.checkpoints import save_generator
    from studio.digits.networks import Generator, GeneratorConfig

    g = Generator(GeneratorConfig(16, 8, 3, 1, 32, 3))
    path = save_generator(tmp_path / "g.safetensors", g, {"classes": ["cats", "dogs", "owls"]})
    out = tmp_path / "s.npz"
    assert main(["sample", "--count", "7", "--out", str(out), "--generator", str(path)]) == 0
    with np.load(out) as z:
        assert z["images"].shape == (7, 32, 32, 3) and z["labels"].tolist() == [0, 1, 2, 0, 1, 2, 0]
        assert z["classes"].tolist() == ["cats", "dogs", "owls"]
    assert main(["sample", "--count", "2", "--label", "owls", "--out", str(out), "--generator", str(path),
                 "--png-dir", str(tmp_path / "png")]) == 0
    assert np.load(out)["labels"].tolist() == [2, 2]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "studio", "sample", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.app
def test_cli_unknown_label_exits_nonzero(tmp_path):
    r = run_cli("--count", "5", "--label", "11", "--out", str(tmp_path / "x.npz"))
    assert r.returncode != 0
    assert "label must be 'all', a class name or a number below 10" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("args, msg", [
    (["--count", "0"], "--count"),
    (["--count", "5", "--seed", "-3"], "--seed"),
    (["--count", "5", "--truncation", "2"], "--truncation"),
])
@pytest.mark.app
def test_cli_bad_numbers(tmp_path, args, msg):
    r = run_cli(*args, "--out", str(tmp_path / "x.npz"))
    assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr


@pytest.mark.app
def test_cli_missing_generator(tmp_path):
    r = run_cli("--count", "5", "--out", str(tmp_path / "x.npz"), "--generator", str(tmp_path / "none.safetensors"))
    assert r.returncode == 2
    assert "does not exist" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.npz").exists()


def test_unconditional_generator_refused():
    from studio.digits.networks import Generator, GeneratorConfig

    g = Generator(GeneratorConfig(latent_dim=8, channels=8, num_classes=0)).eval()
    with pytest.raises(ValueError, match="unconditional"):
        generate_dataset(g, 4, None, 0)


def test_what_a_synthetic_set_is_worth_comes_from_its_measured_cas():
    from studio.digits.sample import worth

    assert "has not been measured" in worth({"metrics": {"fid": 1.0}})
    line = worth({"metrics": {"cas": 0.9871, "cas_real": 0.9903, "cas_n": 60000, "cas_n_real": 60000}})
    assert "60,000 of these digits alone scores **98.71%**" in line and "99.03%" in line
