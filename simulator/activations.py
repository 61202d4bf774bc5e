"""Activation functions φ, their exact derivatives φ', and the maximum of φ'.

The vanishing-gradient story starts here: backpropagation multiplies one φ'(z) per
layer, so the largest value φ' can take bounds how much a layer can pass back.
For the sigmoid that bound is 1/4, so every layer shrinks the gradient at least
fourfold unless its weights are large.

Every function is written in a form that is accurate in both tails, and gives a
finite φ' for any finite input without a RuntimeWarning. ``phi_and_dphi(z, out)`` may
write φ and φ' into two given arrays (the network's forward pass keeps them in place):

* σ(z) = 1/(1 + e^-z) and σ'(z) = e^-z·σ(z)·σ(z) = σ(z)σ(-z) keep full relative precision
  in both tails, even where σ(z) rounds to 1 (1 - σ would lose every digit there).
* tanh'(z) = sech²(z) = 4e / (1 + e)² with e = exp(-2|z|), not 1 - tanh², which
  loses every digit once tanh(z) rounds to ±1.
* GELU's cubic is evaluated on z clipped to ±10, where tanh has already reached ±1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01
_GELU_K = np.sqrt(2.0 / np.pi)
_GELU_C = 0.044715


def _sigmoid(z):
    # 1/(1 + e^-z) keeps full relative precision in both tails; where e^-z overflows
    # (z < -709.78, σ < 1e-308) the result is 0. Raw: call with overflow warnings off.
    # Computed in place in one buffer: on the cost surface's large arrays a fresh
    # allocation per operation costs more than the arithmetic.
    s = np.negative(z)
    np.exp(s, out=s)
    s += 1.0
    return np.divide(1.0, s, out=s)


def sigmoid(z):
    """σ(z) = 1 / (1 + e^-z), accurate in both tails, never warns."""
    with np.errstate(over="ignore"):
        return _sigmoid(z)


_ONE = np.array(1.0)     # 1 as an array: a Python float is converted anew at every call


def _outputs(z, out):
    """The arrays φ and φ' go into: ``out``, or two new ones shaped like z."""
    return (np.empty_like(z, dtype=np.float64), np.empty_like(z, dtype=np.float64)) \
        if out is None else out


def _sigmoid_with_derivative(z, out=None):
    s, d = _outputs(z, out)
    return _sigmoid_with_derivative_of_minus(np.negative(z, out=d), s)


def _sigmoid_with_derivative_of_minus(d, s):
    # σ(z) into s and σ'(z) into d, given d = -z (a forward pass makes -z = (-b) - a·W
    # in one pass: see Activation.phi_and_dphi_of_minus).
    # σ as _sigmoid (the same digits), then σ'(z) = e^-z·σ·σ = σ(z)σ(-z), full relative
    # precision in both tails too. Six operations and one exp: this is the innermost loop of
    # the lab. Where e^-z overflows σ is 0 and e^-z·σ is inf·0 = NaN: such σ' are 0
    # (found by one dot product, NaN only then, as σ' ≤ 1/4; a NaN z keeps its NaN).
    np.exp(d, out=d)
    np.add(d, _ONE, out=s)
    np.divide(_ONE, s, out=s)
    np.multiply(d, s, out=d)
    np.multiply(d, s, out=d)
    if math.isnan(np.vdot(d, d)):
        np.copyto(d, 0.0, where=np.isnan(d) & (s == 0.0))
    return s, d


def _tanh_with_derivative(z, out=None):
    h, d = _outputs(z, out)
    np.tanh(z, out=h)
    e = np.exp(-2.0 * np.abs(z))
    t = 1.0 + e
    np.divide(4.0 * e, np.multiply(t, t, out=t), out=d)
    return h, d


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_with_derivative(z, out=None):
    h, d = _outputs(z, out)
    np.maximum(z, 0.0, out=h)
    np.greater(z, 0.0, out=d)
    return h, d


