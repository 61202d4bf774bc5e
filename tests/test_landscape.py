"""The cost surface is the real network's cost; the ball's slope is the real gradient."""
import numpy as np
import pytest

from simulator.config import SimConfig
from simulator.data import make_dataset
from simulator.landscape import LAUNCH_BOUND, Landscape, Surface, filter_normalized_direction
from simulator.network import Network
from simulator.simulation import COARSE_RESOLUTION, Simulation

REMEDIES = {"plain": {}, "batch_norm": {"batch_norm": True}, "residual": {"residual": True}}


def _data(n=64, seed=0):
    d = make_dataset("xor", n_samples=n, seed=seed, test_fraction=0.25)
    return d.X_train, d.y_train[:, None]


def _moved_by_hand(landscape, a, b):
    """A Network whose layer-i and layer-j weights are moved by a·D_i and b·D_j, by hand."""
    net = landscape.net.copy()
    for layer, step, direction in ((landscape.u_layer, a, landscape.U), (landscape.v_layer, b, landscape.V)):
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
        expected = _moved_by_hand(landscape, surface.a[i], surface.b[k]).loss(X, Y)
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
def test_ball_gradient_equals_finite_differences_of_the_surface(remedy):
    X, Y = _data()
    landscape = Landscape(Network([2, 5, 5, 5, 1], activation="sigmoid", seed=1, **REMEDIES[remedy]),
                          X, Y, seed=2)
    a, b, h = 0.3, -0.4, 1e-6
    cost, gradient = landscape.gradient(a, b)
    numeric = [(landscape.cost(a + h, b) - landscape.cost(a - h, b)) / (2 * h),
               (landscape.cost(a, b + h) - landscape.cost(a, b - h)) / (2 * h)]
    assert np.allclose(gradient, numeric, rtol=1e-6, atol=1e-12)
    assert cost == pytest.approx(landscape.cost(a, b), rel=1e-14)


@pytest.mark.parametrize("remedy", REMEDIES)
@pytest.mark.parametrize("layers", [(0, -1), (3, 1), (1, 2)])
@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_ball_sits_on_the_surface_to_the_last_digit(remedy, layers, activation):
    X, Y = _data()
    net = Network([2, 6, 6, 6, 6, 1], activation=activation, seed=4, **REMEDIES[remedy])
    landscape = Landscape(net, X, Y, *layers, seed=1, extent=2.0)
    surface = landscape.compute_surface(9)
    for i, k in ((2, 6), (0, 8), (4, 4), (7, 1)):
        landscape.drop(surface.a[i], surface.b[k])
        ball = landscape.ball
        assert ball.cost == surface.cost[i, k]                       # the same number
        assert np.array_equal(ball.trail, [[surface.a[i], surface.b[k]]]) and ball.steps == 0


@pytest.mark.parametrize("remedy", REMEDIES)
@pytest.mark.parametrize("layers", [(0, -1), (3, 1), (1, 2)])
def test_ball_gradient_is_full_backpropagation_projected_on_the_plane(remedy, layers):
    """The cheap pass over the moving layers gives ⟨∇θC, U⟩, ⟨∇θC, V⟩ of a full
    backpropagation at θ(a, b), computed here on a network moved by hand."""
    X, Y = _data()
    net = Network([2, 6, 6, 6, 6, 1], activation="tanh", seed=3, **REMEDIES[remedy])
    landscape = Landscape(net, X, Y, *layers, seed=5, extent=1.5)
    for a, b in ((0.3, -0.4), (-1.2, 0.9)):
        grads = _moved_by_hand(landscape, a, b).gradients(X, Y)
        cost, gradient = landscape.gradient(a, b)
        assert np.allclose(gradient, [grads.flat @ landscape.U, grads.flat @ landscape.V],
                           rtol=1e-10, atol=1e-15)
        assert cost == pytest.approx(grads.loss, rel=1e-12)


def test_ball_rolls_downhill_and_keeps_a_bounded_trail():
    X, Y = _data()
    landscape = Landscape(Network([2, 8, 8, 1], activation="relu", init="he", seed=0), X, Y)
    landscape.configure_ball("sgd", 0.5)
    start = landscape.ball.cost
    ball = landscape.roll(50)
    assert ball.cost < start and ball.steps == 50 and ball.launched is None
    assert len(ball.trail) == 51 and np.array_equal(ball.trail[-1], ball.position)


