"""The recurrent mode: the unrolled network's gradients and per-time-step statistics against a
plain NumPy RNN written here (a loop over samples and steps) and its finite differences; the
step Jacobians by finite differences; the decay per step against their product (within the
Bengio card's tolerance); the Simulation, its surface and its words in the recurrent mode."""
import copy

import numpy as np
import pytest

from simulator import SimConfig, Simulation
from simulator.cards.bengio import AGREEMENT
from simulator.data import SYMBOLS, first_symbol_dataset, first_symbol_task
from simulator.diagnosis import comparison_sentence, speed_sentence
from simulator.landscape import Landscape
from simulator.numbers import log_sizes
from simulator.stats import StatsRecorder
from simulator.unrolled import RecurrentPlane, UnrolledNetwork

from helpers import central_differences, plain_rnn_cost

H = 1e-6


# ------------------------------------------------------------------ a plain RNN (helpers.py)
def plain_hidden(W, U, b, x):
    """h_0 … h_T of one sequence x (T, inputs) by the plain loop."""
    hs = [np.zeros(len(b))]
    for x_t in x:
        hs.append(np.tanh(hs[-1] @ W + x_t @ U + b))
    return hs


def gradient(f, array):
    """Central finite differences of f() in every entry of ``array`` (changed in place)."""
    return central_differences(f, array.reshape(-1), H).reshape(array.shape)


def small(T=4, seed=5):
    net = UnrolledNetwork(3, 3, 3, T, 0.8, seed=seed)
    net.b[...] = [0.1, -0.2, 0.3]                       # not the zeros it starts with
    net.c[...] = [0.05, 0.0, -0.1]
    X, labels = first_symbol_task(4, T, 3, seed=2)
    X = X + np.random.default_rng(3).normal(0, 0.3, X.shape)      # not only one-hot inputs
    return net, X.reshape(4, -1), np.eye(3)[labels]


def untied(net):
    """Per-time-step copies of W, U, b, and V, c: the plain loop's parameters."""
    T = net.steps
    return ([net.W.copy() for _ in range(T)], [net.U.copy() for _ in range(T)],
            [net.b.copy() for _ in range(T)], net.V.copy(), net.c.copy())


# ------------------------------------------------------------------ gradients and statistics
def test_the_unrolled_gradient_is_that_of_a_plain_loop_by_finite_differences():
    net, X, Y = small()
    grads = net.gradients(X, Y)
    sequences = X.reshape(4, net.steps, 3)
    Ws, Us, bs, V, c = untied(net)
    cost = lambda: plain_rnn_cost(Ws, Us, bs, V, c, sequences, Y)          # noqa: E731
    assert grads.loss == pytest.approx(cost(), rel=1e-12)
    expected = np.concatenate([sum(gradient(cost, W) for W in Ws).ravel(),      # tied: summed
                               sum(gradient(cost, U) for U in Us).ravel(),
                               sum(gradient(cost, b) for b in bs), gradient(cost, V).ravel(),
                               gradient(cost, c)])
    assert np.allclose(grads.flat, expected, rtol=0, atol=1e-8)


