"""Activation statistics per hidden layer against a naive loop over units and inputs."""
import numpy as np
import pytest

from simulator import SimConfig, Simulation
from simulator import simulation
from simulator.activity import SATURATED, activity, history
from simulator.network import Network
from simulator.unrolled import UnrolledNetwork


def test_mean_percentiles_and_saturation_match_a_naive_loop():
    net = Network([3, 7, 5, 2], "sigmoid", "normal", seed=2)       # large weights: saturation
    X = np.random.default_rng(0).normal(size=(40, 3))
    found = activity(net, X)
    a = X
    for l in range(2):
        z = a @ net.weights[l] + net.biases[l]
        a = 1.0 / (1.0 + np.exp(-z))
        values = sorted(a.ravel())
        n = len(values)

        def percentile(p):                       # linear interpolation between order statistics
            k = (n - 1) * p / 100.0
            low = int(np.floor(k))
            return values[low] + (k - low) * (values[min(low + 1, n - 1)] - values[low])
        saturated = sum(1 for v in values if v * (1 - v) < SATURATED * 0.25) / n
        assert abs(found.mean[l] - sum(values) / n) < 1e-12
        assert abs(found.low[l] - percentile(2)) < 1e-12
        assert abs(found.high[l] - percentile(98)) < 1e-12
        assert abs(found.saturated[l] - saturated) < 1e-12
    assert found.saturated.max() > 0                # the case tests something


def test_history_stacks_the_steps():
    net = Network([2, 3, 3, 1], "tanh", "xavier", seed=0)
    X = np.ones((4, 2))
    h = history([0, 10], [activity(net, X), activity(net, 2 * X)])
    assert h.steps.tolist() == [0, 10] and h.mean.shape == (2, 2)
    assert np.allclose(h.high[1], activity(net, 2 * X).high)


def naive_statistics(layers, slopes, largest_slope):
    """Mean, 2nd and 98th percentile and saturated share of each layer, one plain loop each."""
    found = []
    for a, d in zip(layers, slopes):
        values = sorted(np.ravel(a))
        n = len(values)

        def percentile(p):
            k = (n - 1) * p / 100.0
            low = int(np.floor(k))
            return values[low] + (k - low) * (values[min(low + 1, n - 1)] - values[low])
        saturated = sum(1 for s in np.ravel(d) if abs(s) < SATURATED * largest_slope) / n
        found.append((sum(values) / n, percentile(2), percentile(98), saturated))
    return np.array(found).T


def test_layers_of_one_width_match_the_naive_loop_too():
    net = Network([3, 6, 6, 6, 2], "tanh", "normal", seed=4)
    X = np.random.default_rng(1).normal(size=(30, 3))
    a, layers, slopes = X, [], []
    for l in range(3):
        z = a @ net.weights[l] + net.biases[l]
        a = np.tanh(z)
        layers.append(a)
        slopes.append(1 - a * a)
    mean, low, high, saturated = naive_statistics(layers, slopes, 1.0)
    found = activity(net, X)
    assert np.allclose(found.mean, mean, atol=1e-12) and np.allclose(found.low, low, atol=1e-12)
    assert np.allclose(found.high, high, atol=1e-12) and np.allclose(found.saturated, saturated)
    assert found.saturated.max() > 0


def test_a_recurrent_networks_time_steps_are_its_layers():
    net = UnrolledNetwork(3, 5, 2, steps=4, spectral_radius_=2.5, seed=1)
    X = np.random.default_rng(2).normal(size=(20, 4 * 3))
    h, states = np.zeros((20, 5)), []
    for t in range(4):                            # h_t = tanh(h_{t-1} W + x_t U + b), by hand
        h = np.tanh(h @ net.W + X[:, 3 * t:3 * t + 3] @ net.U + net.b)
        states.append(h)
    mean, low, high, saturated = naive_statistics(states, [1 - s * s for s in states], 1.0)
    found = activity(net, X)
    assert np.allclose(found.mean, mean) and np.allclose(found.low, low) and np.allclose(found.high, high)
    assert np.allclose(found.saturated, saturated) and found.saturated.max() > 0


@pytest.mark.parametrize("config", [SimConfig(depth=3, width=5), SimConfig(recurrent=True, activation="tanh",
                                                                          time_steps=5, width=6)])
@pytest.mark.parametrize("kept", [True, False])
def test_a_run_records_the_activations_of_its_first_test_inputs_on_schedule(config, kept, monkeypatch):
    if not kept:                                  # each look in arrays of its own
        monkeypatch.setattr(simulation, "KEPT_LOOK", 0)
    sim = Simulation(config)
    sim.advance(5 * sim.activity_history.stride)
    record = sim.snapshot().history.activity
    steps = record.steps.tolist()
    assert steps[0] == 0 and len(steps) > 3 and np.all(np.diff(steps) == steps[1])   # evenly spaced
    again = Simulation(config)
    for k, step in enumerate(steps):              # each row: the network of that step on X_test[:300]
        again.advance(step - again.step_count)
        plain = activity(again.net, again.data.X_test[:300])
        assert np.allclose(record.mean[k], plain.mean) and np.allclose(record.high[k], plain.high)
        assert np.allclose(record.saturated[k], plain.saturated)
