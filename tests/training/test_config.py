"""TrainConfig is the one list of training settings: the CLI, the Train tab's form, a job's
arguments and the recipes all come from its fields."""

import dataclasses
import shlex

import gradio as gr
import pytest

from studio.cli import build_parser
from studio.cli.training import configs_from_args
from studio.core.files import read_config
from studio.core import paths
from studio.core.settings import option, specs
from studio.training import recipes
from studio.training.config import ConfigError, TrainConfig

FIELDS = [f.name for f in dataclasses.fields(TrainConfig)]
APP_SET = {"out", "data_root", "data", "resume"}  # the app sets these (data: from an upload); a visitor never types a server path


def changed_value(name):
    """A valid value other than the default, for each field."""
    s, default = specs(TrainConfig)[name], getattr(TrainConfig(), name)
    if s.kind is bool:
        return not default
    if s.kind is str:
        return next(c for c in s.choices if c != default) if s.choices else "/tmp/some where"
    if s.choices:
        return next(c for c in s.choices if c != default)
    return s.kind(default + 1) if s.hi is None or default + 1 <= s.hi else s.kind(default / 2)


def test_every_field_is_a_setting_with_help():
    assert set(specs(TrainConfig)) == set(FIELDS)
    assert all(s.help for s in specs(TrainConfig).values())


def test_every_field_is_in_train_help():
    text = build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    missing = [name for name in FIELDS if option(name) not in text]
    assert not missing


def test_every_field_is_in_the_train_tab_form_or_set_by_the_app():
    from studio.ui import train_tab

    with gr.Blocks():
        controls = train_tab.form(train_tab.form_values(train_tab.START_RECIPE))
    assert set(controls) == set(FIELDS) - APP_SET
    assert {n for n, s in specs(TrainConfig).items() if s.form is None} == APP_SET


def test_the_form_starts_from_the_quick_recipe_and_the_defaults():
    from studio.ui import train_tab

    values = train_tab.form_values("quick")
    assert values["steps"] == 1500 and values["eval_every"] == 500
    # An empty number box comes back from the browser as 0, so no number may start empty (an empty
    # text box is "", which an optional text setting reads as not set).
    assert all(v is not None for n, v in values.items() if train_tab.FORM[n].kind is not str)
    assert values["data_licence"] is None
    assert values["diversity"] == TrainConfig().diversity  # what the recipe leaves alone is the default


def test_every_field_survives_the_job_argument_round_trip():
    # Three configurations: --epochs counts MNIST's images and --per-class takes some of them, so
    # neither goes with --data, nor --per-class with --epochs.
    for left_alone in (("data", "per_class"), ("epochs", "per_class"), ("data", "epochs")):
        cfg = TrainConfig(**{name: changed_value(name) for name in FIELDS if name not in left_alone}).validate()
        assert all(getattr(cfg, n) != getattr(TrainConfig(), n) for n in FIELDS if n not in left_alone)
        args = build_parser().parse_args(["train", *cfg.to_args()])
        assert configs_from_args(args) == [cfg]
    with pytest.raises(ConfigError, match="with --data give --steps"):
        TrainConfig(data="pictures/", epochs=2).validate()


def test_options_not_given_keep_their_defaults_and_the_cli_picks_the_run_folder():
    [cfg] = configs_from_args(build_parser().parse_args(["train", "--steps", "7"]))
    assert cfg == TrainConfig(out=str(paths.runs_dir() / "cli"), steps=7)


def test_short_aliases_and_the_negation_still_work():
    args = build_parser().parse_args(["train", "--r1", "2", "--r2", "3", "--unconditional"])
    [cfg] = configs_from_args(args)
    assert (cfg.r1_weight, cfg.r2_weight, cfg.conditional) == (2.0, 3.0, False)


@pytest.mark.parametrize("name", [n for n, s in specs(TrainConfig).items() if s.kind in (int, float)])
def test_every_number_refuses_text_and_values_past_its_range(name):
    s = specs(TrainConfig)[name]
    with pytest.raises(ConfigError, match=option(name) if s.label != name.replace("_", " ") else s.label):
        TrainConfig(**{name: "many"}).validate()
    outside = [v for v in (s.lo - 1 if s.lo is not None else None, s.hi + 1 if s.hi is not None else None,
                           float("nan"), 10**400) if v is not None]
    for v in outside:
        with pytest.raises(ConfigError):
            TrainConfig(**{name: v}).validate()


def test_whole_numbers_arrive_as_floats_from_number_boxes_and_are_stored_as_ints():
    cfg = TrainConfig(steps=40.0, batch_size="16", seed=3.0).validate()
    assert (cfg.steps, cfg.batch_size, cfg.seed) == (40, 16, 3)
    assert all(type(v) is int for v in (cfg.steps, cfg.batch_size, cfg.seed))


def test_the_generator_v3_recipe_reproduces_the_shipped_generators_commands():
    recorded = read_config(paths.DEFAULT_GENERATOR)["training"]["recipe"]
    recipe = recipes.load("generator-v3")
    parser = build_parser()
    from_commands = [configs_from_args(parser.parse_args(shlex.split(c)[3:]))[0] for c in recorded]
    assert recipe.configs(out="runs/v3") == from_commands
    # and the recipe's own command lines say the same
    assert [configs_from_args(parser.parse_args(shlex.split(c)[3:]))[0] for c in recipe.commands("runs/v3")] \
        == from_commands


def test_the_cli_runs_a_recipe_with_options_on_top():
    args = build_parser().parse_args(["train", "--recipe", "generator-v3", "--out", "x", "--device", "cpu"])
    phases = configs_from_args(args)
    assert len(phases) == 5 and all(p.device == "cpu" and p.out == "x" for p in phases)
    assert [p.resume for p in phases] == [False, True, True, True, True]


def test_unknown_recipes_and_settings_are_refused(tmp_path, monkeypatch):
    with pytest.raises(recipes.RecipeError, match="unknown recipe"):
        recipes.load("../checkpoints/generator")
    (tmp_path / "odd.json").write_text('{"phases": [{"stepz": 3}]}')
    monkeypatch.setattr(recipes, "FOLDER", tmp_path)
    with pytest.raises(recipes.RecipeError, match="stepz"):
        recipes.load("odd")
