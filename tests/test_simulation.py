"""Simulation: deterministic, learns, keeps or rebuilds as it should, freezes on divergence."""
import numpy as np
import pytest

from simulator.config import SimConfig
from simulator.simulation import DecimatingHistory, Simulation


def test_same_config_gives_the_same_run():
    config = SimConfig(depth=3, width=8, optimizer="adam", learning_rate=0.01, seed=4)
    a, b = Simulation(config).step(40), Simulation(config).step(40)
    assert a.train_loss == b.train_loss
    assert np.array_equal(a.history.speed, b.history.speed)
    assert Simulation(config.replace(seed=5)).step(40).train_loss != a.train_loss


def test_a_healthy_network_learns():
    sim = Simulation(SimConfig(depth=2, width=16, activation="tanh", dataset="gauss",
                               optimizer="adam", learning_rate=0.02))
    start = sim.snapshot()
    end = sim.step(300)
    assert end.train_loss < 0.5 * start.train_loss
    assert end.test_accuracy > 0.9
    assert end.diverged is None and end.step == 300


def test_deep_sigmoid_first_layer_learns_orders_of_magnitude_slower():
    snap = Simulation(SimConfig(depth=10, width=16, activation="sigmoid")).step(20)
    speed = snap.stats.grad_b_norm
    assert speed[-1] / speed[0] > 1e3
    assert np.all(np.diff(np.log(snap.history.speed.mean(axis=0))) > 0)   # slower every layer back


def test_training_fields_keep_the_weights_architecture_rebuilds():
    sim = Simulation(SimConfig(depth=2, width=4))
    sim.step(10)
    theta = sim.net.theta.copy()
    sim.apply(sim.config.replace(learning_rate=0.01, optimizer="momentum", clip=True))
    assert np.array_equal(sim.net.theta, theta) and sim.step_count == 10
    assert sim.optimizer.kind == "momentum" and sim.optimizer.clip_threshold == 1.0
    sim.apply(sim.config.replace(depth=3))
    assert sim.step_count == 0 and sim.net.n_layers == 4


def _exploding_config():
    return SimConfig(depth=12, width=16, activation="relu", init="scaled_normal", sigma_w=4.0,
                     learning_rate=1.0, optimizer="sgd")


def test_divergence_freezes_the_run_with_a_message_and_no_exception():
    sim = Simulation(_exploding_config())
    snap = sim.step(50)                              # pytest fails on any warning
    assert snap.diverged is not None
    assert snap.diverged.startswith(f"Diverged at step {snap.step + 1}:")
    assert snap.diagnosis.kind == "exploded" and snap.diagnosis.headline == f"Exploded at step {snap.step + 1}"
    assert "Clipping" in snap.diagnosis.advice and snap.diagnosis.remedy.changes == (("clip", True),)
    assert np.isfinite(sim.net.theta).all()          # frozen at the last finite weights
    frozen = sim.net.theta.copy()
    again = sim.step(10)
    assert again.step == snap.step and np.array_equal(sim.net.theta, frozen)


def test_clipping_tames_the_same_explosion():
    snap = Simulation(_exploding_config().replace(clip=True, clip_threshold=1.0,
                                                  learning_rate=0.01)).step(50)
    assert snap.diverged is None and snap.step == 50


def test_reset_and_changing_the_learning_rate_recover_from_divergence():
    sim = Simulation(_exploding_config())
    assert sim.step(50).diverged is not None
    sim.apply(sim.config.replace(learning_rate=1e-9))   # the user may try again from there
    assert sim.snapshot().diverged is None
    sim.apply(_exploding_config())
    sim.step(50)
    sim.reset()
    fresh = sim.snapshot()
    assert fresh.diverged is None and fresh.step == 0


def test_snapshot_arrays_are_fresh_copies():
    sim = Simulation(SimConfig(depth=2, width=4))
    first = sim.step(5)
    speed = first.history.speed.copy()
    sim.step(5)
    assert np.array_equal(first.history.speed, speed)
    assert first.stats is not sim.step(1).stats


