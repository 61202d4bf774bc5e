"""Optimiser steps against hand-computed updates; clipping keeps direction, caps length."""
import numpy as np
import pytest

from simulator.optim import Optimizer, euclidean_norm


def test_sgd_step():
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    Optimizer("sgd", 2, 0.1).step(theta, grad)
    assert np.allclose(theta, [1.0 - 0.05, -2.0 - 0.025], rtol=1e-15)


def test_momentum_two_steps_by_hand():
    theta, grad = np.array([1.0]), np.array([2.0])
    opt = Optimizer("momentum", 1, 0.1, momentum=0.9)
    opt.step(theta, grad)                 # v = -0.2
    opt.step(theta, grad)                 # v = 0.9·(-0.2) - 0.2 = -0.38
    assert theta[0] == pytest.approx(1.0 - 0.2 - 0.38, rel=1e-15)


def test_a_copy_keeps_the_state_it_steps_with_and_shares_none():
    """A pinned baseline's optimiser is a deep copy: momentum's v must come along (the copy
    makes only its scratch arrays anew), and a step of either leaves the other as it was."""
    import copy
    theta, grad = np.array([1.0]), np.array([2.0])
    opt = Optimizer("momentum", 1, 0.1, momentum=0.9)
    opt.step(theta, grad)                 # v = -0.2
    twin, twin_theta = copy.deepcopy(opt), theta.copy()
    twin.step(twin_theta, grad)           # v = 0.9·(-0.2) - 0.2 = -0.38
    opt.step(theta, grad)
    assert twin_theta[0] == theta[0] == pytest.approx(1.0 - 0.2 - 0.38, rel=1e-15)
    for name in ("velocity", "second", "_update", "_denominator"):
        assert not np.shares_memory(getattr(opt, name), getattr(twin, name))


def test_adam_first_steps_by_hand():
    theta, opt = np.array([0.0, 0.0]), Optimizer("adam", 2, 0.01)
    opt.step(theta, np.array([3.0, -1e-3]))
    # m̂ = g and ŝ = g² after one step, so Δθ = -η g/(|g| + ε)
    assert np.allclose(theta, [-0.01 * 3 / (3 + 1e-8), 0.01 * 1e-3 / (1e-3 + 1e-8)], rtol=1e-12)
    opt.step(theta, np.array([1.0, 1.0]))
    m = (0.9 * 0.1 * np.array([3.0, -1e-3]) + 0.1 * 1.0) / (1 - 0.9 ** 2)
    s = (0.999 * 0.001 * np.array([9.0, 1e-6]) + 0.001 * 1.0) / (1 - 0.999 ** 2)
    expected = np.array([-0.01 * 3 / (3 + 1e-8), 0.01 * 1e-3 / (1e-3 + 1e-8)]) - 0.01 * m / (np.sqrt(s) + 1e-8)
    assert np.allclose(theta, expected, rtol=1e-12)


def test_clipping_caps_the_norm_and_keeps_the_direction():
    theta, grad = np.zeros(3), np.array([30.0, -40.0, 0.0])
    report = Optimizer("sgd", 3, 1.0, clip_threshold=5.0).step(theta, grad)
    assert report.grad_norm == pytest.approx(50.0)
    assert np.allclose(theta, [-3.0, 4.0, 0.0], rtol=1e-15)            # norm 5, same direction
    small = np.array([0.3, 0.4])
    theta = np.zeros(2)
    Optimizer("sgd", 2, 1.0, clip_threshold=5.0).step(theta, small)
    assert np.array_equal(theta, -small)            # below the threshold: untouched


def test_l2_decays_weights_only():
    theta, mask = np.array([2.0, 2.0]), np.array([True, False])
    Optimizer("sgd", 2, 0.5, l2=0.1, weight_mask=mask).step(theta, np.zeros(2))
    assert np.allclose(theta, [2.0 - 0.5 * 0.1 * 2.0, 2.0])


def test_norm_of_huge_and_tiny_gradients():
    assert euclidean_norm(np.array([3e200, 4e200])) == pytest.approx(5e200)
    assert euclidean_norm(np.array([3e-200, 4e-200])) == pytest.approx(5e-200)
    assert euclidean_norm(np.array([np.inf, 1.0])) == np.inf


def test_a_known_sum_of_squares_is_used_and_one_out_of_range_measured_again():
    """Σ∇² from the segments' norms saves a pass; where it overflowed or underflowed
    (squares of 1e200 or 1e-200), ‖∇‖ is measured on ∇ itself, scaled."""
    assert euclidean_norm(np.array([3.0, 4.0]), square=25.0) == 5.0
    assert euclidean_norm(np.array([3e200, 4e200]), square=np.inf) == pytest.approx(5e200)
    assert euclidean_norm(np.array([3e-200, 4e-200]), square=0.0) == pytest.approx(5e-200)
    # L2 changes ∇ (here to (3, 4)): its norm is measured anew
    report = Optimizer("sgd", 2, 1.0, l2=1.0).step(np.array([3.0, 0.0]), np.array([0.0, 4.0]), square=16.0)
    assert report.grad_norm == 5.0


def test_overflowing_step_gives_inf_without_warning():
    theta = np.array([1e308])
    Optimizer("sgd", 1, 10.0).step(theta, np.array([-1e308]))
    assert theta[0] == np.inf


def test_unknown_optimizer_is_named():
    with pytest.raises(ValueError, match="optimizer: unknown name 'rmsprop'; allowed: sgd, momentum, adam"):
        Optimizer("rmsprop", 1, 0.1)
