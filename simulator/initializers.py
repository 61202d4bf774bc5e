"""Weight initialisers: how large the weights start decides whether the gradient
product shrinks, grows, or balances.

Each initialiser draws one layer's weights W (fan_in, fan_out) and biases b (fan_out,).
``weight_variance`` gives Var(W_ij) from the formula, so tests and the mean-field
theory use the same numbers without sampling. In the mean-field parametrisation
Var(W) = σw² / fan_in, so every initialiser has an effective σw² = fan_in · Var(W).

| name          | W                                   | b          | source                        |
|---------------|-------------------------------------|------------|-------------------------------|
| normal        | N(0, 1)                             | N(0, 1)    | the classic large init         |
| scaled_normal | N(0, σw²/fan_in)                    | N(0, σb²)  | Poole et al. 2016             |
| standard      | U(±gain/√fan_in)                    | 0          | Glorot & Bengio 2010, eq. 1   |
| xavier        | U(±gain·√(6/(fan_in+fan_out)))      | 0          | Glorot & Bengio 2010 (normalised) |
| he            | N(0, gain²·2/fan_in)                | 0          | He et al. 2015                |
| lecun         | N(0, gain²/fan_in)                  | 0          | LeCun et al. 1998             |
| orthogonal    | gain · (orthonormal rows or columns)| 0          | Saxe et al. 2014              |
"""
from __future__ import annotations

import numpy as np

INITIALIZERS = ("normal", "scaled_normal", "standard", "xavier", "he", "lecun", "orthogonal")


def check_initializer(name: str) -> str:
    if name not in INITIALIZERS:
        raise ValueError(f"init: unknown name {name!r}; allowed: {', '.join(INITIALIZERS)}")
    return name


def weight_variance(name, fan_in, fan_out, sigma_w=1.0, gain=1.0):
    """Var(W_ij) that initialiser ``name`` draws from (orthogonal: its mean square)."""
    check_initializer(name)
    if name == "normal":
        return 1.0
    if name == "scaled_normal":
        return sigma_w ** 2 / fan_in
    if name == "standard":
        return gain ** 2 / (3.0 * fan_in)            # U(±a) has variance a²/3
    if name == "xavier":
        return gain ** 2 * 2.0 / (fan_in + fan_out)
    if name == "he":
        return gain ** 2 * 2.0 / fan_in
    if name == "lecun":
        return gain ** 2 / fan_in
    return gain ** 2 / max(fan_in, fan_out)          # orthogonal: min(n,m) unit singular values


def bias_variance(name, sigma_b=0.0):
    """Var(b_i) that initialiser ``name`` draws from."""
    check_initializer(name)
    return {"normal": 1.0, "scaled_normal": sigma_b ** 2}.get(name, 0.0)


def initialize(name, fan_in, fan_out, rng, sigma_w=1.0, sigma_b=0.0, gain=1.0):
    """Draw (W, b) for one layer with the random generator ``rng``."""
    check_initializer(name)
    if name in ("standard", "xavier"):                 # uniform with the variance above
        limit = np.sqrt(3.0 * weight_variance(name, fan_in, fan_out, sigma_w, gain))
        W = rng.uniform(-limit, limit, size=(fan_in, fan_out))
    elif name == "orthogonal":
        W = gain * _orthogonal(fan_in, fan_out, rng)
    else:
        W = rng.normal(0.0, np.sqrt(weight_variance(name, fan_in, fan_out, sigma_w, gain)),
                       size=(fan_in, fan_out))
    sd_b = np.sqrt(bias_variance(name, sigma_b))
    b = rng.normal(0.0, sd_b, size=fan_out) if sd_b > 0 else np.zeros(fan_out)
    return W, b


def _orthogonal(rows, cols, rng):
    """A (rows, cols) matrix with orthonormal columns (or rows), uniformly distributed.

    QR of a Gaussian matrix, with the signs of R's diagonal folded into Q so that the
    result is Haar-distributed (Mezzadri 2007), as in Saxe et al. 2014.
    """
    A = rng.normal(size=(max(rows, cols), min(rows, cols)))
    Q, R = np.linalg.qr(A)
    Q = Q * np.sign(np.diag(R))
    return Q if rows >= cols else Q.T
