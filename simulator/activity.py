"""What the hidden layers' activations a^l = φ(z^l) look like on a fixed set of inputs:
per layer the mean, the 2nd and 98th percentiles, and the share of saturated units
(Glorot & Bengio 2010, Fig. 2-3), and a record of them over training. In the recurrent
mode the "layers" are the time steps: a^t = h_t, φ'(u_t).

A unit is saturated on an input where |φ'(z)| is below ``SATURATED`` (a tenth) of φ''s
largest value: there it passes back less than a tenth of what it could. For the sigmoid
that is a < 0.027 or a > 0.973, for tanh |a| > 0.95. (The φ' histogram's "saturated" is
stricter, 1 %: it counts units that pass back nothing at all.)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PERCENTILES = (2.0, 98.0)
SATURATED = 0.1
MONITORED = 300          # a run's activations are looked at on its first test inputs, at most
                         # this many (Glorot & Bengio looked at 300 test examples)


@dataclass(frozen=True)
class Activity:
    """Per hidden layer (arrays of length L-1): the mean activation, its 2nd and 98th
    percentiles over inputs and units, and the share of saturated (input, unit) pairs."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    saturated: np.ndarray


def activity(net, X, workspace=None):
    """The Activity of ``net``'s hidden layers (a recurrent network's time steps) on the
    inputs X (evaluation mode). ``workspace``: where the pass writes (``Network.workspace``
    of len(X), ``backward=False`` will do; a new one if not given); its contents are
    used up."""
    threshold = SATURATED * net.activation.derivative_max
    if net.recurrent:
        trace = net.forward(X)
        return _per_layer(trace.hidden[1:], trace.dphis, threshold)
    trace = net.forward(X, batch_statistics=False, workspace=workspace)
    ws = trace.workspace
    if ws.a_stack is None:
        return _per_layer(trace.activations[1:], trace.dphis, threshold)
    rows, slopes = (stack.reshape(len(stack), -1) for stack in (ws.a_stack, ws.dphi_stack))
    with np.errstate(all="ignore"):              # activations that overflowed: inf, NaN statistics
        mean = rows.mean(axis=1)                 # one call for every layer (a call per layer
        saturated = np.count_nonzero(np.abs(slopes, out=slopes) < threshold, axis=1)  # took 3×)
        low, high = np.percentile(rows, PERCENTILES, axis=1, overwrite_input=True)
    return Activity(mean, low, high, saturated / slopes.shape[1])


def _per_layer(hidden, dphis, threshold):
    """The Activity of layers of different widths, one at a time."""
    with np.errstate(all="ignore"):
        low, high = np.array([np.percentile(a, PERCENTILES) for a in hidden]).T
        return Activity(np.array([a.mean() for a in hidden]), low, high,
                        np.array([np.mean(np.abs(d) < threshold) for d in dphis]))


@dataclass(frozen=True)
class ActivityHistory:
    """Activity at recorded steps: each field is (steps, L-1)."""

    steps: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    saturated: np.ndarray


def history(steps, activities):
    """An ActivityHistory from the Activity of each step in ``steps``."""
    return ActivityHistory(np.asarray(steps, dtype=np.int64),
                           *(np.array([getattr(a, name) for a in activities])
                             for name in ("mean", "low", "high", "saturated")))