def test_each_time_steps_bar_is_what_that_step_adds_by_finite_differences():
    """With the weights untied, time step t's ‖∂C/∂W_t, ∂C/∂U_t‖, ‖∂C/∂b_t‖ and ‖∂C/∂h_t‖
    (per sample) are the layer t's bars of a deep network; the output's are ‖∂C/∂V‖,
    ‖∂C/∂c‖ and ‖∂C/∂z‖. The relative update is that of the shared (W, U), and V's."""
    net, X, Y = small()
    sequences = X.reshape(4, net.steps, 3)
    Ws, Us, bs, V, c = untied(net)
    cost = lambda nudge=None: plain_rnn_cost(Ws, Us, bs, V, c, sequences, Y, nudge)   # noqa: E731
    T = net.steps
    w_norms = [np.sqrt(np.sum(gradient(cost, Ws[t]) ** 2) + np.sum(gradient(cost, Us[t]) ** 2))
               for t in range(T)] + [np.linalg.norm(gradient(cost, V))]
    b_norms = [np.linalg.norm(gradient(cost, bs[t])) for t in range(T)] + [np.linalg.norm(gradient(cost, c))]
    delta_norms = []
    for t in range(1, T + 2):
        nudge = np.zeros((4, 3))
        delta_norms.append(np.linalg.norm(gradient(lambda: cost((t, nudge)), nudge)))
    update = np.random.default_rng(0).normal(size=net.theta.size) * 1e-3
    stats = StatsRecorder(net).record(net.gradients(X, Y), update)
    assert np.allclose(stats.grad_w_norm, w_norms, rtol=1e-6)
    assert np.allclose(stats.grad_b_norm, b_norms, rtol=1e-6)
    assert np.allclose(stats.delta_rms, delta_norms, rtol=1e-6)
    assert np.allclose(stats.chain_product, np.array(delta_norms) / delta_norms[-1], rtol=1e-6)
    assert np.allclose(stats.chain_factors[1:], np.array(delta_norms[:-1]) / delta_norms[1:], rtol=1e-6)
    part = lambda v, name: v[net.parts[name][0]]                        # noqa: E731 (θ's layout)
    shared = lambda v: np.sqrt(np.sum(part(v, "W") ** 2) + np.sum(part(v, "U") ** 2))   # noqa: E731
    moved = [shared(update) / shared(net.theta)] * T + [
        np.linalg.norm(part(update, "V")) / np.linalg.norm(part(net.theta, "V"))]
    assert np.allclose(stats.relative_update, moved, rtol=1e-12)


def step_jacobians_by_hand(net, X, by_differences=False):
    """J_t = ∂h_{t+1}/∂h_t for t = 1 … T-1 and every sample, from the plain loop: by
    finite differences of one step (or as diag(tanh'(u_{t+1})) Wᵀ written out)."""
    W, U, b = net.W, net.U, net.b
    Js = []
    for x in X.reshape(len(X), net.steps, -1):
        hs = plain_hidden(W, U, b, x)
        per_step = []
        for t in range(1, net.steps):
            if by_differences:
                step = lambda h: np.tanh(h @ W + x[t] @ U + b)              # noqa: E731  h_t → h_{t+1}
                J = np.column_stack([(step(hs[t] + H * e) - step(hs[t] - H * e)) / (2 * H)
                                     for e in np.eye(len(b))])
            else:
                J = np.diag(1 - np.tanh(hs[t] @ W + x[t] @ U + b) ** 2) @ W.T
            per_step.append(J)
        Js.append(per_step)
    return np.array(Js).transpose(1, 0, 2, 3)                        # (T-1, samples, n, n)


def rms_gains(Js):
    """‖J_t‖_F/√n, root mean square over the samples."""
    return np.sqrt(np.mean(np.sum(Js ** 2, axis=(2, 3)), axis=1) / Js.shape[-1])


def test_the_jacobian_product_is_that_of_the_step_jacobians_by_finite_differences():
    net, X, Y = small(T=6)
    stats = StatsRecorder(net).record(net.gradients(X, Y))
    gains = rms_gains(step_jacobians_by_hand(net, X, by_differences=True))
    T = net.steps
    expected = [stats.chain_product[T - 1] * np.prod(gains[t:]) for t in range(T - 1)]
    assert np.allclose(stats.jacobian_product, expected + [stats.chain_product[T - 1], 1.0], rtol=1e-7)
    carried = np.einsum("tnk,tnkj->tnj", net.gradients(X, Y).deltas[1:],
                        step_jacobians_by_hand(net, X, by_differences=True))
    assert np.allclose(carried, net.gradients(X, Y).deltas[:-1], atol=1e-9)   # δ_t = δ_{t+1} J_t


