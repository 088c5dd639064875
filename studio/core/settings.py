"""Settings dataclasses as the one list: each field says its help, range and label once, and the
command line, the form, a job's arguments and validation are derived from it.

    @dataclass
    class Config(Settings):
        steps: int = setting(6000, "training steps", lo=1, hi=10_000_000, label="Steps")

A field's option is `--field-name` (plus any `aliases`); booleans get `--name` / `--no-name`.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from dataclasses import dataclass, field, fields

from studio.core.inputs import InputError, short_repr, to_number


class SettingError(InputError):
    """A setting is missing or out of range; the message names it."""


@dataclass(frozen=True)
class Spec:
    help: str
    label: str
    kind: type
    optional: bool = False  # None is allowed (and means "not set")
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False  # the bound itself is outside the range
    hi_open: bool = False
    choices: tuple = ()
    aliases: tuple = ()
    negation: str | None = None  # a boolean's extra "off" option, e.g. --unconditional
    form: str | None = "main"  # where the form shows it: "main", "more", or None (not in the form)


_KINDS = {"int": int, "float": float, "str": str, "bool": bool}
METAVARS = {int: "N", float: "X", str: "TEXT"}


def setting(default, help: str, *, label: str | None = None, kind: str | None = None, **spec):
    """A dataclass field with its Spec. `kind` is read from the annotation when left out."""
    return field(default=default, metadata={"spec": dict(help=help, label=label, kind=kind, **spec)})


def specs(cls) -> dict[str, Spec]:
    """Every field of a settings dataclass with its Spec, in declaration order."""
    out = {}
    for f in fields(cls):
        raw = dict(f.metadata.get("spec") or {})
        if not raw:
            continue
        annotation = (f.type.__name__ if isinstance(f.type, type) else str(f.type)).replace(" ", "")
        optional = annotation.endswith("|None")
        kind = _KINDS[raw.pop("kind") or annotation.removesuffix("|None")]
        label = raw.pop("label") or f.name.replace("_", " ")
        out[f.name] = Spec(label=label, kind=kind, optional=optional, **raw)
    return out


def option(name: str) -> str:
    return "--" + name.replace("_", "-")


def title(name: str, s: Spec) -> str:
    """How a message names a setting: its label, and its option where the label reads otherwise."""
    plain = name.replace("_", " ")
    return s.label if s.label.lower() == plain else f"{s.label} ({option(name)})"


def check_value(name: str, s: Spec, value):
    """The value in its kind, or SettingError naming the setting. Numbers may arrive as strings
    (text boxes, the API) and integers as whole floats (number boxes)."""
    label = title(name, s)
    if value is None or value == "":
        if s.optional:
            return None
        raise SettingError(f"{label} is required")
    if s.kind is bool:
        if not isinstance(value, bool):
            raise SettingError(f"{label} must be true or false, got {value!r}")
        return value
    if s.kind is str:
        if not isinstance(value, str) or not value.strip():
            raise SettingError(f"{label} must be a non-empty text, got {value!r}")
        if s.choices and value not in s.choices:
            raise SettingError(f"{label} must be one of {', '.join(map(str, s.choices))}, got {value!r}")
        if s.hi is not None and len(value) > s.hi:  # a text's hi is its longest length
            raise SettingError(f"{label} must be at most {s.hi:g} characters, got {len(value):,}")
        return value
    return _check_number(label, s, value)


def _check_number(label: str, s: Spec, value):
    number = to_number(label, value, SettingError)
    if not _in_range(s, number):
        raise SettingError(f"{label} must be {_allowed(s)}, got {short_repr(value)}")
    value = number
    return int(value) if s.kind is int else float(value)


def _in_range(s: Spec, value) -> bool:
    if not math.isfinite(value) or (s.kind is int and not float(value).is_integer()):
        return False
    if s.choices:
        return value in s.choices
    if s.lo is not None and (value <= s.lo if s.lo_open else value < s.lo):
        return False
    return s.hi is None or (value < s.hi if s.hi_open else value <= s.hi)


def _allowed(s: Spec) -> str:
    """The range in words: "a whole number from 2 to 8,192", "above 0 and at most 1"."""
    if s.choices:
        return " or ".join(f"{c:g}" for c in s.choices)
    words = ["a whole number"] if s.kind is int else []
    if s.lo is not None:
        words.append(f"above {s.lo:g}" if s.lo_open else (f"from {s.lo:g}" if s.hi is not None else f">= {s.lo:g}"))
    if s.hi is not None:
        joiner = "and " if s.lo is not None else ""
        if s.hi_open:
            words.append(f"{joiner}below {s.hi:,.10g}")
        elif s.lo_open or s.lo is None:
            words.append(f"{joiner}at most {s.hi:,.10g}")
        else:
            words.append(f"to {s.hi:,.10g}")
    return " ".join(words) or "a finite number"


class Settings:
    """Mixin for settings dataclasses: validate(), the command line and a job's arguments."""

    def validate(self):
        """Check every field against its Spec and store it in its kind (5.0 -> 5); returns self."""
        for name, s in specs(type(self)).items():
            object.__setattr__(self, name, check_value(name, s, getattr(self, name)))
        return self

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """One option per field, its default shown in the help. An option left out stays out of
        the parsed arguments (see given()), so a recipe's settings are only overridden on purpose;
        values stay unchecked until validate(), so the CLI and the form give the same messages."""
        defaults = cls()
        for name, s in specs(cls).items():
            default = getattr(defaults, name)
            if s.kind is bool:
                parser.add_argument(option(name), dest=name, default=argparse.SUPPRESS,
                                    help=f"{s.help} (default: {'on' if default else 'off'})",
                                    action=argparse.BooleanOptionalAction)
                if s.negation:
                    parser.add_argument(s.negation, dest=name, action="store_false", default=argparse.SUPPRESS,
                                        help=f"the same as --no-{name.replace('_', '-')}")
                continue
            kind = str if s.kind is str else _number
            choices = "{" + ",".join(map(str, s.choices)) + "}" if s.choices else None
            parser.add_argument(option(name), *s.aliases, dest=name, type=kind, default=argparse.SUPPRESS,
                                metavar=choices or METAVARS[s.kind], help=f"{s.help} (default: {default})")

    @classmethod
    def given(cls, args: argparse.Namespace) -> dict:
        """The settings a command line named."""
        return {name: getattr(args, name) for name in specs(cls) if hasattr(args, name)}

    def to_args(self) -> list[str]:
        """The command-line arguments that rebuild these settings (a job launches exactly these)."""
        out = []
        for name, s in specs(type(self)).items():
            value = getattr(self, name)
            if s.kind is bool:
                out.append(option(name) if value else "--no-" + name.replace("_", "-"))
            elif value is not None:
                out += [option(name), repr(value) if isinstance(value, float) else str(value)]
        return out

    def changed(self) -> dict:
        """The fields that differ from the defaults: what a recipe or a record needs to say."""
        base = type(self)()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(base, f.name)}

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


def _number(text: str):
    """argparse type: keep the text's kind (int when it reads as one) for validate() to judge."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


__all__ = ["Settings", "SettingError", "Spec", "check_value", "dataclass", "option", "setting", "specs"]
