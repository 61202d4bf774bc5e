"""The recurrent mode: a recurrent network (rnn.py) unrolled over T time steps, seen as the
lab sees a feed-forward network. Time step t is layer t (its weights are W, the same at
every step, and U), and the output layer is layer T + 1, so every panel that shows layers
shows time steps:

* the error of layer t is δ_t = ∂C/∂h_t (the output layer's is ∂C/∂z), so the chain-rule
  factor of step t is ‖δ_{t-1}‖/‖δ_t‖, the gain of one step back through
  ∂h_t/∂h_{t-1} = diag(φ'(u_t)) Wᵀ, and its running product is ‖δ_t‖/‖∂C/∂z‖;
* the speed of learning of time step t is ‖Σ_x ∂C/∂u_t‖, what step t adds to ∂C/∂b; its
  ‖∂C/∂W‖ is the norm of what it adds to ∂C/∂W and ∂C/∂U;
* the φ' of time step t are φ'(u_t);
* the relative update of every time step is that of W and U, which they share.

A data row is one sequence laid out time step after time step (data.first_symbol_dataset).
The cost surface moves W (a) and the output weights V (b): ``RecurrentPlane``.
"""
from __future__ import annotations

import numpy as np

from .landscape import Location, Plane
from .rnn import RecurrentNetwork

GRID_ELEMENTS = 1 << 20     # the numbers of z the cost surface computes at once (8 MB)


class UnrolledNetwork(RecurrentNetwork):
    """A RecurrentNetwork over sequences of ``steps`` time steps, with what the Simulation,
    its statistics and its cost surface ask of a network (network.Network's names)."""

    recurrent = True

    def __init__(self, inputs, hidden, outputs, steps, spectral_radius_=1.0, seed=0,
                 activation="tanh", loss="softmax_cross_entropy"):
        super().__init__(inputs, hidden, outputs, spectral_radius_, seed, activation, loss)
        self.steps = steps
        self.n_layers = steps + 1
        self.layer_sizes = [inputs] + [hidden] * steps + [outputs]
        self.weight_mask = np.zeros(self.theta.size, dtype=bool)
        for name in ("W", "U", "V"):
            self.weight_mask[self.parts[name][0]] = True
        self.multiply_adds = steps * (hidden + inputs) * hidden + hidden * outputs   # per sample

    @property
    def weights(self):
        """The weights each layer multiplies its input's hidden state by: W at every time step,
        V at the output."""
        return [self.W] * self.steps + [self.V]

    def layer_slice(self, l):
        """The slice of ``theta`` that holds layer l's weights (0-based): W's for a time step."""
        return self.parts["V" if l == self.steps else "W"][0]

    def sequences(self, X):
        """Rows of ``steps`` × inputs numbers (or sequences) as an array (samples, T, inputs)."""
        X = np.asarray(X, dtype=np.float64)
        width = self.steps * self.sizes[0]
        if X.ndim == 2 and X.shape[1] == width:
            return X.reshape(len(X), self.steps, self.sizes[0])
        if X.ndim != 3 or X.shape[1:] != (self.steps, self.sizes[0]):
            raise ValueError(f"X: shape (samples, {width}) required (sequences of {self.steps} time "
                             f"steps × {self.sizes[0]} inputs), got {X.shape}")
        return X

    def gradients(self, X, Y, workspace=None):
        """Backpropagation through time (rnn.py); no ``workspace`` is used (a feed-forward
        network writes its passes into one)."""
        return super().gradients(X, Y)

    def workspace(self, n):
        """None: the passes make their own arrays."""
        return None

    def update_running_statistics(self, trace):
        """Nothing to update (no batch norm): True."""
        return True

    def gradient_norms(self, grads):
        """Every layer's ‖∂C/∂W‖, then every layer's ‖∂C/∂b‖ (2L numbers): what each time
        step adds to ∂C/∂W and ∂C/∂U, and to ∂C/∂b; then the output's ‖∂C/∂V‖ and ‖∂C/∂c‖."""
        with np.errstate(all="ignore"):
            on_h, on_x = grads.step_shares()
            weights = np.sqrt(np.einsum("thk,thk->t", on_h, on_h) + np.einsum("tkh,tkh->t", on_x, on_x))
            shares = grads.du.sum(axis=1)                                   # Σ_x ∂C/∂u_t
            biases = np.sqrt(np.einsum("th,th->t", shares, shares))
            output = [np.linalg.norm(grads.flat[self.parts[name][0]]) for name in ("V", "c")]
        return np.concatenate([weights, [output[0]], biases, [output[1]]])

    def weight_norms(self, flat):
        """‖(W, U)‖ for every time step, then ‖V‖, of a vector laid out like ``theta``."""
        with np.errstate(all="ignore"):
            shared = np.sqrt(sum(np.vdot(flat[self.parts[k][0]], flat[self.parts[k][0]]) for k in "WU"))
            return np.append(np.full(self.steps, shared), np.linalg.norm(flat[self.parts["V"][0]]))

    def jacobian_product(self, grads, chain_product):
        """The running product of the step Jacobians' RMS gains (``step_gains``) from time step
        T back, anchored at the measured ‖δ_T‖/‖∂C/∂z‖ (``chain_product[T-1]``), with 1 at the
        output: the line the measured running product ``chain_product`` follows where the
        error's direction is as a random one to each Jacobian."""
        gains = self.step_gains(grads.trace)
        with np.errstate(all="ignore"):
            running = np.cumprod(np.append(gains, chain_product[-2])[::-1])[::-1]
        return np.append(running, 1.0)


