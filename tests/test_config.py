"""SimConfig: validated in one place, JSON round trip, errors that name field and range."""
import hashlib
import json

import pytest

from simulator.config import SimConfig, load_preset_file
from simulator.files import quoted


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
    ("seed", 2 ** 31, r"seed: must be in \[0, 2147483647\], got 2147483648"),   # a Qt spin box's limit
    ("surface_extent", 5e-324, r"surface_extent: must be in \[1e-09, 100.0\], got 5e-324"),
    ("activation", "x" * 10 ** 6, r"activation: unknown value 'x{38}…; allowed"),
    ("activation", [1, 2], r"activation: unknown value \[1, 2\]; allowed"),
    ("depth", 10 ** 4000, r"depth: must be in \[1, 100\], got 10{38}…$"),
], ids=lambda v: str(v)[:20])
def test_bad_values_name_the_field_and_the_allowed_range(field, value, message):
    with pytest.raises(ValueError, match=message):
        SimConfig(**{field: value})
    with pytest.raises(ValueError, match=message):
        SimConfig().replace(**{field: value})


@pytest.mark.parametrize("text, message", [
    ('{"depth": 3,}', "config: malformed JSON at line 1 column 13"),
    ("[1, 2]", "config: a JSON object is required, got list"),
    ('{"depht": 3}', "config: unknown field 'depht'; allowed: depth, width"),
    ("[" * 100_000 + "]" * 100_000, "config: the JSON is nested too deeply"),
    ('{"depth": [' + "[" * 900 + "]" * 901 + "}", r"depth: must be an integer in \[1, 100\], got \[\[\[\["),
    ('{"seed": 1' + "0" * 5000 + "}", "config: the JSON holds a number too long to read"),
], ids=lambda v: str(v)[:20])
def test_bad_json_is_named(text, message):
    with pytest.raises(ValueError, match=message):
        SimConfig.from_json(text)


def test_changed_fields():
    a = SimConfig()
    assert a.changed_fields(a.replace(learning_rate=0.1, depth=3)) == {"learning_rate", "depth"}


def test_layer_sizes_follow_the_cost_and_the_data():
    assert SimConfig(depth=3, width=5).layer_sizes() == [2, 5, 5, 5, 1]
    assert SimConfig(depth=1, loss="softmax_cross_entropy").layer_sizes() == [2, 16, 2]
    assert SimConfig(depth=1).layer_sizes(64, 10) == [64, 16, 10]        # one-hot sigmoids


def test_a_file_data_set_needs_its_path():
    with pytest.raises(ValueError, match="data_file: the data set 'file' needs"):
        SimConfig(dataset="file")
    with pytest.raises(ValueError, match="data_file: must be a file path"):
        SimConfig(data_file=3)


def test_a_data_digest_is_empty_or_a_sha256_and_comparisons_never_name_it():
    from simulator.compare import difference, versus
    digest = hashlib.sha256(b"some data").hexdigest()
    assert SimConfig(data_digest=digest).data_digest == digest
    for bad in (digest.upper(), digest[:-1], digest + "0", 7, "g" * 64):
        with pytest.raises(ValueError, match=r'^data_digest: must be "" or a SHA-256 digest \(64 lowercase'):
            SimConfig(data_digest=bad)
    a = SimConfig(dataset="file", data_file="/d.csv", data_digest=digest)
    b = a.replace(data_digest=hashlib.sha256(b"other data").hexdigest(), depth=3)
    assert difference(b, a) == "depth 6 → 3" and "digest" not in versus(b, a)


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


def test_quoted_keeps_short_values_whole_and_cuts_long_ones():
    assert quoted("relu") == "'relu'" and quoted(3) == "3"
    assert quoted("a\nb") == "'a\\nb'"                        # one line, whatever the value holds
    assert quoted("y" * 10 ** 7) == "'" + "y" * 38 + "…"       # 40 characters, not 10 MB
    nested = []
    for _ in range(100_000):
        nested = [nested]
    assert quoted(nested) == "<a list>"


def test_the_smallest_extent_is_allowed_and_a_lecture_needs_no_smaller():
    assert SimConfig(surface_extent=1e-9).surface_extent == 1e-9
    with pytest.raises(ValueError):
        SimConfig(surface_extent=0.99e-9)
