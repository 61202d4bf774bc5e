"""The cost surface is the real network's cost; the ball is the network; the probe's slope
is the surface's."""
import numpy as np
import pytest

from simulator.config import SimConfig, load_presets
from simulator.data import make_dataset
from simulator.landscape import (LAUNCH_BOUND, STALE_DECADES, Landscape, Surface,
                                 filter_normalized_direction)
from simulator.network import Network
from simulator.simulation import COARSE_RESOLUTION, Simulation

REMEDIES = {"plain": {}, "batch_norm": {"batch_norm": True}, "residual": {"residual": True}}


def _data(n=64, seed=0):
    d = make_dataset("xor", n_samples=n, seed=seed, test_fraction=0.25)
    return d.X_train, d.y_train[:, None]


def _moved_by_hand(plane, a, b):
    """A Network whose layer-u and layer-v weights are moved by a·D_u and b·D_v, by hand."""
    net = plane.net.copy()
    for layer, step, direction in ((plane.u_layer, a, plane.U), (plane.v_layer, b, plane.V)):
        D = direction[net.layer_slice(layer)].reshape(net.weights[layer].shape)
        net.weights[layer] = net.weights[layer] + step * D
    return net


@pytest.mark.parametrize("remedy", REMEDIES)
@pytest.mark.parametrize("layers", [(0, -1), (3, 1), (1, 2)])
def test_surface_equals_the_cost_of_a_network_moved_by_hand(remedy, layers):
    X, Y = _data()
    net = Network([2, 6, 6, 6, 6, 1], activation="tanh", seed=3, **REMEDIES[remedy])
    landscape = Landscape(net, X, Y, *layers, seed=5, extent=1.5)
    surface = landscape.compute_surface(11)
    rng = np.random.default_rng(0)
    for i, k in rng.integers(0, 11, (6, 2)):
        expected = _moved_by_hand(landscape.plane, surface.a[i], surface.b[k]).loss(X, Y)
        assert surface.cost[i, k] == pytest.approx(expected, abs=1e-10)


def test_directions_are_filter_normalised_and_move_one_layer():
    net = Network([2, 5, 4, 1], seed=2)
    direction = filter_normalized_direction(net, 1, np.random.default_rng(0))
    D = direction[net.layer_slice(1)].reshape(net.weights[1].shape)
    assert np.allclose(np.linalg.norm(D, axis=0), np.linalg.norm(net.weights[1], axis=0), rtol=1e-12)
    outside = np.ones(net.theta.size, dtype=bool)
    outside[net.layer_slice(1)] = False
    assert not direction[outside].any()


@pytest.mark.parametrize("remedy", REMEDIES)
def test_the_probes_gradient_equals_finite_differences_of_the_surface(remedy):
    X, Y = _data()
    plane = Landscape(Network([2, 5, 5, 5, 1], activation="sigmoid", seed=1, **REMEDIES[remedy]),
                      X, Y, seed=2).plane
    a, b, h = 0.3, -0.4, 1e-6

    def cost(a, b):
        return _moved_by_hand(plane, a, b).loss(X, Y)

    value, gradient = plane.cost_and_slopes(a, b)
    numeric = [(cost(a + h, b) - cost(a - h, b)) / (2 * h), (cost(a, b + h) - cost(a, b - h)) / (2 * h)]
    assert np.allclose(gradient, numeric, rtol=1e-6, atol=1e-12)
    assert value == pytest.approx(cost(a, b), rel=1e-13)


@pytest.mark.parametrize("remedy", REMEDIES)
@pytest.mark.parametrize("layers", [(0, -1), (3, 1), (1, 2)])
@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_the_probe_sits_on_the_surface_to_the_last_digit(remedy, layers, activation):
    X, Y = _data()
    net = Network([2, 6, 6, 6, 6, 1], activation=activation, seed=4, **REMEDIES[remedy])
    landscape = Landscape(net, X, Y, *layers, seed=1, extent=2.0)
    surface = landscape.compute_surface(9)
    for i, k in ((2, 6), (0, 8), (4, 4), (7, 1)):
        landscape.drop(surface.a[i], surface.b[k])
        probe = landscape.probe
        assert probe.cost == surface.cost[i, k]                      # the same number
        assert np.array_equal(probe.trail, [[surface.a[i], surface.b[k]]]) and probe.steps == 0


