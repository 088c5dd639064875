"""The Style tab's examples: the offline folder, verified downloads, and the studio's own pair."""

import hashlib
import http.server
import threading
from functools import partial

import pytest

from studio.style import examples


@pytest.fixture
def offline(tmp_path, monkeypatch):
    monkeypatch.delenv("STUDIO_EXAMPLES_DIR", raising=False)
    monkeypatch.setenv("STUDIO_SHARED_DIR", str(tmp_path / "no-shared"))  # nor ../shared
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(examples, "RAW", "http://127.0.0.1:9/{repo}/{commit}/{path}")  # nothing listens there


def test_the_offline_folder_gives_real_pictures(monkeypatch):
    import os

    assert os.environ.get("STUDIO_EXAMPLES_DIR"), "tests set STUDIO_EXAMPLES_DIR to ../shared/images"
    pairs, caption = examples.example_pairs(allow_download=False)
    assert len(pairs) == len(examples.PAIRS) and "Public-domain" in caption
    assert pairs[0][0].endswith("content/astronaut.jpg") and pairs[0][1].endswith("style/starry_night.jpg")


def test_without_network_or_folder_the_studios_own_pair_appears(offline):
    pairs, caption = examples.example_pairs()
    assert caption.startswith("Made by the studio") and pairs
    assert pairs[0][0].endswith("example_digits.png")


def test_downloads_are_verified_and_cached(offline, tmp_path, monkeypatch):
    served = tmp_path / "served"
    (served / "repo" / "c0").mkdir(parents=True)
    good, bad = b"a real picture", b"something else"
    (served / "repo" / "c0" / "good.png").write_bytes(good)
    (served / "repo" / "c0" / "bad.png").write_bytes(bad)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(examples, "RAW", f"http://127.0.0.1:{server.server_port}/{{repo}}/{{commit}}/{{path}}")
        digest = hashlib.sha256(good).hexdigest()
        monkeypatch.setattr(examples, "PICTURES", {
            "good": ("content/good.png", "repo", "c0", "good.png", digest),
            "tampered": ("content/bad.png", "repo", "c0", "bad.png", digest)})
        got = examples.picture("good")
        assert got.read_bytes() == good and got.parent.name == "examples"
        assert examples.picture("tampered") is None  # served, but not the pinned bytes
        assert not list(got.parent.glob("tampered*")) and not list(got.parent.glob(".*part"))
        server.shutdown()
        assert examples.picture("good") == got  # from the cache now
    finally:
        server.server_close()
