"""Mean-field theory of signal and gradient propagation at initialisation.

Sources: Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli, "Exponential expressivity in
deep neural networks through transient chaos" (NeurIPS 2016); Schoenholz, Gilmer,
Ganguli & Sohl-Dickstein, "Deep information propagation" (ICLR 2017).

Take weights W^l_ij ~ (0, σw²/N_{l-1}) and biases b^l_i ~ (0, σb²). For wide layers
each weighted input z^l_i is Gaussian with second moment q^l, and

    q^1     = σw² ‖x‖²/N_0 + σb²                                  (from the input)
    q^{l+1} = σw² E[φ(√q^l ξ)²] + σb²,     ξ ~ N(0, 1)             (the length map)

which settles at a fixed point q*. Backwards, BP2 gives for the summed squares of the
errors of consecutive layers (the widths cancel):

    ‖δ^l‖² = χ^l ‖δ^{l+1}‖²,     χ^l = σw² E[φ'(√q^l ξ)²]

so each layer multiplies the gradient's size by √χ, and layer 1's error is
√(χ¹⋯χ^{L-1}) times the output's. At the fixed point χ = σw² E[φ'(√q* ξ)²]:
χ < 1 vanishing, χ > 1 exploding, χ = 1 the edge of chaos, where gradients neither
vanish nor explode. The product rarely balances: only on the critical line.

Hand-derived cases the tests check (α = leaky slope):
* ReLU: E[φ(√q ξ)²] = q/2 and E[φ'²] = 1/2, so χ = σw²/2 (critical at σw² = 2,
  He initialisation) and q* = σb²/(1 - σw²/2) for σw² < 2.
* Leaky ReLU: the same with the factor (1 + α²)/2.
* Linear: χ = σw², q* = σb²/(1 - σw²).
* tanh with σb = 0 and σw < 1: q* = 0 and χ = σw² (tanh'(0) = 1).

Expectations are integrals against the Gaussian density, computed by composite
Gauss-Legendre quadrature on intervals split at 0 (where ReLU, leaky ReLU and ELU
have their kinks) and at points spaced geometrically in both directions, so that
φ's own scale (about 1) and the Gaussian's scale (√q) are both resolved.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .activations import get_activation
from .initializers import bias_variance, weight_variance

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(24)
_TAIL = 12.0        # standard deviations: the Gaussian mass beyond is below 1e-32
GAUSSIAN_INITS = ("normal", "scaled_normal", "standard", "xavier", "he", "lecun")
_SMALLEST_Q = 1e-200
_LARGEST_Q = 1e12        # beyond this the signal "grows without bound"


def _quadrature(q):
    """Nodes x and weights w with Σ w f(x) ≈ E[f(x)] for x ~ N(0, q)."""
    s = np.sqrt(q)
    reach = _TAIL * s
    scales = 2.0 ** np.arange(-8, 12)
    inner = np.concatenate([-scales[::-1], [0.0], scales])
    breaks = np.concatenate([[-reach], inner[np.abs(inner) < reach], [reach]])
    lo, hi = breaks[:-1], breaks[1:]
    half = 0.5 * (hi - lo)
    x = (0.5 * (hi + lo))[:, None] + half[:, None] * _NODES[None, :]
    w = half[:, None] * _WEIGHTS[None, :] * np.exp(-0.5 * x * x / q) / np.sqrt(2 * np.pi * q)
    return x.ravel(), w.ravel()


def gaussian_expectation(f, q):
    """E[f(x)] for x ~ N(0, q), for f smooth away from 0; f takes an array.

    q = 0 means the limit q → 0⁺, so that a kink at 0 counts from both sides (ReLU's
    E[φ'²] is 1/2 however small the signal, not φ'(0)² = 0).
    """
    q = max(float(q), _SMALLEST_Q)
    x, w = _quadrature(q)
    with np.errstate(all="ignore"):
        return float(np.dot(w, f(x)))


def length_map(activation, q, sigma_w, sigma_b):
    """q^{l+1} = σw² E[φ(√q ξ)²] + σb²."""
    phi = get_activation(activation).value
    return sigma_w ** 2 * gaussian_expectation(lambda x: phi(x) ** 2, q) + sigma_b ** 2


def chi(activation, q, sigma_w):
    """χ = σw² E[φ'(√q ξ)²]: the factor by which one layer scales ‖δ‖²."""
    dphi = get_activation(activation).derivative
    return sigma_w ** 2 * gaussian_expectation(lambda x: dphi(x) ** 2, q)


def fixed_point(activation, sigma_w, sigma_b, q0=1.0, tolerance=1e-13):
    """q*, the fixed point of the length map reached from q0: 0 if the signal dies out,
    inf if it grows without bound.

    The length map is increasing in q, so iterating it moves monotonically towards q*.
    Near the critical line that walk is slow (each step shrinks the distance by a factor
    close to 1), so after a few steps the fixed point is bracketed and found by bisection
    in log q instead.
    """
    g = lambda q: length_map(activation, q, sigma_w, sigma_b) - q     # noqa: E731
    q = float(q0)
    for _ in range(50):
        q_next = length_map(activation, q, sigma_w, sigma_b)
        if not np.isfinite(q_next) or q_next > _LARGEST_Q:
            return float("inf")
        if q_next < 1e-100:
            return 0.0
        if abs(q_next - q) <= tolerance * q:
            return q_next
        q = q_next
    growing = g(q) > 0
    low = high = q
    while (g(high) > 0) if growing else (g(low) < 0):   # walk out until q* is bracketed
        if growing:
            high *= 4.0
            if high > _LARGEST_Q:
                return float("inf")
        else:
            low /= 4.0
            if low < 1e-100:
                return 0.0
    for _ in range(200):
        mid = np.sqrt(low * high)
        if g(mid) > 0:
            low = mid
        else:
            high = mid
        if high - low <= tolerance * high:
            break
    return 0.5 * (low + high)


@lru_cache(maxsize=4096)
def chi_at_fixed_point(activation, sigma_w, sigma_b):
    """χ at q*, the number the lab names: < 1 vanishing, > 1 exploding, ≈ 1 edge of chaos.

    Where q grows without bound (ReLU-like units with large σw), χ is its limit for
    large q, which is finite: for ReLU, σw²/2 at every q.
    """
    q_star = fixed_point(activation, sigma_w, sigma_b)
    return chi(activation, min(q_star, _LARGEST_Q), sigma_w)


def regime(chi_value, tolerance=0.05):
    """The name of the regime: 'vanishing', 'exploding' or 'edge of chaos'."""
    if abs(chi_value - 1.0) <= tolerance:
        return "edge of chaos"
    return "vanishing" if chi_value < 1.0 else "exploding"


def effective_sigmas(init, fan_in, fan_out, sigma_w=1.0, sigma_b=0.0, gain=1.0):
    """(σw, σb) of one layer's initialiser in the mean-field parametrisation."""
    return (np.sqrt(fan_in * weight_variance(init, fan_in, fan_out, sigma_w, gain)),
            np.sqrt(bias_variance(init, sigma_b)))


@dataclass(frozen=True)
class Prediction:
    """Mean-field predictions for every layer of one network at initialisation.

    ``q[l]`` is q of hidden layer l+1, ``chi[l]`` the χ through which the error passes
    from layer l+2 back to layer l+1, ``chain_factors`` and ``chain_product`` are
    indexed like stats.LayerStats (f¹ = NaN, P^L = 1).
    """

    q: np.ndarray
    chi: np.ndarray
    chain_factors: np.ndarray
    chain_product: np.ndarray


def predict(activation, layer_sizes, init, input_second_moment, sigma_w=1.0, sigma_b=0.0,
            gain=1.0):
    """Predict q, χ and the chain-rule factors of a network with these sizes.

    ``input_second_moment`` is the mean over the data of ‖x‖²/N_0.
    """
    sizes = list(layer_sizes)
    sigmas = [effective_sigmas(init, n_in, n_out, sigma_w, sigma_b, gain)
              for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    q, chis = [], []
    second_moment = input_second_moment
    for l in range(len(sizes) - 2):              # hidden layers
        sw, sb = sigmas[l]
        q_l = sw ** 2 * second_moment + sb ** 2
        q.append(q_l)
        chis.append(chi(activation, q_l, sigmas[l + 1][0]))
        phi = get_activation(activation).value
        second_moment = gaussian_expectation(lambda x: phi(x) ** 2, q_l)
    n = len(sizes) - 1
    factors = np.full(n, np.nan)
    factors[1:] = np.sqrt(chis)
    product = np.ones(n)
    for l in range(n - 2, -1, -1):
        product[l] = product[l + 1] * factors[l + 1]
    return Prediction(np.array(q), np.array(chis), factors, product)


@dataclass(frozen=True)
class TheoryView:
    """What the lab shows of the theory for one network: the per-layer prediction, χ at
    the fixed point and its regime, or, where the theory does not apply, why not."""

    applies: bool
    note: str
    prediction: Prediction | None = None
    chi_star: float = float("nan")
    regime_name: str = ""


def for_network(activation, layer_sizes, init, input_second_moment, sigma_w=1.0, sigma_b=0.0,
                gain=1.0, batch_norm=False, residual=False):
    """The TheoryView of a network, or a note saying why mean-field theory is silent."""
    if batch_norm or residual:
        which = "batch normalisation" if batch_norm else "residual connections"
        return TheoryView(False, f"Mean-field theory here assumes plain layers: not with {which}.")
    if init not in GAUSSIAN_INITS:
        return TheoryView(False, f"Mean-field theory here assumes i.i.d. weights: not '{init}'.")
    width = layer_sizes[1]
    sw, sb = effective_sigmas(init, width, width, sigma_w, sigma_b, gain)
    chi_star = chi_at_fixed_point(activation, float(sw), float(sb))
    prediction = predict(activation, layer_sizes, init, input_second_moment, sigma_w, sigma_b, gain)
    name = regime(chi_star)
    return TheoryView(True, f"χ = {chi_star:.3g} per layer: {name}", prediction, chi_star, name)
