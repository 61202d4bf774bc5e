"""Backpropagation equals central finite differences, for every activation × cost × remedy."""
import numpy as np
import pytest

from helpers import central_differences, relative_error
from simulator.activations import ACTIVATIONS
from simulator.losses import LOSSES
from simulator import parallel
from simulator.network import Network

REMEDIES = {"plain": {}, "batch_norm": {"batch_norm": True}, "residual": {"residual": True}}


def _batch(loss, n_out, rng, n=6, n_in=3):
    X = rng.normal(size=(n, n_in))
    if LOSSES[loss].one_hot:
        return X, np.eye(n_out)[rng.integers(0, n_out, n)]
    return X, rng.uniform(0.0, 1.0, (n, n_out))


@pytest.mark.parametrize("remedy", REMEDIES)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_match_central_differences(activation, loss, remedy):
    rng = np.random.default_rng(7)
    net = Network([3, 4, 4, 4, 2], activation=activation, loss=loss, init="scaled_normal",
                  sigma_w=1.3, sigma_b=0.4, seed=11, **REMEDIES[remedy])
    if net.gammas:                                  # γ ≠ 1, so its gradient is tested
        for g in net.gammas:
            g[...] = rng.uniform(0.5, 1.5, g.shape)
    X, Y = _batch(loss, 2, rng)
    grads = net.gradients(X, Y)
    numeric = central_differences(lambda: net.loss(X, Y), net.theta)
    assert relative_error(grads.flat, numeric) < 1e-6
    assert grads.loss == pytest.approx(net.loss(X, Y), rel=1e-15)


@pytest.mark.parametrize("loss", LOSSES)
def test_gradients_at_64_inputs_and_10_outputs_match_central_differences(loss):
    """The digits' shape: one-hot targets over ten sigmoid (or softmax) outputs."""
    rng = np.random.default_rng(5)
    net = Network([64, 6, 6, 10], activation="sigmoid", loss=loss, init="scaled_normal",
                  sigma_b=1.0, seed=4)
    X, Y = rng.uniform(0.0, 1.0, (5, 64)), np.eye(10)[rng.integers(0, 10, 5)]
    numeric = central_differences(lambda: net.loss(X, Y), net.theta)
    assert relative_error(net.gradients(X, Y).flat, numeric) < 1e-6


def test_batch_norm_in_evaluation_mode_has_exact_gradients_too():
    rng = np.random.default_rng(3)
    net = Network([3, 5, 5, 1], activation="tanh", batch_norm=True, seed=2)
    for mean, var in zip(net.running_means, net.running_vars):
        mean[...] = rng.normal(size=mean.shape)
        var[...] = rng.uniform(0.5, 2.0, var.shape)
    X, Y = _batch("cross_entropy", 1, rng)
    grads = net.gradients(X, Y, batch_statistics=False)
    numeric = central_differences(lambda: net.loss(X, Y, batch_statistics=False), net.theta)
    assert relative_error(grads.flat, numeric) < 1e-6


def test_one_neuron_per_layer_gives_nielsens_product_of_factors():
    """∂C/∂b¹ = σ'(z¹)·w²·σ'(z²)·w³·σ'(z³)·w⁴·σ'(z⁴)·∂C/∂a⁴ (Nielsen, ch. 5), by hand."""
    net = Network([1, 1, 1, 1, 1], activation="sigmoid", loss="quadratic", seed=5,
                  init="normal")
    x, y = 0.7, 0.2
    a, zs = x, []
    for W, b in zip(net.weights, net.biases):
        z = a * W[0, 0] + b[0]
        zs.append(z)
        a = 1.0 / (1.0 + np.exp(-z))
    s_prime = [np.exp(-z) / (1.0 + np.exp(-z)) ** 2 for z in zs]
    w = [W[0, 0] for W in net.weights]
    expected = s_prime[0] * w[1] * s_prime[1] * w[2] * s_prime[2] * w[3] * s_prime[3] * (a - y)
    grads = net.gradients(np.array([[x]]), np.array([[y]]))
    assert grads.biases[0][0] == pytest.approx(expected, rel=1e-13)      # ∂C/∂b¹ = δ¹