def test_a_feed_forward_network_has_no_jacobian_product():
    assert Simulation(SimConfig(depth=2)).snapshot().stats.jacobian_product is None


# ------------------------------------------------------------------ the lesson
def decay_per_step(rho, activation="tanh", T=30, width=32, seeds=5):
    """(measured ‖δ_1‖/‖δ_T‖, the step Jacobians' product by hand), each per step: geometric
    means over T − 1 steps and ``seeds`` networks at initialisation, as the Bengio card
    measures them (64 sequences of the first-symbol task)."""
    data = first_symbol_dataset(90, T, seed=1)
    X, Y = data.X_train[:64], np.eye(len(SYMBOLS))[data.y_train[:64]]
    measured, law = [], []
    for seed in range(seeds):
        net = UnrolledNetwork(len(SYMBOLS), width, len(SYMBOLS), T, rho, seed, activation)
        stats = StatsRecorder(net).record(net.gradients(X, Y))
        measured.append(np.log(stats.chain_product[0] / stats.chain_product[T - 1]))
        if activation == "tanh":
            law.append(np.sum(np.log(rms_gains(step_jacobians_by_hand(net, X)))))
    return np.exp(np.mean(measured) / (T - 1)), np.exp(np.mean(law) / (T - 1)) if law else None


@pytest.mark.parametrize("rho", [0.5, 0.9, 1.5, 2.5])
def test_the_error_shrinks_per_step_back_as_the_product_of_the_step_jacobians(rho):
    measured, law = decay_per_step(rho)
    assert measured == pytest.approx(law, rel=AGREEMENT)


def test_below_a_spectral_radius_of_one_the_bars_fall_geometrically_towards_the_first_step():
    net = UnrolledNetwork(4, 32, 4, 30, 0.5, seed=0)
    data = first_symbol_dataset(90, 30, seed=1)
    stats = StatsRecorder(net).record(net.gradients(data.X_train[:64], np.eye(4)[data.y_train[:64]]))
    factors = stats.chain_factors[1:-1]                       # one per step back, t = 2 … T
    assert factors.max() < 0.6 and factors.max() / factors.min() < 1.6   # about one factor
    assert np.all(np.diff(stats.delta_rms[:-1]) > 0)          # smaller at every step back
    assert stats.delta_rms[0] / stats.delta_rms[-2] < 1e-10


@pytest.mark.parametrize("activation, rho, grows", [("linear", 0.8, False), ("linear", 1.5, True),
                                                     ("tanh", 1.2, False), ("tanh", 2.5, True)])
def test_above_one_the_error_grows_back_through_time_where_tanh_lets_it(activation, rho, grows):
    """A linear network's error grows back through time for any ρ > 1; tanh' < 1 takes back
    some of ρ, so tanh's grows only from about ρ = 2 (at 1.2 it still shrinks)."""
    measured, _ = decay_per_step(rho, activation, seeds=3)
    assert (measured > 1.05) if grows else (measured < 0.97)


# ------------------------------------------------------------------ the Simulation
RECURRENT = SimConfig(recurrent=True, time_steps=12, width=8, activation="tanh",
                      loss="softmax_cross_entropy", n_samples=200, learning_rate=0.1)


def test_a_recurrent_run_reports_per_time_step_as_a_deep_network_does_per_layer():
    sim = Simulation(RECURRENT)
    start = sim.snapshot()
    snap = sim.step(40)
    T = RECURRENT.time_steps
    assert snap.unit_name == "time step" and start.step == 0 and snap.step == 40
    for values in (snap.stats.grad_w_norm, snap.stats.grad_b_norm, snap.stats.delta_rms,
                   snap.stats.chain_product, snap.stats.jacobian_product, snap.speeds):
        assert values.shape == (T + 1,) and np.isfinite(values).all()
    assert snap.history.speed.shape == (40, T + 1)
    assert snap.derivatives.histogram.shape[0] == T                 # φ'(u_t) of every step
    assert not snap.theory.applies and "one W at every time step" in snap.theory.note
    assert snap.data.name == "first symbol" and snap.data.n_inputs == T * len(SYMBOLS)
    assert snap.surface.u_layer == 1 and snap.surface.v_layer == T + 1
    assert snap.decision.predicted.shape == snap.data.y_test.shape
    assert Simulation(SimConfig()).snapshot().unit_name == "layer"


