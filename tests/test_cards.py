"""Paper cards: the run protocol, determinism, and each card's measurement against an
independent computation (finite differences, hand-derived laws), at small settings."""
import pickle

import numpy as np
import pytest

from simulator.cards import CARDS, CardResult, Progress, finish
from simulator.cards import bengio, glorot, he, nielsen, pennington, saxe
from simulator.cards.card import KINDS, Series
from simulator.data import make_dataset
from simulator.network import Network

QUICK = {key: finish(card.quick_run()) for key, card in CARDS.items()}


def test_the_registry_names_every_card_by_its_key():
    assert list(CARDS) == ["nielsen", "glorot", "he", "saxe", "pennington", "schoenholz", "bengio"]
    for key, card in CARDS.items():
        assert card.key == key and card.claim.endswith(".") and card.year > 1990
        assert str(card.year) in card.citation and card.seconds <= 30


@pytest.mark.parametrize("key", CARDS)
def test_a_run_yields_growing_progress_then_a_complete_result(key):
    steps = []
    run = CARDS[key].quick_run()
    while True:
        try:
            steps.append(next(run))
        except StopIteration as end:
            result = end.value
            break
    assert steps and all(isinstance(p, Progress) for p in steps)
    fractions = [p.fraction for p in steps]
    assert fractions == sorted(fractions) and 0 < fractions[0] and fractions[-1] == pytest.approx(1.0)
    assert all(not p.result.complete and p.result.mark == "measuring…" for p in steps)
    assert isinstance(result, CardResult) and result.complete and result.verdict and result.margin
    assert result.mark in ("holds", "does not hold")
    for figure in result.figures:
        assert figure.series or figure.heatmap is not None
        assert all(s.kind in KINDS and s.x.shape == s.y.shape for s in figure.series)
    assert pickle.loads(pickle.dumps(result)).lab == result.lab     # crosses processes


@pytest.mark.parametrize("key", CARDS)
def test_the_same_card_gives_the_same_result_bit_for_bit(key):
    again = finish(CARDS[key].quick_run())
    first = QUICK[key]
    assert (again.lab, again.holds, again.margin) == (first.lab, first.holds, first.margin)
    for f, g in zip(first.figures, again.figures):
        for s, t in zip(f.series, g.series):
            assert np.array_equal(s.y, t.y) and np.array_equal(s.x, t.x)


def test_a_series_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind: unknown 'guess'; allowed: paper, lab, law"):
        Series("x", [1], [1], "guess")


def test_nielsens_speed_is_the_length_of_the_bias_gradient_by_finite_differences():
    net = nielsen.nielsens_network(0)
    data = make_dataset("digits", seed=0)
    X, Y = data.X_train[:20], np.eye(10)[data.y_train[:20]]
    speeds = nielsen.speeds(net, X, Y)
    h = 1e-6
    for l in (0, 3):
        gradient = []
        for i in range(30):
            saved = net.biases[l][i]
            net.biases[l][i] = saved + h
            up = net.loss(X, Y)
            net.biases[l][i] = saved - h
            down = net.loss(X, Y)
            net.biases[l][i] = saved
            gradient.append((up - down) / (2 * h))
        assert speeds[l] == pytest.approx(np.linalg.norm(gradient), rel=1e-6)


def test_the_he_card_law_is_the_variance_halved_per_relu_layer():
    """Hand-derived: [64, 32 × d, 10]; a hidden-to-hidden step multiplies ‖δ‖² by
    n·Var[W]·E[φ'²] = 32·(2/64)·½ = ½ with Xavier and 32·(2/32)·½ = 1 with He; the output
    layer's by 32·(2/42)·½ (Xavier) and 32·(2/32)·½ (He)."""
    settings = he.Settings(depth=30)
    X = np.ones((1, 64))
    depth = settings.depth
    xavier = he.law(settings, "xavier", X)
    assert xavier[0] == pytest.approx(np.sqrt(32 / 42) * 0.5 ** ((depth - 1) / 2), rel=1e-9)
    assert he.law(settings, "he", X)[0] == pytest.approx(1.0, rel=1e-9)
    assert np.log2(xavier[0]) == pytest.approx(-15, abs=0.5)        # the paper's 2^-15


def test_the_measured_he_ratios_follow_the_law_at_the_quick_settings():
    numbers = QUICK["he"].numbers
    for init in he.INITS:
        assert numbers["layer1"][init] / numbers["law"][init] == pytest.approx(1, abs=0.6)