def _slopes(activation, init, seeds=10):
    data = make_dataset("circles", seed=0)
    X, Y = data.X_train, data.y_train[:, None]
    slopes = []
    for seed in range(seeds):
        net = Network([2] + [16] * 8 + [1], activation=activation, init=init, seed=seed)
        slopes.append(Landscape(net, X, Y, seed=seed).gradient(0.0, 0.0)[1])
    return np.sqrt(np.mean(np.square(slopes), axis=0))     # typical |∂C/∂a|, |∂C/∂b|


def test_deep_sigmoid_surface_is_flat_along_the_first_layer_axis():
    along_first, along_last = _slopes("sigmoid", "xavier")
    assert along_first / along_last < 1e-3            # orders of magnitude flatter


def test_relu_with_he_initialisation_slopes_alike_along_both_axes():
    along_first, along_last = _slopes("relu", "he")
    assert 0.1 < along_first / along_last < 10.0       # within one order of magnitude


def test_a_cliff_launches_the_ball_and_nothing_raises():
    X, Y = _data()
    net = Network([2] + [16] * 10 + [1], activation="relu", init="scaled_normal", sigma_w=3.0, seed=0)
    landscape = Landscape(net, X, Y)
    landscape.configure_ball("sgd", 10.0)
    ball = landscape.roll(20)
    assert ball.launched is not None and "Launched off the surface" in ball.launched
    assert np.all(np.isfinite(ball.position)) and np.abs(ball.position).max() <= LAUNCH_BOUND
    assert landscape.roll(5).steps == ball.steps                # stays launched
    landscape.configure_ball("sgd", 10.0, clip_threshold=0.05)
    landscape.drop(0.75, 0.75)                                   # clipping tames the cliff
    assert landscape.roll(20).launched is None


def test_bad_axes_and_positions_are_named():
    X, Y = _data()
    net = Network([2, 4, 1])
    with pytest.raises(ValueError, match=r"u_layer: must be a layer index in \[-2, 1\]"):
        Landscape(net, X, Y, u_layer=2)
    with pytest.raises(ValueError, match="v_layer: must differ from u_layer"):
        Landscape(net, X, Y, u_layer=1, v_layer=-1)
    with pytest.raises(ValueError, match="ball position: must be finite"):
        Landscape(net, X, Y).drop(np.nan, 0.0)
    with pytest.raises(ValueError, match="resolution: must be an integer in"):
        Landscape(net, X, Y).compute_surface(1)


def test_simulation_carries_surface_and_ball_and_reslices_on_axis_change():
    sim = Simulation(SimConfig(depth=3, width=6))
    snap = sim.step(5 * sim.epoch_steps)
    assert snap.surface.resolution == COARSE_RESOLUTION and (snap.surface.u_layer, snap.surface.v_layer) == (1, 4)
    assert snap.ball.steps == 5
    version = snap.surface.version
    assert sim.refine_surface(48).version > version
    assert sim.step(1).surface.resolution == 48
    trained = sim.net.theta.copy()
    sim.apply(sim.config.replace(u_layer=2, v_layer=3))
    assert np.array_equal(sim.net.theta, trained)                # training goes on
    assert np.array_equal(sim.landscape.theta0, trained)         # the new plane passes θ now
    assert (sim.snapshot().surface.u_layer, sim.snapshot().surface.v_layer) == (2, 3)
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


def test_the_ball_rolls_once_per_epoch_however_the_steps_are_asked_for():
    config = SimConfig(depth=3, width=6, n_samples=200, batch_size=16)   # 150 training points
    one_by_one, at_once = Simulation(config), Simulation(config)
    assert one_by_one.epoch_steps == 10                                   # ⌈150 / 16⌉
    for _ in range(57):
        one_by_one.advance(1)
    at_once.advance(57)
    a, b = one_by_one.snapshot(), at_once.snapshot()
    assert a.ball.steps == b.ball.steps == 5
    assert np.array_equal(a.ball.trail, b.ball.trail)
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
