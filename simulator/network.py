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

All parameters live in one flat float64 vector ``theta``: every W, then every b, then
every γ when batch norm is on. ``weights``, ``biases`` and ``gammas`` are views into it, so
an optimiser updates every layer with a few vector operations, per-layer norms are one
``np.add.reduceat``, and the weights of the hidden-to-hidden layers, all of one shape
when the hidden layers have one width, lie side by side as one (L-2, n, n) stack.

A traced pass (the training step's) writes into a ``Workspace``: with hidden layers of
one width their a, φ' and δ are slices of (L-1, N, n) stacks, so ∂C/∂W and ∂C/∂b of
every hidden-to-hidden layer are one batched product each instead of one per layer. At the
lab's sizes a NumPy call costs about a microsecond whatever it computes (a depth-10,
width-16 step is some 120 of them), so the pass is written to make few calls.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .activations import get_activation
from .initializers import check_initializer, initialize
from .losses import get_loss
from .pace import checkpoint
from .parallel import halves, matmul, matmul_for, splits

BODY_CHUNK = 1 << 28      # multiply-adds of the batched ∂C/∂W between two checkpoints (~0.1 s)
TRANSPOSED_BELOW = 128    # hidden layers narrower than this get their Wᵀ copied for BP2
BIAS_ROWS_AT_MOST = 2048  # numbers in a layer's z (samples × width) up to which b is tiled


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

    ``activations[l]`` is a^l for l = 0 … L-1 (a^0 is the input), ``zs[l]`` is z^{l+1}
    (None for a hidden layer whose z the workspace overwrites with the next layer's:
    without batch norm, hidden layers of one width), ``dphis[l]`` is φ'(z^{l+1}) for hidden
    layers, ``normalized[l]`` and ``inv_std[l]`` are û and 1/√(σ²+ε) of batch-normalised
    layers, ``batch_means``/``batch_vars`` their batch statistics. The hidden layers' a
    and φ' live in ``workspace``.
    """

    activations: list
    zs: list
    dphis: list
    workspace: "Workspace"
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

    ``flat`` holds ∂C/∂θ laid out like ``Network.theta``; ``weights``, ``biases``,
    ``gammas`` are views into it shaped like the parameters. ``biases[l]`` = Σ_x δ^{l+1} =
    ∂C/∂b^{l+1}, Nielsen's speed of learning; ``delta_samples[l]`` is δ^{l+1} per sample,
    before the sum. All of them live in the trace's workspace.
    """

    loss: float
    weights: list
    biases: list
    gammas: list
    delta_samples: list
    trace: Trace
    flat: np.ndarray

    def delta_norms(self):
        """‖δ^l‖ over the batch (all samples and units) for every layer l = 1 … L: one
        batched product over the hidden layers' stack where there is one."""
        rows = self.trace.workspace.delta_rows
        if rows is None:
            return np.sqrt([np.vdot(d, d) for d in self.delta_samples])
        squares = np.empty(len(self.delta_samples))
        np.matmul(rows, rows.transpose(0, 2, 1), out=squares[:-1, None, None])
        last = self.delta_samples[-1]
        squares[-1] = np.vdot(last, last)
        return np.sqrt(squares, out=squares)


