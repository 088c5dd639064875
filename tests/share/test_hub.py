"""Hub download paths against a local stand-in for the Hub (HF_ENDPOINT on 127.0.0.1), so the real
huggingface_hub client code runs; upload paths through a recording client."""

import hashlib
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from studio.digits.checkpoints import save_generator
from studio.digits.publish import publish_generator
from studio.share.hub import ModelSourceError, check_repo_id, model_card

COMMIT = "a" * 40


class StandInHub(http.server.BaseHTTPRequestHandler):
    """Serves /{user}/{name}/resolve/{revision}/{file} from a folder of repos, as the Hub does."""

    repos: Path = None

    def log_message(self, *args):
        pass

    def _file(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) < 5 or parts[2] != "resolve":
            return None, "RepoNotFound"
        repo = self.repos / parts[0] / parts[1]
        if not repo.is_dir():
            return None, "RepoNotFound"
        f = repo / "/".join(parts[4:])
        return (f, None) if f.is_file() else (None, "EntryNotFound")

    def _answer(self, body: bool):
        f, err = self._file()
        if f is None:
            self.send_response(404)
            self.send_header("X-Error-Code", err)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = f.read_bytes()
        self.send_response(200)
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("ETag", '"' + hashlib.sha256(data).hexdigest() + '"')
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)


@pytest.fixture
def hub(tmp_path, monkeypatch, tiny_generator):
    repos = tmp_path / "repos"
    good = repos / "alice" / "digits"
    good.mkdir(parents=True)
    save_generator(good / "generator.safetensors", tiny_generator, {"metrics": {"fid": 3.0}})
    wrong = repos / "bob" / "other"
    wrong.mkdir(parents=True)
    (wrong / "README.md").write_text("not a generator")
    corrupt = repos / "carol" / "broken"
    corrupt.mkdir(parents=True)
    save_generator(corrupt / "generator.safetensors", tiny_generator)
    (corrupt / "generator.safetensors").write_bytes(b"\x00" * 64)
    handler = type("H", (StandInHub,), {"repos": repos})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    env = {"HF_ENDPOINT": endpoint, "HF_HOME": str(tmp_path / "hf-home"), "HF_HUB_OFFLINE": "0",
           "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_XET": "1"}
    yield env
    server.shutdown()