def test_decimating_history_keeps_the_span_at_lower_resolution():
    h = DecimatingHistory(capacity=8)
    for step in range(1, 101):
        h.record(step, (float(step),))
    steps, (values,) = h.arrays((None,))
    assert len(steps) <= 9 and steps[0] == 1 and steps[-1] > 80
    assert np.all(np.diff(steps) == np.diff(steps)[0])           # evenly spaced
    assert np.array_equal(values, steps.astype(float))
    h.record(100, (0.0,))                                          # a step already recorded
    assert h.arrays((None,))[0][-1] == steps[-1]


def test_decimating_history_arrays_are_its_rows_whenever_they_are_asked_for():
    """Asked for between records, before and after decimations, the arrays are always the
    rows kept, converted anew by a naive loop (the history converts only the new rows)."""
    h = DecimatingHistory(capacity=16)
    rng = np.random.default_rng(0)
    for step in range(1, 300):
        h.record(step, (float(rng.normal()), rng.normal(size=3)))
        if step % 7 == 0 or step in (16, 17, 33):
            steps, (loss, speed) = h.arrays((None, 3))
            assert steps.tolist() == h.steps
            assert loss.tolist() == [row[0] for row in h.rows]
            assert np.array_equal(speed, np.stack([row[1] for row in h.rows]))
    steps[0], loss[0] = -1, np.nan                                 # fresh arrays: the history
    assert h.arrays((None, 3))[0][0] == h.steps[0] != -1           # is not changed through them


def test_apply_rejects_what_is_not_a_config():
    with pytest.raises(ValueError, match="config: a SimConfig is required, got dict"):
        Simulation().apply({"depth": 3})


def test_divergence_is_caught_at_the_first_non_finite_statistic():
    """Large weights: at step 6 some ‖∂C/∂W‖ overflow while the batch cost is finite; that
    step used to pass, and the Snapshots carried NaN costs and an all-NaN decision map."""
    from simulator.config import load_presets
    sim = Simulation(load_presets()["Large weights (exploding)"].config)
    for _ in range(10):
        snap = sim.step(1)
        stats = snap.stats
        for values in (stats.grad_w_norm, stats.grad_b_norm, stats.delta_rms,
                       [snap.train_loss, snap.test_loss], snap.decision.probability):
            assert np.isfinite(values).all()
        assert np.isfinite(snap.history.train_loss).all()
    assert snap.step == 5 and snap.diverged.startswith("Diverged at step 6: ‖∂C/∂W‖ overflowed in layers")
    # Step 6 by hand, from the frozen weights on its minibatch (the sixth slice of 32):
    # a finite batch cost, norms that overflow, and a whole-set cost that is NaN after it.
    X, Y = sim._shuffled[0][160:192], sim._shuffled[1][160:192]
    grads = sim.net.gradients(X, Y)
    assert np.isfinite(grads.loss)
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sqrt(np.add.reduceat(grads.flat ** 2, sim.net.segment_starts))).all()
    moved = sim.net.copy()
    moved.theta = sim.net.theta - 0.05 * grads.flat
    assert not np.isfinite(moved.loss(sim.data.X_train, sim.Y_train, batch_statistics=False))


def test_a_snapshot_is_a_query():
    """Taking Snapshots changes nothing: the loss curve is the same however often one looks."""
    config = SimConfig(depth=3, width=8, seed=2)
    watched, alone = Simulation(config), Simulation(config)
    for _ in range(40):
        watched.advance(5)
        watched.snapshot()
        watched.snapshot()
    alone.advance(200)
    a, b = watched.snapshot(), alone.snapshot()
    assert np.array_equal(a.history.eval_steps, b.history.eval_steps)
    assert np.array_equal(a.history.train_loss, b.history.train_loss)
    assert a.train_loss == b.train_loss and np.array_equal(a.decision.probability, b.decision.probability)


def test_the_costs_are_evaluated_on_a_thinning_schedule(monkeypatch):
    from simulator.simulation import EVALUATIONS
    sim = Simulation(SimConfig(depth=1, width=4))
    calls = []
    evaluation = sim.evaluation
    monkeypatch.setattr(sim, "evaluation", lambda fresh=True: (calls.append(1), evaluation(fresh))[1])
    n = 3000
    sim.advance(n)
    steps = sim.snapshot().history.eval_steps
    assert steps[0] == 0 and steps[-1] > n - 64 and len(steps) <= EVALUATIONS + 1
    assert len(set(np.diff(steps))) == 1                                 # evenly spaced
    # every stride-th step until EVALUATIONS are kept, then EVALUATIONS/2 per doubling
    assert len(calls) <= EVALUATIONS + EVALUATIONS // 2 * np.ceil(np.log2(n / EVALUATIONS)) + 1


