"""SimConfig: validated in one place, JSON round trip, errors that name field and range."""
import json

import pytest

from simulator.config import SimConfig, load_preset_file


def test_defaults_are_valid_and_round_trip_through_json():
    config = SimConfig(depth=12, activation="relu", init="he", clip=True, learning_rate=0.03)
    assert SimConfig.from_json(config.to_json()) == config


def test_integers_given_for_floats_become_floats():
    config = SimConfig.from_dict({"learning_rate": 1, "sigma_w": 2})
    assert isinstance(config.learning_rate, float) and config.sigma_w == 2.0


@pytest.mark.parametrize("field, value, message", [
    ("depth", 0, r"depth: must be in \[1, 100\], got 0"),
    ("depth", 2.5, r"depth: must be an integer in \[1, 100\], got 2.5"),
    ("learning_rate", -0.1, r"learning_rate: must be in \(0.0, 100.0\], got -0.1"),
    ("learning_rate", float("nan"), "learning_rate: must be in"),
    ("learning_rate", "fast", "learning_rate: must be a number"),
    ("activation", "sigmod", "activation: unknown value 'sigmod'; allowed: sigmoid, tanh, relu"),
    ("batch_norm", "yes", "batch_norm: must be true or false, got 'yes'"),
    ("momentum", 1.0, r"momentum: must be in \[0.0, 1.0\)"),
    ("dataset", "mnist", "dataset: unknown value 'mnist'; allowed: circles"),
])
def test_bad_values_name_the_field_and_the_allowed_range(field, value, message):
    with pytest.raises(ValueError, match=message):
        SimConfig(**{field: value})
    with pytest.raises(ValueError, match=message):
        SimConfig().replace(**{field: value})


@pytest.mark.parametrize("text, message", [
    ('{"depth": 3,}', "config: malformed JSON at line 1 column 13"),
    ("[1, 2]", "config: a JSON object is required, got list"),
    ('{"depht": 3}', "config: unknown field 'depht'; allowed: depth, width"),
])
def test_bad_json_is_named(text, message):
    with pytest.raises(ValueError, match=message):
        SimConfig.from_json(text)


def test_changed_fields():
    a = SimConfig()
    assert a.changed_fields(a.replace(learning_rate=0.1, depth=3)) == {"learning_rate", "depth"}


def test_layer_sizes_follow_the_cost():
    assert SimConfig(depth=3, width=5).layer_sizes == [2, 5, 5, 5, 1]
    assert SimConfig(depth=1, loss="softmax_cross_entropy").layer_sizes == [2, 16, 2]


def test_preset_file_errors_name_the_file(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"name": "Deep", "description": "d", "config": {"depth": 9}}))
    assert load_preset_file(good).config.depth == 9
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "Bad", "description": "d", "config": {"depth": 0}}))
    with pytest.raises(ValueError, match=r"preset bad.json: depth: must be in \[1, 100\]"):
        load_preset_file(bad)
    with pytest.raises(ValueError, match="preset missing.json"):
        load_preset_file(tmp_path / "missing.json")
