"""Frames: what crosses from the engine to the window, assembled in one place.

    Frame = Snapshot (the Simulation's state, a query) + contour lines of its surface
            + what the worker measured (steps per second, playing, halted)

The worker (in the engine process) and the headless pictures both make their Frames
with a ``Framer``, so a picture shows exactly what the window would.

Contour levels are evenly spaced in log₁₀ C, so both a plateau (small changes of a small
cost) and a cliff (huge costs) get lines. Tracing ten levels on a 96² grid takes about
20 ms, more than a frame, so a Framer traces them once per surface version.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg

from simulator import Snapshot

N_LEVELS = 12
FINE_RESOLUTION = 96       # the finest cost surface a Frame shows (a picture always has it)


@dataclass(frozen=True)
class Frame:
    """What the window draws for one moment of the run."""

    snapshot: Snapshot
    steps_per_second: float  # training steps taken per second (0 when none are)
    playing: bool
    contours: tuple          # (x, y) of the surface's contour lines, NaN-separated
    halted: bool = False     # playback paused itself: the run diverged in this tick


class Framer:
    """Makes the Frames of a run, tracing the contour lines once per surface version."""

    def __init__(self):
        self._contours = (None, None)     # (surface version, lines)

    def frame(self, sim, decision=None, rate=0.0, playing=False, halted=False):
        """The Frame of ``sim`` now; ``decision``: a DecisionMap to show instead of a
        fresh one (the worker times them)."""
        snapshot = sim.snapshot(decision)
        if self._contours[0] != snapshot.surface.version:
            self._contours = (snapshot.surface.version, contour_lines(snapshot.surface))
        return Frame(snapshot, rate, playing, self._contours[1], halted)


def contour_lines(surface, n_levels=N_LEVELS):
    """(x, y): all contour lines in surface coordinates, separated by NaN."""
    logc = surface.log_cost
    finite = logc[np.isfinite(logc)]
    if finite.size == 0 or finite.max() == finite.min():
        return np.zeros(0), np.zeros(0)
    da = surface.a[1] - surface.a[0]
    db = surface.b[1] - surface.b[0]
    data = np.where(np.isfinite(logc), logc, finite.max())
    xs, ys = [], []
    for level in np.linspace(finite.min(), finite.max(), n_levels + 2)[1:-1]:
        for line in pg.isocurve(data, level, connected=True):
            points = np.asarray(line, dtype=float)
            xs += [surface.a[0] + (points[:, 0] - 0.5) * da, [np.nan]]
            ys += [surface.b[0] + (points[:, 1] - 0.5) * db, [np.nan]]
    if not xs:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)
