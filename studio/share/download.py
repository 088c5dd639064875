"""Files from pinned addresses: downloaded once, checked against their SHA-256, written atomically.

Used for third-party weights and example pictures alike, so every fetched file is verified the
same way before anything reads it.
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from pathlib import Path

from studio.core.errors import UserError


class DownloadError(UserError, OSError):
    """A download failed or did not match its pinned checksum; nothing was left behind."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(url: str, dest: Path, expected_sha: str, timeout: float = 30.0) -> Path:
    """Fetch url into dest atomically; a checksum mismatch deletes the download and raises."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r, open(tmp, "wb") as f:
            for block in iter(lambda: r.read(1 << 16), b""):
                f.write(block)
        got = sha256(tmp)
        if got != expected_sha:
            raise DownloadError(f"download of {url} has SHA-256 {got}, expected {expected_sha}; the file was deleted")
        os.replace(tmp, dest)
    except DownloadError:
        raise
    except OSError as e:
        raise DownloadError(f"could not download {url} ({e})") from e
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def verified(path: Path, expected_sha: str) -> bool:
    return path.is_file() and sha256(path) == expected_sha
