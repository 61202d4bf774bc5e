"""The input–output Jacobian and its singular values, against finite differences of the
network's own forward pass, one input at a time."""
import numpy as np
import pytest

from simulator import SimConfig, Simulation
from simulator.jacobian import (LEAST_SAMPLES, SAMPLES, SPECTRUM_FLOPS, affordable_samples, jacobians,
                                running_jacobians, singular_values, spectrum)
from simulator.network import Network


def finite_difference_jacobian(net, x, stop, h=1e-6):
    """∂a^stop/∂a^0 at one input x, column by column by central differences."""
    def hidden(v):
        return net.propagate(v[None, :], 0, stop, batch_statistics=False)[0]
    columns = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        columns.append((hidden(x + e) - hidden(x - e)) / (2 * h))
    return np.array(columns).T


@pytest.mark.parametrize("activation, init, residual", [
    ("tanh", "orthogonal", False), ("relu", "he", False), ("sigmoid", "xavier", False),
    ("tanh", "xavier", True)])
def test_jacobian_and_its_singular_values_match_finite_differences(activation, init, residual):
    net = Network([5, 6, 6, 6, 2], activation, init, seed=3, residual=residual)
    X = np.random.default_rng(0).normal(size=(4, 5))
    J = jacobians(net, X)
    assert J.shape == (4, 6, 5)
    for x, J_x in zip(X, J):
        naive = finite_difference_jacobian(net, x, 3)
        assert np.allclose(J_x, naive, atol=1e-7)
        assert np.allclose(np.linalg.svd(naive, compute_uv=False),
                           singular_values(net, x[None, :])[0], atol=1e-7)


def test_batch_norm_is_taken_with_its_running_averages():
    net = Network([3, 4, 4, 2], "tanh", "xavier", seed=1, batch_norm=True)
    net.running_means[0][:] = [0.1, -0.2, 0.3, 0.0]
    net.running_vars[1][:] = [2.0, 0.5, 1.0, 3.0]
    net.gammas[0][:] = [1.5, 0.5, 1.0, 2.0]
    x = np.array([0.3, -0.7, 1.1])
    assert np.allclose(jacobians(net, x[None, :])[0], finite_difference_jacobian(net, x, 2), atol=1e-7)


def test_running_jacobians_are_the_jacobians_at_each_stop():
    net = Network([4, 4, 4, 4, 4, 1], "tanh", "orthogonal", seed=2)
    X = np.random.default_rng(1).normal(size=(3, 4))
    found = running_jacobians(net, X, [1, 3, 4])
    for stop in (1, 3, 4):
        assert np.allclose(found[stop], jacobians(net, X, stop))


def test_orthogonal_linear_layers_are_an_isometry():
    """Hand-derived: a product of orthogonal matrices has every singular value 1."""
    net = Network([8] * 6 + [2], "linear", "orthogonal", seed=4)
    values = singular_values(net, np.ones((2, 8)))
    assert np.allclose(values, 1.0)


@pytest.mark.parametrize("stop", [0, 3, 1.5])
def test_a_stop_that_is_not_a_hidden_layer_is_refused_in_one_sentence(stop):
    net = Network([2, 3, 3, 1], "tanh", "xavier")
    with pytest.raises(ValueError, match=r"stop: hidden layer numbers in 1 … 2 are required"):
        jacobians(net, np.zeros((1, 2)), stop)


def test_a_runs_spectrum_is_that_of_finite_differences_on_its_first_test_inputs():
    sim = Simulation(SimConfig(depth=3, width=5, activation="tanh", init="orthogonal"))
    sim.advance(20)
    found = sim.spectrum()
    assert found.step == 20 and len(found.values) == SAMPLES        # a 2-D set: 64 inputs are cheap
    for x, values in zip(sim.data.X_test, found.values):
        naive = np.linalg.svd(finite_difference_jacobian(sim.net, x, 3), compute_uv=False)
        assert np.allclose(values, naive, atol=1e-7)
    logs = np.log(np.concatenate([np.linalg.svd(finite_difference_jacobian(sim.net, x, 3), compute_uv=False)
                                  for x in sim.data.X_test[:SAMPLES]]))
    assert found.spread == pytest.approx(np.sqrt(np.mean((logs - logs.mean()) ** 2)), rel=1e-6)


def test_wide_inputs_take_fewer_samples_within_the_bound():
    narrow, wide = Network([2, 16, 16, 2], "tanh", seed=0), Network([784, 64, 64, 64, 10], "tanh", seed=0)
    assert affordable_samples(narrow) == SAMPLES
    n = affordable_samples(wide)          # by hand: 784 × (64·784 + 2 · 64·64) · 2 + 4 · 64² · 784
    assert n == max(LEAST_SAMPLES, int(SPECTRUM_FLOPS // (2 * 784 * (64 * 784 + 2 * 64 * 64) + 4 * 64 ** 2 * 784)))
    assert len(spectrum(wide, np.zeros((100, 784))).values) == n


def test_a_recurrent_run_has_no_spectrum_and_says_why():
    found = Simulation(SimConfig(recurrent=True, activation="tanh")).spectrum()
    assert found.values.size == 0 and "recurrent network multiplies by the same W" in found.note


def test_jacobians_that_overflow_are_left_out_and_said():
    net = Network([2, 4, 4, 1], "relu", seed=0)
    net.weights[0][...] = net.weights[1][...] = 1e200         # J = D W²ᵀ D W¹ᵀ: 1e400
    X = np.array([[1.0, 1.0], [0.0, 0.0], [-1.0, 2.0]])
    found = spectrum(net, X)
    kept = np.isfinite(jacobians(net, X)).all(axis=(1, 2))
    assert len(found.values) == kept.sum() < 3 and found.note.startswith(f"{3 - kept.sum()} of 3 inputs")
