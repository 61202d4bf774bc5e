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
"""
from __future__ import annotations

import numpy as np


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