@pytest.mark.parametrize("dataset, batch", [("digits", 32), ("circles", 32), ("circles", 400)])
def test_the_first_evaluations_are_spaced_by_the_sets_size_over_the_batch(monkeypatch, dataset, batch):
    sim = Simulation(SimConfig(depth=1, width=4, dataset=dataset, batch_size=batch))
    calls = []
    evaluation = sim.evaluation
    monkeypatch.setattr(sim, "evaluation", lambda fresh=True: (calls.append(1), evaluation(fresh))[1])
    samples = len(sim.data.X_train) + len(sim.data.X_test)
    stride = 2 ** int(np.ceil(np.log2(max(1, 4 * samples / batch))))  # 256: digits at 32
    n = 10 * stride                                               # fewer than EVALUATIONS kept
    sim.advance(n)
    steps = sim.snapshot().history.eval_steps
    assert steps[0] == 0 and set(np.diff(steps)) == {stride}
    assert len(calls) == n // stride + 2                          # and step 0, the snapshot


@pytest.mark.parametrize("dataset, batch", [("digits", 10), ("circles", 32), ("circles", 400)])
def test_the_looks_at_the_activations_are_spaced_by_the_inputs_over_the_batch_at_most_256_apart(
        dataset, batch):
    sim = Simulation(SimConfig(depth=1, width=4, dataset=dataset, batch_size=batch))
    monitored = min(300, len(sim.data.X_test))
    spacing = min(256, 2 ** int(np.ceil(np.log2(max(1, 64 * monitored / batch)))))
    sim.advance(3 * spacing)
    assert list(sim.snapshot().history.activity.steps) == [0, spacing, 2 * spacing, 3 * spacing]


def test_evaluation_by_hand():
    sim = Simulation(SimConfig(depth=2, width=5, seed=3))
    sim.advance(20)
    e = sim.snapshot()
    for X, y, cost, accuracy in ((sim.data.X_train, sim.data.y_train, e.train_loss, e.train_accuracy),
                                 (sim.data.X_test, sim.data.y_test, e.test_loss, e.test_accuracy)):
        a = sim.net.predict(X)[:, 0]                                   # σ(z), evaluation mode
        expected = np.mean(-y * np.log(a) - (1 - y) * np.log(1 - a))
        assert cost == pytest.approx(expected, rel=1e-9)
        assert accuracy == np.mean((a > 0.5) == (y > 0.5))


def test_evaluation_of_ten_classes_by_hand():
    sim = Simulation(SimConfig(depth=1, width=8, dataset="digits", seed=2))
    sim.advance(30)
    e = sim.snapshot()
    for X, y, cost, accuracy in ((sim.data.X_train, sim.data.y_train, e.train_loss, e.train_accuracy),
                                 (sim.data.X_test, sim.data.y_test, e.test_loss, e.test_accuracy)):
        a = sim.net.predict(X)                                          # ten sigmoid outputs
        hot = np.arange(10) == y[:, None]
        expected = np.mean(np.sum(np.where(hot, -np.log(a), -np.log(1 - a)), axis=1))
        assert cost == pytest.approx(expected, rel=1e-9)
        assert accuracy == np.mean([np.argmax(row) == label for row, label in zip(a, y)])
    predicted = e.decision.predicted                                    # no map of a plane
    assert np.array_equal(predicted, np.argmax(sim.net.predict(sim.data.X_test), axis=1))


def test_running_averages_that_cannot_move_stop_the_run_at_that_step():
    """Batch norm's running averages are statistics of the run too: a step that would
    make them inf or NaN is a divergence, caught at that step, the weights kept."""
    sim = Simulation(SimConfig(depth=2, width=4, batch_norm=True))
    sim.step(3)
    theta = sim.net.theta.copy()
    sim.net.running_vars[0][:] = np.inf                      # σ² + m (σ²_batch − σ²) = NaN
    snap = sim.step(1)
    assert snap.step == 3 and snap.diverged.startswith("Diverged at step 4: batch norm's running averages")
    assert (sim.net.theta == theta).all()


