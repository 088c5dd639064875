"""MNIST as in-memory tensors.

The whole set is 47 MB as uint8, so it is loaded once and batches are sliced from
memory: on a 2-core CPU a DataLoader with workers would cost more than it saves.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.core import paths
from studio.core.errors import UserError


class DataError(UserError, RuntimeError):
    """MNIST is missing or unreadable; the message says where it looked and what to do."""


_READ: dict[tuple[str, bool], tuple] = {}  # (folder, train) -> (images, labels) as read


def load_mnist(root: str | os.PathLike | None = None, train: bool = True, download: bool | None = None):
    """Return (images uint8 (N, 28, 28), labels int64 (N,)).

    download defaults to True except under CI, where the data must come from STUDIO_DATA_DIR.
    """
    from torchvision.datasets import MNIST

    root = paths.data_dir(root)
    key = (str(Path(root).resolve()), train)
    if key in _READ:  # read once per process: training bursts and evaluations ask again and again
        return tuple(t.clone() for t in _READ[key])
    if download is None:
        download = os.environ.get("CI", "").lower() not in ("1", "true")
    try:
        ds = MNIST(str(root), train=train, download=download)
    except RuntimeError as e:  # torchvision raises RuntimeError for a missing set
        raise DataError(
            f"MNIST not found under {root} ({e}). Pass --data-root or set STUDIO_DATA_DIR "
            "to a folder holding MNIST/raw, or allow the download."
        ) from e
    except OSError as e:  # no network for the download
        raise DataError(f"could not download MNIST into {root}: {e}") from e
    _READ[key] = (ds.data, ds.targets)
    return ds.data.clone(), ds.targets.clone()
