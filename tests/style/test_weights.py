"""Weight resolution: local folder, cache, pinned download with SHA-256 check."""

import hashlib
import http.server
import shutil
import threading

import pytest

from studio.style import weights
from studio.style.weights import MICROAST_FILES, WeightsError, resolve_microast


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STUDIO_WEIGHTS_DIR", raising=False)
    monkeypatch.setenv("STUDIO_SHARED_DIR", str(tmp_path / "no-shared"))  # nor ../shared
    return tmp_path / "cache" / "weights" / "microast"


@pytest.fixture
def server(microast_dir, tmp_path):
    """A local stand-in for the pinned download address, serving a folder we control."""
    root = tmp_path / "served"
    root.mkdir()
    for name, _ in MICROAST_FILES.values():
        shutil.copy(microast_dir / name, root / name)
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **k)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/{{name}}"
    httpd.shutdown()


def test_explicit_folder_wins(microast_dir, cache):
    found = resolve_microast(microast_dir, allow_download=False)
    assert all(p.parent == microast_dir for p in found.values())


def test_offline_without_weights_says_what_is_missing(cache):
    with pytest.raises(WeightsError, match="STUDIO_WEIGHTS_DIR"):
        resolve_microast(allow_download=False)


def test_download_verifies_and_caches(server, cache, monkeypatch):
    _, url = server
    monkeypatch.setattr(weights, "MICROAST_URL", url)
    found = resolve_microast()
    assert all(p.parent == cache for p in found.values())
    assert not list(cache.glob(".*.part"))
    resolve_microast(allow_download=False)  # now served from the cache


def test_tampered_download_is_deleted(server, cache, monkeypatch):
    root, url = server
    name = MICROAST_FILES["decoder"][0]
    (root / name).write_bytes(b"tampered" * 1000)
    monkeypatch.setattr(weights, "MICROAST_URL", url)
    with pytest.raises(WeightsError, match="SHA-256"):
        resolve_microast()
    assert not (cache / name).exists()
    assert not list(cache.glob(".*.part"))


def test_corrupt_cache_entry_is_refetched(server, cache, monkeypatch):
    _, url = server
    monkeypatch.setattr(weights, "MICROAST_URL", url)
    resolve_microast()
    name, digest = MICROAST_FILES["modulator"]
    (cache / name).write_bytes(b"bitrot")
    resolve_microast()
    assert hashlib.sha256((cache / name).read_bytes()).hexdigest() == digest


def test_unreachable_address(cache, monkeypatch):
    """Offline, one whole sentence: what is missing, why in words, and where to put the files; no address."""
    monkeypatch.setattr(weights, "MICROAST_URL", "http://127.0.0.1:9/{name}")
    with pytest.raises(WeightsError, match="could not download") as caught:
        resolve_microast()
    text = str(caught.value)
    assert text.startswith("the MicroAST style weights are not on this machine")
    assert "the connection was refused" in text and "shared/weights/microast" in text and "STUDIO_WEIGHTS_DIR" in text
    assert "http" not in text and "Errno" not in text


def test_wrong_file_in_explicit_folder(microast_dir, tmp_path, cache):
    bad = tmp_path / "w"
    shutil.copytree(microast_dir, bad)
    (bad / MICROAST_FILES["decoder"][0]).chmod(0o644)
    (bad / MICROAST_FILES["decoder"][0]).write_bytes(b"x")
    with pytest.raises(WeightsError, match="does not match"):
        resolve_microast(bad, allow_download=False)
