"""A fully connected network with exact backpropagation and per-layer records.

Notation (Nielsen, "Neural Networks and Deep Learning", ch. 2), layers l = 1 … L:

    z^l = a^{l-1} W^l + b^l          weighted input (rows are samples)
    a^l = φ(z^l)                     hidden activation      (+ a^{l-1} with residuals)
    a^L = output(z^L)                sigmoid or softmax, chosen by the cost
    δ^l = ∂C/∂z^l                    the error of layer l, per sample
    δ^l = (δ^{l+1} W^{l+1}ᵀ) ⊙ φ'(z^l)                      (BP2)
    ∂C/∂b^l = Σ_x δ^l,   ∂C/∂W^l = a^{l-1}ᵀ δ^l             (BP3, BP4)

BP2 is the vanishing-gradient mechanism: each step back multiplies by Wᵀ and by φ'.

Remedies, both with exact gradients:

* Batch normalisation (Ioffe & Szegedy 2015) on hidden layers: the product
  u = a^{l-1} W^l is normalised over the batch, û = (u - μ)/√(σ² + ε), and then
  z^l = γ^l ⊙ û + b^l. The bias b^l plays the role of BN's shift β, so ∂C/∂b^l = Σ δ^l
  stays Nielsen's "speed of learning" of the layer. Training uses the batch's μ, σ²;
  evaluation with ``batch_statistics=False`` uses running averages.
* Residual connections (He et al. 2016): a^l = φ(z^l) + a^{l-1} for every hidden
  layer whose input is a hidden layer of the same width, so the error also flows back
  along the identity: ∂C/∂a^{l-1} gains a term ∂C/∂a^l.

All parameters live in one flat float64 vector ``theta`` (per layer: W, b, then γ when
batch norm is on). ``weights``, ``biases`` and ``gammas`` are views into it, so an
optimiser updates every layer with a few vector operations, and per-layer norms are
one ``np.add.reduceat``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .activations import get_activation
from .initializers import check_initializer, initialize
from .losses import get_loss
from .pace import checkpoint


class ParameterList(list):
    """A list of views into ``Network.theta``: assigning an item copies into the view.

    ``net.weights[0] = W_new`` therefore changes the network (it must have the same
    shape), just as ``net.weights[0][i, j] = w`` does.
    """

    def __setitem__(self, index, value):
        view = list.__getitem__(self, index)
        value = np.asarray(value, dtype=np.float64)
        if value.shape != view.shape:
            raise ValueError(f"parameter {index}: shape {value.shape} given, {view.shape} required")
        view[...] = value


@dataclass
class Trace:
    """What the forward pass records for the backward pass and the statistics.

    ``activations[l]`` is a^l for l = 0 … L-1 (a^0 is the input), ``zs[l]`` is z^{l+1},
    ``dphis[l]`` is φ'(z^{l+1}) for hidden layers, ``normalized[l]`` and ``inv_std[l]``
    are û and 1/√(σ²+ε) of batch-normalised layers, ``batch_means``/``batch_vars`` their
    batch statistics.
    """

    activations: list
    zs: list
    dphis: list
    batch_statistics: bool = True
    normalized: list = field(default_factory=list)
    inv_std: list = field(default_factory=list)
    batch_means: list = field(default_factory=list)
    batch_vars: list = field(default_factory=list)

    @property
    def output_z(self):
        return self.zs[-1]


@dataclass
class Gradients:
    """∂C/∂θ for one batch, with the per-layer records the lab displays.

    ``weights``, ``biases``, ``gammas`` are shaped like the parameters; ``flat`` holds
    the same numbers laid out like ``Network.theta``. ``biases[l]`` = Σ_x δ^{l+1} =
    ∂C/∂b^{l+1}, Nielsen's speed of learning; ``delta_samples[l]`` is δ^{l+1} per
    sample, before the sum.
    """

    loss: float
    weights: list
    biases: list
    gammas: list
    delta_samples: list
    trace: Trace
    flat: np.ndarray = None

    def __post_init__(self):
        if self.flat is None:
            parts = zip(self.weights, self.biases, self.gammas + [None] * len(self.weights))
            self.flat = np.concatenate([p.ravel() for group in parts for p in group
                                        if p is not None])


class Network:
    """A feed-forward network; see the module docstring for the notation."""

    def __init__(self, layer_sizes, activation="sigmoid", init="xavier", loss="cross_entropy",
                 seed=0, sigma_w=1.0, sigma_b=0.0, gain=1.0, batch_norm=False, residual=False,
                 bn_momentum=0.1, bn_epsilon=1e-5):
        self.layer_sizes = _check_layer_sizes(layer_sizes)
        self.activation = get_activation(activation)
        self.init = check_initializer(init)
        self.loss_function = get_loss(loss)
        if self.loss_function.one_hot and self.layer_sizes[-1] < 2:
            raise ValueError("layer_sizes: softmax_cross_entropy needs at least 2 output units, "
                             f"got {self.layer_sizes[-1]}")
        hidden = self.layer_sizes[1:-1]
        if residual and len(set(hidden)) > 1:
            raise ValueError(f"residual: needs hidden layers of equal width, got widths {hidden}")
        if not 0.0 < bn_momentum <= 1.0:
            raise ValueError(f"bn_momentum: must be in (0, 1], got {bn_momentum}")
        self.batch_norm = bool(batch_norm)
        self.residual = bool(residual)
        self.bn_momentum = float(bn_momentum)
        self.bn_epsilon = float(bn_epsilon)
        L = self.n_layers = len(self.layer_sizes) - 1
        # residual skip around hidden layer l (0-based) when its input is a hidden layer
        self.skip = [self.residual and 0 < l < L - 1 for l in range(L)]
        self._bn = [self.batch_norm and l < L - 1 for l in range(L)]
        self._layout()
        rng = np.random.default_rng(seed)
        for l, (n_in, n_out) in enumerate(zip(self.layer_sizes[:-1], self.layer_sizes[1:])):
            checkpoint()
            self.weights[l], self.biases[l] = initialize(self.init, n_in, n_out, rng,
                                                         sigma_w, sigma_b, gain)
        for g in self.gammas:
            g[...] = 1.0
        self.running_means = [np.zeros(n) for n in hidden] if self.batch_norm else []
        self.running_vars = [np.ones(n) for n in hidden] if self.batch_norm else []

    # ----------------------------------------------------------------- parameters
    def _layout(self):
        """Place W, b (and γ) of every layer in one flat vector and record the segments."""
        starts, shapes, kinds = [], [], []
        offset = 0
        for l, (n_in, n_out) in enumerate(zip(self.layer_sizes[:-1], self.layer_sizes[1:])):
            parts = [("W", (n_in, n_out)), ("b", (n_out,))] + ([("g", (n_out,))] if self._bn[l] else [])
            for kind, shape in parts:
                starts.append(offset)
                shapes.append(shape)
                kinds.append((kind, l))
                offset += math.prod(shape)
        self._theta = np.zeros(offset)
        self.segment_starts = np.array(starts)
        self._shapes = shapes
        self.weight_segments = np.array([i for i, (k, _) in enumerate(kinds) if k == "W"])
        self.bias_segments = np.array([i for i, (k, _) in enumerate(kinds) if k == "b"])
        ends = starts[1:] + [offset]
        self.weight_mask = np.zeros(offset, dtype=bool)
        for i in self.weight_segments:
            self.weight_mask[starts[i]:ends[i]] = True
        self._groups = tuple([(slice(s, e), shape) for s, e, shape, (k, _) in
                              zip(starts, ends, shapes, kinds) if k == kind] for kind in "Wbg")
        self.weights, self.biases, self.gammas = self._views(self._theta)

    def _views(self, flat):
        """(weights, biases, gammas) as views into a flat vector laid out like ``theta``."""
        return tuple(ParameterList([flat[s].reshape(shape) for s, shape in group])
                     for group in self._groups)

    @property
    def theta(self):
        """All parameters in one flat vector; W, b, γ are views into it."""
        return self._theta

    @theta.setter
    def theta(self, value):
        self._theta[...] = value

    def segment_norms(self, flat):
        """Euclidean norm of each parameter segment (W¹, b¹, [γ¹], W², …) of a flat vector."""
        return np.sqrt(np.add.reduceat(flat * flat, self.segment_starts))

    def layer_slice(self, l):
        """The slice of ``theta`` that holds W^{l+1} (0-based layer index l)."""
        i = self.weight_segments[l]
        return slice(int(self.segment_starts[i]), int(self.segment_starts[i + 1]))

    def __getstate__(self):
        """For pickle and deepcopy (a pinned baseline is a deep copy of its run): the
        weights, biases and γ are views into ``theta``, which a copy would turn into
        arrays of their own, so they are left out and made anew from the copied theta."""
        state = dict(self.__dict__)
        for views in ("weights", "biases", "gammas"):
            del state[views]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.weights, self.biases, self.gammas = self._views(self._theta)

    def copy(self):
        """An independent network with the same architecture, parameters and BN statistics."""
        clone = object.__new__(Network)
        clone.__dict__.update(self.__dict__)
        clone._theta = self._theta.copy()
        clone.weights, clone.biases, clone.gammas = clone._views(clone._theta)
        clone.running_means = [m.copy() for m in self.running_means]
        clone.running_vars = [v.copy() for v in self.running_vars]
        return clone

    # ----------------------------------------------------------------- forward
    def forward(self, X, batch_statistics=True):
        """Run the batch X (N, inputs) through the network and record a Trace for backward.

        ``batch_statistics``: batch norm uses this batch's mean and variance (training)
        or the running averages (evaluation). Exploding weights overflow to inf silently:
        callers check finiteness.
        """
        with np.errstate(all="ignore"):
            return self._forward(self._inputs(X), batch_statistics)

    def forward_from(self, a, start, product, batch_statistics=True):
        """The traced pass from a = a^start on, with ``product(l, a)`` in place of a^l W^{l+1}
        (the ball on the cost surface: see ``_forward``)."""
        with np.errstate(all="ignore"):
            return self._forward(a, batch_statistics, start, product)

    def _inputs(self, X):
        a = np.asarray(X, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"X: shape (N, {self.layer_sizes[0]}) required, got {a.shape}")
        return a

    def _forward(self, a, batch_statistics, start=0, product=None):
        """The traced pass from a = a^start through layers start+1 … L (see ``_pass``).

        ``product(l, a)`` gives u = a^l W^{l+1} in place of the plain product: the ball on
        the cost surface moves two layers' weights this way without copying θ, and
        starts at the first layer that moves. The trace's entries for layers before
        ``start`` are None.
        """
        skipped_bn = sum(self._bn[:start])
        trace = Trace([None] * start + [a], [None] * start, [None] * start, batch_statistics,
                      [None] * skipped_bn, [None] * skipped_bn)
        self._pass(a, start, self.n_layers, batch_statistics, trace, product)
        return trace

    def _pass(self, a, start, stop, batch_statistics, trace=None, product=None):
        """The forward pass, read once: for l = start … stop-1,

            u = a^l W^{l+1},  z^{l+1} = BN(u)·γ + b  (or u + b),  a^{l+1} = φ(z^{l+1}) (+ a^l
            where a residual connection skips the layer),

        returning a^stop, or z^L when the pass reaches the output layer. With a ``trace`` it
        also records z, φ'(z), a and batch norm's û, 1/σ and batch statistics for the
        backward pass (and ``product`` may stand for a^l W^{l+1}); without one, a may have
        leading dimensions (..., N, n), each leading index its own batch."""
        output = self.n_layers - 1
        for l in range(start, stop):
            checkpoint()                           # the newest change wins (pace.py)
            u = a @ self.weights[l] if product is None else product(l, a)
            z = self.pre_activation(l, u, batch_statistics, trace)
            if l == output:
                return z
            a = self.activate(l, z, a, trace)
        return a

    def _normalize(self, u, k, batch_statistics):
        """Batch-normalise u over its samples (axis -2): (û, mean, variance, 1/√(σ²+ε))."""
        if batch_statistics:
            mean = u.mean(axis=-2, keepdims=True)
            centred = u - mean
            var = (centred * centred).mean(axis=-2, keepdims=True)
        else:
            mean, var = self.running_means[k], self.running_vars[k]
            centred = u - mean
        inv_std = 1.0 / np.sqrt(var + self.bn_epsilon)
        return centred * inv_std, mean, var, inv_std

    def _record_normalization(self, u, trace, batch_statistics):
        normalized, mean, var, inv_std = self._normalize(u, len(trace.normalized), batch_statistics)
        if batch_statistics:
            trace.batch_means.append(mean)
            trace.batch_vars.append(var)
        trace.normalized.append(normalized)
        trace.inv_std.append(inv_std)
        return normalized

    # ------------------------------------------------ batched evaluation (no trace)
    def pre_activation(self, l, u, batch_statistics=True, trace=None):
        """z^{l+1} from u = a^l W^{l+1}: batch norm (hidden layers) then γ and the bias
        (with a ``trace``, z and batch norm's numbers are recorded in it).

        u may have leading dimensions (..., N, n): each leading index is its own batch.
        u is overwritten (callers pass a fresh product): large arrays stay in one buffer.
        """
        if self._bn[l]:
            if trace is None:
                u = self._normalize(u, sum(self._bn[:l]), batch_statistics)[0]
                u *= self.gammas[l]
            else:                                   # û is kept for the backward pass
                u = self._record_normalization(u, trace, batch_statistics) * self.gammas[l]
        u += self.biases[l]
        if trace is not None:
            trace.zs.append(u)
        return u

    def propagate(self, a, start, stop=None, batch_statistics=True):
        """Run a = a^start (..., N, n) through layers start+1 … stop and return a^stop;
        with stop=None run to the end and return the output layer's z^L."""
        with np.errstate(all="ignore"):
            return self._pass(a, start, self.n_layers if stop is None else stop, batch_statistics)

    def activate(self, l, z, a_in, trace=None):
        """a^{l+1} = φ(z^{l+1}), plus a^l where a residual connection skips layer l+1
        (with a ``trace``, φ'(z^{l+1}) and a^{l+1} are recorded in it)."""
        if trace is None:
            h = self.activation.phi(z)
        else:
            h, dphi = self.activation.phi_and_dphi(z)
            trace.dphis.append(dphi)
        a = h + a_in if self.skip[l] else h
        if trace is not None:
            trace.activations.append(a)
        return a

    def update_running_statistics(self, trace):
        """Move the batch-norm running averages towards the batch statistics of ``trace``:
        μ ← μ + m (μ_batch − μ), σ² ← σ² + m (σ²_batch − σ²). Returns False, changing
        nothing, if they would overflow: finite batch statistics far apart from the
        averages (±1e308) can, and the averages then turned into inf and NaN, which no
        check of the step's costs and gradients saw until the test cost."""
        m = self.bn_momentum
        averages = self.running_means + self.running_vars
        with np.errstate(all="ignore"):
            moved = [x + m * (batch.reshape(-1) - x)
                     for x, batch in zip(averages, trace.batch_means + trace.batch_vars)]
        if moved and not np.isfinite(np.concatenate(moved)).all():
            return False
        for x, new in zip(averages, moved):
            x[:] = new
        return True

    # ----------------------------------------------------------------- costs
    def loss(self, X, Y, batch_statistics=True):
        """The cost C on (X, Y)."""
        z = self.propagate(self._inputs(X), 0, None, batch_statistics)
        with np.errstate(all="ignore"):
            return self.loss_function.cost(z, self._targets(Y, z.shape))

    def predict(self, X, batch_statistics=False):
        """Output activations a^L for X (evaluation mode by default)."""
        z = self.propagate(self._inputs(X), 0, None, batch_statistics)
        with np.errstate(all="ignore"):
            return self.loss_function.output(z)

    @staticmethod
    def _targets(Y, expected):
        Y = np.asarray(Y, dtype=np.float64)
        if Y.shape != expected:
            raise ValueError(f"Y: shape {expected} required, got {Y.shape}")
        return Y

    # ----------------------------------------------------------------- backward
    def gradients(self, X, Y, batch_statistics=True):
        """∂C/∂θ on the batch (X, Y) by backpropagation (BP1-BP4)."""
        return self.backward(self.forward(X, batch_statistics), Y)

    def backward(self, trace, Y):
        """Backpropagate the cost of a recorded forward pass."""
        with np.errstate(all="ignore"):
            return self._backward(trace, Y)

    def _backward(self, trace, Y):
        z_out = trace.output_z
        Y = self._targets(Y, z_out.shape)
        L = self.n_layers
        gW, gb, gg, samples = [None] * L, [None] * L, [None] * (L - 1), [None] * L
        ones = np.ones(z_out.shape[0])         # ones @ δ sums δ over the batch (BP3), fast
        activations = trace.activations
        for l, delta, du, x_hat in self.errors(trace, Y):
            samples[l] = delta
            gb[l] = ones @ delta                                          # BP3
            if x_hat is not None:
                gg[l] = ones @ (delta * x_hat)
            gW[l] = activations[l].T @ du                                 # BP4
        return Gradients(self.loss_function.cost(z_out, Y), gW, gb,
                         gg if self.batch_norm else [], samples, trace)

    def errors(self, trace, Y, stop=0, weights=None):
        """(l, δ^{l+1}, ∂C/∂u^{l+1}, û or None) from the output layer down to layer
        stop+1, where u = a^l W^{l+1} is the product before batch norm (u + b = z
        without it): BP1, BP2 and batch norm's backward, nothing summed. Backpropagation
        sums these into ∂C/∂b and ∂C/∂W; the ball contracts ∂C/∂u with its two
        directions only, passing the moved ``weights`` the trace was made with.
        Call with floating-point warnings off (``backward`` does)."""
        delta = self.loss_function.delta(trace.output_z, Y)              # BP1
        grad_a = None
        k = len(trace.normalized)
        dphis, weights = trace.dphis, self.weights if weights is None else weights
        for l in range(self.n_layers - 1, stop - 1, -1):
            checkpoint()
            if grad_a is not None:
                delta = grad_a * dphis[l]                                 # BP2
            if self._bn[l]:
                k -= 1
                x_hat = trace.normalized[k]
                d_hat = delta * self.gammas[l]
                if trace.batch_statistics:      # μ and σ² depend on every sample
                    d_hat = d_hat - d_hat.mean(axis=0) - x_hat * (d_hat * x_hat).mean(axis=0)
                du = trace.inv_std[k] * d_hat
            else:
                x_hat, du = None, delta
            yield l, delta, du, x_hat
            if l > stop:
                through_weights = du @ weights[l].T
                grad_a = through_weights + grad_a if self.skip[l] else through_weights


def _check_layer_sizes(layer_sizes):
    try:
        sizes = [int(n) for n in layer_sizes]
        ok = len(sizes) >= 2 and all(n >= 1 and n == m for n, m in zip(sizes, layer_sizes))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError("layer_sizes: need at least 2 positive integers (inputs, …, outputs), "
                         f"got {layer_sizes!r}")
    return sizes
