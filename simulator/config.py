"""SimConfig: everything that defines a run, validated in one place.

A SimConfig is frozen: a change is a new config (``config.replace(depth=20)``), and
every construction validates every field, so a bad value never reaches the engine.
Each error names the field, what it got and what is allowed. Configs round-trip
through JSON (``to_json`` / ``from_json``); presets are JSON files in
``resources/presets/`` holding a name, a one-line description and a config.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from .activations import ACTIVATIONS
from .data import DATASETS
from .files import parse_json, quoted
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
DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Bounds:
    """The numbers a field allows: ``low`` … ``high``, each end in or out of the range."""

    low: float
    high: float
    low_in: bool = True
    high_in: bool = True

    def __contains__(self, value):
        return ((self.low <= value if self.low_in else self.low < value)
                and (value <= self.high if self.high_in else value < self.high))

    def __str__(self):              # [1, 100], (0.0, 10.0]: the interval as written in maths
        return f"{'[' if self.low_in else '('}{self.low}, {self.high}{']' if self.high_in else ')'}"


def bounded(default, low, high, low_in=True, high_in=True):
    """A numeric field and the range it allows, beside it in the field's metadata."""
    return field(default=default, metadata={"bounds": Bounds(low, high, low_in, high_in)})


def one_of(default, choices):
    """A field that takes one of ``choices`` (names: a registry, kept as it is, so that an
    entry added to it is a choice at once), beside it in the field's metadata."""
    return field(default=default, metadata={"choices": choices})


@dataclass(frozen=True)
class SimConfig:
    """One run: network, initialisation, training, remedies, data and seed."""

    depth: int = bounded(6, 1, 100)                         # hidden layers
    width: int = bounded(16, 1, 256)                        # units per hidden layer
    activation: str = one_of("sigmoid", ACTIVATIONS)
    init: str = one_of("xavier", INITIALIZERS)
    sigma_w: float = bounded(1.0, 0.0, 10.0, low_in=False)  # scaled_normal: Var(W) = σw²/fan_in
    sigma_b: float = bounded(0.0, 0.0, 10.0)                # scaled_normal: Var(b) = σb²
    gain: float = bounded(1.0, 0.0, 10.0, low_in=False)     # xavier, he, lecun, orthogonal
    loss: str = one_of("cross_entropy", LOSSES)
    optimizer: str = one_of("sgd", OPTIMIZERS)
    learning_rate: float = bounded(0.5, 0.0, 100.0, low_in=False)
    momentum: float = bounded(0.9, 0.0, 1.0, high_in=False)
    batch_size: int = bounded(32, 1, 4096)
    clip: bool = False
    clip_threshold: float = bounded(1.0, 0.0, 1e6, low_in=False)
    l2: float = bounded(0.0, 0.0, 1.0)
    batch_norm: bool = False
    residual: bool = False
    # The recurrent mode: a recurrent network of one hidden layer of ``width`` units, read
    # over ``time_steps`` inputs (T; the unrolled network's depth: time step t is layer t),
    # its recurrent weights W drawn with the spectral radius ρ; the data are the first-symbol
    # task (data.py). depth, init, σw, σb, gain, batch_norm, residual, dataset, noise and
    # the surface's layers are not used by it.
    recurrent: bool = False
    time_steps: int = bounded(20, 1, 100)
    spectral_radius: float = bounded(0.9, 0.0, 3.0, low_in=False)
    dataset: str = one_of("circles", DATASETS)
    data_file: str = ""         # the user's data set (dataset "file"), by path (≤ PATH_MAX)
    # The SHA-256 of the data file's bytes when it was checked (or ""): the engine trains on
    # exactly those bytes, and refuses the file if it has changed since.
    data_digest: str = field(default="", metadata={"digest": True})
    noise: float = bounded(0.05, 0.0, 1.0)
    n_samples: int = bounded(400, 8, 5000)
    seed: int = bounded(0, 0, SEED_MAX)
    # The cost surface's axes: the layers U and V move, numbered 1 … depth+1; negative
    # counts from the output (checked against the depth after the fields).
    u_layer: int = bounded(1, -101, 101)
    v_layer: int = bounded(-1, -101, 101)
    # The surface spans [-extent, extent]² in U, V units.
    surface_extent: float = bounded(1.0, EXTENT_MIN, 100.0)

    def __post_init__(self):
        for f in fields(self):
            _check_field(f, getattr(self, f.name))
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
        u, v = self._named_layers()
        if u == v:
            raise ValueError(f"v_layer: must name another layer than u_layer (both are layer {u + 1})")

    @staticmethod
    def bounds(name):
        """The Bounds of the numeric field ``name`` (for the controls' ranges)."""
        return next(f.metadata["bounds"] for f in fields(SimConfig) if f.name == name)

    @property
    def surface_layers(self):
        """(U's layer, V's layer) as 0-based indices. In the recurrent mode they are fixed:
        the recurrent weights W (those of every time step: layer 1's) and the output layer."""
        return (0, self.time_steps) if self.recurrent else self._named_layers()

    def _named_layers(self):
        """(u_layer, v_layer) as 0-based indices of the feed-forward network."""
        n = self.depth + 1
        return tuple(v - 1 if v > 0 else v + n for v in (self.u_layer, self.v_layer))

    def layer_sizes(self, inputs=2, classes=2):
        """[inputs, width × depth, outputs] for data of ``inputs`` inputs and ``classes``
        classes: one output per class, but a single sigmoid output for two classes (P(class
        1)) unless the cost is softmax's. In the recurrent mode, the unrolled network's:
        [inputs at one time step, width × T, outputs]."""
        outputs = classes if classes > 2 or LOSSES[self.loss].one_hot else 1
        hidden = self.time_steps if self.recurrent else self.depth
        return [inputs] + [self.width] * hidden + [outputs]

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


