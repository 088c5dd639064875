"""Create or update a Hugging Face Space running this app.

    python -m studio deploy --space-id USER/NAME [--private] [--dry-run]

Uploads an explicit allow list (the app, the package, the shipped checkpoints, assets,
README and requirements), never virtual environments, caches, data or test output.
--dry-run checks the README's Space metadata and lists exactly what would be uploaded.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from studio.core import paths
from studio.core.errors import UserError
from studio.share.hub import check_repo_id, hub_token

ALLOW = ("app.py", "requirements.txt", "README.md", "LICENSE", "studio/**/*.py", "checkpoints/*.safetensors",
         "checkpoints/*.json", "assets/*.png", "assets/*.jpg", "assets/*.svg", "assets/*.md",
         "docs/screenshots/*.png")  # the README, which is the Space's page, shows the screenshots
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


def deploy(space_id: str, private: bool = False, dry_run: bool = False, api=None, root: Path = paths.ROOT) -> str:
    space_id = check_repo_id(space_id)
    space_metadata(root)
    files = files_to_upload(root)
    if dry_run:
        total = sum((root / f).stat().st_size for f in files)
        lines = [f"{(root / f).stat().st_size:>12,}  {f}" for f in files]
        return "\n".join(lines + [f"{total:>12,}  total in {len(files)} files (dry run: nothing uploaded)"])
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi(token=hub_token())
    api.create_repo(repo_id=space_id, repo_type="space", space_sdk="gradio", private=private, exist_ok=True)
    api.upload_folder(folder_path=str(root), repo_id=space_id, repo_type="space",
                      allow_patterns=[str(f) for f in files], commit_message="Deploy GAN Art Studio")
    return f"https://huggingface.co/spaces/{space_id}"