def test_glorots_law_is_a_third_per_layer_with_the_standard_initialisation():
    """Eq. 15: n·Var[W] = 1/3 for U[−1/√n, 1/√n]; tanh at its small q* adds E[φ'²] ≈ 1."""
    settings = glorot.Settings()
    law = glorot.law(settings, "standard", np.full((1, 64), 0.3))
    depth = settings.depth_gradients
    expected = (1 / 3) ** (depth - np.arange(1, depth + 1))
    assert np.allclose(law, expected, rtol=0.1)
    assert np.allclose(glorot.law(settings, "xavier", np.full((1, 64), 0.3))[1:], 1.0, atol=0.35)


def test_glorots_measured_gradient_variances_are_those_of_a_plain_backward_pass():
    """Var[δ^l] relative to the top layer, from the network's δ against a loop over layers
    written here: δ^l = (δ^{l+1} W^{l+1}ᵀ) ⊙ tanh'(z^l)."""
    settings = glorot.Settings(width=8, depth_gradients=3)
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(0, 1, (6, 64)), np.eye(10)[rng.integers(0, 10, 6)]
    found = glorot.gradient_variances(settings, "standard", 1, X, Y)
    net = Network(glorot.tanh_sizes(settings), "tanh", "standard", "softmax_cross_entropy", seed=1)
    zs, a = [], X
    for W, b in zip(net.weights, net.biases):
        zs.append(a @ W + b)
        a = np.tanh(zs[-1])
    z = zs[-1] - zs[-1].max(axis=1, keepdims=True)
    delta = (np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) - Y) / len(X)
    variances = []
    for l in range(len(zs) - 2, -1, -1):
        delta = (delta @ net.weights[l + 1].T) * (1 - np.tanh(zs[l]) ** 2)
        variances.insert(0, np.mean(delta * delta))
    assert np.allclose(found, np.array(variances) / variances[-1], rtol=1e-10)


@pytest.mark.parametrize("activation, init, per_layer", [
    ("relu", "orthogonal", 1.0), ("relu", "scaled_normal", 2.0)])
def test_penningtons_law_for_relu_is_l_and_2l(activation, init, per_layer):
    """The paper's L(1/p − 1) (orthogonal) and L/p (Gaussian) with p = 1/2 for ReLU."""
    law, _ = pennington.law(activation, init, np.sqrt(2.0), [1, 4, 16])
    assert np.allclose(law, per_layer * np.array([1, 4, 16]), rtol=1e-6)


def test_penningtons_tanh_orthogonal_law_is_near_zero_and_gaussian_near_l():
    orthogonal, q = pennington.law("tanh", "orthogonal", np.sqrt(1.05), [10])
    gaussian, _ = pennington.law("tanh", "scaled_normal", np.sqrt(1.05), [10])
    assert 0.015 < q < 0.03 and orthogonal[0] < 0.1 and gaussian[0] == pytest.approx(10, rel=0.05)


def test_penningtons_within_two_counts_singular_values_between_a_half_and_two():
    assert pennington.within_two(np.array([0.4, 0.5, 1.0, 2.0, 2.1])) == pytest.approx(0.6)


def test_bengios_measured_gains_are_those_of_the_step_jacobians_by_hand():
    """One hidden unit: J_t = tanh'(u_{t+1})·w, so the gain is |w|·tanh'(u_{t+1}) exactly."""
    from simulator.data import first_symbol_task
    from simulator.rnn import RecurrentNetwork
    net = RecurrentNetwork(2, 1, 2, 0.7, seed=0)
    X, labels = first_symbol_task(3, 5, 2, seed=0)
    norms, gains = bengio.measured(net, X, np.eye(2)[labels])
    trace = net.forward(X)
    expected = np.sqrt(np.mean((0.7 * trace.dphis[1:, :, 0]) ** 2, axis=1))
    assert np.allclose(gains, expected) and norms.shape == (5,)


def test_saxe_counts_a_diverging_run_as_not_reaching_the_threshold():
    settings = saxe.Settings(width=8, depths=(2,), most=30)
    data = make_dataset("digits", seed=0)
    X, Y = data.X_train, np.eye(10)[data.y_train]
    assert saxe.steps_to_threshold(settings, "orthogonal", 3, 1e3, X, Y, 30) is None
    assert saxe.steps_to_threshold(settings, "orthogonal", 2, 0.5, X, Y, 300) is not None
