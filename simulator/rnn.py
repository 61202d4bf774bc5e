"""A tanh recurrent network unrolled over T time steps, with exact backpropagation through
time: the vanishing gradient over time instead of depth (Hochreiter 1991; Bengio, Simard &
Frasconi 1994).

Notation (rows are samples, as in network.py), t = 1 … T, h_0 = 0:

    u_t = h_{t-1} W + x_t U + b          h_t = tanh(u_t)
    z   = h_T V + c                      C = softmax cross-entropy of z (mean over samples)
    δ_T = ∂C/∂h_T = (softmax(z) − y) Vᵀ / N
    δ_{t-1} = (δ_t ⊙ tanh'(u_t)) Wᵀ                       (BP2 through time)

Each step back multiplies by the Jacobian ∂h_t/∂h_{t-1} = diag(tanh'(u_t)) Wᵀ, the same W
every time: with W's spectral radius below 1 (and tanh' ≤ 1) the product shrinks
exponentially, and the first input cannot be learned from the last output.

All parameters live in one flat vector ``theta`` (W, U, b, V, c), with views, so the
lab's Optimizer trains it as it trains a Network.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .losses import get_loss

TANH = get_activation("tanh")
SOFTMAX = get_loss("softmax_cross_entropy")


def spectral_radius(W):
    """The largest |eigenvalue| of the square matrix W."""
    return float(np.max(np.abs(np.linalg.eigvals(W))))


@dataclass(frozen=True)
class RecurrentTrace:
    """The forward pass: ``hidden[t]`` is h_t for t = 0 … T (h_0 = 0), ``dphis[t-1]`` is
    tanh'(u_t), ``z`` the output's weighted input. Arrays are (time, samples, units)."""

    hidden: np.ndarray
    dphis: np.ndarray
    z: np.ndarray


@dataclass(frozen=True)
class RecurrentGradients:
    """∂C/∂θ laid out like ``theta``, the cost, and ``deltas[t-1]`` = δ_t = ∂C/∂h_t per sample."""

    loss: float
    flat: np.ndarray
    deltas: np.ndarray
    trace: RecurrentTrace

    def norms(self):
        """‖∂C/∂h_t‖ over the batch for t = 1 … T: the bars over time."""
        return np.sqrt(np.einsum("tnk,tnk->t", self.deltas, self.deltas))


class RecurrentNetwork:
    """A tanh RNN whose output reads the last hidden state; see the module docstring.

    W is a Gaussian matrix rescaled to the given ``spectral_radius``; U, V are
    N(0, 1/fan_in); b, c are 0.
    """

    def __init__(self, inputs, hidden, outputs, spectral_radius_=0.9, seed=0):
        if not (inputs >= 1 and hidden >= 1 and outputs >= 2):
            raise ValueError(f"sizes: inputs ≥ 1, hidden ≥ 1 and outputs ≥ 2 are required, got "
                             f"{inputs}, {hidden}, {outputs}")
        if not 0.0 < spectral_radius_ <= 10.0:
            raise ValueError(f"spectral radius: must be in (0, 10], got {spectral_radius_!r}")
        self.sizes = (inputs, hidden, outputs)
        shapes = [(hidden, hidden), (inputs, hidden), (hidden,), (hidden, outputs), (outputs,)]
        sizes = [int(np.prod(s)) for s in shapes]
        self.theta = np.zeros(sum(sizes))
        starts = np.concatenate([[0], np.cumsum(sizes)])
        self.W, self.U, self.b, self.V, self.c = (self.theta[s:e].reshape(shape)
                                                  for s, e, shape in zip(starts, starts[1:], shapes))
        rng = np.random.default_rng(seed)
        W = rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, hidden))
        self.W[...] = W * (spectral_radius_ / spectral_radius(W))
        self.U[...] = rng.normal(0.0, 1.0 / np.sqrt(inputs), (inputs, hidden))
        self.V[...] = rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, outputs))

    def forward(self, X):
        """X (samples, T, inputs) → RecurrentTrace."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 3 or X.shape[2] != self.sizes[0]:
            raise ValueError(f"X: shape (samples, T, {self.sizes[0]}) required, got {X.shape}")
        n, T = X.shape[0], X.shape[1]
        hidden = np.zeros((T + 1, n, self.sizes[1]))
        dphis = np.empty((T, n, self.sizes[1]))
        drive = np.einsum("ntk,kh->tnh", X, self.U) + self.b         # x_t U + b for every t
        for t in range(1, T + 1):
            hidden[t], dphis[t - 1] = TANH.value_and_derivative(hidden[t - 1] @ self.W + drive[t - 1])
        return RecurrentTrace(hidden, dphis, hidden[T] @ self.V + self.c)

    def gradients(self, X, Y):
        """∂C/∂θ by backpropagation through time, with δ_t for every t."""
        X = np.asarray(X, dtype=np.float64)
        trace = self.forward(X)
        Y = np.asarray(Y, dtype=np.float64)
        if Y.shape != trace.z.shape:
            raise ValueError(f"Y: shape {trace.z.shape} required, got {Y.shape}")
        dz = SOFTMAX.delta(trace.z, Y)                                   # ∂C/∂z, 1/N included
        T = X.shape[1]
        deltas = np.empty_like(trace.dphis)
        deltas[T - 1] = dz @ self.V.T
        for t in range(T - 1, 0, -1):
            deltas[t - 1] = (deltas[t] * trace.dphis[t]) @ self.W.T
        du = deltas * trace.dphis                                          # ∂C/∂u_t
        gW = np.einsum("tnh,tnk->hk", trace.hidden[:-1], du)
        gU = np.einsum("ntk,tnh->kh", X, du)
        flat = np.concatenate([gW.ravel(), gU.ravel(), du.sum(axis=(0, 1)),
                               (trace.hidden[T].T @ dz).ravel(), dz.sum(axis=0)])
        return RecurrentGradients(SOFTMAX.cost(trace.z, Y), flat, deltas, trace)

    def step_jacobians(self, trace):
        """∂h_{t+1}/∂h_t = diag(tanh'(u_{t+1})) Wᵀ per sample, for t = 1 … T-1:
        an array (T-1, samples, hidden, hidden)."""
        return trace.dphis[1:, :, :, None] * self.W.T[None, None, :, :]

    def predict(self, X):
        return self.forward(X).z.argmax(axis=1)


def first_symbol_task(samples, steps, symbols=4, seed=0):
    """Sequences of ``steps`` one-hot symbols drawn uniformly; the class is the first
    symbol, so the answer depends only on the input T-1 steps before the output.
    Returns (X (samples, steps, symbols), labels (samples,))."""
    if not (samples >= 1 and steps >= 1 and symbols >= 2):
        raise ValueError(f"task: samples ≥ 1, steps ≥ 1 and symbols ≥ 2 are required, got "
                         f"{samples}, {steps}, {symbols}")
    codes = np.random.default_rng(seed).integers(0, symbols, (samples, steps))
    return np.eye(symbols)[codes], codes[:, 0]