@pytest.mark.parametrize("remedy", REMEDIES)
@pytest.mark.parametrize("layers", [(0, -1), (3, 1), (1, 2)])
def test_the_probes_gradient_is_full_backpropagation_projected_on_the_plane(remedy, layers):
    """The cheap pass over the moving layers gives ⟨∇θC, U⟩, ⟨∇θC, V⟩ of a full
    backpropagation at θ(a, b), computed here on a network moved by hand."""
    X, Y = _data()
    net = Network([2, 6, 6, 6, 6, 1], activation="tanh", seed=3, **REMEDIES[remedy])
    plane = Landscape(net, X, Y, *layers, seed=5, extent=1.5).plane
    for a, b in ((0.3, -0.4), (-1.2, 0.9)):
        grads = _moved_by_hand(plane, a, b).gradients(X, Y)
        cost, gradient = plane.cost_and_slopes(a, b)
        assert np.allclose(gradient, [grads.flat @ plane.U, grads.flat @ plane.V], rtol=1e-10, atol=1e-15)
        assert cost == pytest.approx(grads.loss, rel=1e-12)


def test_the_probe_rolls_downhill_keeps_a_trail_and_ends_with_its_plane():
    X, Y = _data()
    net = Network([2, 8, 8, 1], activation="relu", init="he", seed=0)
    landscape = Landscape(net, X, Y)
    landscape.compute_surface(8)
    landscape.configure_probe("sgd", 0.5)
    landscape.drop(0.75, 0.75)
    start = landscape.probe.cost
    probe = landscape.roll(50)
    assert probe.cost < start and probe.steps == 50 and probe.launched is None
    assert len(probe.trail) == 51 and np.array_equal(probe.trail[-1], probe.position)
    net.theta = net.theta * 1.1                                  # the network moves on:
    landscape.compute_surface(8)                                 # the same plane, finer: kept
    assert landscape.probe is not None
    for _ in landscape.taking(8, net=net):                       # a new plane: the probe ends
        pass
    assert landscape.probe is None and landscape.roll(3) is None


def _slopes(activation, init, seeds=10):
    """The typical |∂C/∂a|, |∂C/∂b| of the network at initialisation: the ball's slopes."""
    data = make_dataset("circles", seed=0)
    X, Y = data.X_train, data.y_train[:, None]
    slopes = []
    for seed in range(seeds):
        net = Network([2] + [16] * 8 + [1], activation=activation, init=init, seed=seed)
        slopes.append(Landscape(net, X, Y, seed=seed).locate(net).gradient)
    return np.sqrt(np.mean(np.square(slopes), axis=0))


def test_deep_sigmoid_surface_is_flat_along_the_first_layer_axis():
    along_first, along_last = _slopes("sigmoid", "xavier")
    assert along_first / along_last < 1e-3            # orders of magnitude flatter


def test_relu_with_he_initialisation_slopes_alike_along_both_axes():
    along_first, along_last = _slopes("relu", "he")
    assert 0.1 < along_first / along_last < 10.0       # within one order of magnitude


def test_a_cliff_launches_the_probe_and_nothing_raises():
    X, Y = _data()
    net = Network([2] + [16] * 10 + [1], activation="relu", init="scaled_normal", sigma_w=3.0, seed=0)
    landscape = Landscape(net, X, Y)
    landscape.compute_surface(8)
    landscape.configure_probe("sgd", 10.0)
    landscape.drop(0.75, 0.75)
    probe = landscape.roll(20)
    assert probe.launched is not None and "Launched off the map" in probe.launched
    assert np.all(np.isfinite(probe.position)) and np.abs(probe.position).max() <= LAUNCH_BOUND
    assert landscape.roll(5).steps == probe.steps                 # stays launched
    landscape.configure_probe("sgd", 10.0, clip_threshold=0.05)
    landscape.drop(0.75, 0.75)                                    # clipping tames the cliff
    assert landscape.roll(20).launched is None


def test_a_network_step_off_the_map_launches_the_ball():
    X, Y = _data()
    net = Network([2, 6, 6, 1], seed=0)
    landscape = Landscape(net, X, Y)
    landscape.compute_surface(8)
    a_far = LAUNCH_BOUND * 1.5 * landscape.surface.extent
    net.theta = landscape.origin + a_far * landscape.U        # one long step along a
    landscape.record(net.theta, 1)
    assert landscape.launched.startswith("Launched off the map at step 1: one step moved the network")
    assert " along a " in landscape.launched
    assert landscape.outside is None                            # the map does not follow a launch


