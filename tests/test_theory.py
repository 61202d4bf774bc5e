"""Mean-field theory: hand-derived cases, brute-force integrals, and wide real networks."""
import numpy as np
import pytest

from simulator import theory
from simulator.activations import LEAKY_SLOPE, sigmoid
from simulator.network import Network
from simulator.stats import StatsRecorder


def _trapezoid_expectation(f, q, n=400_001):
    """E[f(x)], x ~ N(0, q), by the trapezoid rule on a fine grid: an independent check."""
    x = np.linspace(-14 * np.sqrt(q), 14 * np.sqrt(q), n)
    y = f(x) * np.exp(-x * x / (2 * q)) / np.sqrt(2 * np.pi * q)
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)


@pytest.mark.parametrize("q", [1e-6, 0.3, 1.0, 7.5, 400.0])
def test_gaussian_expectation_of_known_moments(q):
    assert theory.gaussian_expectation(lambda x: x * x, q) == pytest.approx(q, rel=1e-12)
    assert theory.gaussian_expectation(np.abs, q) == pytest.approx(np.sqrt(2 * q / np.pi), rel=1e-12)
    assert theory.gaussian_expectation(lambda x: np.maximum(x, 0) ** 2, q) == pytest.approx(q / 2, rel=1e-12)


@pytest.mark.parametrize("q", [0.05, 1.0, 30.0])
def test_gaussian_expectation_of_sigmoid_terms_matches_brute_force(q):
    for f in (lambda x: sigmoid(x) ** 2, lambda x: (sigmoid(x) * sigmoid(-x)) ** 2):
        assert theory.gaussian_expectation(f, q) == pytest.approx(_trapezoid_expectation(f, q), rel=1e-9)


@pytest.mark.parametrize("sigma_w, sigma_b", [(1.0, 0.5), (1.3, 0.1), (np.sqrt(2), 0.0)])
def test_relu_hand_derived(sigma_w, sigma_b):
    assert theory.chi("relu", 0.7, sigma_w) == pytest.approx(sigma_w ** 2 / 2, rel=1e-12)
    if sigma_w ** 2 < 2:
        expected = sigma_b ** 2 / (1 - sigma_w ** 2 / 2)
        assert theory.fixed_point("relu", sigma_w, sigma_b) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_relu_is_critical_at_he_initialisation():
    assert theory.chi_at_fixed_point("relu", np.sqrt(2.0), 0.0) == pytest.approx(1.0, rel=1e-12)
    assert theory.regime(theory.chi_at_fixed_point("relu", np.sqrt(2.0), 0.0)) == "edge of chaos"
    assert theory.fixed_point("relu", 2.0, 0.0) == float("inf")      # q grows without bound


def test_leaky_relu_hand_derived():
    factor = (1 + LEAKY_SLOPE ** 2) / 2
    assert theory.chi("leaky_relu", 2.0, 1.2) == pytest.approx(1.44 * factor, rel=1e-12)
    assert theory.length_map("leaky_relu", 2.0, 1.2, 0.3) == pytest.approx(1.44 * factor * 2.0 + 0.09, rel=1e-12)


def test_linear_hand_derived():
    assert theory.chi_at_fixed_point("linear", 0.8, 0.3) == pytest.approx(0.64, rel=1e-12)
    assert theory.fixed_point("linear", 0.8, 0.3) == pytest.approx(0.09 / (1 - 0.64), rel=1e-9)


def test_tanh_without_bias_vanishes_to_zero_signal_with_chi_sigma_w_squared():
    assert theory.fixed_point("tanh", 0.8, 0.0) == 0.0
    assert theory.chi_at_fixed_point("tanh", 0.8, 0.0) == pytest.approx(0.64, rel=1e-12)
    assert theory.regime(0.64) == "vanishing"


def test_sigmoid_is_deep_in_the_vanishing_regime():
    chi = theory.chi_at_fixed_point("sigmoid", 1.0, 0.0)
    # σ' ≤ 1/4 bounds χ = σw² E[σ'²] by 1/16
    assert 0.0 < chi < 1.0 / 16
    assert theory.regime(chi) == "vanishing"
    assert theory.regime(3.0) == "exploding"


@pytest.mark.parametrize("activation, init, sigma_w", [
    ("sigmoid", "scaled_normal", 1.0), ("tanh", "scaled_normal", 1.2), ("relu", "he", 1.0),
    ("tanh", "xavier", 1.0)])
def test_wide_networks_at_initialisation_agree_with_the_prediction(activation, init, sigma_w):
    """Measured per-layer gradient ratios of width-256 networks within 20 % of √χ."""
    sizes = [2] + [256] * 6 + [1]
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (128, 2))
    Y = (X[:, :1] * X[:, 1:] > 0) * 1.0
    measured = []
    for seed in range(3):
        net = Network(sizes, activation=activation, init=init, sigma_w=sigma_w, seed=seed)
        measured.append(StatsRecorder(net).record(net.gradients(X, Y)).chain_factors[1:])
    predicted = theory.predict(activation, sizes, init, np.mean(np.sum(X ** 2, axis=1) / 2),
                               sigma_w=sigma_w)
    ratio = np.mean(measured, axis=0) / predicted.chain_factors[1:]
    assert np.all(np.abs(ratio - 1) < 0.2), ratio
    assert np.allclose(predicted.chain_product[:-1],
                       np.cumprod(predicted.chain_factors[:0:-1])[::-1], rtol=1e-12)


def test_effective_sigmas_of_he_and_normal():
    assert theory.effective_sigmas("he", 50, 50) == pytest.approx((np.sqrt(2.0), 0.0))
    assert theory.effective_sigmas("normal", 30, 30) == pytest.approx((np.sqrt(30.0), 1.0))
