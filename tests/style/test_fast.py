"""The fast stylizer on the real weights and real photos/paintings from ../shared/images."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from studio.core.imageio import open_image
from studio.core.inputs import InputError
from studio.style.tensors import fit, to_tensor


def arr(img):
    return np.asarray(img, dtype=np.float64) / 255.0


def test_strength_is_monotonic_and_in_range(fast_stylizer, photos, paintings):
    """Distance from the photo grows and distance from the full style shrinks as strength rises."""
    for photo_path, painting_path in zip(photos[:3], paintings[:3]):
        photo = fit(open_image(photo_path), 256)
        painting = open_image(painting_path)
        code = fast_stylizer.style_code(painting)
        x = to_tensor(photo)
        strengths = np.linspace(0, 1, 11)
        outs = [fast_stylizer.stylize_tensor(x, code, float(s)) for s in strengths]
        for o in outs:
            assert o.min() >= 0 and o.max() <= 1
        assert torch.allclose(outs[0], x, atol=1e-6)  # 0 is the photo
        full = outs[-1]
        d_photo = [float((o - x).abs().mean()) for o in outs]
        d_full = [float((o - full).abs().mean()) for o in outs]
        assert all(b > a for a, b in zip(d_photo, d_photo[1:])), d_photo
        assert all(b < a for a, b in zip(d_full, d_full[1:])), d_full
        # smooth: no single 0.1 step does more than a third of the whole change
        steps = np.diff(d_photo)
        assert steps.max() < d_photo[-1] / 3


def colour_stats(img):
    a = arr(img).reshape(-1, 3)
    return np.concatenate([a.mean(0), a.std(0)])


def test_colours_move_toward_the_painting(fast_stylizer, photos, paintings):
    moved = 0
    pairs = list(zip(photos, paintings))
    for photo_path, painting_path in pairs:
        photo = fit(open_image(photo_path), 256)
        painting = open_image(painting_path)
        out = fast_stylizer(photo, [painting], max_size=256)
        before = np.abs(colour_stats(photo) - colour_stats(painting)).sum()
        after = np.abs(colour_stats(out) - colour_stats(painting)).sum()
        moved += after < before
    assert moved == len(pairs)


def test_preserve_color_keeps_photo_chroma(fast_stylizer, photos, paintings):
    photo = fit(open_image(photos[0]), 256)
    painting = open_image(paintings[0])
    keep = fast_stylizer(photo, [painting], preserve_color=True, max_size=256)
    free = fast_stylizer(photo, [painting], preserve_color=False, max_size=256)
    def chroma(img):
        return np.asarray(img.convert("YCbCr"), dtype=np.float64)[..., 1:]
    assert np.abs(chroma(keep) - chroma(photo)).mean() < np.abs(chroma(free) - chroma(photo)).mean() / 2


def test_blend_of_paintings_lies_between(fast_stylizer, photos, paintings):
    photo = fit(open_image(photos[1]), 192)
    a, b = open_image(paintings[1]), open_image(paintings[2])
    oa = arr(fast_stylizer(photo, [a], max_size=192))
    ob = arr(fast_stylizer(photo, [b], max_size=192))
    mix = arr(fast_stylizer(photo, [a, b], [0.5, 0.5], max_size=192))
    assert np.abs(mix - oa).mean() < np.abs(ob - oa).mean()
    assert np.abs(mix - ob).mean() < np.abs(ob - oa).mean()
    only_a = arr(fast_stylizer(photo, [a, b], [1.0, 0.0], max_size=192))
    assert np.abs(only_a - oa).max() < 1e-6


def test_mask_limits_the_region(fast_stylizer, photos, paintings):
    photo = fit(open_image(photos[2]), 128)
    mask = Image.new("L", photo.size, 0)
    mask.paste(255, (0, 0, photo.width // 2, photo.height))
    out = arr(fast_stylizer(photo, [paintings[0]], mask=mask, max_size=128))
    p = arr(photo)
    half = photo.width // 2
    assert np.abs(out[:, half + 2:] - p[:, half + 2:]).max() < 2 / 255
    assert np.abs(out[:, :half - 2] - p[:, :half - 2]).mean() > 0.05


def test_painting_encoded_once(fast_stylizer, photos, paintings):
    painting = open_image(paintings[3])
    calls = []
    orig = fast_stylizer.model.encode_style
    fast_stylizer._codes.clear()

    def counting(x):
        calls.append(x.shape)
        return orig(x)

    fast_stylizer.model.encode_style = counting
    try:
        photo = fit(open_image(photos[3]), 128)
        for s in (1.0, 1.0, 1.0):
            fast_stylizer(photo, [painting], strength=s, max_size=128)
    finally:
        fast_stylizer.model.encode_style = orig
    assert len(calls) == 1


@pytest.mark.parametrize("size", [(17, 23), (101, 67), (333, 517)])
def test_odd_sizes_come_back_at_input_size(fast_stylizer, paintings, size):
    photo = Image.fromarray((np.random.default_rng(0).random((size[1], size[0], 3)) * 255).astype(np.uint8))
    out = fast_stylizer(photo, [paintings[0]], max_size=1024)
    assert out.size == size


def test_max_size_limits_long_side(fast_stylizer, photos, paintings):
    out = fast_stylizer(photos[0], [paintings[0]], max_size=200)
    assert max(out.size) == 200


@pytest.mark.parametrize("kwargs, match", [
    (dict(strength=1.5), "strength"),
    (dict(strength=float("nan")), "strength"),
    (dict(max_size=10000), "output size"),
    (dict(weights=[-1]), "weight"),
])
def test_bad_controls(fast_stylizer, photos, paintings, kwargs, match):
    with pytest.raises(InputError, match=match):
        fast_stylizer(photos[0], [paintings[0]], **kwargs)


@pytest.mark.app
def test_cli(tmp_path, photos, paintings, microast_dir):
    out = tmp_path / "out.png"
    r = subprocess.run([sys.executable, "-m", "studio", "stylize", str(photos[0]), str(paintings[0]), str(paintings[1]),
                        "-o", str(out), "--strength", "0.8", "--max-size", "160", "--preserve-color",
                        "--weights-dir", str(microast_dir)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert max(Image.open(out).size) == 160


@pytest.mark.app
def test_cli_bad_input(tmp_path, paintings):
    bad = tmp_path / "x.jpg"
    bad.write_text("hello")
    r = subprocess.run([sys.executable, "-m", "studio", "stylize", str(bad), str(paintings[0]), "-o",
                        str(tmp_path / "o.png")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "not an image" in r.stderr and "Traceback" not in r.stderr


def test_files_are_read_once_per_upload(fast_stylizer, photos, paintings, monkeypatch, tmp_path):
    """A strength-slider move sends the same upload paths again; they are not decoded again."""
    import studio.style.fast as stylize_module

    opened = []
    real_open = stylize_module.open_image
    monkeypatch.setattr(stylize_module, "open_image", lambda src, what="image": opened.append(what) or real_open(src, what))
    photo, painting = tmp_path / "photo.png", tmp_path / "painting.png"
    open_image(photos[2]).resize((120, 90)).save(photo)
    open_image(paintings[2]).resize((90, 90)).save(painting)
    first = fast_stylizer(str(photo), [str(painting)], strength=0.4, max_size=128)
    again = fast_stylizer(str(photo), [str(painting)], strength=0.8, max_size=128)
    assert opened == ["photo", "painting 1"]
    assert first.size == again.size == (120, 90) and first.tobytes() != again.tobytes()
    open_image(photos[3]).resize((120, 90)).save(photo)  # a new file at the same path is read again
    fast_stylizer(str(photo), [str(painting)], strength=0.8, max_size=128)
    assert opened.count("photo") == 2


@pytest.mark.cuda
def test_on_cuda_the_engine_paints_what_the_cpu_paints(cuda, microast_dir, photos, paintings):
    from studio.style.fast import FastStylizer

    on_cpu = FastStylizer.load(microast_dir, allow_download=False, exact=True)
    on_gpu = FastStylizer.load(microast_dir, allow_download=False, device=cuda)
    a = np.asarray(on_cpu(photos[0], [paintings[0]], strength=0.8, preserve_color=True, max_size=512), np.float32)
    b = np.asarray(on_gpu(photos[0], [paintings[0]], strength=0.8, preserve_color=True, max_size=512), np.float32)
    assert a.shape == b.shape and np.abs(a - b).mean() < 1.0  # under one grey level on average