class Workspace:
    """The arrays a traced pass over ``n`` samples writes, made once and overwritten by each
    pass given them: the hidden layers' a and φ'(z), their δ, and ∂C/∂θ (``flat``, with a
    view per parameter); ``backward=False``: a and φ'(z) only, for a pass that is not
    backpropagated (an evaluation that reads the activations). With hidden layers of one width, a, φ' and δ are slices of one
    (L-1, n, width) stack each, and ``body_gradient``/``hidden_bias_gradient`` view ∂C/∂W
    of the hidden-to-hidden layers and ∂C/∂b of the hidden layers as stacks too, so that
    backpropagation sums each of them in one batched product. Without batch norm, ``z``
    holds each hidden layer's z in turn (kept per layer, they made a depth-30 pass 20 %
    slower: nothing reads them after φ and φ', and the arrays no longer fit in the cache),
    and where a layer's z is at most BIAS_ROWS_AT_MOST numbers, ``bias_rows`` holds each
    hidden layer's b (-b for an activation made from -z, the sigmoid) on every row, copied
    in one call per pass: adding it to a^l W^{l+1} is then a plain sum (ten layers of 64 ×
    16: 13.6 µs with the copy, 16.8 as broadcasts). Beyond, the copy costs more than it
    saves, and a broadcast adds b (1.12× at 64 × 64; at depth 100 × 256 over 4,096 samples
    the rows were 768 MB and 130 against 53 ms a step). ``transposed_body`` holds the
    hidden-to-hidden layers' Wᵀ for BP2 (``transposed_layers``: by layer) where they are
    narrower than TRANSPOSED_BELOW (from width 128 on, BLAS reads a transposed view as fast,
    and the copy cost a depth-100 × 256 step 15 %), and
    ``through`` two arrays that δ·Wᵀ goes into in turn. ``body_chunks`` cut the batched
    ∂C/∂W into runs of layers of at most BODY_CHUNK multiply-adds (two layers at least),
    with a checkpoint between two (pace.py): at depth 100 × 256 over 4,096 samples the whole
    product is 27 billion and took seconds, during which no newer command was looked at. Arrays made once are also spared
    the page faults of fresh memory (a depth-30 × 32 pass over 256 samples: 3.6 ms in fresh
    arrays, 1.0 ms in kept ones).

    A Trace or Gradients made in a workspace is overwritten by the next pass given it
    (``Network.forward`` makes a new workspace for each call it is not given one). A deep
    copy is a new workspace for the same network and batch size, holding nothing yet.
    """

    def __init__(self, net, n, backward=True):
        self._made_for = net, n, backward
        self.n = n
        L, sizes = net.n_layers, net.layer_sizes
        hidden = sizes[1:-1]
        self.bias_rows = self.z = self.a_stack = self.dphi_stack = None
        one_width = len(set(hidden)) == 1
        if one_width:
            self.a_stack, self.dphi_stack = (np.empty((L - 1, n, hidden[0])) for _ in range(2))
            self.activations, self.dphis = list(self.a_stack), list(self.dphi_stack)
            if not net.batch_norm:
                self.z = np.empty((n, hidden[0]))
                if n * hidden[0] <= BIAS_ROWS_AT_MOST:   # b^l on every row: a plain add
                    self.bias_rows = np.empty((L - 1, n, hidden[0]))
        else:
            self.activations, self.dphis = ([np.empty((n, w)) for w in hidden] for _ in range(2))
        self.outputs = list(zip(self.activations, self.dphis))     # where φ and φ' go
        if backward:
            self._backward(net, one_width)

    def _backward(self, net, one_width):
        """δ, ∂C/∂θ and BP2's buffers, for a pass that is backpropagated."""
        n, L, hidden = self.n, net.n_layers, net.layer_sizes[1:-1]
        self.flat = np.empty(net.theta.size)
        self.weights, self.biases, self.gammas = net._views(self.flat)
        self.ones = np.ones(n)                    # ones @ δ sums δ over the batch (BP3), fast
        self.delta_rows = self.body_gradient = self.hidden_bias_gradient = None
        self.transposed_body, self.transposed_layers = None, {}
        self.through = [None, None]
        if not one_width:
            self.deltas = [np.empty((n, w)) for w in hidden]
            return
        self.delta_stack = np.empty((L - 1, n, hidden[0]))
        self.deltas = list(self.delta_stack)
        self.delta_rows = self.delta_stack.reshape(L - 1, 1, -1)
        self.through = [np.empty((n, hidden[0])), np.empty((n, hidden[0]))]
        if L > 2:
            self.body_gradient = self.flat[net.body_weights].reshape(L - 2, hidden[0], hidden[0])
            if hidden[0] < TRANSPOSED_BELOW:
                self.transposed_body = np.empty_like(self.body_gradient)
                self.transposed_layers = dict(enumerate(self.transposed_body, start=1))
            per_layer = n * hidden[0] * hidden[0]            # multiply-adds of one layer's ∂C/∂W
            step = max(2, BODY_CHUNK // per_layer)
            self.body_chunks = [slice(k, k + step) for k in range(0, L - 2, step)]
        self.hidden_bias_gradient = self.flat[net.hidden_biases].reshape(L - 1, hidden[0])

    def __deepcopy__(self, memo):
        net, n, backward = self._made_for
        return Workspace(memo.get(id(net), net), n, backward)


class FlatParameters:
    """A model whose parameters live in one flat vector ``theta``, with views into it: the
    attributes named in ``VIEWS``, which ``_view()`` makes. For pickle and deepcopy (a pinned
    baseline is a deep copy of its run) the views are left out and made anew from the copied
    theta: a copy would turn them into arrays of their own, and the copy's statistics drifted
    from the original within one step."""

    VIEWS = ()

    @property
    def theta(self):
        """All parameters in one flat vector; the views look into it."""
        return self._theta

    @theta.setter
    def theta(self, value):
        self._theta[...] = value

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in self.VIEWS}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._view()