def test_a_step_moves_the_ball_by_its_larger_change_along_a_or_b():
    """The ball's jump is the larger of |Δa| and |Δb| over the map's extent (hand-derived:
    θ = θo + a·U + b·V is at (a, b), U and V lying in two different layers); a step to
    weights that are not finite jumps by NaN and launches the ball."""
    X, Y = _data()
    net = Network([2, 6, 6, 1], seed=0)
    landscape = Landscape(net, X, Y)
    landscape.compute_surface(8)
    extent, U, V = landscape.surface.extent, landscape.U, landscape.V
    landscape.record(landscape.origin + 0.3 * extent * U - 0.1 * extent * V, 1)
    assert landscape.jump == pytest.approx(0.3) and landscape.launched is None
    landscape.record(landscape.origin + 0.2 * extent * U + 0.5 * extent * V, 2)
    assert landscape.jump == pytest.approx(0.6) and landscape.launched is None
    assert landscape.outside is None                              # still on the map
    landscape.record(landscape.origin + 1.5 * extent * V, 3)
    assert landscape.jump == pytest.approx(1.0) and landscape.outside == 2 * extent
    landscape.record(landscape.origin + np.nan * U, 4)
    assert np.isnan(landscape.jump)
    assert landscape.launched.startswith("Launched off the map at step 4: one step moved the network nan")


def test_bad_axes_and_positions_are_named():
    X, Y = _data()
    net = Network([2, 4, 1])
    with pytest.raises(ValueError, match=r"u_layer: must be a layer index in \[-2, 1\]"):
        Landscape(net, X, Y, u_layer=2)
    with pytest.raises(ValueError, match="v_layer: must differ from u_layer"):
        Landscape(net, X, Y, u_layer=1, v_layer=-1)
    with pytest.raises(ValueError, match="probe position: must be finite"):
        Landscape(net, X, Y).drop(np.nan, 0.0)
    with pytest.raises(ValueError, match="resolution: must be an integer in"):
        Landscape(net, X, Y).compute_surface(1)


def test_simulation_carries_surface_and_ball_and_takes_new_axes_on_axis_change():
    sim = Simulation(SimConfig(depth=3, width=6))
    snap = sim.step(50)
    assert snap.surface.resolution == COARSE_RESOLUTION and (snap.surface.u_layer, snap.surface.v_layer) == (1, 4)
    version = snap.surface.version
    assert sim.refine_surface(48).version > version
    assert sim.step(1).surface.resolution == 48
    trained = sim.net.theta.copy()
    sim.apply(sim.config.replace(u_layer=2, v_layer=3))
    assert np.array_equal(sim.net.theta, trained)                # training goes on
    assert np.array_equal(sim.landscape.origin, trained)         # the new axes start at θ now
    snap = sim.snapshot()
    assert (snap.surface.u_layer, snap.surface.v_layer) == (2, 3)
    assert np.array_equal(snap.ball.position, [0.0, 0.0]) and len(snap.ball.trail) == 1
    with pytest.raises(ValueError, match="v_layer: must name another layer than u_layer"):
        sim.config.replace(u_layer=4, v_layer=-1)


def test_trail_keeps_the_newest_positions_oldest_first():
    from simulator.landscape import Trail
    trail = Trail(3)
    for k in range(5):
        trail.append([k, -k])
    assert trail.array().tolist() == [[2, -2], [3, -3], [4, -4]]
    short = Trail(4)
    short.append([1, 1])
    assert short.array().tolist() == [[1, 1]]


def test_surface_versions_are_unique_across_rebuilt_networks():
    """Every new Landscape used to number its surfaces from 1: a cache keyed on the
    version took a relu network's surface for the sigmoid one's."""
    sim = Simulation(SimConfig(depth=3, width=6))
    seen = {sim.snapshot().surface.version}
    for activation in ("relu", "leaky_relu", "tanh"):
        sim.apply(sim.config.replace(activation=activation))          # a new network
        seen.add(sim.snapshot().surface.version)
        seen.add(sim.refine_surface(24).version)
    seen.add(Simulation(SimConfig(depth=3, width=6)).snapshot().surface.version)
    assert len(seen) == 8