def _unknown_message(name):
    allowed = ", ".join(f.name for f in fields(SimConfig))
    return f"config: unknown field {quoted(name)}; allowed: {allowed}"


def _check_field(f, value):
    """A ValueError naming field ``f``, ``value`` and what ``f`` allows, unless it allows it."""
    name, kind = f.name, f.type
    if "choices" in f.metadata:
        if not isinstance(value, str) or value not in f.metadata["choices"]:
            raise ValueError(f"{name}: unknown value {quoted(value)}; "
                             f"allowed: {', '.join(f.metadata['choices'])}")
        return
    if "digest" in f.metadata:
        if not (isinstance(value, str) and (value == "" or DIGEST.fullmatch(value))):
            raise ValueError(f"{name}: must be \"\" or a SHA-256 digest (64 lowercase hex "
                             f"digits), got {quoted(value)}")
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
    bounds = f.metadata["bounds"]
    if (kind == "int" and not is_int) or not (is_int or isinstance(value, float)):
        what = "an integer" if kind == "int" else "a number"
        raise ValueError(f"{name}: must be {what} in {bounds}, got {quoted(value)}")
    if value not in bounds:
        raise ValueError(f"{name}: must be in {bounds}, got {quoted(value)}")


@dataclass(frozen=True)
class Preset:
    """A named config with the one line that says what it shows, and the preset it is
    compared with (``baseline``: another preset's name, or "")."""

    name: str
    description: str
    config: SimConfig
    baseline: str = ""


def load_preset_file(path):
    """Read one preset file; a ValueError names the file and what is wrong in it."""
    path = Path(path)
    try:
        data = parse_json(path.read_text(encoding="utf-8"))
        keys = {"name", "description", "config"}
        if not isinstance(data, dict) or not keys <= set(data) <= keys | {"baseline"}:
            raise ValueError("a preset is a JSON object with keys name, description, config "
                             "(and, if it is compared with another preset, baseline)")
        return Preset(str(data["name"]), str(data["description"]), SimConfig.from_dict(data["config"]),
                      str(data.get("baseline", "")))
    except (OSError, ValueError) as error:
        raise ValueError(f"preset {path.name}: {error}") from None


def load_presets(directory=PRESET_DIR):
    """All presets in ``directory``, by name, in file-name order; a baseline must name
    another preset there."""
    presets = {p.name: p for p in map(load_preset_file, sorted(Path(directory).glob("*.json")))}
    for preset in presets.values():
        if preset.baseline and (preset.baseline not in presets or preset.baseline == preset.name):
            raise ValueError(f"preset {preset.name}: its baseline {quoted(preset.baseline)} is not "
                             f"another preset; allowed: {', '.join(presets)}")
    return presets
