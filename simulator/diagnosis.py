"""What is happening to the run, in words, and the one change of a control that helps.

Every frame, ``diagnose`` reads the run's measurements and names one state, in order of
precedence (the first that holds):

| kind       | when                                                                  |
|------------|-----------------------------------------------------------------------|
| exploded   | the run diverged: a cost, gradient or weight stopped being finite     |
| launched   | one step carried the network far off the cost surface's map           |
| dead       | ReLU-like units that output 0 on every sample of the surface's data:  |
|            | every unit of a hidden layer (no error gets past it), or half of all, |
|            | or 15 % more of all than at the start with ¾ of a layer dead          |
| saturated  | sigmoid-like units whose φ' is below 1 % of its maximum on every      |
|            | sample, in the same amounts                                           |
| exploding  | layer 1 learns ≥ 100× faster than the output layer, or ≥ 10× where    |
|            | χ > 1 (clipped: a warning, not an alarm: clipping caps every step)     |
| plateau    | the training cost's low has fallen by less than 2 % over the last 200 |
|            | steps (or more) while the gradient is small (layer 1's 10× below the  |
|            | output's, or every layer's 10× below its start) and a fifth of the    |
|            | samples are still wrong                                               |
|            | (its cause named where the gradient vanishes)                         |
| vanishing  | layer 1 learns ≥ 100× slower than the output layer, or ≥ 10× where    |
|            | χ < 1 (below 100×: mild, the network learns anyway)                   |
| healthy    | none of these                                                          |

The headline, the measured sentence and the advice all come from here, so the panels,
the status bar and the window's diagnosis line cannot disagree: an exploding run never
ends with a vanishing headline. Where one change of a control helps, ``remedy`` names it
(the window offers it as a button that applies it and starts the run again); advice names
only what was on when the run went wrong (``config`` is the run's config then). In the
recurrent mode the layers are time steps ("Time step 1 learns 10⁶× slower than the
output"), and the remedies are the controls a recurrent network has: clipping for a cliff,
ρ → 1 for saturation, leaky ReLU or a smaller η for dead units; none for a vanishing error.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .numbers import log_sizes, times

SLOWER = 100.0              # layer 1 this many times slower (or faster) than the output
NETWORK_SHARE = 0.5         # a whole hidden layer dead (or saturated), or this share of all,
GROWN = 0.15                # or this much more of all than at initialisation
PLATEAU_STEPS = 200         # the cost flat over at least this many steps...
PLATEAU_CHANGE = 0.02       # ...its low falling by less than this share...
PLATEAU_ACCURACY = 0.8      # ...while the training accuracy is below this
SEVERITY = {"exploded": "alarm", "launched": "alarm", "dead": "alarm", "exploding": "alarm",
            "saturated": "warning", "vanishing": "warning", "plateau": "warning", "healthy": "ok"}


@dataclass(frozen=True)
class Remedy:
    """One change of the config that helps, and how a button says it."""

    changes: tuple           # ((field, value), …)
    label: str               # "η 0.5 → 0.05 and restart"

    def apply(self, config):
        return config.replace(**dict(self.changes))


@dataclass(frozen=True)
class Diagnosis:
    """The run's state in words: ``kind`` (see the module's table), a ``headline`` ("Dead
    units"), the measurement in one ``sentence``, what helps (``advice``) and, where one
    control does it, the ``remedy``."""

    kind: str
    headline: str
    sentence: str
    advice: str = ""
    remedy: Remedy | None = None
    severity: str = ""            # 'alarm', 'warning' or 'ok' (by default the kind's)

    def __post_init__(self):
        if not self.severity:
            object.__setattr__(self, "severity", SEVERITY[self.kind])

    @property
    def text(self):
        """Headline, sentence and advice as one paragraph."""
        return " ".join(part for part in (f"{self.headline}: {self.sentence}", self.advice) if part)


# --------------------------------------------------------------------- the bars' words
def named(k, n, unit="layer"):
    """Entry k (1-based) of the n per-layer statistics in words: 'layer 3'; in the recurrent
    mode (``unit`` "time step", a Snapshot's ``unit_name``) 'time step 3', and the last,
    the output layer, 'the output'."""
    return "the output" if unit != "layer" and k == n else f"{unit} {k}"


def _capital(text):
    return text[0].upper() + text[1:]


def speed_sentence(logs, unit="layer"):
    """'Layer 1 learns 31,000× slower than layer 9' (or faster), from the log₁₀ sizes of
    the layers' gradients; in words where a gradient is 0, overflowed (∞) or not a number.
    ``unit``: what the entries are (see ``named``): 'Time step 1 learns 31,000× slower than
    the output'."""
    n = len(logs)
    if n < 2:
        return ""
    first, last = logs[0], logs[-1]
    for k, value in ((1, first), (n, last)):
        if np.isnan(value):
            return f"{_capital(named(k, n, unit))}'s gradient is not a number (NaN): the run has broken down"
        if value == np.inf:
            return f"{_capital(named(k, n, unit))}'s gradient overflowed (∞): it explodes"
    if first == -np.inf:
        dead = int(np.argmax(logs != -np.inf)) if np.any(logs != -np.inf) else n
        if dead == 1:
            return f"{_capital(unit)} 1's gradient is exactly 0: it does not learn at all"
        return (f"{_capital(unit)}s 1–{dead} get a gradient of exactly 0: no error reaches them, "
                "so they do not learn")
    if last == -np.inf:
        if unit == "layer":
            return f"Layer {n}'s gradient is exactly 0: the output does not learn"
        return "The output's gradient is exactly 0: it does not learn"
    exponent = last - first
    if abs(exponent) < np.log10(1.5):
        return f"{_capital(unit)} 1 learns about as fast as {named(n, n, unit)}"
    way = "slower" if exponent >= 0 else "faster"
    return f"{_capital(unit)} 1 learns {times(exponent)} {way} than {named(n, n, unit)}"


def comparison_sentence(logs, baseline_logs, name, unit="layer", baseline_unit="layer"):
    """'relu·he: layer 1 learns 180,000× faster than the baseline's layer 1', from the log
    sizes of the two runs' gradients; each run's own words where a layer 1 is not a
    positive number. ``unit``, ``baseline_unit``: what each run's entries are (``named``)."""
    first, theirs = logs[0], baseline_logs[0]
    if not (np.isfinite(first) and np.isfinite(theirs)):
        theirs = speed_sentence(baseline_logs, baseline_unit) or "One layer"
        return (f"{speed_sentence(logs, unit) or 'One layer'}; the baseline's: "
                f"{theirs[0].lower()}{theirs[1:]}")
    exponent = first - theirs
    if abs(exponent) < np.log10(1.5):
        return f"{name}: {unit} 1 learns about as fast as the baseline's {baseline_unit} 1"
    way = "faster" if exponent > 0 else "slower"
    return f"{name}: {unit} 1 learns {times(abs(exponent))} {way} than the baseline's {baseline_unit} 1"


# --------------------------------------------------------------------- the diagnosis
def diagnose(config, speeds, derivatives, diverged=None, launched=None, history=None,
             accuracy=0.0, dead_at_start=None, theory=None, speeds_at_start=None):
    """The Diagnosis of a run.

    ``config``: the run's config (when it diverged, if it did); ``speeds``: ‖∂C/∂b‖ per
    layer (the bars' speeds of learning, averaged over the last steps: one minibatch's
    jitter); ``derivatives``: DerivativeStats on the surface's data (every sample);
    ``diverged``: the divergence message or None; ``launched``: why the network left the
    map, or None; ``history``: (steps, training costs) of the loss curve; ``accuracy``: on
    the training set; ``dead_at_start``: the share of dead units per hidden layer at
    initialisation; ``theory``: the network's TheoryView (names χ where it applies)."""
    logs = log_sizes(speeds)
    unit = "time step" if config.recurrent else "layer"
    if diverged:
        step, _, what = diverged.partition(": ")
        return Diagnosis("exploded", f"Exploded at {step.removeprefix('Diverged at ')}", f"{what}.",
                         *_calming(config))
    if launched:
        return Diagnosis("launched", "Launched off the cost surface", launched.removeprefix(
            launched.split(": ")[0] + ": "), *_calming(config))
    activation = get_activation(config.activation)
    hidden = len(derivatives.mean_dphi)
    found = (_many(derivatives.dead_fraction, config.width, dead_at_start, unit) if activation.can_die
             else _many(derivatives.saturated_units, config.width, unit=unit))
    if found is not None:
        layers, count, total = found
        cut_off = f"; no error reaches {unit} 1" if logs[0] == -np.inf else ""
        if activation.can_die:
            sentence = (f"{count} of {total} units {layers} are dead: they output 0 on every "
                        f"sample, so they pass no error back{cut_off}.")
            return Diagnosis("dead", "Dead units", sentence, *_reviving(config, dead_at_start,
                                                                        derivatives.dead_fraction))
        sentence = (f"{count} of {total} units {layers} are saturated: φ' is below 1 % of its "
                    f"maximum on every sample, so they pass almost no error back{cut_off}.")
        return Diagnosis("saturated", "Saturated units", sentence, *_desaturating(config))
    with np.errstate(invalid="ignore"):                        # log₁₀ of output / layer 1
        ratio = logs[-1] - logs[0] if len(logs) > 1 else 0.0
    regime = theory.regime_name if theory is not None and theory.applies else None
    measured = speed_sentence(logs, unit)    # χ is the bars' to name: the line stays short
    if hidden and _beyond(-ratio, regime == "exploding"):
        if config.clip:
            return Diagnosis("exploding", "Exploding gradient, clipped", f"{measured}.",
                             f"Clipping caps every step at ‖∇C‖ = {config.clip_threshold:g}, so the "
                             "run can learn despite it.", severity="warning")
        return Diagnosis("exploding", "Exploding gradient", f"{measured}.", *_calming(config))
    vanishing = hidden and (not np.isfinite(ratio) or _beyond(ratio, regime == "vanishing"))
    mild = vanishing and np.isfinite(ratio) and ratio < np.log10(SLOWER)
    if not vanishing:
        advice, remedy = ("Wait: a plateau ends when the first layers' gradient grows; momentum "
                          "or Adam (Optimiser) crosses it sooner.", None)
    elif mild:
        longer = "over more time steps" if config.recurrent else "deeper"
        advice, remedy = f"It is mild: the network learns anyway; {longer}, it would not.", None
    else:
        advice, remedy = _reviving_gradient(config)
    small = (np.isfinite(ratio) and ratio >= 1.0) or vanishing or (
        speeds_at_start is not None and np.nanmax(speeds) <= 0.1 * np.nanmax(speeds_at_start))
    flat = _plateau(history, accuracy) if small else None
    if flat is not None:
        cause = f": {measured[0].lower()}{measured[1:]}" if vanishing else ""
        return Diagnosis("plateau", "On a plateau", f"{flat}{cause}.", advice, remedy)
    if vanishing:
        # a warning where something helps, and in a recurrent network, where nothing does
        warned = remedy is not None or (config.recurrent and not mild)
        return Diagnosis("vanishing", "Vanishing gradient", f"{measured}.", advice, remedy,
                         severity="warning" if warned else "ok")
    return Diagnosis("healthy", "Learning", f"{speed_sentence(logs, unit)}." if hidden else
                     "One layer: every weight gets the output's own error.")


def _beyond(decades, predicted):
    """Whether layer 1's gradient is ``decades`` (log₁₀) beyond the output's by enough: 100×
    (SLOWER), or 10× where the theory predicts it (χ on that side of 1): a measurement
    that hovers about 100× does not flip the diagnosis while the theory holds it."""
    return decades >= np.log10(SLOWER) - (1.0 if predicted else 0.0)


def _many(shares, width, at_start=None, unit="layer"):
    """(layers in words, units caught, units in those layers) where the dead (or saturated)
    units matter, else None: every unit of a hidden layer (no error gets past it), or
    NETWORK_SHARE of all hidden units, or (given the shares ``at_start``) GROWN more of all
    than at initialisation with three quarters of a layer caught. Some dead units are the
    rule in a narrow ReLU network, and harmless. The layers named are those wholly caught,
    else those at least half caught; ``unit`` names them ("layer", or "time step": "at
    time steps 3–5")."""
    shares = np.asarray(shares, dtype=float)
    if shares.size == 0:
        return None
    grown = at_start is not None and (shares.mean() - np.mean(at_start) >= GROWN and shares.max() >= 0.75)
    if shares.max() < 1.0 and shares.mean() < NETWORK_SHARE and not grown:
        return None
    caught = np.flatnonzero(shares >= 1.0) if shares.max() >= 1.0 else np.flatnonzero(shares >= 0.5)
    count = int(round(float(np.sum(shares[caught])) * width))
    first, last = caught[0] + 1, caught[-1] + 1
    layers = f"{unit} {first}" if first == last else (
        f"{unit}s {first}–{last}" if caught.size == last - first + 1
        else f"{unit}s " + ", ".join(str(l + 1) for l in caught))
    return ("in " if unit == "layer" else "at ") + layers, count, width * caught.size


def _lower(rate):
    """A tenth of the learning rate, to two significant digits (a value the slider has)."""
    return float(f"{rate / 10:.2g}")


def _restart(changes, label):
    return Remedy(tuple(changes.items()), f"{label} and restart")


def _calming(config):
    """(advice, remedy) for a cliff: clipping if it was off, else a smaller step."""
    if not config.clip:
        return ("Clipping the gradient's norm caps every step.",
                _restart({"clip": True}, f"Clip ‖∇C‖ at {config.clip_threshold:g}"))
    eta = _lower(config.learning_rate)
    return (f"Clipping was on (at {config.clip_threshold:g}), and steps of η {config.learning_rate:g} "
            "were still too long: take shorter ones.",
            _restart({"learning_rate": eta}, f"η {config.learning_rate:g} → {eta:g}"))


def _reviving(config, dead_at_start, dead_now):
    """(advice, remedy) for dead units: a smaller step if they died while training, a
    start that keeps them alive if they were dead from the start."""
    start = np.asarray(dead_at_start if dead_at_start is not None else dead_now, dtype=float)
    if start.size and np.asarray(dead_now, dtype=float).mean() > start.mean() + 0.1:
        eta = _lower(config.learning_rate)
        return (f"They died while training: η {config.learning_rate:g} is too large for "
                f"{config.activation} here (a long step pushes a unit's z below 0 for every "
                f"sample, and it never comes back); try {eta:g}.",
                _restart({"learning_rate": eta}, f"η {config.learning_rate:g} → {eta:g}"))
    if config.init != "he" and not config.recurrent:        # (no init of the recurrent network's)
        return ("They were dead from the start: He initialisation keeps half of a layer's "
                "units active.", _restart({"init": "he"}, f"Initialisation {config.init} → he"))
    return ("They were dead from the start: leaky ReLU's units cannot die.",
            _restart({"activation": "leaky_relu"}, f"Activation {config.activation} → leaky_relu"))


def _desaturating(config):
    if config.recurrent:
        rho = config.spectral_radius
        if rho > 1.0:
            return ("Recurrent weights of spectral radius 1 keep h_t out of φ's flat tails.",
                    _restart({"spectral_radius": 1.0}, f"ρ {rho:g} → 1"))
        return ("Training has grown the recurrent weights until h_t sits in φ's flat tails: a "
                "smaller η grows them more slowly.", None)
    if not config.batch_norm:
        return ("Batch normalisation re-centres every layer's z, away from the flat tails.",
                _restart({"batch_norm": True}, "Batch normalisation on"))
    return ("Smaller weights keep z in φ's steep middle.", None)


def _reviving_gradient(config):
    """(advice, remedy) for a vanishing gradient, by activation; in the recurrent mode, by
    the length of the memory asked for."""
    if config.recurrent:
        return _remembering(config)
    if get_activation(config.activation).can_die or config.activation in ("leaky_relu", "elu"):
        if config.init != "he":
            return ("He initialisation keeps χ = 1 for ReLU units.",
                    _restart({"init": "he"}, f"Initialisation {config.init} → he"))
        return ("Residual connections carry the error past the layers.",
                None if config.residual else _restart({"residual": True}, "Residual connections on"))
    if not config.batch_norm:
        return ("Batch normalisation keeps every layer's units in φ's steep middle.",
                _restart({"batch_norm": True}, "Batch normalisation on"))
    if not config.residual:
        return ("Residual connections carry the error past the layers.",
                _restart({"residual": True}, "Residual connections on"))
    return ("ReLU with He initialisation keeps every factor near 1.", None)


def _remembering(config):
    """(advice, None) for an error that vanishes back through time. No one control of a
    plain recurrent network keeps it over many steps (what LSTMs were made for), and none
    helps for sure: a shorter memory learns on some settings and seeds and not on others
    (tanh over T = 10, 1,000 sequences: 54 of 120 runs over optimisers, η, costs, ρ and two
    seeds reached 90 % test accuracy in 1,000 steps), and sigmoid → tanh at the defaults
    learned on 1 seed of 3."""
    small = ("σ' ≤ 1/4 makes every factor small (tanh' reaches 1). "
             if get_activation(config.activation).derivative_max < 1 else "")
    return (f"A plain recurrent network's error shrinks by about the same factor at every step "
            f"back, so the first inputs hardly move its weights: what LSTMs were made for "
            f"(Hochreiter & Schmidhuber 1997). {small}Over fewer time steps T it passes fewer "
            "factors.", None)


def _plateau(history, accuracy):
    """The plateau's sentence, if the training cost has stayed flat for long enough."""
    if history is None or accuracy >= PLATEAU_ACCURACY:
        return None
    steps, costs = (np.asarray(v, dtype=float) for v in history)
    keep = np.isfinite(costs)
    steps, costs = steps[keep], costs[keep]
    if len(steps) < 2 or steps[-1] - steps[0] < PLATEAU_STEPS:
        return None
    start = steps[steps <= steps[-1] - max(PLATEAU_STEPS, steps[-1] // 4)][-1]
    span = costs[steps >= start]
    half = (len(span) + 1) // 2
    before, after = span[:half].min(), span[half:].min() if len(span) > 1 else span[0]
    if before - after > PLATEAU_CHANGE * before:
        return None
    return f"the training cost has stayed near {after:.3g} for {int(steps[-1] - start):,} steps"