def test_the_ball_is_the_same_however_the_steps_are_asked_for():
    config = SimConfig(depth=3, width=6, n_samples=200, batch_size=16)
    one_by_one, at_once = Simulation(config), Simulation(config)
    for _ in range(57):
        one_by_one.advance(1)
    at_once.advance(57)
    a, b = one_by_one.snapshot(), at_once.snapshot()
    assert np.array_equal(a.ball.position, b.ball.position)
    assert np.array_equal(a.ball.trail, b.ball.trail) and len(a.ball.trail) > 20
    assert np.array_equal(a.history.eval_steps, b.history.eval_steps)


@pytest.mark.parametrize("axes", [(1, -1), (-1, 1)])
def test_a_refinement_computes_a_row_per_share_at_least_and_the_same_surface(axes):
    sim = Simulation(SimConfig(depth=3, width=6, u_layer=axes[0], v_layer=axes[1]))
    landscape = sim.landscape
    shares = list(landscape.refinement(12, budget=0.0))        # no time: one row a share
    assert shares == [False] * 11 + [True] and landscape.surface.resolution == 12
    refined = landscape.surface.cost
    assert np.array_equal(refined, landscape.compute_surface(12).cost)
    stale = landscape.refinement(12, budget=0.0)
    next(stale)
    landscape.compute_surface(8, 2.0)                           # the map widened meanwhile
    assert list(stale)[-1] and landscape.surface.resolution == 8   # it is kept


def test_log_cost_is_the_decimal_logarithm_and_warns_of_nothing():
    cost = np.array([[1.0, 100.0], [0.0, np.inf]])                  # 0 and ∞ warn in np.log10
    surface = Surface(1, np.zeros(2), np.zeros(2), cost, 1, 2, 1.0)
    assert np.array_equal(surface.log_cost, [[0.0, 2.0], [-np.inf, np.inf]])


