"""A recurrent network unrolled over T time steps, with exact backpropagation through time:
the vanishing gradient over time instead of depth (Hochreiter 1991; Bengio, Simard &
Frasconi 1994).

Notation (rows are samples, as in network.py), t = 1 … T, h_0 = 0, φ = tanh by default:

    u_t = h_{t-1} W + x_t U + b          h_t = φ(u_t)
    z   = h_T V + c                      C = the cost of z (softmax cross-entropy by default)
    δ_T = ∂C/∂h_T = (∂C/∂z) Vᵀ
    δ_{t-1} = (δ_t ⊙ φ'(u_t)) Wᵀ                          (BP2 through time)

Each step back multiplies by the Jacobian ∂h_t/∂h_{t-1} = diag(φ'(u_t)) Wᵀ, the same W
every time: with W's spectral radius below 1 (and tanh' ≤ 1) the product shrinks
exponentially, and the first input cannot be learned from the last output.

All parameters live in one flat vector ``theta`` (W, U, b, V, c), with views, so the
lab's Optimizer trains it as it trains a Network. The passes run with floating-point
warnings off: weights that explode overflow to inf silently, and callers check finiteness.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .losses import get_loss
from .network import FlatParameters, targets
from .pace import checkpoint

PARTS = ("W", "U", "b", "V", "c")


def spectral_radius(W):
    """The largest |eigenvalue| of the square matrix W."""
    return float(np.max(np.abs(np.linalg.eigvals(W))))


@dataclass(frozen=True)
class RecurrentTrace:
    """The forward pass: ``hidden[t]`` is h_t for t = 0 … T (h_0 = 0), ``dphis[t-1]`` is
    φ'(u_t), ``z`` the output's weighted input. Arrays are (time, samples, units)."""

    hidden: np.ndarray
    dphis: np.ndarray
    z: np.ndarray


@dataclass(frozen=True)
class RecurrentGradients:
    """∂C/∂θ laid out like ``theta``, the cost, and per sample: ``deltas[t-1]`` = δ_t =
    ∂C/∂h_t, ``du[t-1]`` = ∂C/∂u_t, ``dz`` = ∂C/∂z; ``inputs`` are the sequences
    (samples, T, inputs)."""

    loss: float
    flat: np.ndarray
    deltas: np.ndarray
    du: np.ndarray
    dz: np.ndarray
    inputs: np.ndarray
    trace: RecurrentTrace

    def step_shares(self):
        """What each time step t adds to ∂C/∂W and to ∂C/∂U: (h_{t-1}ᵀ ∂C/∂u_t for every t,
        x_tᵀ ∂C/∂u_t for every t), arrays (T, hidden, hidden) and (T, inputs, hidden) whose
        sums over t are ∂C/∂W and ∂C/∂U."""
        with np.errstate(all="ignore"):
            return (np.matmul(self.trace.hidden[:-1].transpose(0, 2, 1), self.du),
                    np.matmul(self.inputs.transpose(1, 2, 0), self.du))

    def norms(self):
        """‖∂C/∂h_t‖ over the batch for t = 1 … T: the bars over time."""
        return np.sqrt(np.einsum("tnk,tnk->t", self.deltas, self.deltas))

    def delta_norms(self):
        """‖δ‖ over the batch of every layer of the unrolled network: ‖∂C/∂h_t‖ for t = 1 …
        T, then the output's ‖∂C/∂z‖."""
        return np.append(self.norms(), np.sqrt(np.vdot(self.dz, self.dz)))


