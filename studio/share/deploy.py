"""Create or update a Hugging Face Space running this app, by one of the routes in routes.py.

    python -m studio deploy --space-id USER/NAME [--hardware zero-gpu|cpu-basic|GPU | --static [--site DIR]]
                            [--private] [--dry-run]

The Gradio routes upload an explicit allow list (the app, the package, the shipped checkpoints,
assets, README and requirements), never virtual environments, caches, data or test output; the
static route uploads the static studio (build-web). Each Space gets the README front matter and
requirements of its route, written into a staging folder (the repository's own files are not
changed). --dry-run prints the front matter and lists exactly what would be uploaded.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from studio.core import paths
from studio.core.errors import UserError
from studio.share.hub import check_repo_id, hub_token
from studio.share.routes import Route, front_matter, refusal, requirements, route

ALLOW = ("app.py", "requirements.txt", "README.md", "LICENSE", "studio/**/*.py", "checkpoints/*.safetensors",
         "checkpoints/*.json", "assets/*.png", "assets/*.jpg", "assets/*.svg", "assets/*.md",
         "docs/*.md", "docs/screenshots/*.png")  # the README (the Space's page) links these pages and shows the screenshots
NEVER = (".venv", "venv", "__pycache__", ".cache", "runs", "data", "test-output", ".git", "shared")
REQUIRED_KEYS = ("title", "sdk", "sdk_version", "app_file", "python_version", "license", "short_description", "tags")


class DeployError(UserError, RuntimeError):
    pass


def pinned(package: str, root: Path = paths.ROOT) -> str | None:
    for line in (root / "requirements.txt").read_text().splitlines():
        m = re.match(rf"^{re.escape(package)}(?:\[[\w,-]+\])?==([\w.]+)", line.strip(), re.I)
        if m:
            return m.group(1)
    return None


def space_metadata(root: Path = paths.ROOT) -> dict:
    """The README's YAML front matter, checked as a Space configuration."""
    from huggingface_hub import SpaceCard

    readme = root / "README.md"
    try:
        data = SpaceCard.load(readme).data.to_dict()
    except Exception as e:
        raise DeployError(f"README.md front matter could not be read: {e}") from e
    missing = [k for k in REQUIRED_KEYS if not data.get(k)]
    if missing:
        raise DeployError(f"README.md front matter lacks {', '.join(missing)}")
    if data["sdk"] != "gradio":
        raise DeployError(f"sdk must be gradio, not {data['sdk']}")
    if str(data["sdk_version"]) != pinned("gradio", root):
        raise DeployError(f"sdk_version {data['sdk_version']} differs from the pinned gradio=={pinned('gradio', root)}")
    if data["app_file"] != "app.py" or not (root / "app.py").is_file():
        raise DeployError("app_file must be app.py")
    if len(str(data["short_description"])) > 60:
        raise DeployError("short_description must be at most 60 characters")
    return data


def files_to_upload(root: Path = paths.ROOT) -> list[Path]:
    """Tracked files matching the allow list (untracked files stay home), relative to root."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
        tracked = {Path(p) for p in out.decode().split("\0") if p}
    except (OSError, subprocess.CalledProcessError):
        tracked = None
    chosen = set()
    for pattern in ALLOW:
        for p in root.glob(pattern):
            rel = p.relative_to(root)
            if p.is_file() and not any(part in NEVER for part in rel.parts) and (tracked is None or rel in tracked):
                chosen.add(rel)
    return sorted(chosen)


def stage(r: Route, root: Path, out: Path, site: Path | None = None) -> list[Path]:
    """Write the Space's files for route `r` into `out`; returns them relative to `out`."""
    base = space_metadata(root)
    body = (root / "README.md").read_text().split("---", 2)[2].lstrip("\n")
    if r.sdk == "static":
        if site is None:
            raise DeployError("the static route needs a site: python -m studio build-web DIR, then --site DIR")
        site = Path(site)
        if not (site / "index.html").is_file():
            raise DeployError(f"{site} is not a static studio (no index.html): run python -m studio build-web DIR")
        shutil.copytree(site, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*"))
        for f in files_to_upload(root):  # the pictures the README (the Space's page) shows
            if f.suffix in (".png", ".jpg", ".svg") and not (out / f).exists():
                (out / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / f, out / f)
    else:
        for f in files_to_upload(root):
            (out / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / f, out / f)
        (out / "requirements.txt").write_text(requirements(r, (root / "requirements.txt").read_text()))
    (out / "README.md").write_text(readme(front_matter(r, base), body))
    return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())


def readme(meta: dict, body: str) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + body


def deploy(space_id: str, private: bool = False, dry_run: bool = False, api=None, root: Path = paths.ROOT,
           hardware: str | None = None, static: bool = False, site: str | Path | None = None) -> str:
    space_id = check_repo_id(space_id)
    r = route(hardware, static)
    with tempfile.TemporaryDirectory(prefix="studio-space-") as tmp:
        out = Path(tmp)
        files = stage(r, root, out, site)
        if dry_run:
            return _listing(r, out, files)
        if api is None:
            from huggingface_hub import HfApi

            api = HfApi(token=hub_token())
        _create(api, space_id, r, private)
        api.upload_folder(folder_path=str(out), repo_id=space_id, repo_type="space",
                          commit_message=f"Deploy GAN Art Studio ({r.name})")
    return f"https://huggingface.co/spaces/{space_id}"


def _create(api, space_id: str, r: Route, private: bool) -> None:
    from huggingface_hub.errors import HfHubHTTPError

    try:
        api.create_repo(repo_id=space_id, repo_type="space", space_sdk=r.sdk, space_hardware=r.hardware,
                        private=private, exist_ok=True)
    except HfHubHTTPError as e:
        status = getattr(getattr(e, "response", None), "status_code", None)
        raise DeployError(refusal(status, str(e), r)) from None


def _listing(r: Route, out: Path, files: list[Path]) -> str:
    meta = (out / "README.md").read_text().split("---", 2)[1].strip()
    sizes = [(out / f).stat().st_size for f in files]
    lines = [f"route: {r.name} ({'paid plan' if r.paid else 'free'}): {r.gives}", "front matter:", meta, "files:"]
    lines += [f"{n:>12,}  {f}" for n, f in zip(sizes, files)]
    return "\n".join(lines + [f"{sum(sizes):>12,}  total in {len(files)} files (dry run: nothing uploaded)"])
