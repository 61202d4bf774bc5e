"""What differs between two runs' configs, named in a few words.

A comparison (the live run against a pinned baseline, issue 14) is only as clear as the
difference it names. ``differing`` lists the fields whose values differ, in the config's
own order; ``brief`` names a run in a few words (its activation and initialisation, and
whatever else differs from the other run): "sigmoid·xavier vs relu·he";
``difference`` says what the live run changed: "activation sigmoid → relu"; ``shape``
gives a network's size.
"""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from .config import SimConfig

REMEDIES = ("residual", "clip", "batch_norm")   # said first where they differ and are on
ALWAYS = ("activation", "init")      # what a run is called by, whatever differs
ALWAYS_RECURRENT = ("activation", "recurrent", "spectral_radius")    # ...a recurrent one
# What the recurrent network does not use, and what only it uses (config.py).
FEED_FORWARD_ONLY = ("depth", "init", "sigma_w", "sigma_b", "gain", "batch_norm", "residual",
                     "dataset", "data_file", "noise", "u_layer", "v_layer")
RECURRENT_ONLY = ("time_steps", "spectral_radius")
UNNAMED = ("data_digest",)           # which bytes of a file were checked: data_file names the file
# How a field's value reads in a few words; fields not named here read "name value".
_WORDS = {
    "batch_norm": lambda v: "batch norm" if v else "no batch norm",
    "residual": lambda v: "residual" if v else "no residual",
    "clip": lambda v: "clipping" if v else "no clipping",
    "clip_threshold": lambda v: f"clip at {v:g}",
    "sigma_w": lambda v: f"σw {v:g}", "sigma_b": lambda v: f"σb {v:g}",
    "learning_rate": lambda v: f"η {v:g}", "batch_size": lambda v: f"batch {v}",
    "l2": lambda v: f"L2 {v:g}", "n_samples": lambda v: f"{v} samples",
    "data_file": lambda v: Path(v).name or "no file",
    "u_layer": lambda v: f"a: layer {v}", "v_layer": lambda v: f"b: layer {v}",
    "recurrent": lambda v: "recurrent" if v else "feed-forward",
    "time_steps": lambda v: f"T {v}", "spectral_radius": lambda v: f"ρ {v:g}",
    "activation": str, "init": str, "optimizer": str, "dataset": str, "loss": str,
}


def shape(config: SimConfig):
    """The network's size in a few words: 'depth 6 × width 16', 'recurrent, T 40 × width 32'."""
    if config.recurrent:
        return f"recurrent, T {config.time_steps} × width {config.width}"
    return f"depth {config.depth} × width {config.width}"


def differing(live: SimConfig, baseline: SimConfig):
    """The names of the fields whose values differ, in the config's order (but the data
    file's digest)."""
    return [f.name for f in fields(SimConfig)
            if f.name not in UNNAMED and getattr(live, f.name) != getattr(baseline, f.name)]


def words(config: SimConfig, name):
    """One field's value in a few words: 'batch norm', 'η 0.05', 'depth 10'."""
    value = getattr(config, name)
    say = _WORDS.get(name)
    if say is not None:
        return say(value)
    return f"{name.replace('_', ' ')} {value:g}" if isinstance(value, float) else f"{name} {value}"


def brief(config: SimConfig, other: SimConfig = SimConfig(), most=None):
    """``config`` in a few words, beside ``other`` (the defaults, unless given): the
    remedies it has and ``other`` has not first, then its activation and initialisation,
    then the other fields in which it differs, where they are in use and not merely off
    ('batch norm·sigmoid·xavier' beside 'sigmoid·xavier'); with ``most``, the words that
    fit in ``most`` characters and '…' for the rest (never a word cut)."""
    always = ALWAYS_RECURRENT if config.recurrent else ALWAYS
    differ = [name for name in differing(config, other)
              if name not in always and getattr(config, name) is not False and _in_use(config, name)]
    shown = ([name for name in REMEDIES if name in differ] + list(always)
             + [name for name in differ if name not in REMEDIES])
    text = "·".join(words(config, name) for name in shown)
    if most is None or len(text) <= most:
        return text
    return text[:text.rfind("·", 0, most)] + "…"


def _in_use(config, name):
    """False for a field the config sets but does not use (σw without scaled_normal, the
    depth of a recurrent network)."""
    if name in (FEED_FORWARD_ONLY if config.recurrent else RECURRENT_ONLY):
        return False
    needs = {"sigma_w": config.init == "scaled_normal", "sigma_b": config.init == "scaled_normal",
             "gain": config.init != "scaled_normal", "clip_threshold": config.clip,
             "momentum": config.optimizer != "sgd", "data_file": config.dataset == "file"}
    return needs.get(name, True)


def versus(live: SimConfig, baseline: SimConfig, most=None):
    """The status bar's 'sigmoid·xavier vs relu·he': the baseline first, as in 'before
    and after'; each at most ``most`` characters (see ``brief``)."""
    return f"{brief(baseline, live, most)} vs {brief(live, baseline, most)}"


def difference(live: SimConfig, baseline: SimConfig):
    """What the live run changed, baseline → live: 'activation sigmoid → relu, init xavier
    → he, η 0.5 → 0.05', or 'the same config' when nothing differs."""
    changed = differing(live, baseline)
    if not changed:
        return "the same config"
    return ", ".join(_change(name, words(baseline, name), words(live, name)) for name in changed)


def _change(name, before, after):
    """'activation sigmoid → relu' (a value alone gets its field's name), 'η 0.5 → 0.05'
    (a shared first word is said once), 'no batch norm → batch norm'."""
    if _WORDS.get(name) is str:
        return f"{name} {before} → {after}"
    first, _, rest = after.partition(" ")
    if rest and before.startswith(first + " "):
        return f"{before} → {rest}"
    return f"{before} → {after}"
