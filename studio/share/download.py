"""Files from pinned addresses: downloaded once, checked against their SHA-256, written atomically.

Used for third-party weights and example pictures alike, so every fetched file is verified the
same way before anything reads it.
"""

from __future__ import annotations

import hashlib
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

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
        raise DownloadError(f"could not download {Path(urlsplit(url).path).name} from {urlsplit(url).hostname}: "
                            f"{_reason(e)}") from e
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _reason(e: OSError) -> str:
    """Why a download failed, in words (no errno numbers or library wording)."""
    reason = getattr(e, "reason", e)
    if isinstance(reason, socket.gaierror) or "name resolution" in str(reason) or "Name or service" in str(reason):
        return "no network (the address could not be looked up)"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "the server did not answer in time"
    if isinstance(e, urllib.error.HTTPError):
        return f"the server answered {e.code} {e.reason}"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    return str(getattr(reason, "strerror", None) or reason)


def verified(path: Path, expected_sha: str) -> bool:
    return path.is_file() and sha256(path) == expected_sha
