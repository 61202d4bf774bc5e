"""SimConfig: everything that defines a run, validated in one place.

A SimConfig is frozen: a change is a new config (``config.replace(depth=20)``), and
every construction validates every field, so a bad value never reaches the engine.
Each error names the field, what it got and what is allowed. Configs round-trip
through JSON (``to_json`` / ``from_json``); presets are JSON files in
``resources/presets/`` holding a name, a one-line description and a config.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from .activations import ACTIVATIONS
from .data import DATASETS
from .files import path_text, quoted  # noqa: F401  (path_text: for the callers of config)
from .initializers import INITIALIZERS
from .losses import LOSSES
from .optim import OPTIMIZERS

PRESET_DIR = Path(__file__).resolve().parent.parent / "resources" / "presets"

# Fields whose change keeps the trained weights: the rest define a new network.
TRAINING_FIELDS = frozenset({"learning_rate", "optimizer", "momentum", "batch_size", "clip",
                             "clip_threshold", "l2"})
# Fields that only take a new slice of the cost surface through the current weights.
SURFACE_FIELDS = frozenset({"u_layer", "v_layer", "surface_extent"})

# The largest seed: Qt's spin boxes hold a signed 32-bit int, so 2³¹ − 1 is the most a
# control can show, and the config allows no more than its controls can.
SEED_MAX = 2 ** 31 - 1
# The smallest surface extent. Below about 1e-14 the map shows the rounding of θ0 + aU in
# float64, not a cost surface; pyqtgraph's axes warn below 1e-306 and crash on denormals.
EXTENT_MIN = 1e-9
PATH_MAX = 4096                         # the longest path Linux takes

_CHOICES = {"activation": tuple(ACTIVATIONS), "init": INITIALIZERS, "loss": tuple(LOSSES),
            "optimizer": OPTIMIZERS, "dataset": DATASETS}
# (low, high, low inclusive, high inclusive)
_RANGES = {
    "depth": (1, 100, True, True), "width": (1, 256, True, True),
    "sigma_w": (0.0, 10.0, False, True), "sigma_b": (0.0, 10.0, True, True),
    "gain": (0.0, 10.0, False, True), "learning_rate": (0.0, 100.0, False, True),
    "momentum": (0.0, 1.0, True, False), "batch_size": (1, 4096, True, True),
    "clip_threshold": (0.0, 1e6, False, True), "l2": (0.0, 1.0, True, True),
    "noise": (0.0, 1.0, True, True), "n_samples": (8, 5000, True, True),
    "seed": (0, SEED_MAX, True, True),
    "u_layer": (-101, 101, True, True), "v_layer": (-101, 101, True, True),
    "surface_extent": (EXTENT_MIN, 100.0, True, True),
}


@dataclass(frozen=True)
class SimConfig:
    """One run: network, initialisation, training, remedies, data and seed."""

    depth: int = 6                      # hidden layers
    width: int = 16                     # units per hidden layer
    activation: str = "sigmoid"
    init: str = "xavier"
    sigma_w: float = 1.0                # scaled_normal: Var(W) = σw²/fan_in
    sigma_b: float = 0.0                # scaled_normal: Var(b) = σb²
    gain: float = 1.0                   # xavier, he, lecun, orthogonal
    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    learning_rate: float = 0.5
    momentum: float = 0.9
    batch_size: int = 32
    clip: bool = False
    clip_threshold: float = 1.0
    l2: float = 0.0
    batch_norm: bool = False
    residual: bool = False
    dataset: str = "circles"
    data_file: str = ""                 # the user's data set (dataset "file"), by path
    noise: float = 0.05
    n_samples: int = 400
    seed: int = 0
    u_layer: int = 1                    # the cost surface's axes: the layers U and V move,
    v_layer: int = -1                   # numbered 1 … depth+1; negative counts from the output
    surface_extent: float = 1.0         # the surface spans [-extent, extent]² in U, V units

    def __post_init__(self):
        for f in fields(self):
            _check_field(f.name, f.type, getattr(self, f.name))
            if f.type == "float":           # JSON may give 1 for 1.0
                object.__setattr__(self, f.name, float(getattr(self, f.name)))
        n = self.depth + 1
        for name in ("u_layer", "v_layer"):
            value = getattr(self, name)
            if value == 0 or not -n <= value <= n:
                raise ValueError(f"{name}: must be a layer number in 1 … {n} or -{n} … -1 "
                                 f"(counting from the output), got {value}")
        if self.dataset == "file" and not self.data_file:
            raise ValueError("data_file: the data set 'file' needs the path of a data file")
        if self.surface_layers[0] == self.surface_layers[1]:
            raise ValueError(f"v_layer: must name another layer than u_layer "
                             f"(both are layer {self.surface_layers[0] + 1})")

    @property
    def surface_layers(self):
        """(U's layer, V's layer) as 0-based indices."""
        n = self.depth + 1
        return tuple(v - 1 if v > 0 else v + n for v in (self.u_layer, self.v_layer))

    def layer_sizes(self, inputs=2, classes=2):
        """[inputs, width × depth, outputs] for data of ``inputs`` inputs and ``classes``
        classes: one output per class, but a single sigmoid output for two classes (P(class
        1)) unless the cost is softmax's."""
        outputs = classes if classes > 2 or LOSSES[self.loss].one_hot else 1
        return [inputs] + [self.width] * self.depth + [outputs]

    def replace(self, **changes):
        """A new, validated config with ``changes`` applied."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(_unknown_message(sorted(unknown)[0]))
        return replace(self, **changes)

    def changed_fields(self, other):
        """Names of the fields whose values differ between self and ``other``."""
        return {f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)}

    def to_dict(self):
        return asdict(self)

    def to_json(self):
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data):
        """A config from a mapping; missing fields take their defaults."""
        if not isinstance(data, dict):
            raise ValueError(f"config: a JSON object is required, got {type(data).__name__}")
        unknown = [k for k in data if k not in {f.name for f in fields(cls)}]
        if unknown:
            raise ValueError(_unknown_message(unknown[0]))
        return cls(**data)

    @classmethod
    def from_json(cls, text):
        try:
            data = parse_json(text)
        except ValueError as error:
            raise ValueError(f"config: {error}") from None
        return cls.from_dict(data)


def parse_json(text):
    """json.loads, with every way it can fail as one short ValueError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"malformed JSON at line {error.lineno} column {error.colno}: "
                         f"{error.msg}") from None
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except ValueError:                      # an integer of more than 4300 digits
        raise ValueError("the JSON holds a number too long to read") from None


