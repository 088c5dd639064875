"""The generator pickers of Digits and Generate: runs listed by their names (never server paths),
and what a picked name loads. Free text never becomes a file-system path."""

from __future__ import annotations

from studio.ui.state import VISITORS


def listed_runs() -> dict:
    """Run name -> folder of each run that saved a generator, newest first: on your own machine every
    run in the runs folder, on a public deployment only the visitor's own."""
    from studio.core import paths
    from studio.core.limits import public

    runs = sorted(paths.runs_dir().glob("*/generator.safetensors"), reverse=True)
    if public():
        mine = VISITORS.own_runs()
        runs = [p for p in runs if p.parent.name in mine]
    return {p.parent.name: p.parent for p in runs}


def model_choices() -> list[str]:
    """The pickers' list: the shipped generator and the runs by their names (never server paths)."""
    return ["shipped", *listed_runs()]


def listed_spec(spec: str) -> str | None:
    """A picker's value as something to load: "shipped", or a listed run's folder, named by its name
    (or by its folder, as API clients may); None when it is not listed. Free text never becomes a
    file-system path."""
    if spec == "shipped":
        return spec
    return next((str(folder) for name, folder in listed_runs().items() if spec in (name, str(folder))), None)


def load_model(spec):
    """Model picker: one of the listed generators, or a Hub repo (USER/NAME or hf://USER/NAME),
    into this visitor's own slot."""
    from studio.share.hub import REPO_ID

    spec = (spec or "shipped").strip()[:300]
    bare = spec[len("hf://"):] if spec.startswith("hf://") else spec
    local = listed_spec(spec)
    if local is None:
        if not REPO_ID.match(bare):
            VISITORS.own_generator().note_error(
                f"{spec[:80]!r} is neither a listed generator nor a Hub repo id (USER/NAME)")
            return VISITORS.describe()
        local = "hf://" + bare
    VISITORS.own_generator().load(local)
    return VISITORS.describe()
