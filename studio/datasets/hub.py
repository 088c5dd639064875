"""A Hugging Face dataset by id as an ImageSet: `hf:USER/NAME` (its train split) or
`hf:USER/NAME:SPLIT`. Its first image column gives the pictures; its first ClassLabel column (else
an integer column named label or labels) gives the classes, and none means no classes. Read with
the `datasets` library, which downloads and caches the set on a user's machine.

    images = read_hub("hf:USER/NAME", size=32)
"""

from __future__ import annotations

import re

from studio.datasets.folder import MAX_FILES, MAX_PIXELS, Pictures
from studio.datasets.imageset import DataSourceError, ImageSet

SPEC = re.compile(r"^hf:([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96})(?::([A-Za-z0-9_.\[\]%:-]{1,40}))?$")
LABEL_NAMES = ("label", "labels")


def parse(spec: str) -> tuple[str, str]:
    """hf:USER/NAME[:SPLIT] -> (repo id, split), or a DataSourceError saying the form."""
    m = SPEC.match(spec.strip())
    if not m or ".." in m.group(1):
        raise DataSourceError(f"{spec[:80]!r} is not a Hugging Face dataset id: use hf:USER/NAME or hf:USER/NAME:SPLIT")
    return m.group(1), m.group(2) or "train"


def _columns(features) -> tuple[str, str | None]:
    import datasets

    images = [name for name, f in features.items() if isinstance(f, datasets.Image)]
    if not images:
        raise DataSourceError(f"the dataset has no image column (its columns: {', '.join(features)})")
    labels = [name for name, f in features.items() if isinstance(f, datasets.ClassLabel)]
    labels += [name for name in LABEL_NAMES if name in features and getattr(features[name], "dtype", "").startswith("int")]
    return images[0], (labels[0] if labels else None)


def read_hub(spec: str, size: int = 32, background: str = "white", channels: str = "auto", load=None) -> ImageSet:
    """`load` is datasets.load_dataset (a stand-in in tests)."""
    repo_id, split = parse(spec)
    try:
        import datasets
    except ImportError:
        raise DataSourceError("hf: datasets need the datasets library: pip install datasets") from None
    load = load or datasets.load_dataset
    try:
        ds = load(repo_id, split=split)
    except Exception as e:  # noqa: BLE001 - datasets raises many kinds (not found, offline, gated): all mean "cannot"
        raise DataSourceError(f"could not load the dataset {repo_id} ({split}): {str(e)[:300]}") from None
    image_col, label_col = _columns(ds.features)
    feature = ds.features.get(label_col) if label_col else None
    names = list(feature.names) if isinstance(feature, datasets.ClassLabel) else None
    skipped, pictures, raw_labels = [], Pictures(size, background), []
    rows = min(len(ds), MAX_FILES)
    for i in range(rows):
        try:
            row = ds[i]
            img = row[image_col]
            if img.width * img.height > MAX_PIXELS:
                raise ValueError(f"{img.width} x {img.height} is over {MAX_PIXELS // 1_000_000} megapixels")
            img.load()
        except Exception as e:  # noqa: BLE001 - a row that cannot be decoded is skipped and counted
            skipped.append((f"row {i}", str(e)[:120] or type(e).__name__))
            continue
        pictures.add(img, None)
        raw_labels.append(row[label_col] if label_col else None)
    if len(ds) > rows:
        skipped.append((f"rows {rows:,} to {len(ds):,}", f"over {MAX_FILES:,} pictures: only the first are read"))
    classes = []
    if label_col:
        found = sorted({int(v) for v in raw_labels})
        classes = [names[v] for v in found] if names else [str(v) for v in found]
        index = {v: k for k, v in enumerate(found)}  # classes with no picture left out, indices kept dense
        pictures.labels = [index[int(v)] for v in raw_labels]
    return pictures.image_set(classes, f"hf:{repo_id}" + (f":{split}" if split != "train" else ""), skipped, channels)