def test_deltas_sum_the_per_sample_errors_as_the_cost_averages_them():
    rng = np.random.default_rng(0)
    net = Network([2, 3, 1], seed=1)
    X, Y = rng.normal(size=(5, 2)), rng.uniform(size=(5, 1))
    grads = net.gradients(X, Y)
    for delta, samples in zip(grads.biases, grads.delta_samples):
        assert np.allclose(delta, samples.sum(axis=0), rtol=1e-14)
    # the output error of cross-entropy is (a - y)/N
    a = 1.0 / (1.0 + np.exp(-grads.trace.output_z))
    assert np.allclose(grads.delta_samples[-1], (a - Y) / 5, rtol=1e-14)


def test_weights_are_writable_and_gradients_use_what_they_hold():
    rng = np.random.default_rng(1)
    net = Network([4, 3, 2], loss="softmax_cross_entropy", seed=0)
    X, Y = rng.normal(size=(3, 4)), np.eye(2)[[0, 1, 1]]
    net.weights[0] = np.ones((4, 3))                 # assign a whole layer
    net.biases[1][1] = 2.0                           # or one entry
    assert np.array_equal(net.weights[0], np.ones((4, 3)))
    # the cost recomputed by hand from the same numbers
    a1 = 1.0 / (1.0 + np.exp(-(X @ np.ones((4, 3)) + net.biases[0])))
    z2 = a1 @ net.weights[1] + net.biases[1]
    log_softmax = z2 - np.log(np.exp(z2).sum(axis=1, keepdims=True))
    assert net.loss(X, Y) == pytest.approx(-(Y * log_softmax).sum() / 3, rel=1e-14)
    with pytest.raises(ValueError, match=r"shape \(2, 2\) given, \(4, 3\) required"):
        net.weights[0] = np.ones((2, 2))


def test_input_width_is_not_fixed_to_two():
    net = Network([7, 5, 3], activation="relu", init="he", loss="softmax_cross_entropy")
    X = np.random.default_rng(0).normal(size=(4, 7))
    grads = net.gradients(X, np.eye(3)[[0, 1, 2, 0]])
    assert [w.shape for w in grads.weights] == [(7, 5), (5, 3)]
    assert [b.shape for b in grads.biases] == [(5,), (3,)]


def test_float64_shows_gradients_far_below_float32s_range():
    """A 40-layer sigmoid network's first-layer gradient sits near 1e-30 and below."""
    net = Network([2] + [8] * 40 + [1], activation="sigmoid", init="xavier", seed=0)
    X = np.random.default_rng(0).normal(size=(16, 2))
    grads = net.gradients(X, (X[:, :1] > 0) * 1.0)
    first = np.linalg.norm(grads.biases[0])
    assert 0.0 < first < 1e-25
    assert np.float32(first) * np.float32(1e-20) == 0.0     # float32 would have lost it


@pytest.mark.parametrize("bad, message", [
    (dict(layer_sizes=[2]), "layer_sizes: need at least 2 positive integers"),
    (dict(layer_sizes=[2, 0, 1]), "layer_sizes"),
    (dict(layer_sizes=[2, 3, 1], activation="sigmod"), "activation: unknown name 'sigmod'"),
    (dict(layer_sizes=[2, 3, 1], init="glorot"), "init: unknown name 'glorot'; allowed: normal"),
    (dict(layer_sizes=[2, 3, 1], loss="mse"), "loss: unknown name 'mse'; allowed: cross_entropy"),
    (dict(layer_sizes=[2, 3, 4, 1], residual=True), r"residual: needs hidden layers of equal width, got widths \[3, 4\]"),
    (dict(layer_sizes=[2, 3, 1], loss="softmax_cross_entropy"), "at least 2 output units"),
])
def test_bad_arguments_raise_one_clear_value_error(bad, message):
    with pytest.raises(ValueError, match=message):
        Network(**bad)


def test_bad_batch_shapes_are_named():
    net = Network([2, 3, 1])
    with pytest.raises(ValueError, match=r"X: shape \(N, 2\) required, got \(4, 3\)"):
        net.gradients(np.zeros((4, 3)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"Y: shape \(4, 1\) required, got \(4,\)"):
        net.gradients(np.zeros((4, 2)), np.zeros(4))


def test_copy_is_independent():
    net = Network([2, 3, 1], batch_norm=True)
    clone = net.copy()
    clone.weights[0][0, 0] += 1.0
    clone.running_means[0][0] = 5.0
    assert net.weights[0][0, 0] != clone.weights[0][0, 0]
    assert net.running_means[0][0] == 0.0


def test_activation_of_the_output_layer_follows_the_cost():
    net = Network([2, 3, 1], activation="relu", loss="quadratic")
    X = np.array([[0.3, -0.2]])
    a = net.predict(X)
    z = net.forward(X).output_z
    assert a[0, 0] == pytest.approx(1 / (1 + np.exp(-z[0, 0])), rel=1e-15)


def test_running_averages_move_by_the_momentum_and_never_overflow():
    """μ ← μ + m (μ_batch − μ), σ² ← σ² + m (σ²_batch − σ²), from μ = 0, σ² = 1. Averages
    and a batch ±1.6e308 apart overflowed into inf, then NaN (a warning in the engine,
    found by the UI fuzz); such an update now changes nothing and says so."""
    net = Network([2, 3, 1], batch_norm=True, bn_momentum=0.1, seed=1)
    X = np.array([[0.3, -0.2], [1.0, 0.5], [-0.7, 0.1], [0.2, 0.9]])
    trace = net.forward(X)
    u = X @ net.weights[0]                                  # the first layer's û, by hand
    mean, var = u.mean(axis=0), u.var(axis=0)
    assert np.allclose(trace.batch_means[0].reshape(-1), mean, rtol=1e-12)
    assert net.update_running_statistics(trace)
    assert np.allclose(net.running_means[0], 0.1 * mean, rtol=1e-12)
    assert np.allclose(net.running_vars[0], 1 + 0.1 * (var - 1), rtol=1e-12)
    net.running_means[0][:] = 1.6e308
    trace.batch_means[0][...] = -1.6e308
    means, variances = [m.copy() for m in net.running_means], [v.copy() for v in net.running_vars]
    assert not net.update_running_statistics(trace)
    assert all((a == b).all() for a, b in zip(net.running_means + net.running_vars, means + variances))


@pytest.mark.parametrize("sizes, batch_norm", [([2] + [16] * 10 + [1], False),     # reduceat
                                               ([2] + [64] * 6 + [1], False),      # batched rows
                                               ([64, 200, 100, 10], True)])        # unequal widths
def test_segment_norms_equal_a_naive_sum_over_each_parameter(sizes, batch_norm):
    net = Network(sizes, batch_norm=batch_norm,
                  loss="softmax_cross_entropy" if sizes[-1] > 1 else "cross_entropy")
    flat = np.random.default_rng(0).normal(size=net.theta.size)
    net.theta = flat
    naive = [np.sqrt(sum(float(v) ** 2 for v in p.ravel()))
             for p in net.weights + net.biases + net.gammas]
    assert np.allclose(net.segment_norms(flat), naive, rtol=1e-13)
    assert np.allclose(net.weight_norms(flat), naive[:net.n_layers], rtol=1e-13)


def test_wide_layers_read_w_transposed_and_the_batched_gradient_stops_between_runs_of_layers(monkeypatch):
    """Layers of width 128 and more use Wᵀ as a view (no copy), and the hidden layers'
    batched ∂C/∂W is cut into runs of layers with a checkpoint between two (at depth 100 ×
    256 over 4,096 samples the whole product took seconds): both still give the exact
    gradient. Here on a small network, with the width and run length lowered to it."""
    import simulator.network
    monkeypatch.setattr(simulator.network, "TRANSPOSED_BELOW", 1)
    monkeypatch.setattr(simulator.network, "BODY_CHUNK", 1)          # two layers a run
    rng = np.random.default_rng(2)
    net = Network([3, 4, 4, 4, 4, 4, 4, 2], activation="tanh", seed=3)
    X, Y = _batch("cross_entropy", 2, rng)
    passed = []
    monkeypatch.setattr(simulator.network, "checkpoint", lambda: passed.append(1))
    grads = net.gradients(X, Y)
    assert len(passed) == 2 * net.n_layers + 3          # forward, backward, three runs of five
    numeric = central_differences(lambda: net.loss(X, Y), net.theta)
    assert relative_error(grads.flat, numeric) < 1e-6


@pytest.mark.parametrize("by_halves", [False, True])
@pytest.mark.parametrize("width, samples", [(4, 16), (64, 64)])     # b tiled, b broadcast
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_pass_records_each_layers_phi_and_phi_prime_even_where_e_to_the_minus_z_overflows(
        activation, width, samples, by_halves, monkeypatch):
    # Each layer's a and φ'(z) in the trace equal φ and φ' of z = a·W + b computed layer by
    # layer here, where the weights are so large that e^-z overflows (z < -745) somewhere;
    # also where the pass runs by halves of the samples on two threads.
    if by_halves:
        monkeypatch.setattr(parallel, "THRESHOLD", 1)
    net = Network([2, width, width, width, 1], activation=activation, seed=1, init="scaled_normal",
                  sigma_b=1.0)
    for W in net.weights:
        W *= 400.0
    X = np.random.default_rng(3).normal(size=(samples, 2))
    trace = net.forward(X)
    act, a, lowest = ACTIVATIONS[activation], X, np.inf
    for l in range(3):
        z = a @ net.weights[l] + net.biases[l]
        lowest = min(lowest, z.min())
        a, dphi = act.value_and_derivative(z)
        assert np.array_equal(trace.activations[l + 1], a)
        assert np.array_equal(trace.dphis[l], dphi)
    assert lowest < -745.0


def _per_product(monkeypatch):
    """Turn off the passes by halves: each large product split on its own, as before them."""
    monkeypatch.setattr(Network, "_split_from", lambda self, n, start: self.n_layers - 1)
    monkeypatch.setattr(Network, "_split_down_to", lambda self, n, stop: self.n_layers)


@pytest.mark.parametrize("remedy", ["plain", "residual"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_passes_by_halves_of_the_samples_give_the_exact_gradient_in_the_same_digits(
        activation, remedy, monkeypatch):
    """Where every hidden layer's product is large (here: the threshold lowered to 1), the
    forward pass, BP2 and a pass without a trace run by halves of the samples on two
    threads. The gradient equals central differences, and the gradient, the costs and the
    activations are the same to the last digit as where each product is split on its own."""
    import simulator.network
    monkeypatch.setattr(parallel, "THRESHOLD", 1)
    handed = []
    monkeypatch.setattr(simulator.network, "halves",
                        lambda work, n: (handed.append(n), parallel.halves(work, n)))
    rng = np.random.default_rng(4)
    net = Network([3, 5, 5, 5, 5, 2], activation=activation, loss="cross_entropy",
                  init="scaled_normal", sigma_w=1.3, sigma_b=0.4, seed=6, **REMEDIES[remedy])
    X, Y = _batch("cross_entropy", 2, rng, n=7)                   # odd: halves of 3 and 4
    grads = net.gradients(X, Y)
    assert handed == [7, 7]                                       # forward and BP2
    halves_flat, halves_a = grads.flat.copy(), [a.copy() for a in grads.trace.activations[1:]]
    halves_cost, halves_z = net.loss(X, Y), net.logits(X)
    assert handed == [7, 7, 7, 7]                                 # and the two passes
    assert relative_error(halves_flat, central_differences(lambda: net.loss(X, Y), net.theta)) < 1e-6
    handed.clear()
    _per_product(monkeypatch)
    grads = net.gradients(X, Y)
    assert np.array_equal(grads.flat, halves_flat)
    assert all(np.array_equal(a, b) for a, b in zip(grads.trace.activations[1:], halves_a))
    assert net.loss(X, Y) == halves_cost and np.array_equal(net.logits(X), halves_z)
    assert handed == []


def test_a_width_256_training_step_is_the_same_to_the_last_digit_by_halves(monkeypatch):
    """The real case: depth 10 × width 256 over a batch of 256, where every hidden layer's
    product is split (no threshold lowered), trained ten steps by halves and per product."""
    from simulator import SimConfig, Simulation

    def trained():
        sim = Simulation(SimConfig(depth=10, width=256, batch_size=256, n_samples=512))
        ball = sim.step(10).ball
        return [sim.net.theta.copy(), ball.position, ball.trail, ball.gradient,
                np.array([ball.cost, sim.evaluation().train_loss, sim.evaluation().test_loss])]

    by_halves = trained()
    _per_product(monkeypatch)
    assert all(np.array_equal(a, b) for a, b in zip(trained(), by_halves))
