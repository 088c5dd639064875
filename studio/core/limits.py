"""What one visitor's work may cost: looser on your own machine, bounded on a public deployment.

A deployment is public on a Hugging Face Space (SPACE_ID is set there) or with STUDIO_PUBLIC=1;
STUDIO_PUBLIC=0 marks a Space as private to its owner. Each bound can be set by its variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def public() -> bool:
    flag = os.environ.get("STUDIO_PUBLIC")
    if flag in ("0", "1"):
        return flag == "1"
    return bool(os.environ.get("SPACE_ID"))


def owner_actions() -> bool:
    """May this app use its own secrets (the Hub token on this machine or in the Space) for a visitor?
    On your own machine yes; on a public deployment only when the owner sets STUDIO_OWNER=1.
    STUDIO_OWNER=0 turns it off anywhere. A logged-in visitor's own token needs no switch."""
    flag = os.environ.get("STUDIO_OWNER")
    if flag in ("0", "1"):
        return flag == "1"
    return not public()


def physical_memory_mb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    except (ValueError, OSError, AttributeError):
        return float("inf")  # not POSIX: no bound from here


@dataclass(frozen=True)
class JobLimits:
    memory_mb: float  # a job's estimated peak memory
    max_images: float  # steps x batch size
    max_minutes: float  # of training per job (0: none)


def _env(name: str, default: float) -> float:
    try:
        return float(os.environ[name])
    except (KeyError, ValueError):
        return default


def job_limits() -> JobLimits:
    """Public: 1.5 GB, 1.28 M images (20,000 steps of 64) and 30 minutes a job; else 80 % of the
    machine's memory and no bound on length."""
    if public():
        return JobLimits(_env("STUDIO_JOB_MEMORY_MB", 1500), _env("STUDIO_JOB_MAX_IMAGES", 64 * 20000),
                         _env("STUDIO_JOB_MAX_MINUTES", 30))
    return JobLimits(_env("STUDIO_JOB_MEMORY_MB", 0.8 * physical_memory_mb()),
                     _env("STUDIO_JOB_MAX_IMAGES", float("inf")), _env("STUDIO_JOB_MAX_MINUTES", 0))


@dataclass(frozen=True)
class Share:
    waiting: int  # requests of this kind one visitor may have queued or running at once
    per_minute: float = float("inf")  # and may start in any minute
    lost_after_s: float = 600  # a request admitted but never run (cancelled while queued) stops counting


# Heavy work a visitor may ask for on a public deployment; past it they are told to wait,
# before the request is queued, so that one visitor's burst never fills the queue everyone shares.
SHARES = {
    "stylize": Share(waiting=4, lost_after_s=180),  # photos painted; a slider drag keeps one waiting
    "twin": Share(waiting=2, lost_after_s=120),  # twin searches: one per finished stroke
    "video": Share(waiting=2, per_minute=2, lost_after_s=1800),  # videos painted
    "load": Share(waiting=1, per_minute=6, lost_after_s=300),  # generators loaded (a Hub repo is a download)
    "train": Share(waiting=1, per_minute=3, lost_after_s=120),  # training jobs started
}


def share(kind: str) -> Share | None:
    """The bound on `kind` here: None on your own machine, where nothing is rationed."""
    return SHARES[kind] if public() else None


def max_jobs() -> int:
    """Training jobs running at once on this machine, all visitors together (STUDIO_MAX_JOBS):
    one on a public deployment, since each takes all but one core."""
    return max(1, int(_env("STUDIO_MAX_JOBS", 1 if public() else 2)))
