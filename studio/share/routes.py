"""The routes to a Hugging Face Space as they are in 2026 (hub-docs, spaces-overview.md and
spaces-zerogpu.md, August 2026), and what each one needs in the Space's README and requirements.

- zero-gpu: a Gradio Space on ZeroGPU, free for personal accounts (up to 2 Spaces); Python 3.12.12 or
  3.10.13 only, the `spaces` package, PyTorch 2.8 or later.
- cpu-basic, cpu-upgrade and the GPUs: a Gradio Space on that hardware; creating one needs a paid plan.
- static: the static studio (python -m studio build-web), free for everyone; no Python runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.core.errors import UserError

ZERO_GPU_HARDWARE = "zero-a10g"  # the Hub API's name for ZeroGPU hardware (huggingface_hub.SpaceHardware)
ZERO_GPU_PYTHON = "3.12"  # 3.12.12 on ZeroGPU (or 3.10.13); the studio needs 3.10 or later
ZERO_GPU_MIN_TORCH = (2, 8)
SPACES_PIN = "spaces==0.51.3"  # the ZeroGPU helper (PyPI, December 2026); effect-free off ZeroGPU
FREE_ROUTES = "--hardware zero-gpu (free accounts: up to 2 ZeroGPU Spaces) or --static (free for everyone)"


class RouteError(UserError, ValueError):
    """An unknown route, or a repository whose files do not suit the one asked for."""


@dataclass(frozen=True)
class Route:
    name: str  # what --hardware takes, or "static"
    sdk: str  # the front matter's sdk
    hardware: str | None  # create_repo's space_hardware; None: the Hub's default (static: none)
    python_version: str | None  # the front matter's python_version; None for static
    paid: bool  # creating the Space needs a paid plan (PRO, Team, Enterprise)
    gives: str  # one line for the routes table and --dry-run


def _hardware_names() -> list[str]:
    from huggingface_hub import SpaceHardware

    return [h.value for h in SpaceHardware]


def route(hardware: str | None = None, static: bool = False) -> Route:
    """The route for `--hardware NAME` or `--static`; zero-gpu when neither is given."""
    if static:
        if hardware:
            raise RouteError("--static runs no Python, so it takes no --hardware")
        return Route("static", "static", None, None, False, "the static studio: every pixel in the visitor's browser")
    name = (hardware or "zero-gpu").strip().lower()
    if name in ("zero-gpu", "zerogpu", ZERO_GPU_HARDWARE):
        return Route("zero-gpu", "gradio", ZERO_GPU_HARDWARE, ZERO_GPU_PYTHON, False,
                     "the Gradio app; GPU calls in bursts from a daily quota (2/5/40 min anonymous/free/PRO)")
    known = [h for h in _hardware_names() if h != ZERO_GPU_HARDWARE]
    if name not in known:
        raise RouteError(f"unknown hardware {hardware!r}: use zero-gpu, --static, or one of {', '.join(known)}")
    gpu = not name.startswith("cpu")
    return Route(name, "gradio", name, ZERO_GPU_PYTHON, True,
                 f"the Gradio app on {name}{' (training in the background on its GPU)' if gpu else ''}")


def front_matter(r: Route, base: dict) -> dict:
    """The Space's README front matter for this route, from the repository's own (its order kept)."""
    if r.sdk == "static":
        keep = {k: v for k, v in base.items() if k not in ("sdk_version", "python_version", "hf_oauth",
                                                            "suggested_hardware")}
        return {**keep, "sdk": "static", "app_file": "index.html"}
    data = {**base, "sdk": "gradio", "python_version": r.python_version, "app_file": "app.py"}
    if r.hardware:
        data["suggested_hardware"] = r.hardware
    return data


def requirements(r: Route, text: str) -> str:
    """The Space's requirements.txt for this route (ZeroGPU: `spaces` added, PyTorch checked)."""
    if r.name != "zero-gpu":
        return text
    torch = re.search(r"^torch==(\d+)\.(\d+)", text, re.M)
    if torch is None or (int(torch.group(1)), int(torch.group(2))) < ZERO_GPU_MIN_TORCH:
        raise RouteError("ZeroGPU needs torch 2.8 or later pinned in requirements.txt")
    lines = [ln for ln in text.splitlines() if not re.match(r"^spaces\b", ln.strip())]
    return "\n".join(lines + [SPACES_PIN]) + "\n"


def refusal(status: int | None, text: str, r: Route) -> str:
    """What the Hub's refusal means for this route, and which route is open."""
    low = text.lower()
    if "zero" in low and ("limit" in low or "maximum" in low or "quota" in low):
        return "the Hub refused: this account already hosts its ZeroGPU Spaces (2 on a free account). Open: --static"
    if status == 402 or "plan" in low or "subscription" in low or "pro " in low:
        return (f"the Hub refused the {r.name} route: creating a Gradio Space on this hardware needs a paid plan. "
                f"Open: {FREE_ROUTES}")
    if status in (401, 403):
        return "the Hub refused: the token cannot create Spaces in that namespace (a write token, your own name)"
    if status == 409:
        return "the Hub refused: that Space name is taken or was used recently; pick another --space-id"
    return f"the Hub refused ({status or 'no status'}): {text[:200]}"
