"""The phase diagram's measurements: each depth's ratio is that of a whole network of that depth."""
import numpy as np
import pytest

from simulator.initializers import initialize
from simulator.network import Network
from simulator.phase import log_error_ratios, phase_diagram


@pytest.mark.parametrize("activation, sigma_w", [("sigmoid", 3.0), ("tanh", 1.3), ("relu", 1.6)])
def test_each_depth_is_measured_on_a_whole_network_of_that_depth(activation, sigma_w):
    # The networks of one σw and seed share their first layers, and one forward pass; each
    # ratio equals that of a Network of its depth built from the same layers and
    # backpropagated by Network.gradients.
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, (16, 2))
    Y = (X[:, :1] * X[:, 1:] > 0) * 1.0
    depths, width, sigma_b, seed = [1, 4, 9], 8, 0.2, 5
    measured = log_error_ratios(activation, depths, sigma_w, sigma_b, seed, X, Y, width=width)
    deepest = Network([2] + [width] * max(depths) + [1], activation=activation,
                      init="scaled_normal", sigma_w=sigma_w, sigma_b=sigma_b, seed=seed)
    for d, value in zip(depths, measured):
        net = Network([2] + [width] * d + [1], activation=activation)
        for l in range(d):
            net.weights[l], net.biases[l] = deepest.weights[l], deepest.biases[l]
        net.weights[d], net.biases[d] = initialize("scaled_normal", width, 1,
                                                   np.random.default_rng([seed, d]), sigma_w, sigma_b)
        deltas = net.gradients(X, Y).delta_samples
        expected = np.log10(np.linalg.norm(deltas[0]) / np.linalg.norm(deltas[-1]))
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_a_ratio_that_overflows_is_not_a_number():
    X = np.random.default_rng(1).uniform(-1.0, 1.0, (16, 2))
    Y = np.zeros((16, 1))
    ratios = log_error_ratios("relu", [1, 100], 40.0, 0.0, 0, X, Y)
    assert np.isfinite(ratios[0]) and np.isnan(ratios[1])


def test_an_error_that_vanishes_below_the_squares_range_is_still_measured_vanishing():
    # At depth 100 and σw = 0.1 a sigmoid network's δ¹ is about 1e-162 of δ^L: its squares
    # underflow to 0 (the map drew that cell as overflowed, red, on a map that vanishes
    # everywhere); its size is measured, and a δ¹ of exactly 0 is -inf, never NaN.
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, (16, 2))
    Y = (X[:, :1] * X[:, 1:] > 0) * 1.0
    ratio = log_error_ratios("sigmoid", [100], 0.1, 0.0, 0, X, Y)[0]
    assert -200.0 < ratio < -150.0                     # per layer: 0.1 × σ' ≈ 0.025, 10^-1.6
    assert log_error_ratios("sigmoid", [100], 0.01, 0.0, 0, X, Y)[0] < -250.0    # 1e-261
    assert log_error_ratios("sigmoid", [100], 0.001, 0.0, 0, X, Y)[0] == -np.inf  # below 5e-324
    d = phase_diagram("sigmoid", 0.0, depths=np.array([1, 100]), sigma_ws=np.array([0.1, 1.0]),
                      seeds=2)
    assert not np.isnan(d.log_ratio).any() and np.all(d.log_ratio[1] < -10)
