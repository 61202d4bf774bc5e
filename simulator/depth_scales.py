"""How deep a signal travels through a random network: the depth scale of correlations
(Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017).

Two inputs with weighted inputs of second moment q* and correlation c go into the next
layer with correlation (the correlation map)

    c' = [σw² E[φ(u₁) φ(u₂)] + σb²] / q*,   u₁ = √q* z₁,  u₂ = √q* (c z₁ + √(1−c²) z₂)

whose fixed point c* is 1 in the ordered phase (χ₁ < 1) and below 1 in the chaotic one.
Near c* the distance to it shrinks by χ_c = σw² E[φ'(u₁) φ'(u₂)] per layer, so
correlations are forgotten over ξ_c = −1/ln χ_c layers, which diverges at the edge of
chaos χ₁ = 1. The paper's claim: networks can be trained when their depth is below
about 6 ξ_c.

Expectations over (z₁, z₂) are Gauss–Hermite sums, exact for polynomials of degree up
to 2·NODES − 1 and accurate for the smooth φ used here.
"""
from __future__ import annotations

import numpy as np

from .activations import get_activation
from .theory import fixed_point

NODES = 48
_x, _w = np.polynomial.hermite_e.hermegauss(NODES)       # weight e^{-x²/2}
_Z1, _Z2 = np.meshgrid(_x, _x, indexing="ij")
_W = np.outer(_w, _w) / (2.0 * np.pi)                       # Σ _W f(z₁, z₂) = E[f]


def _pair(q, c):
    u1 = np.sqrt(q) * _Z1
    return u1, np.sqrt(q) * (c * _Z1 + np.sqrt(max(0.0, 1.0 - c * c)) * _Z2)


def correlation_map(activation, c, q, sigma_w, sigma_b):
    """c' from c at second moment q."""
    phi = get_activation(activation).value
    u1, u2 = _pair(q, c)
    return float((sigma_w ** 2 * np.sum(_W * phi(u1) * phi(u2)) + sigma_b ** 2) / q)


def correlation_fixed_point(activation, sigma_w, sigma_b, q=None, steps=2000, tolerance=1e-12):
    """c*, reached from c = 0.5 by iterating the correlation map."""
    q = fixed_point(activation, sigma_w, sigma_b) if q is None else q
    c = 0.5
    for _ in range(steps):
        new = min(1.0, correlation_map(activation, c, q, sigma_w, sigma_b))
        if abs(new - c) < tolerance:
            return new
        c = new
    return c


def chi_c(activation, sigma_w, sigma_b):
    """χ_c = σw² E[φ'(u₁) φ'(u₂)] at (q*, c*): the slope of the correlation map at c*."""
    q = fixed_point(activation, sigma_w, sigma_b)
    if not 0.0 < q < np.inf:
        return float("nan")
    c = correlation_fixed_point(activation, sigma_w, sigma_b, q)
    dphi = get_activation(activation).derivative
    u1, u2 = _pair(q, c)
    return float(sigma_w ** 2 * np.sum(_W * dphi(u1) * dphi(u2)))


def depth_scale(activation, sigma_w, sigma_b):
    """ξ_c = −1/ln χ_c: over how many layers correlations between inputs are forgotten
    (inf at the edge of chaos)."""
    slope = chi_c(activation, sigma_w, sigma_b)
    with np.errstate(divide="ignore"):
        return float(-1.0 / np.log(slope)) if slope < 1.0 else float("inf")
