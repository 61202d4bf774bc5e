"""The phase diagram: how the gradient ratio between the first and the last layer
depends on depth and σw, measured on real networks at initialisation.

For one activation and σb, each cell (depth d, σw) holds log₁₀(‖δ¹‖/‖δ^L‖): the size of
layer 1's backpropagated error relative to the output's, per sample, averaged (in log)
over a few seeds, for a network of d hidden layers of ``width`` units with weights
N(0, σw²/fan_in) and biases N(0, σb²) (the mean-field parametrisation). Negative:
vanishing; positive: exploding. The theory's critical line χ(σw, σb) = 1 separates them.
The networks of one σw and seed are the first layers of one deep network, each with an
output layer of its own (``log_error_ratios``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import SimConfig
from .initializers import initialize
from .network import Network
from .theory import chi_at_fixed_point


def even_depths(low, high, most):
    """At most ``most`` (two or more) whole depths evenly spaced from ``low`` to ``high``,
    both included: as many as a whole step allows."""
    span = high - low
    count = next(n for n in range(min(most, span + 1), 1, -1) if span % (n - 1) == 0)
    return np.linspace(low, high, count).astype(int)


# Every depth the config allows, so that the current network is always on the map:
# 1, 10, …, 100 (12 depths)
DEPTHS = even_depths(SimConfig.bounds("depth").low, SimConfig.bounds("depth").high, 17)
SIGMA_WS = np.round(np.linspace(0.1, 4.0, 20), 3)
SEEDS = 3
WIDTH = 32
N_SAMPLES = 16


@dataclass(frozen=True)
class PhaseDiagram:
    activation: str
    sigma_b: float
    depths: np.ndarray           # (D,)
    sigma_ws: np.ndarray         # (S,)
    log_ratio: np.ndarray        # (D, S): log₁₀ ‖δ¹‖/‖δ^L‖; -inf where δ¹ fell below the
                                 # smallest float, NaN where the pass overflowed
    critical_sigma_w: float      # σw where χ = 1 (NaN if not in the range)


def log_error_ratios(activation, depths, sigma_w, sigma_b, seed, X, Y, width=WIDTH):
    """log₁₀ ‖δ¹‖/‖δ^L‖ at initialisation of a network of each depth d in ``depths`` (-inf
    where δ¹ fell below the smallest float, NaN where the pass overflowed): the first d
    hidden layers of one network as deep as the deepest, drawn with ``seed``, read out by an
    output layer drawn for d alone (with the seed and d). Every network is a network of its
    depth drawn from the same distribution (the layers are independent); one forward pass
    serves them all, and each is backpropagated (BP1, BP2) from its own output down to
    layer 1."""
    deepest = Network([X.shape[1]] + [width] * int(max(depths)) + [1], activation=activation,
                      init="scaled_normal", sigma_w=sigma_w, sigma_b=sigma_b, seed=seed)
    loss = deepest.loss_function
    ratios = []
    with np.errstate(all="ignore"):
        trace = deepest.forward(X)
        for d in depths:
            d = int(d)
            W, b = initialize("scaled_normal", width, 1, np.random.default_rng([seed, d]),
                              sigma_w, sigma_b)
            delta = loss.delta(trace.activations[d] @ W + b, Y)              # BP1
            top = _log10_norm(delta)
            for l in range(d, 0, -1):                                        # BP2
                delta = (delta @ W.T) * trace.dphis[l - 1]
                W = deepest.weights[l - 1]
            ratios.append(float(_log10_norm(delta) - top))
    return [r if np.isfinite(r) or r == -np.inf else np.nan for r in ratios]


def _log10_norm(x):
    """log₁₀ ‖x‖ with x scaled so that its squares neither underflow nor overflow (at depth
    100 a vanished δ¹ of 1e-162 has squares of 0): -inf where x is 0, NaN where it is not
    finite."""
    scale = float(np.max(np.abs(x)))
    if scale == 0.0:
        return -np.inf
    if not np.isfinite(scale):
        return np.nan
    x = x / scale
    return np.log10(scale) + 0.5 * np.log10(np.vdot(x, x))


def critical_sigma_w(activation, sigma_b, low=SIGMA_WS[0], high=SIGMA_WS[-1]):
    """σw in [low, high] where χ at the fixed point crosses 1 (bisection), or NaN."""
    f = lambda s: chi_at_fixed_point(activation, float(s), float(sigma_b)) - 1.0  # noqa: E731
    if np.sign(f(low)) == np.sign(f(high)):
        return float("nan")
    for _ in range(24):                       # to 4/2²⁴ ≈ 2e-7 in σw
        mid = 0.5 * (low + high)
        if np.sign(f(mid)) == np.sign(f(low)):
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def phase_diagram(activation, sigma_b, depths=DEPTHS, sigma_ws=SIGMA_WS, seeds=SEEDS):
    """Measure the map: one deep network per σw and seed for every depth (half a second or
    so: run it away from the UI)."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, (N_SAMPLES, 2))
    Y = (X[:, :1] * X[:, 1:] > 0) * 1.0
    per_seed = np.array([[log_error_ratios(activation, depths, float(s), sigma_b, k, X, Y)
                          for k in range(seeds)] for s in sigma_ws])          # (S, seeds, D)
    ratios = np.array([[_mean_of_measured(per_seed[j, :, i]) for j in range(len(sigma_ws))]
                       for i in range(len(depths))])
    return PhaseDiagram(activation, float(sigma_b), np.asarray(depths), np.asarray(sigma_ws),
                        ratios, critical_sigma_w(activation, sigma_b))


def _mean_of_measured(values):
    """The mean of the values that are not NaN (-inf, a δ¹ that vanished, included), or NaN."""
    measured = [v for v in values if not np.isnan(v)]
    return float(np.mean(measured)) if measured else float("nan")