class Network(FlatParameters):
    """A feed-forward network; see the module docstring for the notation."""

    VIEWS = ("weights", "biases", "gammas")
    recurrent = False           # (unrolled.py's network is)

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
        """Place every W, then every b, then every γ in one flat vector and record the
        segments (and where the hidden layers' W and b lie side by side)."""
        L, sizes = self.n_layers, self.layer_sizes
        parts = ([("W", (n_in, n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
                 + [("b", (n_out,)) for n_out in sizes[1:]]
                 + [("g", (sizes[l + 1],)) for l in range(L) if self._bn[l]])
        starts = np.cumsum([0] + [math.prod(shape) for _, shape in parts])
        self._theta = np.zeros(starts[-1])
        self.segment_starts = starts[:-1]
        self.weight_mask = np.zeros(starts[-1], dtype=bool)
        self.weight_mask[:starts[L]] = True
        self._groups = tuple([(slice(starts[i], starts[i + 1]), shape)
                              for i, (k, shape) in enumerate(parts) if k == kind] for kind in "Wbg")
        self.body_weights = slice(starts[1], starts[L - 1])     # W² … W^{L-1}
        self.hidden_biases = slice(starts[L], starts[2 * L - 1])  # b¹ … b^{L-1}
        self._view()
        self._widest = max(sizes)
        self._runs = []                  # (first segment, count, start, size): equal sizes in a row
        for i, size in enumerate(np.diff(starts)):
            if self._runs and self._runs[-1][3] == size:
                first, count, start, _ = self._runs[-1]
                self._runs[-1] = (first, count + 1, start, size)
            else:
                self._runs.append((i, 1, starts[i], size))

    def _view(self):
        self.weights, self.biases, self.gammas = self._views(self._theta)

    def _views(self, flat):
        """(weights, biases, gammas) as views into a flat vector laid out like ``theta``."""
        return tuple(ParameterList([flat[s].reshape(shape) for s, shape in group])
                     for group in self._groups)

    def segment_norms(self, flat, count=None):
        """Euclidean norm of each parameter segment (W¹ … W^L, b¹ … b^L, γ¹ …) of a flat
        vector laid out like ``theta``, or of its first ``count`` segments.

        Small vectors: one ``np.add.reduceat`` over the squares, three calls. Large ones:
        each run of equally long segments (the hidden layers' W, their b) is a stack of
        rows whose sums of squares are one batched dot product: one pass over memory
        instead of two and a temporary, 4× faster at width 256."""
        starts = self.segment_starts if count is None else self.segment_starts[:count]
        count = len(starts)
        if flat.size < 1 << 13:
            end = flat.size if count == len(self.segment_starts) else self.segment_starts[count]
            part = flat[:end]
            return np.sqrt(np.add.reduceat(part * part, starts))
        squares = np.empty(count)
        for first, k, start, size in self._runs:
            if first >= count:
                break
            k = min(k, count - first)
            rows = flat[start:start + k * size].reshape(k, 1, size)
            np.matmul(rows, rows.transpose(0, 2, 1), out=squares[first:first + k].reshape(k, 1, 1))
        return np.sqrt(squares, out=squares)

    def weight_norms(self, flat):
        """‖W^l‖ of each layer of a flat vector laid out like ``theta`` (the weights come first)."""
        return self.segment_norms(flat, self.n_layers)

    def gradient_norms(self, grads):
        """‖∂C/∂W^l‖ of every layer, then ‖∂C/∂b^l‖ of every layer (and ‖∂C/∂γ^l‖), of
        ``grads``."""
        return self.segment_norms(grads.flat)

    @property
    def multiply_adds(self):
        """The multiply-adds of a pass, per sample: one per weight."""
        return int(self.weight_mask.sum())

    def workspace(self, n, backward=True):
        """A Workspace for traced passes over ``n`` samples (``backward=False``: passes
        that are not backpropagated)."""
        return Workspace(self, n, backward)

    def layer_slice(self, l):
        """The slice of ``theta`` that holds W^{l+1} (0-based layer index l)."""
        return slice(int(self.segment_starts[l]), int(self.segment_starts[l + 1]))

    def copy(self):
        """An independent network with the same architecture, parameters and BN statistics."""
        clone = object.__new__(Network)
        clone.__dict__.update(self.__dict__)
        clone._theta = self._theta.copy()
        clone._view()
        clone.running_means = [m.copy() for m in self.running_means]
        clone.running_vars = [v.copy() for v in self.running_vars]
        return clone

    # ----------------------------------------------------------------- forward
    def forward(self, X, batch_statistics=True, workspace=None):
        """Run the batch X (N, inputs) through the network and record a Trace for backward.

        ``batch_statistics``: batch norm uses this batch's mean and variance (training)
        or the running averages (evaluation). ``workspace``: where the pass writes (a new
        one if not given). Exploding weights overflow to inf silently: callers check
        finiteness.
        """
        with np.errstate(all="ignore"):
            return self._forward(self._inputs(X), batch_statistics, workspace=workspace)

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

    def _forward(self, a, batch_statistics, start=0, product=None, workspace=None):
        """The traced pass from a = a^start through layers start+1 … L:

            u = a^l W^{l+1},  z^{l+1} = BN(u)·γ + b  (or u + b),  a^{l+1} = φ(z^{l+1}) (+ a^l
            where a residual connection skips the layer),

        recording z, and batch norm's û, 1/σ and batch statistics, in the Trace, and a and
        φ'(z) in the workspace. ``product(l, a)`` gives u = a^l W^{l+1} in place of the
        plain product: the ball on the cost surface moves two layers' weights this way
        without copying θ, and starts at the first layer that moves. The trace's entries
        for layers before ``start`` are None.
        """
        ws = workspace if workspace is not None else Workspace(self, a.shape[0])
        skipped_bn = sum(self._bn[:start])
        trace = Trace([None] * start + [a] + ws.activations[start:], [None] * start,
                      [None] * start + ws.dphis[start:], ws, batch_statistics,
                      [None] * skipped_bn, [None] * skipped_bn)
        phi_and_dphi, weights, output = self.activation.phi_and_dphi, self.weights, self.n_layers - 1
        matmul, skip, outputs = matmul_for(len(a), self._widest), self.skip, ws.outputs
        rows, minus = None, self.activation.phi_and_dphi_of_minus
        if ws.z is not None:                       # hidden layers' z in one scratch array
            b = self._theta[self.hidden_biases].reshape(output, 1, -1)
            rows = ws.bias_rows                    # b on every row, or one row broadcast
            if rows is None:
                rows = b if minus is None else -b
            elif minus is None:
                np.copyto(rows, b)
            else:
                np.negative(b, out=rows)           # -b: then -z = (-b) - a·W in one pass
        split = output if rows is None or product is not None else self._split_from(len(a), start)
        for l in range(start, output + 1):
            checkpoint()                           # the newest change wins (pace.py)
            if split <= l < output:                # the rest of the hidden layers on two threads
                if l == split:
                    a = self._hidden_by_halves(a, l, rows, ws)
                    trace.zs.extend([None] * (output - l))
                continue
            if rows is None or l == output or product is not None:
                u = matmul(a, weights[l]) if product is None else product(l, a)
                z = self.pre_activation(l, u, batch_statistics, trace)
                if l == output:
                    break
                h, _ = phi_and_dphi(z, outputs[l])
            else:
                u = matmul(a, weights[l], out=ws.z)
                trace.zs.append(None)                              # z is scratch (Workspace)
                if minus is None:
                    h, _ = phi_and_dphi(np.add(u, rows[l], out=u), outputs[l])
                else:
                    h, d = outputs[l]
                    minus(np.subtract(rows[l], u, out=d), h)
            if skip[l]:
                h += a
            a = h
        return trace

    def _split_from(self, n, start):
        """The first layer from ``start`` on from which every layer's product up to the output
        layer's (excluded) is one that ``matmul`` splits (n samples): the output layer if none."""
        sizes, l = self.layer_sizes, self.n_layers - 1
        while l > start and splits(n, n * sizes[l - 1] * sizes[l]):
            l -= 1
        return l

    def _hidden_by_halves(self, a, first, rows, ws):
        """a^{L-1} by ``_forward``'s plain path (z in ``ws.z``, b or -b from ``rows``) through
        layers first+1 … L-1, the first half of the samples here and the second on the
        helper thread (parallel.halves): one hand-over for the pass instead of one per
        product, and φ's arithmetic shared too. Each product is the half that ``matmul``
        would compute: the digits are the same."""
        output, weights, skip, outputs = self.n_layers - 1, self.weights, self.skip, ws.outputs
        phi_and_dphi, minus = self.activation.phi_and_dphi, self.activation.phi_and_dphi_of_minus
        tiled = rows.shape[1] != 1                 # b on every row, or one row broadcast

        def work(r, check):
            x = a[r]
            for l in range(first, output):
                check()
                u = np.matmul(x, weights[l], out=ws.z[r])
                b = rows[l][r] if tiled else rows[l]
                h, d = outputs[l][0][r], outputs[l][1][r]
                if minus is None:
                    h, _ = phi_and_dphi(np.add(u, b, out=u), (h, d))
                else:
                    minus(np.subtract(b, u, out=d), h)
                if skip[l]:
                    h += x
                x = h

        halves(work, len(a))
        return outputs[output - 1][0]

    def _pass(self, a, start, stop, batch_statistics):
        """The forward pass without a trace, for l = start … stop-1 as in ``_forward``,
        returning a^stop, or z^L when the pass reaches the output layer. a may have leading
        dimensions (..., N, n), each leading index its own batch."""
        output, matmul = self.n_layers - 1, matmul_for(a.size // a.shape[-1], self._widest)
        split = self._split_from(len(a), start) if a.ndim == 2 and not self.batch_norm else output
        for l in range(start, stop):
            checkpoint()
            if split <= l < output:                # the hidden layers on two threads
                if l == split:
                    a = self._pass_by_halves(a, l, min(stop, output))
                continue
            z = self.pre_activation(l, matmul(a, self.weights[l]), batch_statistics)
            if l == output:
                return z
            a = self.activate(l, z, a)
        return a

    def _pass_by_halves(self, a, first, last):
        """a^last from a = a^first by ``_pass`` (no batch norm), the first half of the samples
        here and the second on the helper thread, as ``_hidden_by_halves``: the same digits."""
        out = np.empty((len(a), self.layer_sizes[last]))

        def work(r, check):
            x = a[r]
            for l in range(first, last):
                check()
                x = self.activate(l, self.pre_activation(l, np.matmul(x, self.weights[l])), x)
            out[r] = x

        halves(work, len(a))
        return out

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

    def activate(self, l, z, a_in):
        """a^{l+1} = φ(z^{l+1}), plus a^l where a residual connection skips layer l+1."""
        h = self.activation.phi(z)
        return h + a_in if self.skip[l] else h

    def update_running_statistics(self, trace):
        """Move the batch-norm running averages towards the batch statistics of ``trace``:
        μ ← μ + m (μ_batch − μ), σ² ← σ² + m (σ²_batch − σ²). Returns False, changing
        nothing, if they would overflow: finite batch statistics far apart from the
        averages (±1e308) can, and the averages then turned into inf and NaN, which no
        check of the step's costs and gradients saw until the test cost."""
        if not self.batch_norm:
            return True
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
            return self.loss_function.cost(z, targets(Y, z.shape))

    def logits(self, X):
        """z^L for X, in evaluation mode (batch norm with its running averages)."""
        return self.propagate(self._inputs(X), 0, None, batch_statistics=False)

    def predict(self, X, batch_statistics=False):
        """Output activations a^L for X (evaluation mode by default)."""
        z = self.propagate(self._inputs(X), 0, None, batch_statistics)
        with np.errstate(all="ignore"):
            return self.loss_function.output(z)

    # ----------------------------------------------------------------- backward
    def gradients(self, X, Y, batch_statistics=True, workspace=None):
        """∂C/∂θ on the batch (X, Y) by backpropagation (BP1-BP4), written in ``workspace``
        (a new one if not given)."""
        with np.errstate(all="ignore"):
            trace = self._forward(self._inputs(X), batch_statistics, workspace=workspace)
            return self._backward(trace, Y)

    def backward(self, trace, Y):
        """Backpropagate the cost of a recorded forward pass."""
        with np.errstate(all="ignore"):
            return self._backward(trace, Y)

    def _backward(self, trace, Y):
        """BP3 and BP4 on what ``errors`` yields, into the trace's workspace: per layer, or,
        where the workspace stacks the hidden layers and nothing is batch-normalised, for
        the first and the output layer alone and then for all the hidden-to-hidden layers
        (layers 2 … L-1) in one batched product for ∂C/∂W and another for ∂C/∂b."""
        z_out = trace.output_z
        Y = targets(Y, z_out.shape)
        ws, L = trace.workspace, self.n_layers
        batched = ws.body_gradient is not None and not self.batch_norm
        gW, gb, gg, ones = ws.weights, ws.biases, ws.gammas, ws.ones
        samples = [None] * L
        activations = trace.activations
        for l, delta, du, x_hat in self.errors(trace, Y):
            samples[l] = delta
            if batched and 0 < l < L - 1:
                continue
            np.matmul(ones, delta, out=gb[l])                             # BP3
            if x_hat is not None:
                np.matmul(ones, delta * x_hat, out=gg[l])
            np.matmul(activations[l].T, du, out=gW[l])                    # BP4
        if batched:             # the hidden layers' products, many at once: split from depth 30 × 32 on
            inputs, errors = ws.a_stack[:-1].transpose(0, 2, 1), ws.delta_stack[1:]
            for layers in ws.body_chunks:
                checkpoint()
                matmul(inputs[layers], errors[layers], out=ws.body_gradient[layers])
            np.matmul(ones, ws.delta_stack[1:], out=ws.hidden_bias_gradient[1:])
        cost = float(self.loss_function.sample_costs(z_out, Y).sum()) / len(z_out)   # the mean
        return Gradients(cost, gW, gb, gg if self.batch_norm else [], samples, trace, ws.flat)

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
        dphis, deltas, bn, skip = trace.dphis, trace.workspace.deltas, self._bn, self.skip
        through_buffers = trace.workspace.through
        matmul = matmul_for(len(delta), self._widest)
        transposed = {}                                     # layer → a contiguous Wᵀ
        split = self._split_down_to(len(delta), stop) \
            if weights is None and not any(bn) and through_buffers[0] is not None else self.n_layers
        if weights is None:
            weights, body = self.weights, trace.workspace.transposed_body
            if body is not None:    # Wᵀ copied once: δ·Wᵀ of a contiguous Wᵀ is 1.4× faster
                np.copyto(body, self._theta[self.body_weights].reshape(body.shape).transpose(0, 2, 1))
                transposed = trace.workspace.transposed_layers
        for l in range(self.n_layers - 1, stop - 1, -1):
            checkpoint()
            if split <= l < self.n_layers - 1:    # the hidden layers' δ on two threads
                if l == self.n_layers - 2:
                    grad_a = self._errors_by_halves(grad_a, split, trace, transposed)
                yield l, deltas[l], deltas[l], None
                continue
            if grad_a is not None:
                delta = np.multiply(grad_a, dphis[l], out=deltas[l])      # BP2
            if bn[l]:
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
                wt = transposed.get(l)
                through = matmul(du, weights[l].T if wt is None else wt, out=through_buffers[l % 2])
                grad_a = np.add(through, grad_a, out=through) if skip[l] else through

    def _split_down_to(self, n, stop):
        """The lowest layer l > stop such that BP2's products δ^{m+1} (W^{m+1})ᵀ of every
        hidden layer m from l up are ones that ``matmul`` splits (n samples); the number of
        layers if there is none."""
        sizes, l, top = self.layer_sizes, self.n_layers - 2, self.n_layers
        while l > stop and splits(n, n * sizes[l + 1] * sizes[l]):
            top, l = l, l - 1
        return top

    def _errors_by_halves(self, grad_a, lowest, trace, transposed):
        """``errors``' loop for layers L-2 down to ``lowest`` (δ by BP2, then ∂C/∂a below
        it), the first half of the samples here and the second on the helper thread
        (parallel.halves), as ``_hidden_by_halves`` does for the forward pass: the same
        digits, one hand-over. Returns ∂C/∂a of layer ``lowest`` - 1's output."""
        weights, skip, dphis = self.weights, self.skip, trace.dphis
        ws = trace.workspace

        def work(r, check):
            g = grad_a[r]
            for l in range(self.n_layers - 2, lowest - 1, -1):
                check()
                delta = np.multiply(g, dphis[l][r], out=ws.deltas[l][r])
                wt = transposed.get(l)
                through = np.matmul(delta, weights[l].T if wt is None else wt,
                                    out=ws.through[l % 2][r])
                g = np.add(through, g, out=through) if skip[l] else through

        halves(work, len(grad_a))
        return ws.through[lowest % 2]


def targets(Y, expected):
    """Y as float64, checked to have the ``expected`` shape (samples, outputs)."""
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != expected:
        raise ValueError(f"Y: shape {expected} required, got {Y.shape}")
    return Y


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
