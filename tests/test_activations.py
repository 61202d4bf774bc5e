"""Every activation: φ' equals finite differences of φ, its bounds hold, no overflow."""
import math

import numpy as np
import pytest

from simulator.activations import ACTIVATIONS, get_activation, sigmoid

NAMES = list(ACTIVATIONS)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_central_differences(name):
    act = get_activation(name)
    z = np.linspace(-6, 6, 1201)
    z = z[np.abs(z) > 1e-3]                       # keep away from kinks at 0
    h = 1e-6
    numeric = (act.value(z + h) - act.value(z - h)) / (2 * h)
    assert np.allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_bounds_hold_on_a_dense_grid(name):
    act = get_activation(name)
    dphi = act.derivative(np.linspace(-40, 40, 800_001))
    assert dphi.max() <= act.derivative_max + 1e-15
    assert dphi.min() >= act.derivative_min - 1e-15
    if act.argmax is not None:                    # the maximum is attained where stated
        assert act.derivative(np.array([act.argmax]))[0] == pytest.approx(act.derivative_max, abs=1e-12)
    else:                                         # and approached otherwise
        assert dphi.max() == pytest.approx(act.derivative_max, abs=1e-6)


def test_sigmoid_derivative_maximum_is_a_quarter():
    assert get_activation("sigmoid").derivative_max == 0.25
    assert get_activation("sigmoid").derivative(np.array([0.0]))[0] == 0.25


@pytest.mark.parametrize("name", NAMES)
def test_extreme_inputs_give_finite_values_without_warnings(name):
    act = get_activation(name)
    z = np.array([-1e308, -1e5, -800.0, -710.0, -40.0, 0.0, 40.0, 710.0, 800.0, 1e5, 1e308])
    value, dphi = act.value_and_derivative(z)     # pytest turns any RuntimeWarning into an error
    assert np.all(np.isfinite(dphi))
    assert np.all(np.isfinite(value) | (np.abs(z) > 1e300))
    assert np.array_equal(value, act.value(z))


def test_sigmoid_keeps_full_relative_precision_in_both_tails():
    for z in (-700.0, -300.0, -40.0, -1.0, 1.0, 40.0):
        expected = 1.0 / (1.0 + math.exp(-z))                      # Python floats
        expected_prime = math.exp(-abs(z)) / (1.0 + math.exp(-abs(z))) ** 2
        value, prime = get_activation("sigmoid").value_and_derivative(np.array([z]))
        assert value[0] == pytest.approx(expected, rel=1e-15)
        assert prime[0] == pytest.approx(expected_prime, rel=1e-14)
        assert sigmoid(np.array([z]))[0] == pytest.approx(expected, rel=1e-15)


def test_tanh_derivative_keeps_relative_precision_when_tanh_rounds_to_one():
    z = 30.0
    expected = 1.0 / math.cosh(z) ** 2
    assert get_activation("tanh").derivative(np.array([z]))[0] == pytest.approx(expected, rel=1e-14)


def test_unknown_activation_names_the_allowed_ones():
    with pytest.raises(ValueError, match="activation: unknown name 'sigmoidd'; allowed: sigmoid, tanh"):
        get_activation("sigmoidd")
