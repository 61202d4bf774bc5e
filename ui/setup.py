"""A saved setup: the SimConfig, the panel layout and the view settings, as JSON.

    {"setup": 1, "config": {...SimConfig...}, "layout": "<base64 of QMainWindow.saveState>",
     "view": {"theme": "dark", "log_colour": true, "bars": "‖∂C/∂b‖: speed of learning"}}

A bare SimConfig object is read as a setup with only a config. Reading checks all of
it before anything is used: a bad file raises one ValueError naming what is wrong.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import Path

from simulator import SimConfig

SETUP_VERSION = 1
VIEW_KEYS = {"theme": str, "log_colour": bool, "bars": str}


@dataclass(frozen=True)
class Setup:
    config: SimConfig
    layout: bytes | None = None
    view: dict = field(default_factory=dict)


def setup_json(setup):
    return json.dumps({"setup": SETUP_VERSION, "config": setup.config.to_dict(),
                       "layout": base64.b64encode(setup.layout).decode("ascii") if setup.layout else None,
                       "view": setup.view}, indent=2, ensure_ascii=False)


def read_setup(path):
    """The Setup in ``path``; a ValueError names the file and what is wrong in it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise ValueError(f"{path}: cannot read it ({reason})") from None
    try:
        return parse_setup(text)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


def parse_setup(text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}") from None
    if not isinstance(data, dict):
        raise ValueError(f"a JSON object is required, got {type(data).__name__}")
    if "setup" not in data:                      # a bare SimConfig
        return Setup(SimConfig.from_dict(data))
    if data["setup"] != SETUP_VERSION:
        raise ValueError(f"setup version {data['setup']!r} is not {SETUP_VERSION}")
    unknown = set(data) - {"setup", "config", "layout", "view"}
    if unknown:
        raise ValueError(f"unknown key {sorted(unknown)[0]!r}; allowed: setup, config, layout, view")
    config = SimConfig.from_dict(data.get("config", {}))
    layout = data.get("layout")
    if layout is not None:
        try:
            layout = base64.b64decode(layout, validate=True)
        except (binascii.Error, TypeError):
            raise ValueError("layout: not base64 text") from None
    view = data.get("view") or {}
    if not isinstance(view, dict):
        raise ValueError("view: an object is required")
    for key, value in view.items():
        if key not in VIEW_KEYS or not isinstance(value, VIEW_KEYS[key]):
            raise ValueError(f"view: {key!r} is not allowed here; allowed: "
                             f"{', '.join(f'{k} ({t.__name__})' for k, t in VIEW_KEYS.items())}")
    return Setup(config, layout, view)
