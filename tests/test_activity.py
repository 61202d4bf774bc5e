"""Activation statistics per hidden layer against a naive loop over units and inputs."""
import numpy as np

from simulator.activity import SATURATED, activity, history
from simulator.network import Network


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