def test_work_abandoned_at_any_checkpoint_leaves_the_run_as_if_it_had_not_begun(monkeypatch):
    """The engine stops work at a checkpoint when a newer command makes it moot
    (simulator/pace.py): a step, a build or an evaluation abandoned half-way leaves the run
    exactly as it was, and it goes on as a run that never began it."""
    import threading

    import simulator.landscape
    import simulator.network
    from simulator import pace
    config = SimConfig(depth=3, width=8, n_samples=100, batch_size=16, seed=3)
    plain = Simulation(config)
    plain.advance(25)
    event = threading.Event()
    for stop_at in (1, 3, 7, 11, 40, 57, 83):          # the k-th checkpoint from now on
        interrupted, passed = Simulation(config), [0]

        def counting():
            passed[0] += 1
            if passed[0] == stop_at:
                event.set()
            pace.checkpoint()
        for module in (simulator.network, simulator.landscape):
            monkeypatch.setattr(module, "checkpoint", counting)
        with pace.interruptible(event):
            while interrupted.step_count < 25:
                try:
                    interrupted.advance(1)
                except pace.Abandoned:                 # then on, uninterrupted
                    event.clear()
        monkeypatch.undo()
        assert passed[0] > stop_at and interrupted.step_count == plain.step_count == 25
        assert np.array_equal(interrupted.net.theta, plain.net.theta)
        assert np.array_equal(interrupted.history.steps, plain.history.steps)
        missed = set(plain.eval_history.steps) - set(interrupted.eval_history.steps)
        assert len(missed) <= 1                        # an evaluation abandoned is missing
    with pace.interruptible(event):
        event.set()
        with pytest.raises(pace.Abandoned):
            plain.apply(config.replace(depth=5))       # a build abandoned: the run as it was
    assert plain.config == config and plain.net.n_layers == 4 and plain.step_count == 25
    with pace.interruptible(event):
        with pytest.raises(pace.Abandoned):
            plain.reset()                              # a reset abandoned: the run as it was
    assert plain.config == config and plain.step_count == 25     # (its config had become None:
    plain.advance(1)                                   # a pinned baseline's reset abandoned,
    assert plain.step_count == 26                      # the engine faulted on every tick)


def test_a_deep_copy_trains_on_apart_from_its_original():
    """A pinned baseline is a deep copy: it owns its workspaces (the arrays a step writes),
    so each run's steps leave the other's φ' and statistics as they were."""
    import copy
    sim = Simulation(SimConfig(depth=4, width=8, seed=5))
    sim.advance(7)
    clone = copy.deepcopy(sim)
    before = sim.snapshot().derivatives.histogram.copy()
    clone.advance(3)
    assert np.array_equal(sim.snapshot().derivatives.histogram, before)
    sim.advance(3)
    assert np.array_equal(sim.net.theta, clone.net.theta)
    assert np.array_equal(sim.snapshot().derivatives.mean_dphi, clone.snapshot().derivatives.mean_dphi)


def test_a_deep_copy_shares_what_no_run_changes_and_copies_the_rest():
    """A pin copies what a run changes in place and shares the measures no run changes (the
    network's Location on the surface's data, its φ' statistics): the copy shows at once
    what its original shows, and a step that diverges in the copy is still undone."""
    import copy
    from simulator.config import load_presets
    sim = Simulation(load_presets()["Large weights (exploding)"].config)
    sim.advance(5)
    shown = sim.snapshot()
    clone = copy.deepcopy(sim)
    assert clone._location(fresh=False) is sim._location(fresh=False)
    assert clone.net.theta is not sim.net.theta and clone._theta_before is not sim._theta_before
    copied = clone.snapshot()
    assert copied.train_loss == shown.train_loss and copied.ball.cost == shown.ball.cost
    assert np.array_equal(copied.ball.gradient, shown.ball.gradient)
    assert np.array_equal(copied.derivatives.histogram, shown.derivatives.histogram)
    clone.advance(1)                                         # step 6 diverges: θ of step 5 kept
    assert clone.diverged is not None and np.array_equal(clone.net.theta, sim.net.theta)