def test_the_first_symbol_data_are_seeded_and_their_class_is_the_first_symbol():
    a, b = first_symbol_dataset(50, 7, seed=3), first_symbol_dataset(50, 7, seed=3)
    assert np.array_equal(a.X_train, b.X_train) and not np.array_equal(
        a.X_train, first_symbol_dataset(50, 7, seed=4).X_train)
    for X, y in ((a.X_train, a.y_train), (a.X_test, a.y_test)):
        sequences = X.reshape(len(X), 7, 4)
        assert np.all(sequences.sum(axis=2) == 1) and np.array_equal(sequences[:, 0].argmax(axis=1), y)
    assert len(a.y_test) + len(a.y_train) == 50 and a.classes == SYMBOLS


def test_the_cost_surface_moves_the_recurrent_and_the_output_weights_and_is_exact():
    """cost[i, k] is the cost of the network moved by hand to θs + a_i U + b_k V; U moves W
    only, V the output weights only; the probe's slopes are finite differences of the cost."""
    sim = Simulation(RECURRENT)
    sim.advance(30)
    landscape, net = sim.landscape, sim.net
    assert set(np.flatnonzero(landscape.U)) <= set(range(net.theta.size)[net.parts["W"][0]])
    assert set(np.flatnonzero(landscape.V)) <= set(range(net.theta.size)[net.parts["V"][0]])
    surface = landscape.compute_surface(5)
    X, Y = sim.surface_X, sim.surface_Y
    moved = net.copy()
    for i, k in [(0, 0), (1, 3), (4, 2), (2, 2)]:
        moved.theta = landscape.plane.theta0 + surface.a[i] * landscape.U + surface.b[k] * landscape.V
        assert surface.cost[i, k] == pytest.approx(moved.loss(X, Y), rel=1e-12)
    plane = landscape.plane
    cost, slopes = plane.cost_and_slopes(0.3, -0.2)
    assert cost == pytest.approx(plane.grid_costs(np.array([0.3]), np.array([-0.2]))[0, 0], rel=1e-12)
    h = 1e-5
    along = [(plane.cost_and_slopes(0.3 + h, -0.2)[0] - plane.cost_and_slopes(0.3 - h, -0.2)[0]) / (2 * h),
             (plane.cost_and_slopes(0.3, -0.2 + h)[0] - plane.cost_and_slopes(0.3, -0.2 - h)[0]) / (2 * h)]
    assert np.allclose(slopes, along, rtol=1e-5)


def test_a_recurrent_surface_needs_the_output_on_one_axis():
    net, X, Y = small()
    with pytest.raises(ValueError, match="a recurrent network's cost surface moves W"):
        Landscape(net, X, Y, 0, 1, plane=RecurrentPlane)


def test_a_pinned_copy_trains_as_the_run_it_copies_bit_for_bit():
    sim = Simulation(RECURRENT)
    sim.advance(7)
    pinned = copy.deepcopy(sim)
    assert np.shares_memory(pinned.net.W, pinned.net.theta) and not np.shares_memory(pinned.net.W, sim.net.W)
    sim.advance(25)
    pinned.advance(25)
    assert np.array_equal(sim.net.theta, pinned.net.theta)
    assert np.array_equal(Simulation(RECURRENT).step(32).stats.grad_b_norm, sim.snapshot().stats.grad_b_norm)


