"""A trained generator with what it was trained on: the pipeline the Generate tab calls.

    model = TrainedModel.open("runs/emoji")        # a run folder, a checkpoint or hf://USER/NAME
    model.studio.image(seed=3, digit=model.label("flags"))
    model.nearest(seed=3, label=0)                  # the sample beside its nearest training pictures
"""

from __future__ import annotations

import torch
from PIL import Image

from studio.core.images import upscale
from studio.core.inputs import InputError
from studio.core.runfiles import RunFolder
from studio.datasets.imageset import ImageSet, class_weights
from studio.digits.directions import store_directions
from studio.digits.pipeline import GanStudio
from studio.digits.resolve import display_name, load_generator_any, resolve_generator
from studio.digits.sample import generate_dataset, npz_bytes, parse_label
from studio.evaluation import words
from studio.evaluation.own_set import NEAR_IDENTICAL, nearest, nearest_grid, sample_like

MAX_EXPORT = 20_000  # pictures in one exported dataset


class TrainedModel:
    def __init__(self, studio: GanStudio, source: str, images: ImageSet | None = None, mnist: bool = False):
        self.studio, self.source, self.images = studio, source, images
        self._mnist = mnist  # trained on MNIST: its training digits are read when first compared with
        self._pool = images.tensors()[0] if images is not None else None

    @classmethod
    def open(cls, spec: str) -> "TrainedModel":
        """The generator and, for a run folder, the set it was trained on (dataset.npz). Directions
        missing from the checkpoint are found once and kept in its JSON, so the next open is quick."""
        path = resolve_generator(spec)
        generator, config = load_generator_any(spec)
        if "directions" not in config and not str(spec).startswith("hf://"):
            found = store_directions(path, count=4)
            config.update(directions=found["pca"], directions_sefa=found["sefa"])
        run = RunFolder(path.parent)
        images = ImageSet.load(run.dataset) if run.dataset.is_file() else None
        g, trained_on = generator.config, (config.get("training") or {}).get("dataset", "MNIST")
        mnist = images is None and str(trained_on).startswith("MNIST") and (g.image_size, g.image_channels) == (28, 1)
        return cls(GanStudio(generator, config), display_name(spec), images, mnist)

    @property
    def classes(self) -> list[str]:
        return self.studio.classes

    def label(self, name) -> int | None:
        """A class by its name (or number); None for an unconditional generator."""
        if not self.classes:
            return None
        index = parse_label(name, self.classes)
        if index is None:
            raise InputError("pick one class")
        return index

    def describe(self) -> str:
        cfg = self.studio.config
        g = self.studio.generator.config
        t = cfg.get("training") or {}
        shape = f"{g.image_size} px {'grey' if g.image_channels == 1 else 'colour'}"
        kinds = f"{len(self.classes)} classes" if self.classes else "no classes"
        bits = [f"**Generator:** {self.source}: {shape}, {kinds}, trained on {t.get('dataset', 'MNIST')}"]
        m = cfg.get("metrics") or {}
        if "near_identical" in m:
            said = (f"The set's own classifier recognises its pictures {m['class_accuracy']:.1%} of the time "
                    f"(real pictures: {m['real_accuracy']:.1%}). " if "class_accuracy" in m else "")
            bits.append(f"{said}{m['near_identical']:.1%} of its pictures are nearly copies of a training picture.")
            if "fid" in m:
                bits.append(f"<details><summary>How good is it?</summary>FID {m['fid']:.2f} (lower is better; "
                            f"real pictures: {m['fid_floor']:.2f})</details>")
        elif m:
            bits.append(words.summary(m) + f"<details><summary>How good is it?</summary>{words.details(m)}</details>")
        else:
            bits.append("Not evaluated yet.")
        if cfg.get("data_licence"):
            bits.append(f"Training pictures: {cfg['data_licence']}")
        return "\n\n".join(bits)

    @torch.inference_mode()
    def nearest(self, rows_of=4, **controls) -> tuple[Image.Image, str]:
        """The current picture beside its rows_of nearest training pictures (in pixels), and a line."""
        self._need_pictures()
        sample = self.studio.render(**controls)
        _, rms = nearest(sample, self._pool)
        verdict = "Nearly a copy of a training picture" if rms[0] < NEAR_IDENTICAL else "Not a copy"
        grid = nearest_grid(sample, self._pool, rows=1, k=rows_of)
        return upscale(grid, 4), f"**{verdict}**: the nearest training picture differs by {rms[0]:.3f} " \
                                 f"(RMS difference; below {NEAR_IDENTICAL} counts as nearly identical)"

    def _need_pictures(self) -> None:
        if self._pool is None and self._mnist:
            self._pool = _mnist_digits()
        if self._pool is None:
            raise InputError("the training pictures are not with this generator (only a run trained here has "
                             "them), so there is nothing to compare with")

    @torch.inference_mode()
    def samples_beside_nearest(self, rows: int = 8, k: int = 4, seed: int = 0) -> tuple[Image.Image, str]:
        """rows samples (classes at the set's frequencies), each beside its k nearest training pictures."""
        self._need_pictures()
        labels = self.images.labels if self.images is not None else None
        weights = class_weights(labels, len(self.classes)) if self.classes and labels is not None else None
        samples, _ = sample_like(self.studio.generator, rows, weights, seed)
        _, rms = nearest(samples, self._pool)
        copies = int((rms < NEAR_IDENTICAL).sum())
        return upscale(nearest_grid(samples, self._pool, rows, k), 3), \
            f"{copies} of {rows} samples nearly identical to a training picture (RMS difference below {NEAR_IDENTICAL})"

    def dataset(self, count: int, label: str = "all", seed: int = 0, truncation: float = 1.0) -> bytes:
        """An .npz of count samples (classes balanced for 'all') with the class names."""
        if not 1 <= int(count) <= MAX_EXPORT:
            raise InputError(f"count must be between 1 and {MAX_EXPORT:,}")
        images, labels = generate_dataset(self.studio.generator, int(count), parse_label(label, self.classes),
                                          int(seed), truncation)
        return npz_bytes(images, labels, self.classes)


def _mnist_digits() -> torch.Tensor:
    """MNIST's 60,000 training digits in [-1, 1], as a generator trained on them draws."""
    from studio.digits.data import DataError, load_mnist

    try:
        x, _ = load_mnist(train=True, download=False)
    except DataError as e:
        raise InputError("MNIST's training digits are not on this machine, so there is nothing to compare "
                         "with (put MNIST in shared/data beside the app, or set STUDIO_DATA_DIR)") from e
    return x.unsqueeze(1).float().div(127.5).sub(1)