def test_a_deep_copys_landscape_shares_its_axes_and_surface_and_moves_its_own_ball():
    import copy
    sim = Simulation(SimConfig(depth=4, width=8, seed=2))
    sim.advance(20)
    clone = copy.deepcopy(sim)
    assert clone.landscape.plane is sim.landscape.plane
    assert clone.landscape.surface is sim.landscape.surface
    trail = sim.snapshot().ball.trail.copy()
    clone.advance(40)
    clone.follow_network(16)                               # the copy's own new surface
    assert np.array_equal(sim.snapshot().ball.trail, trail)
    assert sim.landscape.surface is not clone.landscape.surface
    sim.advance(40)
    sim.follow_network(16)
    assert np.array_equal(sim.snapshot().ball.trail, clone.snapshot().ball.trail)
    assert np.array_equal(sim.landscape.surface.cost, clone.landscape.surface.cost)


def test_the_phi_prime_shown_after_a_divergence_is_the_last_finite_steps():
    """φ' is measured on the surface's data at the weights shown, the last finite ones:
    the step that diverged, which overwrote its own arrays, changes nothing of it."""
    from simulator.config import load_presets
    sim = Simulation(load_presets()["Large weights (exploding)"].config)
    sim.advance(5)
    shown = sim.snapshot().derivatives
    sim.advance(1)                                           # step 6 diverges
    assert sim.diverged is not None and sim.step_count == 5
    after = sim.snapshot().derivatives
    assert np.array_equal(after.histogram, shown.histogram)
    assert np.array_equal(after.mean_dphi, shown.mean_dphi)


def test_a_costly_networks_first_decision_map_is_coarse_and_exact_where_it_is_taken():
    """At depth 100 × 256 the 48² map took a second: a new network's first map is coarser
    there (8²), each value the network's own output at its point."""
    from simulator.simulation import COARSE_DECISION_LEAST, DECISION_RESOLUTION
    light = Simulation(SimConfig(depth=3, width=4))
    assert len(light.decision_map(coarse=True).x) == DECISION_RESOLUTION    # cheap: whole at once
    sim = Simulation(SimConfig(depth=100, width=256))
    first = sim.decision_map(coarse=True)
    assert len(first.x) == len(first.y) == COARSE_DECISION_LEAST
    X = np.concatenate([sim.data.X_train, sim.data.X_test])
    axis = np.linspace(-1.1 * np.abs(X).max(), 1.1 * np.abs(X).max(), COARSE_DECISION_LEAST)
    for i, k in ((0, 0), (3, 5), (7, 2)):
        z = sim.net.propagate(np.array([[axis[i], axis[k]]]), 0, batch_statistics=False)
        assert first.probability[i, k] == pytest.approx(1 / (1 + np.exp(-z[0, 0])), rel=1e-12)


def test_while_playing_the_surface_is_due_by_the_last_measure_not_a_new_one(monkeypatch):
    """Asked every tick, "is the surface due?" measured the network on the surface's data
    each time: at depth 100 × 256 a pass forward and back for every frame."""
    from simulator.landscape import Landscape
    sim = Simulation(SimConfig(depth=3, width=6))
    sim.snapshot()
    sim.advance(3)
    measured = []
    locate = Landscape.locate
    monkeypatch.setattr(Landscape, "locate", lambda *a, **k: measured.append(1) or locate(*a, **k))
    sim.surface_due()
    assert measured == []
    sim.surface_due(exact=True)
    assert measured == [1]


def test_the_surface_under_the_ball_is_read_where_the_network_was_measured():
    """The ball's two costs compare one step: the map's value where the network was when
    its cost was measured. Measured at step 0, on the plane taken then, they agree."""
    sim = Simulation(SimConfig(depth=3, width=6))
    sim.snapshot()                                   # measured at step 0
    sim.advance(20)
    ball = sim.snapshot(measure=False).ball
    assert ball.measured == 0 and not np.array_equal(ball.position, [0.0, 0.0])
    assert ball.plane_cost == pytest.approx(ball.cost, rel=1e-12)
