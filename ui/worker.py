"""The engine's loop: a Simulation stepped by a timer, in the engine process (engine.py).

    controls --SimConfig--> SimulationWorker (engine process) --Frame--> main window --> panels

* The worker's QTimer runs in the engine process's event loop, so between ticks the loop
  is free to receive commands.
* Configs are coalesced: ``set_config`` only stores the newest and asks for a 0 ms
  timer, which fires once the queued burst of configs has been read: dragging a
  slider sends dozens, the engine builds the newest, at once.
* A tick trains for at most ``steps_per_frame`` steps and about ``BUDGET`` seconds,
  then emits one Frame: the Snapshot plus the worker's measured steps per second.
* When nothing changed for ``REFINE_AFTER`` seconds, the worker refines the cost
  surface from the coarse grid, as fine as ``FINE_RESOLUTION`` allows within
  ``REFINE_BUDGET`` (a depth-50, width-128 network gets a coarser map than a small one).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from simulator import SimConfig, Simulation, Snapshot

from .contours import contour_lines

TICK_MS = 15
BUDGET = 0.008             # seconds of training per tick: the rest of the frame is the UI's
REFINE_AFTER = 0.35        # seconds without changes before the surface is refined
FINE_RESOLUTION = 96
REFINE_BUDGET = 0.15       # seconds a refinement may take (the worker answers nothing meanwhile)
DECISION_REFRESH = 0.1     # seconds between decision maps (a forward pass over a 48² grid)...
DECISION_SHARE = 0.1       # ...and at most this share of the worker's time


@dataclass(frozen=True)
class Frame:
    """What the worker sends to the window for one tick."""

    snapshot: Snapshot
    steps_per_second: float
    playing: bool
    contours: tuple          # (x, y) of the surface's contour lines, NaN-separated


def refined_resolution(surface):
    """The finest grid, up to FINE_RESOLUTION, that should take at most REFINE_BUDGET: the
    cost of a grid grows about linearly with its resolution (the stage per value of a
    dominates in deep networks), measured on the surface there is now."""
    per_row = surface.seconds / surface.resolution
    affordable = REFINE_BUDGET / per_row if per_row > 0 else FINE_RESOLUTION
    choices = [r for r in (96, 64, 48, 32, 24) if r <= min(FINE_RESOLUTION, affordable)]
    return max(choices, default=surface.resolution)


class SimulationWorker(QObject):
    """Owns the Simulation; all its slots run in the worker thread."""

    frame_ready = Signal(object)

    def __init__(self, config: SimConfig):
        super().__init__()
        self._pending = config
        self._playing = False
        self._steps_per_frame = 5
        self._single_steps = 0
        self._commands = []
        self._rate = 0.0
        self._send_now = False
        self._applying_soon = False
        self._last_change = time.monotonic()
        self._contours = (None, None)     # (surface version, lines)
        self._decision_time = 0.0
        self.sim = None
        self.timer = None

    # --------------------------------------------------------- commands (queued)
    @Slot()
    def start(self):
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    @Slot()
    def stop(self):
        if self.timer is not None:
            self.timer.stop()

    @Slot(object)
    def set_config(self, config):
        """Keep only the newest config; apply it as soon as the queued burst is read."""
        self._pending = config
        if not self._applying_soon:
            self._applying_soon = True
            QTimer.singleShot(0, self._apply_soon)

    def _apply_soon(self):
        self._applying_soon = False
        if self._apply_pending():
            self._emit()

    @Slot(bool)
    def set_playing(self, playing):
        self._playing = bool(playing)
        self._send_now = True

    @Slot(int)
    def set_steps_per_frame(self, steps):
        self._steps_per_frame = max(1, int(steps))

    @Slot()
    def step_once(self):
        self._single_steps += 1

    @Slot()
    def reset(self):
        self._commands.append(("reset",))

    @Slot(float, float)
    def drop_ball(self, a, b):
        self._commands.append(("drop", a, b))

    # --------------------------------------------------------- the tick
    def _tick(self):
        changed = self._apply_pending()
        if self._playing:
            self._train(self._steps_per_frame, BUDGET)
            changed = True
        elif self._single_steps:
            self._train(self._single_steps, None)
            self._single_steps = 0
            changed = True
        elif not changed and time.monotonic() - self._last_change > REFINE_AFTER:
            resolution = refined_resolution(self.sim.landscape.surface)
            if resolution > self.sim.landscape.surface.resolution:
                self.sim.refine_surface(resolution)
                changed = True
        if changed or self._send_now:
            self._emit()

    def _emit(self):
        self._send_now = False
        now = time.monotonic()
        interval = max(DECISION_REFRESH, self.sim.decision_seconds / DECISION_SHARE)
        fresh = now - self._decision_time >= interval
        if fresh:
            self._decision_time = now
        snapshot = self.sim.snapshot(decision=fresh)
        if self._contours[0] != snapshot.surface.version:
            self._contours = (snapshot.surface.version, contour_lines(snapshot.surface))
        self.frame_ready.emit(Frame(snapshot, self._rate, self._playing, self._contours[1]))

    def _apply_pending(self):
        changed = False
        if self._pending is not None:
            config, self._pending = self._pending, None
            if self.sim is None:
                self.sim = Simulation(config)
            else:
                self.sim.apply(config)
            changed = True
        for command in self._commands:
            if command[0] == "reset":
                self.sim.reset()
            else:
                self.sim.drop_ball(*command[1:])
            changed = True
        self._commands.clear()
        if changed:
            self._last_change = time.monotonic()
        return changed

    def _train(self, steps, budget):
        """Train up to ``steps`` steps, one at a time, until ``budget`` seconds have passed."""
        start = time.perf_counter()
        done = 0
        while done < steps and self.sim.diverged is None:
            self.sim.advance(1)
            done += 1
            time.sleep(0)          # let the UI thread take the GIL if it is waiting
            if budget and time.perf_counter() - start > budget:
                break
        elapsed = time.perf_counter() - start
        if elapsed > 0 and done:
            rate = done / elapsed
            self._rate = rate if self._rate == 0 else 0.8 * self._rate + 0.2 * rate
        self._last_change = time.monotonic()
