"""The input–output Jacobian of the hidden layers, J(x) = ∂a^k/∂a^0, per input x, and its
singular values (Pennington, Schoenholz & Ganguli 2017).

Layer by layer (rows are samples, as in network.py, so a^{l+1} = φ(a^l W^{l+1} + b)):

    ∂a^{l+1}/∂a^l = D^{l+1} W^{l+1}^T        D = diag(φ'(z^{l+1}))
    J = D^k W^kᵀ ⋯ D^1 W^1ᵀ                (an n_k × n_0 matrix per input)

With a residual connection the layer adds the identity, D W^ᵀ + I; with batch norm (taken
in evaluation mode, with its running averages, so that J belongs to one input) D also
holds γ/√(σ²+ε). Singular values all near 1 ("dynamical isometry") pass every direction
of the error back with its size; a wide spread means some directions vanish while
others explode, whatever the mean does.

A run's ``Spectrum`` is taken on a fixed set of its inputs, as many as a bounded cost
allows (``affordable_samples``), so that it can be shown live.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLES = 64               # the inputs a run's Spectrum is taken on, at most...
SPECTRUM_FLOPS = 1e8       # ...fewer where their Jacobians and SVDs would cost more than this
LEAST_SAMPLES = 4          # ...but never fewer than this
RECURRENT = ("The Jacobian's singular values are those of a stack of layers, each with weights "
             "of its own; a recurrent network multiplies by the same W at every time step: see "
             "the gradient bars over time and the chain-rule factors instead.")


@dataclass(frozen=True, eq=False)         # one Spectrum is equal only to itself
class Spectrum:
    """The singular values σ of J(x) = ∂a^{L-1}/∂a^0 (input to last hidden layer) of a run
    at training step ``step``, on its first ``len(values)`` monitored inputs, with their
    spread (std of log σ); ``note`` says why there are none, or which inputs were left out
    (a Jacobian that overflowed)."""

    step: int
    values: np.ndarray          # (inputs, min(n_{L-1}, n_0)), each row decreasing
    spread: float
    note: str = ""


def jacobians(net, X, stop=None):
    """J(x) = ∂a^stop/∂a^0 for every row x of X: an array (N, n_stop, n_0). ``stop`` is a
    hidden layer's number, 1 … L-1 (default: the last hidden layer, L-1)."""
    stop = net.n_layers - 1 if stop is None else stop
    return running_jacobians(net, X, [stop])[stop]


def running_jacobians(net, X, stops):
    """{k: ∂a^k/∂a^0 per row of X} for each hidden layer number k in ``stops``, in one pass."""
    hidden = net.n_layers - 1
    bad = [k for k in stops if not (isinstance(k, (int, np.integer)) and 1 <= k <= hidden)]
    if bad or not len(stops):
        raise ValueError(f"stop: hidden layer numbers in 1 … {hidden} are required, got {bad or stops!r}")
    trace = net.forward(X, batch_statistics=False)
    found, J, k = {}, None, 0
    with np.errstate(all="ignore"):
        for l in range(max(stops)):
            scale = trace.dphis[l]
            if net.batch_norm:                 # every hidden layer is normalised
                scale = scale * (net.gammas[l] * trace.inv_std[k]).reshape(1, -1)
                k += 1
            step = scale[:, :, None] * net.weights[l].T[None, :, :]
            if net.skip[l]:
                step = step + np.eye(step.shape[1])
            J = step if J is None else step @ J
            if l + 1 in stops:
                found[l + 1] = J
    return found


def singular_values(net, X, stop=None):
    """The singular values of J(x) for every row x of X: (N, min(n_stop, n_0)), each row
    in decreasing order."""
    return np.linalg.svd(jacobians(net, X, stop), compute_uv=False)


def log_spread(values):
    """The standard deviation of log σ over all the singular values given: 0 when they
    are all equal, whatever their size."""
    with np.errstate(divide="ignore"):
        logs = np.log(np.ravel(values))
    logs = logs[np.isfinite(logs)]
    return float(np.std(logs)) if logs.size else float("nan")


def within_two(values):
    """The share of singular values σ with 1/2 ≤ σ ≤ 2: directions that keep their size."""
    return float(np.mean((values >= 0.5) & (values <= 2.0)))


def affordable_samples(net, samples=SAMPLES, flops=SPECTRUM_FLOPS):
    """How many inputs a Spectrum of ``net`` takes: ``samples``, or as many as ``flops``
    carry (the running product J costs Σ_l n_l n_{l-1} n_0 multiply-adds per input, its
    SVD about 4 m² M for an m × M matrix), at least LEAST_SAMPLES."""
    sizes = net.layer_sizes[:-1]
    product = sum(a * b * sizes[0] for a, b in zip(sizes[1:], sizes[:-1]))
    m, big = sorted((sizes[0], sizes[-1]))
    per_input = 2 * product + 4 * m * m * big
    return int(min(samples, max(LEAST_SAMPLES, flops // per_input)))


def spectrum(net, X, step=0):
    """The Spectrum of ``net`` on the first ``affordable_samples(net)`` rows of X (a
    recurrent network's: none, and why)."""
    if net.recurrent:
        return Spectrum(step, np.zeros((0, 0)), float("nan"), RECURRENT)
    J = jacobians(net, X[:affordable_samples(net)])
    finite = np.isfinite(J).all(axis=(1, 2))
    try:
        values = np.linalg.svd(J[finite], compute_uv=False) if finite.any() else np.zeros((0, 0))
    except np.linalg.LinAlgError:              # entries so large that the SVD overflows
        values, finite = np.zeros((0, 0)), np.zeros(len(J), dtype=bool)
    lost = len(J) - int(finite.sum())
    note = f"{lost} of {len(J)} inputs' Jacobians overflowed: left out." if lost else ""
    return Spectrum(step, values, log_spread(values), note)
