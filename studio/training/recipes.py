"""Recipes: named training settings kept as data (recipes/NAME.json), loaded by
`python -m studio train --recipe NAME` and the Train tab's recipe picker.

A recipe is one or more phases on one run folder; each phase lists only the settings that
differ from TrainConfig's defaults, and every phase after the first resumes the run. Options
given beside --recipe override those settings in every phase.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from studio.core.errors import UserError
from studio.core.settings import option, specs
from studio.training.config import TrainConfig

FOLDER = Path(__file__).with_name("recipes")


class RecipeError(UserError, ValueError):
    """A recipe is unknown or holds a setting TrainConfig does not have."""


@dataclass(frozen=True)
class Recipe:
    name: str
    description: str
    phases: tuple[dict, ...]

    def configs(self, **override) -> list[TrainConfig]:
        """One validated TrainConfig per phase, `override` applied to each."""
        out = []
        for i, phase in enumerate(self.phases):
            cfg = TrainConfig(**{**phase, **override})
            if i > 0:
                cfg.resume = True
            out.append(cfg.validate())
        return out

    def commands(self, out: str) -> list[str]:
        """The phases as the command lines a person would type."""
        lines = []
        for phase in self.phases:
            words = ["python -m studio train", option("out"), out]
            for name, value in phase.items():
                if isinstance(value, bool):
                    words.append(option(name) if value else f"--no-{name.replace('_', '-')}")
                else:
                    words += [option(name), str(value)]
            lines.append(" ".join(words))
        return lines


def names() -> list[str]:
    return sorted(p.stem for p in FOLDER.glob("*.json"))


def load(name: str) -> Recipe:
    # Only names from the folder's listing: a recipe name is never a path.
    if name not in names():
        raise RecipeError(f"unknown recipe {str(name)[:60]!r}; the recipes are {', '.join(names())}")
    raw = json.loads((FOLDER / f"{name}.json").read_text())
    known = set(specs(TrainConfig))
    for phase in raw["phases"]:
        unknown = sorted(set(phase) - known)
        if unknown:
            raise RecipeError(f"recipe {name} sets {', '.join(unknown)}, which training does not have")
    return Recipe(name, raw.get("description", ""), tuple(raw["phases"]))
