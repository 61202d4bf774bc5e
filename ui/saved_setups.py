"""A saved setup: the SimConfig, the panel layout and the view settings, as JSON.

    {"setup": 1, "config": {...SimConfig...}, "layout": "<base64 of QMainWindow.saveState>",
     "view": {"theme": "dark", "log_colour": true, "bars": "‖∂C/∂b‖: speed of learning"},
     "baseline": {...the pinned baseline's SimConfig...} or null}

A bare SimConfig object is read as a setup with only a config. A data set loaded from a
file is saved by its path (``data_file``); reading the setup checks that file anew and
takes the digest of what it holds now (``data_digest``), and a setup whose data file is
gone or no longer usable is refused with a sentence that names it. Reading checks all of
it before anything is used, for the command line and the window alike: a bad file raises
one short ValueError naming what is wrong. Only a regular file of at most 1 MB is read; a
FIFO, a device or a folder is refused before anything is read from it.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field, replace

from simulator import SimConfig
from simulator.data import check_data_file
from simulator.files import parse_json, path_text, quoted, read_small_file

SETUP_VERSION = 1
MAX_BYTES = 1_000_000                   # a setup is a few kB: a larger file is not one


@dataclass(frozen=True)
class Setup:
    config: SimConfig
    layout: bytes | None = None
    view: dict = field(default_factory=dict)
    baseline: SimConfig | None = None       # the pinned baseline's config


def setup_json(setup):
    return json.dumps({"setup": SETUP_VERSION, "config": setup.config.to_dict(),
                       "layout": base64.b64encode(setup.layout).decode("ascii") if setup.layout else None,
                       "view": setup.view,
                       "baseline": setup.baseline.to_dict() if setup.baseline else None},
                      indent=2, ensure_ascii=False)


def read_setup(path):
    """The Setup in ``path``; a ValueError names the file and what is wrong in it."""
    if not str(path):
        raise ValueError("the setup's file name is empty")
    try:
        setup = parse_setup(read_small_file(path, MAX_BYTES, "a setup").decode("utf-8"))
        try:
            return replace(setup, config=checked_data(setup.config),
                           baseline=setup.baseline and checked_data(setup.baseline))
        except ValueError as error:
            raise ValueError(f"its data set cannot be used: {error}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path_text(path)}: cannot read it (it is not UTF-8 text)") from None
    except ValueError as error:
        raise ValueError(f"{path_text(path)}: {error}") from None


def checked_data(config):
    """``config`` with the digest of its data file as it is now, if it trains on one; a
    ValueError names the file and what is wrong with it."""
    if config.dataset != "file":
        return config
    return config.replace(data_digest=check_data_file(config.data_file))


def parse_setup(text):
    """The Setup in a JSON text, every part of it checked."""
    data = parse_json(text)
    if not isinstance(data, dict):
        raise ValueError(f"a JSON object is required, got {type(data).__name__}")
    if "setup" not in data:                      # a bare SimConfig
        return Setup(SimConfig.from_dict(data))
    if data["setup"] != SETUP_VERSION:
        raise ValueError(f"setup version {quoted(data['setup'])} is not {SETUP_VERSION}")
    unknown = set(data) - {"setup", "config", "layout", "view", "baseline"}
    if unknown:
        raise ValueError(f"unknown key {quoted(min(unknown))}; allowed: setup, config, layout, "
                         "view, baseline")
    config = SimConfig.from_dict(data.get("config", {}))
    try:
        baseline = None if data.get("baseline") is None else SimConfig.from_dict(data["baseline"])
    except ValueError as error:
        raise ValueError(f"baseline: {error}") from None
    layout = data.get("layout")
    if layout is not None:
        try:
            layout = base64.b64decode(layout, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise ValueError("layout: not base64 text") from None
    view = data.get("view") or {}
    if not isinstance(view, dict):
        raise ValueError("view: an object is required")
    return Setup(config, layout, view, baseline)


def check_view(view):
    """A ValueError unless ``view`` holds only view choices of the window's (its theme)
    and its panels' (``Panel.view_keys``), each with a value allowed. Done where the
    setup is used: the panels' declarations need Qt, which the process that reads a setup
    does not load."""
    from .panels import view_choices
    from .style import THEMES

    choices = {"theme": tuple(THEMES)} | view_choices()
    for key, value in view.items():
        if key not in choices:
            raise ValueError(f"view: unknown key {quoted(key)}; allowed: {', '.join(choices)}")
        allowed = choices[key]
        if isinstance(allowed, type):
            if not isinstance(value, allowed):
                raise ValueError(f"view: {key} must be a {allowed.__name__}, got {quoted(value)}")
        elif value not in allowed:
            raise ValueError(f"view: {key} {quoted(value)} is not one of {', '.join(map(str, allowed))}")