class RecurrentPlane(Plane):
    """The plane θs + a·U + b·V through an unrolled recurrent network: one direction moves the
    recurrent weights W, at every time step at once, the other the output weights V. The
    network runs once per step along W's direction (a batch of networks at once), and
    z = h_T (V + s·D) + c is affine in the step s along the output's, so the other axis of
    the grid costs one product."""

    def __init__(self, net, X, Y, u_layer, v_layer, U, V, theta):
        if max(u_layer, v_layer) != net.steps or u_layer == v_layer:
            raise ValueError("axes: a recurrent network's cost surface moves W (a time step's "
                             "layer) along one axis and the output layer along the other")
        self.net = net.copy()
        self.net.theta = theta
        self.X, self.Y = X, Y
        self.u_layer, self.v_layer, self.U, self.V = u_layer, v_layer, U, V
        self.first, self.second = sorted((u_layer, v_layer))
        self._sequences = self.net.sequences(X)

    def cost_and_slopes(self, a, b):
        """(C, (∂C/∂a, ∂C/∂b)) at θ(a, b): backpropagation through time, projected."""
        net = self.net.copy()
        net.theta = self.theta(a, b)
        gradients = net.gradients(self._sequences, self.Y)
        return gradients.loss, np.array([gradients.flat @ self.U, gradients.flat @ self.V])

    def cost(self, a, b):
        """C at θ(a, b), as the grid computes it (a forward pass)."""
        return float(self.grid_costs(np.array([a]), np.array([b]))[0, 0])

    def locate(self, net, step=0):
        """The network ``net`` (at training step ``step``) on the plane's data: its cost, its
        gradient along U and V, every layer's ‖∂C/∂b‖, and φ'(u_t) of every sample."""
        gradients = net.gradients(self._sequences, self.Y)
        return Location(gradients.loss, np.array([gradients.flat @ self.U, gradients.flat @ self.V]),
                        net.gradient_norms(gradients)[net.n_layers:], list(gradients.trace.dphis), step)

    def grid_costs(self, a_values, b_values, chunk_elements=GRID_ELEMENTS):
        """cost[i, k] = C(θs + a_i U + b_k V): the network run once per step along W's
        direction, for as many steps at once as keep z within ``chunk_elements`` numbers."""
        swap = self.u_layer > self.v_layer
        along_w, along_v = (b_values, a_values) if swap else (a_values, b_values)
        net, Y = self.net, self.Y
        D_w, D_v = self.direction_matrix(self.first), self.direction_matrix(self.second)
        rows = max(1, chunk_elements // (len(along_v) * Y.size))
        costs = np.empty((len(along_w), len(along_v)))
        with np.errstate(all="ignore"):
            for start in range(0, len(along_w), rows):
                chunk = slice(start, start + rows)
                h = net.last_hidden(self._sequences, net.W + along_w[chunk, None, None] * D_w)
                base, along = h @ net.V + net.c, h @ D_v
                z = base[:, None] + along_v[None, :, None, None] * along[:, None]
                costs[chunk] = net.loss_function.sample_costs(z, Y).mean(axis=-1)
        return costs.T if swap else costs
