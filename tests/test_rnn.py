"""The recurrent network: forward pass and backpropagation through time against a plain
NumPy loop written here, and finite differences of that loop's cost."""
import numpy as np
import pytest

from simulator.data import first_symbol_task
from simulator.rnn import RecurrentNetwork, spectral_radius

from helpers import central_differences, plain_rnn_cost


def naive_cost(W, U, b, V, c, X, Y, nudge=None, **kinds):
    """The tied network's cost by the plain loop (helpers.py)."""
    T = X.shape[1]
    return plain_rnn_cost([W] * T, [U] * T, [b] * T, V, c, X, Y, nudge, **kinds)


def small():
    net = RecurrentNetwork(3, 4, 3, 0.8, seed=5)
    X, labels = first_symbol_task(5, 6, 3, seed=2)
    X = X + np.random.default_rng(3).normal(0, 0.3, X.shape)      # not only one-hot inputs
    return net, X, np.eye(3)[labels]


def test_the_cost_and_its_gradient_match_a_plain_loop_and_finite_differences():
    net, X, Y = small()
    gradients = net.gradients(X, Y)
    parts = lambda: (net.W, net.U, net.b, net.V, net.c)           # noqa: E731 (views of θ)
    assert gradients.loss == pytest.approx(naive_cost(*parts(), X, Y), rel=1e-12)
    assert np.allclose(gradients.flat, central_differences(lambda: naive_cost(*parts(), X, Y), net.theta),
                       rtol=0, atol=1e-8)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


KINDS = {   # (activation, cost) by name: the plain loop's own φ and cost of z
    ("sigmoid", "cross_entropy"): (sigmoid, lambda z, y: np.sum(np.log1p(np.exp(z)) - y * z)),
    ("elu", "quadratic"): (lambda u: np.where(u > 0, u, np.expm1(np.minimum(u, 0))),
                           lambda z, y: 0.5 * np.sum((sigmoid(z) - y) ** 2)),
    ("linear", "softmax_cross_entropy"): (lambda u: u, None),
}


@pytest.mark.parametrize("activation, loss", KINDS)
def test_other_activations_and_costs_match_finite_differences(activation, loss):
    phi, cost = KINDS[activation, loss]
    net = RecurrentNetwork(3, 4, 3, 0.8, seed=6, activation=activation, loss=loss)
    _, X, Y = small()
    kinds = {"phi": phi} | ({"cost": cost} if cost else {})
    f = lambda: naive_cost(net.W, net.U, net.b, net.V, net.c, X, Y, **kinds)     # noqa: E731
    gradients = net.gradients(X, Y)
    assert gradients.loss == pytest.approx(f(), rel=1e-12)
    assert np.allclose(gradients.flat, central_differences(f, net.theta), rtol=0, atol=1e-8)


def test_the_error_at_every_time_step_matches_finite_differences():
    """δ_t = ∂C/∂h_t for one sample, by nudging h_t in the plain loop."""
    net, X, Y = small()
    deltas = net.gradients(X[:1], Y[:1]).deltas
    h = 1e-6
    for t in range(1, X.shape[1] + 1):
        for k in range(4):
            e = np.zeros(4)
            e[k] = h
            up = naive_cost(net.W, net.U, net.b, net.V, net.c, X[:1], Y[:1], (t, e[None]))
            down = naive_cost(net.W, net.U, net.b, net.V, net.c, X[:1], Y[:1], (t, -e[None]))
            assert deltas[t - 1, 0, k] == pytest.approx((up - down) / (2 * h), abs=1e-8)


def test_the_step_jacobians_carry_the_error_back_one_step():
    """δ_t = δ_{t+1} J_t per sample, J_t = ∂h_{t+1}/∂h_t (BP2 through time)."""
    net, X, Y = small()
    gradients = net.gradients(X, Y)
    J = net.step_jacobians(gradients.trace)
    carried = np.einsum("tnk,tnkj->tnj", gradients.deltas[1:], J)
    assert np.allclose(carried, gradients.deltas[:-1])


@pytest.mark.parametrize("rho", [0.3, 1.0, 2.5])
def test_the_recurrent_weights_have_the_spectral_radius_asked_for(rho):
    W = RecurrentNetwork(2, 16, 2, rho, seed=1).W
    assert spectral_radius(W) == pytest.approx(rho, rel=1e-9)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(rho, rel=1e-9)


def test_the_task_labels_are_the_first_symbol():
    X, labels = first_symbol_task(50, 7, 4, seed=0)
    assert X.shape == (50, 7, 4) and np.all(X.sum(axis=2) == 1)
    assert np.array_equal(labels, X[:, 0].argmax(axis=1))


@pytest.mark.parametrize("args, message", [
    ((3, 4, 1, 0.5), "outputs ≥ 2"), ((3, 4, 2, 0.0), "spectral radius: must be in"),
    ((3, 4, 2, 11.0), "spectral radius: must be in")])
def test_bad_sizes_are_refused_in_one_sentence(args, message):
    with pytest.raises(ValueError, match=message):
        RecurrentNetwork(*args)


def test_inputs_of_the_wrong_shape_are_refused():
    net = RecurrentNetwork(3, 4, 2)
    with pytest.raises(ValueError, match=r"X: shape \(samples, T, 3\) required"):
        net.forward(np.zeros((2, 3)))
