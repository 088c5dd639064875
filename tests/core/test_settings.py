"""The settings machinery on a small dataclass: messages, kinds, options and round trips."""

import argparse
from dataclasses import dataclass

import pytest

from studio.core.settings import SettingError, Settings, setting, specs


@dataclass
class Toy(Settings):
    size: int = setting(4, "how many", lo=1, hi=8)
    rate: float = setting(0.5, "how fast", label="learning rate", lo=0, lo_open=True, hi=1)
    decay: float = setting(0.9, "how slowly", lo=0, hi=1, hi_open=True)
    mode: str = setting("a", "which", choices=("a", "b"))
    depth: int = setting(1, "layers", choices=(1, 2))
    extra: float | None = setting(None, "optional", lo=0)
    on: bool = setting(True, "switch", negation="--off")


@pytest.mark.parametrize("field, value, message", [
    ("size", 0, "size must be a whole number from 1 to 8, got 0"),
    ("size", 2.5, "size must be a whole number from 1 to 8, got 2.5"),
    ("size", "lots", "size must be a number, got 'lots'"),
    ("size", "9", "size must be a whole number from 1 to 8, got '9'"),
    ("size", 10**400, "size must be a whole number from 1 to 8, got 10000000000000000000…"),
    ("rate", 0, "learning rate (--rate) must be above 0 and at most 1, got 0"),
    ("rate", float("inf"), "learning rate (--rate) must be above 0 and at most 1, got inf"),
    ("decay", 1, "decay must be from 0 and below 1, got 1"),
    ("mode", "c", "mode must be one of a, b, got 'c'"),
    ("depth", 3, "depth must be 1 or 2, got 3"),
    ("extra", -1, "extra must be >= 0, got -1"),
    ("on", "yes", "on must be true or false, got 'yes'"),
    ("size", None, "size is required"),
])
def test_messages_name_the_setting_and_its_range(field, value, message):
    with pytest.raises(SettingError) as raised:
        Toy(**{field: value}).validate()
    assert str(raised.value) == message


def test_values_are_stored_in_their_kind():
    toy = Toy(size="3", rate="0.25", depth=2.0, extra="").validate()
    assert (toy.size, toy.rate, toy.depth, toy.extra) == (3, 0.25, 2, None)
    assert type(toy.size) is int and type(toy.depth) is int


def test_options_round_trip_and_only_given_options_are_set():
    parser = argparse.ArgumentParser()
    Toy.add_arguments(parser)
    assert Toy.given(parser.parse_args(["--size", "5"])) == {"size": 5}
    assert Toy.given(parser.parse_args(["--off"])) == {"on": False}
    toy = Toy(size=7, rate=0.125, mode="b", extra=2.5, on=False)
    assert Toy(**Toy.given(parser.parse_args(toy.to_args()))) == toy
    assert toy.changed() == {"size": 7, "rate": 0.125, "mode": "b", "extra": 2.5, "on": False}


def test_specs_read_kinds_from_annotations():
    s = specs(Toy)
    assert (s["size"].kind, s["rate"].kind, s["extra"].kind, s["on"].kind) == (int, float, float, bool)
    assert s["extra"].optional and not s["size"].optional


def test_numbers_too_large_for_a_float_get_the_range_message():
    from studio.core.inputs import InputError, check_number

    for value in (10**400, -10**400, "1e400", float("inf")):
        with pytest.raises(InputError, match=r"seed must be a finite number between 0 and 100, got"):
            check_number("seed", value, 0, 100, integer=True)
    assert check_number("seed", "42", 0, 100, integer=True) == 42