def in_subprocess(env, code):
    """huggingface_hub reads HF_ENDPOINT at import: run the client in a fresh interpreter."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


@pytest.mark.app
def test_generator_loads_from_hub_into_digits_loader(hub):
    r = in_subprocess(hub, "from studio.ui.state import GENERATOR; print(GENERATOR.load('hf://alice/digits')); "
                           "print(GENERATOR.studio.image(seed=1, digit=2).size)")
    assert r.returncode == 0, r.stderr
    assert "Loaded generator hf://alice/digits" in r.stdout and "(28, 28)" in r.stdout


@pytest.mark.app
def test_sample_cli_with_hub_generator(hub, tmp_path):
    out = tmp_path / "d.npz"
    r = in_subprocess(hub, f"import sys; from studio.cli import main; sys.exit(main(['sample', '--generator', 'hf://alice/digits', "
                           f"'--count', '20', '--out', r'{out}']))")
    assert r.returncode == 0, r.stderr
    assert np.load(out)["images"].shape == (20, 28, 28)


@pytest.mark.parametrize("repo, message", [
    ("nobody/nothing", "was not found"),
    ("bob/other", "has no generator.safetensors"),
    ("carol/broken", "not a readable safetensors"),
])
@pytest.mark.app
def test_bad_repos_give_clear_messages(hub, repo, message):
    r = in_subprocess(hub, f"from studio.ui.state import GENERATOR; print(GENERATOR.load('hf://{repo}'))")
    assert r.returncode == 0, r.stderr
    assert message in r.stdout


@pytest.mark.app
def test_offline_uses_cache_and_explains_misses(hub):
    first = in_subprocess(hub, "from studio.share.hub import download_generator; print(download_generator('alice/digits'))")
    assert first.returncode == 0, first.stderr
    offline = {**hub, "HF_HUB_OFFLINE": "1"}
    again = in_subprocess(offline, "from studio.share.hub import download_generator; print(download_generator('alice/digits'))")
    assert again.returncode == 0 and again.stdout == first.stdout
    miss = in_subprocess(offline, "from studio.ui.state import GENERATOR; print(GENERATOR.load('hf://alice/other'))")
    assert "not in the local cache" in miss.stdout


@pytest.mark.parametrize("bad", ["", "noslash", "a/b/c", "../etc", "user/" + "x" * 200, "user/na me"])
def test_repo_id_validated(bad):
    with pytest.raises(ModelSourceError, match="not a Hub repo id"):
        check_repo_id(bad)


class RecordingApi:
    def __init__(self):
        self.calls = []

    def create_repo(self, **kw):
        self.calls.append(("create_repo", kw))

    def upload_folder(self, **kw):
        files = sorted(p.name for p in Path(kw["folder_path"]).iterdir())
        card = (Path(kw["folder_path"]) / "README.md").read_text()
        self.calls.append(("upload_folder", {**kw, "files": files, "card": card}))


def test_push_uploads_weights_config_card_and_samples(tmp_path, tiny_generator):
    ckpt = save_generator(tmp_path / "generator.safetensors", tiny_generator,
                          {"metrics": {"class_accuracy": 0.99, "fid": 1.2}, "training": {"step": 10, "loss": "hinge"}})
    api = RecordingApi()
    url = publish_generator(ckpt, "alice/my-digits", private=True, api=api)
    assert url == "https://huggingface.co/alice/my-digits"
    (name1, create), (name2, upload) = api.calls
    assert name1 == "create_repo" and create["repo_id"] == "alice/my-digits" and create["private"] is True
    assert upload["files"] == ["README.md", "generator.json", "generator.safetensors", "samples.png"]
    assert upload["card"].startswith("---\nlicense: mit") and "| class accuracy | 0.9900 |" in upload["card"]


def test_push_refuses_broken_checkpoint(tmp_path):
    (tmp_path / "generator.safetensors").write_bytes(b"junk")
    (tmp_path / "generator.json").write_text('{"kind": "generator", "generator": {}}')
    api = RecordingApi()
    with pytest.raises(Exception):
        publish_generator(tmp_path, "alice/x", api=api)
    assert api.calls == []


def test_model_card_metadata_parses(tiny_generator):
    from huggingface_hub import ModelCard

    card = ModelCard(model_card({"metrics": {"fid": 1.0}, "generator": {"num_classes": 10}}, "a/b"))
    assert card.data.license == "mit" and "gan" in card.data.tags


def test_a_generator_of_ones_own_pictures_has_its_data_licence_and_classes_in_the_card(tmp_path):
    """Published from the Train tab's run: the card names the set, its classes and the licence of its pictures."""
    from huggingface_hub import ModelCard

    from studio.digits.networks import Generator, GeneratorConfig

    g = Generator(GeneratorConfig(latent_dim=16, channels=8, num_classes=3, image_size=32, image_channels=3))
    extra = {"classes": ["blue", "green", "red"], "data_licence": "CC BY-SA 4.0: All emojis designed by OpenMoji",
             "training": {"step": 5000, "dataset": "folder openmoji (4,486 pictures)"},
             "metrics": {"class_accuracy": 0.65, "near_identical": 0.0}}
    ckpt = save_generator(tmp_path / "generator.safetensors", g, extra)
    api = RecordingApi()
    publish_generator(ckpt, "alice/moji", api=api)
    card = api.calls[1][1]["card"]
    assert "32 x 32 colour pictures, trained on folder openmoji (4,486 pictures) (3 classes: blue, green, red)" in card
    assert "**Training pictures:** CC BY-SA 4.0: All emojis designed by OpenMoji" in card
    assert "| near identical | 0.0000 |" in card and "Generate" in card and "mnist" not in ModelCard(card).data.tags
