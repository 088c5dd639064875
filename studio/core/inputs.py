"""Checking numbers that come from people: sliders, text boxes, the API and the command line."""

from __future__ import annotations

import math

from studio.core.errors import UserError

MAX_SEED = 2**31 - 1  # seeds fit torch's and numpy's generators and a JSON number alike


class InputError(UserError, ValueError):
    """A user-supplied value is invalid; the message is meant for the user."""


def to_number(name: str, value, error: type[InputError] = InputError) -> int | float:
    """A number from a slider, a text box or the API (numeric text is read as a number), else
    `error` naming the input. Integers too large for any float read as infinity."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise error(f"{name} is empty: type a number")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise error(f"{name} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise error(f"{name} must be a number, got {type(value).__name__}")
    if isinstance(value, int) and abs(value) > 2**1000:  # 10**400 from the API
        return math.inf if value > 0 else -math.inf
    return value


def short_repr(value) -> str:
    """A value as a message quotes it: 10**400 is not 401 digits long there."""
    text = repr(value)
    return text if len(text) <= 24 else text[:20] + "…"


def plain(x: float) -> str:
    """A number as people write it: 2,147,483,647 and 0.25, not 2.14748e+09; huge ones stay short."""
    if math.isfinite(x) and abs(x) < 1e15:
        return f"{int(x):,}" if float(x).is_integer() else f"{x:,.6g}"
    return f"{x:g}"


def check_number(name: str, value, lo: float, hi: float, integer: bool = False) -> float | int:
    """Validate one numeric input from a slider, a text box or the API."""
    raw, value = value, to_number(name, value)
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number between {plain(lo)} and {plain(hi)}, got {short_repr(raw)}")
    if not lo <= value <= hi:
        raise InputError(f"{name} must be between {plain(lo)} and {plain(hi)}, got {plain(value)}")
    if integer:
        if float(value) != int(value):
            raise InputError(f"{name} must be a whole number, got {value:g}")
        return int(value)
    return float(value)