def _leaky_relu(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_with_derivative(z, out=None):
    h, d = _outputs(z, out)
    positive = z > 0
    np.copyto(h, np.where(positive, z, LEAKY_SLOPE * z))
    np.copyto(d, np.where(positive, 1.0, LEAKY_SLOPE))
    return h, d


def _elu(z):
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _elu_with_derivative(z, out=None):
    h, d = _outputs(z, out)
    negative_part = np.minimum(z, 0.0)
    positive = z > 0
    np.copyto(h, np.where(positive, z, np.expm1(negative_part)))
    np.copyto(d, np.where(positive, 1.0, np.exp(negative_part)))
    return h, d


def softplus(z):
    """log(1 + e^z) = max(z, 0) + log(1 + e^-|z|), without overflow (in one buffer)."""
    t = np.abs(z)
    np.negative(t, out=t)
    np.exp(t, out=t)
    np.log1p(t, out=t)
    t += np.maximum(z, 0.0)
    return t


def _softplus_with_derivative(z, out=None):
    h, d = _outputs(z, out)
    np.copyto(h, softplus(z))
    np.copyto(d, _sigmoid(z))
    return h, d


def _swish(z):
    return z * _sigmoid(z)


def _swish_with_derivative(z, out=None):
    h, d = _sigmoid_with_derivative(z, out)      # σ in h, σ' in d
    np.multiply(z, d, out=d)
    np.add(d, h, out=d)                               # φ' = σ + z·σ'
    np.multiply(z, h, out=h)                          # φ = z·σ
    return h, d


def _gelu_parts(z):
    zc = np.minimum(np.maximum(z, -10.0), 10.0)     # tanh(u) is exactly ±1 beyond |z| = 10
    t = np.tanh(_GELU_K * (zc + _GELU_C * (zc * zc * zc)))
    return zc, t


def _gelu(z):
    _, t = _gelu_parts(z)
    return 0.5 * z * (1.0 + t)


def _gelu_with_derivative(z, out=None):
    h, d = _outputs(z, out)
    zc, t = _gelu_parts(z)
    du = _GELU_K * (1.0 + 3.0 * _GELU_C * zc * zc)
    np.copyto(h, 0.5 * z * (1.0 + t))
    np.copyto(d, 0.5 * (1.0 + t) + 0.5 * zc * (1.0 - t) * (1.0 + t) * du)
    return h, d


def _linear(z):
    return np.array(z, dtype=np.float64, copy=True)


def _linear_with_derivative(z, out=None):
    h, d = _outputs(z, out)
    np.copyto(h, z)
    d.fill(1.0)
    return h, d


@dataclass(frozen=True)
class Activation:
    """One activation: φ, φ and φ' together, and the bounds of φ'.

    ``phi`` and ``phi_and_dphi`` are the raw functions for hot loops that already run
    under ``np.errstate(over="ignore", invalid="ignore")`` (the Network's passes run with
    all warnings off); ``phi_and_dphi(z, out=None)`` writes φ and φ' into ``out`` = (φ's
    array, φ''s array) when given, else into new arrays, and returns the two. The methods
    ``value``, ``value_and_derivative`` and ``derivative`` are safe to call anywhere.

    ``derivative_max`` and ``derivative_min`` bound φ' over the real line (the
    supremum and infimum). ``argmax`` is where the maximum is reached (None when it is
    only approached, as for softplus as z → ∞, or reached on a half-line, as for ReLU).
    """

    name: str
    phi: Callable[[np.ndarray], np.ndarray]
    phi_and_dphi: Callable[..., tuple[np.ndarray, np.ndarray]]
    derivative_max: float
    derivative_min: float
    argmax: float | None
    description: str
    can_die: bool = False   # units whose φ' is 0 for every input in the batch stop learning
    # (φ, φ') from -z where φ is made from e^-z (the sigmoid): ``phi_and_dphi_of_minus(m, h)``
    # writes φ' over m = -z and φ into h. A forward pass makes -z = (-b) - a·W in one pass,
    # where z = a·W + b and then -z are two.
    phi_and_dphi_of_minus: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None

    def value(self, z):
        """φ(z)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.phi(z)

    def value_and_derivative(self, z):
        """(φ(z), φ'(z))."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.phi_and_dphi(z)

    def derivative(self, z):
        """φ'(z)."""
        return self.value_and_derivative(z)[1]


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    Activation("sigmoid", _sigmoid, _sigmoid_with_derivative, 0.25, 0.0, 0.0,
               "σ(z) = 1/(1+e^-z). σ' ≤ 1/4, so every layer shrinks the gradient.",
               phi_and_dphi_of_minus=_sigmoid_with_derivative_of_minus),
    Activation("tanh", np.tanh, _tanh_with_derivative, 1.0, 0.0, 0.0,
               "tanh(z). tanh' ≤ 1 and equals 1 only at z = 0."),
    Activation("relu", _relu, _relu_with_derivative, 1.0, 0.0, None,
               "max(0, z). φ' is 1 for active units: no shrinking, but units can die.",
               can_die=True),
    Activation("leaky_relu", _leaky_relu, _leaky_relu_with_derivative, 1.0, LEAKY_SLOPE, None,
               f"z for z > 0, {LEAKY_SLOPE}·z otherwise: a ReLU whose units cannot die."),
    Activation("elu", _elu, _elu_with_derivative, 1.0, 0.0, None,
               "z for z > 0, e^z - 1 otherwise: smooth for negative inputs."),
    Activation("softplus", softplus, _softplus_with_derivative, 1.0, 0.0, None,
               "log(1 + e^z), a smooth ReLU whose derivative is σ(z) < 1."),
    # Maxima of swish' and GELU' solve φ''(z) = 0; since φ'(z) + φ'(-z) = 1 for both,
    # their minima are 1 - max. Tests check all bounds on a dense grid.
    Activation("swish", _swish, _swish_with_derivative, 1.0998393201288668, -0.0998393201288668,
               2.3993573044824377,
               "z·σ(z) (SiLU). φ' peaks slightly above 1."),
    Activation("gelu", _gelu, _gelu_with_derivative, 1.1289930686587717, -0.1289930686587717,
               1.4185040010969656,
               "GELU, tanh form: ½z(1 + tanh(√(2/π)(z + 0.044715 z³)))."),
    Activation("linear", _linear, _linear_with_derivative, 1.0, 1.0, None,
               "φ(z) = z. No nonlinearity: depth adds nothing, gradients only see the weights."),
)}


def get_activation(name: str) -> Activation:
    """The activation called ``name``; a ValueError lists the allowed names otherwise."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"activation: unknown name {name!r}; allowed: {', '.join(ACTIVATIONS)}") from None