def _unknown_message(name):
    allowed = ", ".join(f.name for f in fields(SimConfig))
    return f"config: unknown field {quoted(name)}; allowed: {allowed}"


def _check_field(name, kind, value):
    if name in _CHOICES:
        if value not in _CHOICES[name]:
            raise ValueError(f"{name}: unknown value {quoted(value)}; allowed: {', '.join(_CHOICES[name])}")
        return
    if kind == "str":
        if not isinstance(value, str) or len(value) > PATH_MAX:
            raise ValueError(f"{name}: must be a file path of at most {PATH_MAX} characters, "
                             f"got {quoted(value)}")
        return
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{name}: must be true or false, got {quoted(value)}")
        return
    is_int = isinstance(value, int) and not isinstance(value, bool)
    is_number = is_int or isinstance(value, float)
    low, high, low_in, high_in = _RANGES[name]
    bounds = f"{'[' if low_in else '('}{low}, {high}{']' if high_in else ')'}"
    if (kind == "int" and not is_int) or not is_number:
        what = "an integer" if kind == "int" else "a number"
        raise ValueError(f"{name}: must be {what} in {bounds}, got {quoted(value)}")
    inside = (low <= value if low_in else low < value) and (value <= high if high_in else value < high)
    if not inside:
        raise ValueError(f"{name}: must be in {bounds}, got {quoted(value)}")


@dataclass(frozen=True)
class Preset:
    """A named config with the one line that says what it shows."""

    name: str
    description: str
    config: SimConfig


def load_preset_file(path):
    """Read one preset file; a ValueError names the file and what is wrong in it."""
    path = Path(path)
    try:
        data = parse_json(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or set(data) != {"name", "description", "config"}:
            raise ValueError("a preset is a JSON object with keys name, description, config")
        return Preset(str(data["name"]), str(data["description"]), SimConfig.from_dict(data["config"]))
    except (OSError, ValueError) as error:
        raise ValueError(f"preset {path.name}: {error}") from None


def load_presets(directory=PRESET_DIR):
    """All presets in ``directory``, by name, in file-name order."""
    presets = [load_preset_file(p) for p in sorted(Path(directory).glob("*.json"))]
    return {p.name: p for p in presets}
