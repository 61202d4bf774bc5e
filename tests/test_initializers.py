"""Initialisers draw from the variances their formulas state (within sampling error)."""
import numpy as np
import pytest

from simulator.initializers import INITIALIZERS, bias_variance, initialize, weight_variance

FAN_IN, FAN_OUT = 300, 200
EXPECTED_WEIGHT_VARIANCE = {            # written out from the papers, not from the code
    "normal": 1.0,
    "scaled_normal": 1.7 ** 2 / FAN_IN,
    "standard": 0.8 ** 2 / (3 * FAN_IN),          # U(±1/√n) (Glorot & Bengio 2010, eq. 1, 15)
    "xavier": 0.8 ** 2 * 2.0 / (FAN_IN + FAN_OUT),
    "he": 0.8 ** 2 * 2.0 / FAN_IN,
    "lecun": 0.8 ** 2 / FAN_IN,
    "orthogonal": 0.8 ** 2 / FAN_IN,
}


@pytest.mark.parametrize("name", INITIALIZERS)
def test_weight_variance_matches_the_formula(name):
    W, _ = initialize(name, FAN_IN, FAN_OUT, np.random.default_rng(0), sigma_w=1.7, gain=0.8)
    expected = EXPECTED_WEIGHT_VARIANCE[name]
    assert weight_variance(name, FAN_IN, FAN_OUT, sigma_w=1.7, gain=0.8) == pytest.approx(expected)
    n = W.size
    # the sample mean square of n draws has standard error ≈ √(2/n)·σ² (Gaussian; less
    # for uniform, zero for orthogonal): five standard errors is a safe band
    assert np.mean(W ** 2) == pytest.approx(expected, rel=5 * np.sqrt(2.0 / n))
    assert abs(W.mean()) < 5 * np.sqrt(expected / n)


@pytest.mark.parametrize("name, sigma_b, expected", [
    ("normal", 0.0, 1.0), ("scaled_normal", 0.5, 0.25), ("xavier", 0.5, 0.0), ("he", 0.5, 0.0)])
def test_bias_variance_matches_the_formula(name, sigma_b, expected):
    _, b = initialize(name, 10, 4000, np.random.default_rng(1), sigma_b=sigma_b)
    assert bias_variance(name, sigma_b) == expected
    assert np.var(b) == pytest.approx(expected, rel=5 * np.sqrt(2.0 / b.size), abs=0.0)


def test_xavier_is_uniform_within_its_bound():
    W, _ = initialize("xavier", 30, 20, np.random.default_rng(2))
    assert np.abs(W).max() <= np.sqrt(6.0 / 50)


@pytest.mark.parametrize("shape", [(40, 40), (50, 20), (20, 50)])
def test_orthogonal_has_orthonormal_columns_or_rows(shape):
    W, _ = initialize("orthogonal", *shape, np.random.default_rng(3), gain=2.0)
    small = min(shape)
    gram = W.T @ W if shape[0] >= shape[1] else W @ W.T
    assert np.allclose(gram, 4.0 * np.eye(small), atol=1e-12)


def test_same_seed_same_weights():
    a, _ = initialize("he", 5, 5, np.random.default_rng(9))
    b, _ = initialize("he", 5, 5, np.random.default_rng(9))
    assert np.array_equal(a, b)


def test_unknown_initialiser_is_named():
    with pytest.raises(ValueError, match="init: unknown name 'kaiming'; allowed: normal, scaled_normal"):
        initialize("kaiming", 2, 2, np.random.default_rng())


def test_standard_is_uniform_within_one_over_root_fan_in():
    """Glorot & Bengio's eq. 1: W ~ U[−1/√n, 1/√n], n the size of the previous layer."""
    W, _ = initialize("standard", 30, 20, np.random.default_rng(3))
    assert np.abs(W).max() <= 1 / np.sqrt(30)
    assert np.abs(W).max() > 0.9 / np.sqrt(30)
