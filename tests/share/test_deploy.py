import re
import subprocess
import sys

import gradio
import pytest

from studio.core import paths
from studio.share.deploy import deploy, files_to_upload, pinned, space_metadata


def test_readme_front_matter_is_valid_space_config():
    data = space_metadata()
    assert data["sdk"] == "gradio"
    assert str(data["sdk_version"]) == pinned("gradio") == gradio.__version__
    assert data["app_file"] == "app.py"


@pytest.mark.app
def test_upload_list_is_the_app_and_nothing_else():
    files = [str(f) for f in files_to_upload()]
    for needed in ("app.py", "README.md", "requirements.txt", "studio/__init__.py", "studio/ui/app.py",
                   "checkpoints/generator.safetensors", "checkpoints/generator.json",
                   "checkpoints/classifier.safetensors"):
        assert needed in files
    for f in files:
        assert not re.match(r"^(\.venv|venv|runs|data|tests|bench|test-output|\.git)/", f), f
        assert "__pycache__" not in f and "shared" not in f.split("/")


@pytest.mark.app
def test_dry_run_cli_lists_files_and_size():
    r = subprocess.run([sys.executable, "-m", "studio", "deploy", "--space-id", "someone/studio", "--dry-run"],
                       capture_output=True, text=True, cwd=paths.ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "app.py" in r.stdout and "checkpoints/generator.safetensors" in r.stdout
    assert re.search(r"total in \d+ files \(dry run", r.stdout)


@pytest.mark.app
def test_deploy_calls_hub_with_allow_list():
    calls = []

    class Api:
        def create_repo(self, **kw):
            calls.append(kw)

        def upload_folder(self, **kw):
            from pathlib import Path

            calls.append({**kw, "files": {str(p.relative_to(kw["folder_path"]))
                                          for p in Path(kw["folder_path"]).rglob("*") if p.is_file()}})

    url = deploy("someone/studio", api=Api())
    assert url == "https://huggingface.co/spaces/someone/studio"
    assert calls[0]["repo_type"] == "space" and calls[0]["space_sdk"] == "gradio"
    assert set(map(str, files_to_upload())) == calls[1]["files"] and calls[1]["repo_type"] == "space"


@pytest.mark.app
def test_bad_space_id():
    r = subprocess.run([sys.executable, "-m", "studio", "deploy", "--space-id", "no slash", "--dry-run"],
                       capture_output=True, text=True, cwd=paths.ROOT, timeout=120)
    assert r.returncode == 2 and "not a Hub repo id" in r.stderr


@pytest.mark.app
@pytest.mark.parametrize("args, says", [(["--hardware", "h100"], "unknown hardware 'h100'"),
                                        (["--static", "--hardware", "t4-small"], "takes no --hardware")])
def test_unknown_route_exits_2_with_a_message(args, says):
    r = subprocess.run([sys.executable, "-m", "studio", "deploy", "--space-id", "someone/studio", "--dry-run", *args],
                       capture_output=True, text=True, cwd=paths.ROOT, timeout=120)
    assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr
