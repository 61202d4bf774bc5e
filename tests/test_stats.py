"""Per-layer statistics against naive loops and independent NumPy routines."""
import numpy as np
import pytest

from simulator.network import Network
from simulator.optim import Optimizer
from simulator.stats import HISTOGRAM_BINS, StatsRecorder


def _net_and_grads(activation="sigmoid", sizes=(2, 6, 5, 6, 1), init="normal", seed=0):
    net = Network(list(sizes), activation=activation, init=init, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(9, sizes[0]))
    return net, net.gradients(X, (X[:, :1] > 0) * 1.0)


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "swish", "linear", "leaky_relu"])
def test_derivative_statistics_match_naive_loops(activation):
    net, grads = _net_and_grads(activation)
    rec = StatsRecorder(net)
    d = rec.derivatives(grads.trace.dphis)
    act = net.activation
    for k, dphi in enumerate(grads.trace.dphis):
        counts, _ = np.histogram(dphi, bins=d.bin_edges)
        assert np.array_equal(d.histogram[k], counts)
        values = dphi.ravel().tolist()
        assert d.mean_dphi[k] == pytest.approx(sum(values) / len(values), rel=1e-12)
        saturated = sum(abs(v) < 0.01 * act.derivative_max for v in values) / len(values)
        assert d.saturated_fraction[k] == pytest.approx(saturated)
        dead_units = sum(all(dphi[:, j] == 0) for j in range(dphi.shape[1])) / dphi.shape[1]
        assert d.dead_fraction[k] == pytest.approx(dead_units if act.can_die else 0.0)
    assert d.histogram.sum() == (6 + 5 + 6) * 9       # every hidden unit × every sample
    assert d.histogram.shape == (3, HISTOGRAM_BINS)


def test_maximum_of_the_derivative_lands_in_the_last_bin():
    net = Network([2, 4, 1], activation="sigmoid")
    net.weights[0][...] = 0.0                          # z = 0 everywhere: σ' = 1/4 exactly
    grads = net.gradients(np.ones((3, 2)), np.ones((3, 1)))
    d = StatsRecorder(net).derivatives(grads.trace.dphis)
    assert d.histogram[0, -1] == 12 and d.bin_edges[-1] == 0.25


def test_gradient_norms_and_relative_update_by_hand():
    net, grads = _net_and_grads()
    before = [W.copy() for W in net.weights]
    report = Optimizer("sgd", net.theta.size, 0.3).step(net.theta, grads.flat)
    stats = StatsRecorder(net).record(grads, report.update)
    for l, W in enumerate(net.weights):
        assert stats.grad_w_norm[l] == pytest.approx(np.sqrt((grads.weights[l] ** 2).sum()))
        assert stats.grad_b_norm[l] == pytest.approx(np.sqrt((grads.biases[l] ** 2).sum()))
        change = np.sqrt(((W - before[l]) ** 2).sum()) / np.sqrt((W ** 2).sum())
        assert stats.relative_update[l] == pytest.approx(change, rel=1e-9)


def test_chain_rule_product_is_the_product_of_the_factors():
    net, grads = _net_and_grads(sizes=(2, 8, 8, 8, 8, 1))
    stats = StatsRecorder(net).record(grads)
    L = net.n_layers
    assert np.isnan(stats.chain_factors[0]) and stats.chain_product[-1] == 1.0
    for l in range(L):
        assert stats.chain_product[l] == pytest.approx(np.prod(stats.chain_factors[l + 1:]), rel=1e-12)
    first, last = grads.delta_samples[0], grads.delta_samples[-1]
    assert stats.chain_product[0] == pytest.approx(np.linalg.norm(first) / np.linalg.norm(last))


def test_one_neuron_chain_factor_is_w_times_sigma_prime():
    net = Network([1, 1, 1, 1], activation="sigmoid", init="normal", seed=4)
    grads = net.gradients(np.array([[0.5]]), np.array([[1.0]]))
    stats = StatsRecorder(net).record(grads)
    for l in (1, 2):
        z_before = grads.trace.activations[l - 1][0, 0] * net.weights[l - 1][0, 0] + net.biases[l - 1][0]
        s = 1 / (1 + np.exp(-z_before))
        assert stats.chain_factors[l] == pytest.approx(abs(net.weights[l][0, 0] * s * (1 - s)), rel=1e-12)