class RecurrentNetwork(FlatParameters):
    """A recurrent network whose output reads the last hidden state; see the module docstring.

    W is a Gaussian matrix rescaled to the given ``spectral_radius_``; U, V are
    N(0, 1/fan_in); b, c are 0. ``activation`` and ``loss`` are names (activations.py,
    losses.py).
    """

    VIEWS = PARTS

    def __init__(self, inputs, hidden, outputs, spectral_radius_=0.9, seed=0, activation="tanh",
                 loss="softmax_cross_entropy"):
        if not (inputs >= 1 and hidden >= 1 and outputs >= 2):
            raise ValueError(f"sizes: inputs ≥ 1, hidden ≥ 1 and outputs ≥ 2 are required, got "
                             f"{inputs}, {hidden}, {outputs}")
        if not 0.0 < spectral_radius_ <= 10.0:
            raise ValueError(f"spectral radius: must be in (0, 10], got {spectral_radius_!r}")
        self.sizes = (inputs, hidden, outputs)
        self.activation = get_activation(activation)
        self.loss_function = get_loss(loss)
        shapes = [(hidden, hidden), (inputs, hidden), (hidden,), (hidden, outputs), (outputs,)]
        starts = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
        self.parts = {name: (slice(s, e), shape)
                      for name, s, e, shape in zip(PARTS, starts, starts[1:], shapes)}
        self._theta = np.zeros(starts[-1])
        self._view()
        rng = np.random.default_rng(seed)
        W = rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, hidden))
        self.W[...] = W * (spectral_radius_ / spectral_radius(W))
        self.U[...] = rng.normal(0.0, 1.0 / np.sqrt(inputs), (inputs, hidden))
        self.V[...] = rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, outputs))

    # ----------------------------------------------------------------- parameters
    def _view(self):
        """W, U, b, V, c as views into ``theta``."""
        for name, (part, shape) in self.parts.items():
            setattr(self, name, self._theta[part].reshape(shape))

    def copy(self):
        """An independent network with the same parameters."""
        clone = object.__new__(type(self))
        clone.__setstate__({**self.__getstate__(), "_theta": self._theta.copy()})
        return clone

    # ----------------------------------------------------------------- passes
    def sequences(self, X):
        """X as an array (samples, T, inputs), checked."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 3 or X.shape[2] != self.sizes[0]:
            raise ValueError(f"X: shape (samples, T, {self.sizes[0]}) required, got {X.shape}")
        return X

    def _drive(self, X):
        """x_t U + b for every t: (T, samples, hidden)."""
        drive = np.matmul(self.sequences(X).transpose(1, 0, 2), self.U)
        drive += self.b
        return drive

    def forward(self, X):
        """X (samples, T, inputs) → RecurrentTrace."""
        with np.errstate(all="ignore"):
            drive = self._drive(X)
            T, n = drive.shape[0], drive.shape[1]
            hidden = np.zeros((T + 1, n, self.sizes[1]))
            dphis = np.empty((T, n, self.sizes[1]))
            for t in range(1, T + 1):
                checkpoint()                                 # the newest change wins (pace.py)
                self.activation.phi_and_dphi(hidden[t - 1] @ self.W + drive[t - 1],
                                             (hidden[t], dphis[t - 1]))
            return RecurrentTrace(hidden, dphis, hidden[T] @ self.V + self.c)

    def last_hidden(self, X, W=None):
        """h_T for X (samples, T, inputs), with the recurrent weights ``W``: the network's, or
        an array (..., hidden, hidden) of them, one network per leading index (the rows of
        the cost surface). No trace is kept."""
        W = self.W if W is None else W
        with np.errstate(all="ignore"):
            drive = self._drive(X)
            h = np.zeros(W.shape[:-2] + drive.shape[1:])
            for x_t in drive:
                checkpoint()
                h = self.activation.phi(h @ W + x_t)
            return h

    def logits(self, X):
        """z for X (samples, T, inputs)."""
        with np.errstate(all="ignore"):
            return self.last_hidden(X) @ self.V + self.c

    def loss(self, X, Y):
        """The cost C on (X, Y)."""
        return self.loss_function.cost(self.logits(X), targets(Y, (len(X), self.sizes[2])))

    def predict(self, X):
        return self.logits(X).argmax(axis=1)

    def gradients(self, X, Y):
        """∂C/∂θ by backpropagation through time, with δ_t for every t."""
        X = self.sequences(X)
        trace = self.forward(X)
        Y = targets(Y, trace.z.shape)
        with np.errstate(all="ignore"):
            dz = self.loss_function.delta(trace.z, Y)                    # ∂C/∂z, 1/N included
            T = X.shape[1]
            deltas = np.empty_like(trace.dphis)
            deltas[T - 1] = dz @ self.V.T
            for t in range(T - 1, 0, -1):
                checkpoint()
                deltas[t - 1] = (deltas[t] * trace.dphis[t]) @ self.W.T
            du = deltas * trace.dphis                                      # ∂C/∂u_t
            gW = np.einsum("tnh,tnk->hk", trace.hidden[:-1], du)
            gU = np.einsum("ntk,tnh->kh", X, du)
            flat = np.concatenate([gW.ravel(), gU.ravel(),
                                   du.sum(axis=(0, 1)), (trace.hidden[T].T @ dz).ravel(), dz.sum(axis=0)])
            cost = self.loss_function.cost(trace.z, Y)
        return RecurrentGradients(cost, flat, deltas, du, dz, X, trace)

    # ----------------------------------------------------------------- the step Jacobians
    def step_jacobians(self, trace):
        """∂h_{t+1}/∂h_t = diag(φ'(u_{t+1})) Wᵀ per sample, for t = 1 … T-1:
        an array (T-1, samples, hidden, hidden)."""
        return trace.dphis[1:, :, :, None] * self.W.T[None, None, :, :]

    def step_gains(self, trace):
        """The RMS gain ‖J_t‖_F/√n of each step Jacobian J_t = ∂h_{t+1}/∂h_t over the samples,
        for t = 1 … T-1: the factor a random direction of the error gets from one step back
        (root mean square over the samples). ‖J_t‖_F² = Σ_k φ'(u_{t+1})_k² ‖W_{·k}‖², so
        the Jacobians are never formed."""
        with np.errstate(all="ignore"):
            columns = np.einsum("jk,jk->k", self.W, self.W)
            squares = np.square(trace.dphis[1:]) @ columns                  # (T-1, samples)
            return np.sqrt(squares.mean(axis=1) / self.sizes[1])