def test_turning_the_mode_on_and_off_builds_the_network_of_each():
    sim = Simulation(SimConfig(depth=3))
    sim.apply(RECURRENT)
    assert sim.net.recurrent and sim.net.n_layers == RECURRENT.time_steps + 1
    sim.apply(RECURRENT.replace(recurrent=False))
    assert not sim.net.recurrent and sim.net.n_layers == RECURRENT.depth + 1


def test_an_exploding_recurrent_network_freezes_at_its_last_finite_step_without_a_warning():
    sim = Simulation(RECURRENT.replace(activation="relu", spectral_radius=3.0, time_steps=60,
                                       learning_rate=1.0))
    snap = sim.step(200)
    assert snap.diverged is not None and snap.diagnosis.kind == "exploded"
    assert np.isfinite(snap.stats.delta_rms).all() and np.isfinite(sim.net.theta).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_the_remedies_offered_in_the_recurrent_mode_help(seed):
    """Saturated by ρ = 2.5: ρ → 1 takes h_t out of tanh's tails. Exploded (ReLU, ρ = 3):
    clipping keeps the run finite."""
    saturating = SimConfig(recurrent=True, activation="tanh", spectral_radius=2.5, seed=seed)
    diagnosis = Simulation(saturating).step(300).diagnosis
    assert diagnosis.kind == "saturated" and diagnosis.remedy.label == "ρ 2.5 → 1 and restart"
    assert Simulation(diagnosis.remedy.apply(saturating)).step(300).diagnosis.kind != "saturated"
    exploding = RECURRENT.replace(activation="relu", spectral_radius=3.0, time_steps=60, learning_rate=1.0,
                                  seed=seed)
    diagnosis = Simulation(exploding).step(300).diagnosis
    assert diagnosis.kind == "exploded" and diagnosis.remedy.changes == (("clip", True),)
    clipped = Simulation(diagnosis.remedy.apply(exploding)).step(300)
    assert clipped.diverged is None and clipped.ball.launched is None


# ------------------------------------------------------------------ its words
def test_the_words_name_time_steps_and_the_output():
    logs = log_sizes([1e-4, 1e-3, 1.0])
    assert speed_sentence(logs, "time step") == "Time step 1 learns 10,000× slower than the output"
    assert speed_sentence(log_sizes([0.0, 0.0, 1.0]), "time step").startswith("Time steps 1–2 get")
    assert speed_sentence(log_sizes([1.0, 0.0]), "time step") == \
        "The output's gradient is exactly 0: it does not learn"
    assert speed_sentence(logs) == "Layer 1 learns 10,000× slower than layer 3"
    assert comparison_sentence(logs, log_sizes([1e-3, 1.0]), "tanh·recurrent", "time step") == \
        "tanh·recurrent: time step 1 learns 10× slower than the baseline's layer 1"


def test_a_config_names_the_recurrent_fields_and_their_bounds():
    config = SimConfig(recurrent=True, time_steps=40, spectral_radius=0.5)
    assert SimConfig.from_json(config.to_json()) == config
    assert config.layer_sizes(4, 4) == [4] + [16] * 40 + [4] and config.surface_layers == (0, 40)
    for field, value, message in [("time_steps", 0, r"time_steps: must be in \[1, 100\], got 0"),
                                  ("spectral_radius", 0.0, r"spectral_radius: must be in \(0.0, 3.0\]"),
                                  ("recurrent", 1, "recurrent: must be true or false")]:
        with pytest.raises(ValueError, match=message):
            config.replace(**{field: value})


def test_the_comparison_names_what_a_recurrent_run_uses():
    from simulator.compare import versus
    recurrent = SimConfig(recurrent=True, activation="tanh", spectral_radius=0.9, depth=7)
    assert versus(recurrent, SimConfig()) == "sigmoid·xavier·depth 6 vs tanh·recurrent·ρ 0.9"
    assert versus(recurrent.replace(time_steps=40), recurrent) == "tanh·recurrent·ρ 0.9·T 20 vs tanh·recurrent·ρ 0.9·T 40"
