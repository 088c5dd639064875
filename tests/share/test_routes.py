"""The three routes to a Space: front matter, requirements and files for each, the Hub's refusals."""

import httpx
import pytest
from huggingface_hub.errors import HfHubHTTPError

from studio.share import routes
from studio.share.deploy import DeployError, deploy
from studio.share.routes import RouteError, route

REQS = "gradio==6.31.0\ntorch==2.14.1\ntorchvision==0.29.1\n"


class StandInHub:
    """Records what deploy asks of the Hub; `refuse` = (status, message) makes create_repo fail as the Hub does."""

    def __init__(self, refuse=None):
        self.calls, self.refuse = [], refuse

    def create_repo(self, **kw):
        self.calls.append(("create", kw))
        if self.refuse:
            status, text = self.refuse
            req = httpx.Request("POST", "https://huggingface.co/api/repos/create")
            raise HfHubHTTPError(text, response=httpx.Response(status, request=req))

    def upload_folder(self, **kw):
        from pathlib import Path

        self.calls.append(("upload", {**kw, "files": sorted(str(p.relative_to(kw["folder_path"]))
                                                           for p in Path(kw["folder_path"]).rglob("*") if p.is_file()),
                                      "readme": (Path(kw["folder_path"]) / "README.md").read_text()}))


@pytest.fixture
def site(tmp_path):
    """A stand-in for a build-web site (the real build is tested in tests/web)."""
    (tmp_path / "site" / "models").mkdir(parents=True)
    (tmp_path / "site" / "index.html").write_text("<!doctype html>")
    (tmp_path / "site" / "models" / "generator.onnx").write_bytes(b"onnx")
    return tmp_path / "site"


def test_the_routes():
    assert route().name == "zero-gpu" and route().hardware == "zero-a10g" and not route().paid
    assert route("cpu-basic").paid and route("t4-small").paid and route("cpu-basic").sdk == "gradio"
    assert route(static=True).sdk == "static" and route(static=True).python_version is None
    for bad in ("h100", "", "../x"):
        if bad:
            with pytest.raises(RouteError, match="unknown hardware"):
                route(bad)
    with pytest.raises(RouteError, match="no --hardware"):
        route("cpu-basic", static=True)


def test_zero_gpu_requirements_add_spaces_and_check_torch():
    out = routes.requirements(route(), REQS + "spaces==0.1\n")
    assert out.splitlines().count(routes.SPACES_PIN) == 1 and "spaces==0.1" not in out
    assert routes.requirements(route("cpu-basic"), REQS) == REQS
    with pytest.raises(RouteError, match="torch 2.8 or later"):
        routes.requirements(route(), "torch==2.5.1\n")


@pytest.mark.app  # the Gradio routes list tracked files with git
@pytest.mark.parametrize("hardware, static, expect", [
    (None, False, {"sdk": "gradio", "python_version": "'3.12'", "suggested_hardware": "zero-a10g"}),
    ("cpu-basic", False, {"sdk": "gradio", "python_version": "'3.12'", "suggested_hardware": "cpu-basic"}),
    (None, True, {"sdk": "static", "app_file": "index.html"}),
])
def test_dry_runs_print_front_matter_and_files(hardware, static, expect, site):
    text = deploy("someone/studio", dry_run=True, hardware=hardware, static=static, site=site)
    meta = text.split("front matter:")[1].split("files:")[0]
    for key, value in expect.items():
        assert f"{key}: {value}" in meta
    listed = [ln.split()[-1] for ln in text.split("files:")[1].splitlines() if ln.strip() and "total" not in ln]
    if static:
        assert {"index.html", "models/generator.onnx", "README.md"} <= set(listed)
        assert "app.py" not in listed and "requirements.txt" not in listed and "python_version" not in meta
    else:
        assert {"app.py", "requirements.txt", "checkpoints/generator.safetensors"} <= set(listed)


@pytest.mark.app  # the Gradio routes list tracked files with git
def test_each_route_against_a_stand_in_hub(site):
    for hardware, static in ((None, False), ("l4x1", False), (None, True)):
        hub = StandInHub()
        assert deploy("someone/studio", api=hub, hardware=hardware, static=static, site=site).endswith("someone/studio")
        (_, create), (_, upload) = hub.calls
        r = route(hardware, static)
        assert create["space_sdk"] == r.sdk and create["space_hardware"] == r.hardware
        assert f"sdk: {r.sdk}" in upload["readme"]
        assert ("index.html" in upload["files"]) == static and ("app.py" in upload["files"]) != static


@pytest.mark.app  # the Gradio routes list tracked files with git
@pytest.mark.parametrize("status, text, says", [
    (402, "Payment required: Gradio Spaces need a PRO subscription", "needs a paid plan. Open: --hardware zero-gpu"),
    (403, "You have reached the maximum number of ZeroGPU Spaces", "already hosts its ZeroGPU Spaces"),
    (409, "Conflict", "name is taken"),
])
def test_a_refusal_says_why_and_which_route_is_open(status, text, says):
    with pytest.raises(DeployError, match=says):
        deploy("someone/studio", api=StandInHub((status, text)), hardware="cpu-basic" if status == 402 else None)


@pytest.mark.app  # the Gradio routes list tracked files with git
def test_static_needs_a_site(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DeployError, match="not a static studio"):
        deploy("someone/studio", dry_run=True, static=True, site=tmp_path / "empty")