# ------------------------------------------------------------------ the ball is the network
def _random_configs(count=30):
    """Seeded random configs over activations, initialisations, remedies, costs, optimisers,
    axes and data sets, small enough to train quickly."""
    rng = np.random.default_rng(2026)
    configs = []
    for seed in range(count):
        depth = int(rng.integers(1, 7))
        n = depth + 1
        u, v = (int(k) for k in rng.choice(np.arange(1, n + 1), 2, replace=False))
        config = SimConfig(depth=depth, width=int(rng.choice([1, 3, 8, 16])),
                           activation=str(rng.choice(["sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                                      "swish", "gelu", "softplus", "linear"])),
                           init=str(rng.choice(["xavier", "he", "lecun", "orthogonal", "normal",
                                                "scaled_normal"])),
                           sigma_w=float(rng.uniform(0.5, 3.0)), sigma_b=float(rng.uniform(0, 1)),
                           loss=str(rng.choice(["cross_entropy", "quadratic", "softmax_cross_entropy"])),
                           optimizer=str(rng.choice(["sgd", "momentum", "adam"])),
                           learning_rate=float(rng.choice([0.01, 0.1, 0.5])),
                           batch_size=int(rng.choice([8, 32, 128])), clip=bool(rng.integers(2)),
                           batch_norm=bool(rng.integers(2)), residual=bool(rng.integers(2)),
                           dataset=str(rng.choice(["circles", "xor", "spiral", "digits"])),
                           n_samples=int(rng.choice([60, 200])), seed=seed, u_layer=u,
                           v_layer=v if v < n else -1)
        configs.append(config)
    return configs


CASES = [(name, preset.config) for name, preset in load_presets().items()] + \
        [(f"random {k}", config) for k, config in enumerate(_random_configs())]


@pytest.mark.parametrize("name, config", CASES, ids=[name for name, _ in CASES])
def test_the_ball_is_the_network(name, config):
    """At several steps: the ball's cost is the network's cost on the surface's data, its
    slope the network's gradient along U and V (a full backpropagation, projected), its
    position the network's weights seen along U and V; a training step moves it (when it
    moves layer u or v); its a-slope is 0 exactly when layer u's gradient is."""
    sim = Simulation(config)
    for steps in (0, 1, 36, 263):
        before = sim.net.theta.copy()
        sim.advance(steps)
        if sim.diverged is not None:
            break
        snap, net, landscape = sim.snapshot(), sim.net, sim.landscape
        X, Y = sim.surface_X, sim.surface_Y
        cost = net.loss(X, Y)
        assert snap.ball.cost == pytest.approx(cost, rel=1e-9)
        flat = net.gradients(X, Y).flat
        expected = np.array([flat @ landscape.U, flat @ landscape.V])
        assert np.allclose(snap.ball.gradient, expected, rtol=1e-6, atol=1e-300)
        u = sim.config.surface_layers[0]
        assert (snap.ball.gradient[0] == 0) == (not flat[net.layer_slice(u)].any())
        seen = [(net.theta - landscape.origin) @ d / (d @ d) for d in (landscape.U, landscape.V)]
        assert np.allclose(snap.ball.position, seen, rtol=1e-9, atol=1e-15)
        if steps:
            moved = [(net.theta - before)[net.layer_slice(l)].any() for l in sim.config.surface_layers]
            assert np.array_equal(snap.ball.trail[-1], snap.ball.position) or not any(moved)


def test_a_single_step_moves_the_ball():
    sim = Simulation(load_presets()["Deep sigmoid (vanishing)"].config)
    start = sim.snapshot().ball.position
    after = sim.step(1).ball.position
    assert not np.array_equal(start, after)


# ------------------------------------------------------------------ the surface follows
def test_a_new_surface_passes_through_the_network_and_keeps_the_ball_and_its_trail():
    sim = Simulation(load_presets()["Deep ReLU + He (healthy)"].config)
    sim.advance(40)
    before = sim.snapshot()
    assert sim.surface_due() and before.ball.off_plane > STALE_DECADES
    sim.follow_network()
    after = sim.snapshot()
    assert after.surface.version != before.surface.version and after.surface.step == 40
    assert np.array_equal(after.ball.position, before.ball.position)
    assert np.array_equal(after.ball.trail, before.ball.trail)
    assert after.ball.plane_cost == pytest.approx(after.ball.cost, rel=1e-10)
    assert not sim.surface_due()


def test_a_network_that_leaves_the_map_gets_a_wider_map_on_the_same_plane_at_once():
    """Widened in the step that left the map, headless or live alike (the window's engine
    had widened the exploding preset's map, a picture had not)."""
    sim = Simulation(SimConfig(depth=2, width=4, learning_rate=20.0))
    plane = sim.landscape.plane
    for _ in range(50):
        sim.advance(1)
        position = sim.landscape.position(sim.net.theta)
        if np.abs(position).max() > 1.0 and sim.landscape.launched is None:
            break
    extent = sim.landscape.surface.extent
    assert extent > 1.0 and np.abs(position).max() <= extent < 2.2 * np.abs(position).max()
    assert sim.landscape.plane is plane and sim.landscape.outside is None


def test_how_stale_the_surface_is_is_measured_against_the_plane_by_hand():
    sim = Simulation(load_presets()["Batch norm rescues deep sigmoid"].config)
    sim.advance(25)
    ball = sim.snapshot().ball
    plane = sim.landscape.plane
    by_hand = _moved_by_hand(plane, *ball.position).loss(sim.surface_X, sim.surface_Y)
    assert ball.plane_cost == pytest.approx(by_hand, rel=1e-10)
    assert ball.off_plane == pytest.approx(abs(np.log10(ball.cost) - np.log10(by_hand)), rel=1e-9)


# ------------------------------------------------------------------ honest colours
def _surface(cost):
    steps = np.linspace(-1, 1, cost.shape[0])
    return Surface(1, steps, steps, cost, 1, 2, 1.0)


def test_a_flat_surface_is_flat_and_its_colours_do_not_stretch_the_noise():
    rng = np.random.default_rng(0)
    flat = _surface(0.693 * (1 + 4e-7 * rng.uniform(size=(8, 8))))
    assert flat.flat and flat.relief < 1e-6
    low, high = flat.levels()
    assert high - low == pytest.approx(0.05) and low < np.log10(0.693) < high
    bowl = _surface(np.add.outer(np.linspace(-1, 1, 9) ** 2, np.linspace(-1, 1, 9) ** 2) + 0.1)
    assert not bowl.flat
    assert bowl.levels() == (pytest.approx(np.log10(0.1)), pytest.approx(np.log10(2.1)))
