"""The worker: newest config wins, ticks keep to their budget, shutdown is clean."""
import time

import numpy as np

from simulator import SimConfig
from simulator.simulation import COARSE_RESOLUTION, Simulation
from ui.contours import contour_lines
from ui.engine import Engine
from ui.worker import BUDGET, FINE_RESOLUTION, SimulationWorker


def test_only_the_newest_of_many_configs_is_built(monkeypatch):
    builds = []
    original = Simulation._build
    monkeypatch.setattr(Simulation, "_build", lambda self: (builds.append(self.config.depth), original(self)))
    worker = SimulationWorker(SimConfig(depth=2, width=4))
    worker._tick()
    assert builds == [2]
    for depth in list(range(1, 51)) + list(range(50, 0, -1)) + [17]:   # a slider dragged there and back
        worker.set_config(SimConfig(depth=depth, width=4))
    frames = []
    worker.frame_ready.connect(frames.append)
    worker._tick()
    assert builds == [2, 17]
    assert frames[-1].snapshot.config.depth == 17


def test_a_playing_tick_keeps_to_its_time_budget():
    worker = SimulationWorker(SimConfig(depth=30, width=32, batch_size=256))
    worker._tick()
    worker.set_steps_per_frame(10_000)
    worker.set_playing(True)
    start = time.perf_counter()
    worker._tick()
    elapsed = time.perf_counter() - start
    assert 0 < worker.sim.step_count < 10_000
    assert elapsed < BUDGET + 0.25          # the last chunk may run past the budget, not far


def test_commands_reach_the_simulation():
    worker = SimulationWorker(SimConfig(depth=2, width=4))
    worker._tick()
    worker.step_once()
    worker._tick()
    assert worker.sim.step_count == 1
    worker.drop_ball(-0.5, 0.5)
    worker._tick()
    assert worker.sim.landscape.ball.position.tolist() == [-0.5, 0.5]
    worker.reset()
    worker._tick()
    assert worker.sim.step_count == 0


def test_surface_is_refined_when_nothing_changes(monkeypatch):
    monkeypatch.setattr("ui.worker.REFINE_AFTER", 0.0)
    worker = SimulationWorker(SimConfig(depth=2, width=4))
    frames = []
    worker.frame_ready.connect(frames.append)
    worker._tick()
    worker._tick()
    assert frames[0].snapshot.surface.resolution == COARSE_RESOLUTION
    assert frames[-1].snapshot.surface.resolution == FINE_RESOLUTION
    x, y = frames[-1].contours
    assert len(x) == len(y) > 0


def test_contours_follow_a_rebuilt_network():
    """The contour cache is keyed on the surface's version: a new network's surface gets
    its own contours, even while playing."""
    worker = SimulationWorker(SimConfig(depth=4, width=6))
    frames = []
    worker.frame_ready.connect(frames.append)
    worker.set_playing(True)
    worker._tick()
    for activation in ("relu", "leaky_relu"):
        worker.set_config(SimConfig(depth=4, width=6, activation=activation))
        worker._tick()
        frame = frames[-1]
        assert frame.snapshot.config.activation == activation
        for mine, fresh in zip(frame.contours, contour_lines(frame.snapshot.surface)):
            assert np.array_equal(mine, fresh, equal_nan=True)


def test_engine_process_sends_frames_and_shuts_down(qtbot):
    engine = Engine(SimConfig(depth=2, width=4))
    frames = []
    engine.frame_ready.connect(frames.append)
    qtbot.waitUntil(lambda: len(frames) > 0, timeout=10000)
    engine.set_config(SimConfig(depth=3, width=4))
    engine.step_once()
    qtbot.waitUntil(lambda: frames[-1].snapshot.step == 1, timeout=10000)
    assert frames[-1].snapshot.config.depth == 3          # the config came before the step
    assert engine.shutdown()
    assert not engine.running and engine.process.exitcode == 0


def test_refinement_is_sized_to_its_time_budget():
    from simulator.landscape import Surface
    from ui.worker import REFINE_BUDGET, refined_resolution
    steps = np.linspace(-1, 1, 16)
    quick = Surface(1, steps, steps, np.ones((16, 16)), 1, 2, 1.0, seconds=0.002)
    slow = Surface(1, steps, steps, np.ones((16, 16)), 1, 2, 1.0, seconds=REFINE_BUDGET / 2)
    hopeless = Surface(1, steps, steps, np.ones((16, 16)), 1, 2, 1.0, seconds=1.0)
    assert refined_resolution(quick) == FINE_RESOLUTION
    assert refined_resolution(slow) == 32             # twice 16 rows fits, three times would not
    assert refined_resolution(hopeless) == 16          # stays coarse
