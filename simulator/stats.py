"""Per-layer statistics: what the bars, curves and histograms show.

Arrays are indexed by layer, 0 = the first layer (W¹, b¹) … L-1 = the output layer.
Arrays about φ'(z) cover the hidden layers only (length L-1): the output layer's
nonlinearity belongs to the cost.

LayerStats (gradient norms, relative updates, chain-rule factors) cost about 20 µs
and are recorded every step: the learning-speed curves need every step. The
distribution of φ'(z) (DerivativeStats: means, saturation, dead units, histograms)
costs about 45 µs, a sixth of a whole training step at depth 10, and is only ever
looked at once per frame, so it is computed for the step a Snapshot shows.

The chain-rule factors generalise Nielsen's one-neuron-per-layer picture,
∂C/∂b¹ = σ'(z¹)·w²·σ'(z²)·w³ ⋯ ∂C/∂a^L, to layers of any width. The factor of
layer l is the root-mean-square gain of BP2 from layer l back to layer l-1,

    f^l = ‖δ^{l-1}‖ / ‖δ^l‖       (norms over all samples and units of the batch),

which is exactly |w^l·φ'(z^{l-1})| when every layer has one neuron. The running
product from the output back, P^l = f^{l+1}⋯f^L = ‖δ^l‖/‖δ^L‖, telescopes, so the
product of the bars is the line, and P¹ is how much smaller layer 1's error is than
the output's. Mean-field theory predicts f^l ≈ √χ (see theory.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HISTOGRAM_BINS = 20
SATURATION_LEVEL = 0.01      # a unit is saturated where |φ'(z)| < 1 % of max φ'


@dataclass(frozen=True)
class LayerStats:
    """What the gradient did in one step, per layer (fresh arrays, never mutated)."""

    grad_w_norm: np.ndarray       # ‖∂C/∂W^l‖                              (L,)
    grad_b_norm: np.ndarray       # ‖∂C/∂b^l‖, the speed of learning        (L,)
    relative_update: np.ndarray   # ‖ΔW^l‖ / ‖W^l‖, W after the step; NaN without a step (L,)
    delta_rms: np.ndarray         # ‖δ^l‖ over the batch, per sample       (L,)
    chain_factors: np.ndarray     # f^l = ‖δ^{l-1}‖/‖δ^l‖; f¹ is NaN (no layer before 1)  (L,)
    chain_product: np.ndarray     # P^l = ‖δ^l‖/‖δ^L‖; P^L = 1               (L,)
    # Recurrent mode (unrolled.py): the running product of the step Jacobians' RMS gains
    # from time step T back, anchored at the measured P^T; None for a feed-forward network.
    jacobian_product: np.ndarray | None = None                              # (L,)


@dataclass(frozen=True)
class DerivativeStats:
    """The values φ'(z) inside the hidden layers for one batch (fresh arrays)."""

    mean_dphi: np.ndarray         # mean φ'(z^l) over batch and units      (L-1,)
    saturated_fraction: np.ndarray  # share of (sample, unit) with |φ'| < 1 % of max  (L-1,)
    dead_fraction: np.ndarray     # share of units with φ' = 0 for the whole batch  (L-1,)
    saturated_units: np.ndarray   # share of units with |φ'| < 1 % of max for the whole batch  (L-1,)
    histogram: np.ndarray         # counts of φ'(z^l) in HISTOGRAM_BINS bins  (L-1, bins)
    bin_edges: np.ndarray         # the bins' edges, from min φ' to max φ'  (bins+1,)


class StatsRecorder:
    """Computes LayerStats (every step) and DerivativeStats (once per frame) for a network.

    The φ' values of all hidden layers are pooled into one vector, so each statistic
    is one or two NumPy calls for the whole network (``np.add.reduceat`` over layer
    segments, one ``np.bincount`` for every histogram), not one call per layer.
    """

    def __init__(self, net):
        self.net = net
        act = net.activation
        self.low = min(0.0, act.derivative_min)
        self.high = act.derivative_max if act.derivative_max > self.low else self.low + 1.0
        self.edges = np.linspace(self.low, self.high, HISTOGRAM_BINS + 1)
        self.threshold = SATURATION_LEVEL * act.derivative_max
        self.scale = HISTOGRAM_BINS / (self.high - self.low) * (1.0 - 1e-12)
        self._layouts = {}

    def _layout(self, n_samples):
        """(segment starts, segment sizes, bin offsets) of the pooled φ' for a batch size.

        A value v of hidden layer k goes to bin ⌊v·scale + offset⌋ with
        offset = k·BINS - low·scale: one multiply-add places every value of every layer.
        The scale is a hair below BINS/(high-low) so that v = max φ' stays in bin BINS-1.
        """
        if n_samples not in self._layouts:
            sizes = np.array([n_samples * w for w in self.net.layer_sizes[1:-1]])
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
            offsets = np.repeat(np.arange(len(sizes)) * HISTOGRAM_BINS - self.low * self.scale,
                                sizes)
            self._layouts[n_samples] = starts, sizes, offsets
        return self._layouts[n_samples]

    def record(self, grads, update=None, norms=None):
        """Gradient statistics of the step with gradients ``grads`` and update Δθ ``update``;
        ``norms``: ``net.gradient_norms(grads)`` where the caller has them already."""
        with np.errstate(all="ignore"):
            net = self.net
            L = net.n_layers
            if norms is None:
                norms = net.gradient_norms(grads)           # every W, then every b (network.py)
            if update is None:
                relative = np.full(L, np.nan)
            else:
                relative = net.weight_norms(update) / net.weight_norms(net.theta)
            delta_rms = grads.delta_norms()
            factors = np.empty(L)
            factors[0] = np.nan
            np.divide(delta_rms[:-1], delta_rms[1:], out=factors[1:])
            product = delta_rms / delta_rms[-1]
            return LayerStats(norms[:L], norms[L:2 * L], relative, delta_rms, factors, product,
                              net.jacobian_product(grads, product) if net.recurrent else None)

    def derivatives(self, dphis):
        """Statistics of φ'(z) of every hidden layer, from a forward pass's ``dphis``."""
        if not dphis:
            empty = np.zeros(0)
            return DerivativeStats(empty, empty, empty, empty, np.zeros((0, HISTOGRAM_BINS), np.intp),
                                   self.edges.copy())
        starts, sizes, offsets = self._layout(dphis[0].shape[0])
        pooled = np.concatenate([d.ravel() for d in dphis])
        mean_dphi = np.add.reduceat(pooled, starts) / sizes
        magnitude = pooled if self.low >= 0.0 else np.abs(pooled)
        below = magnitude < self.threshold
        saturated = np.add.reduceat(below, starts, dtype=np.intp) / sizes
        n = dphis[0].shape[0]
        saturated_units = np.array([np.mean(part.reshape(n, -1).all(axis=0))
                                    for part in np.split(below, starts[1:])])
        if self.net.activation.can_die:
            dead = np.array([np.mean(~d.any(axis=0)) for d in dphis])
        else:
            dead = np.zeros(len(dphis))
        bins = (pooled * self.scale + offsets).astype(np.intp)
        hist = np.bincount(bins, minlength=len(dphis) * HISTOGRAM_BINS).reshape(len(dphis), -1)
        return DerivativeStats(mean_dphi, saturated, dead, saturated_units, hist, self.edges.copy())
