"""Frames: what crosses from the engine to the window, assembled in one place.

    Frame = Snapshot (the Simulation's state, a query) + contour lines of its surface
            + what the engine measured (steps per second, playing, halted)
            + the pinned baseline's Snapshot and contour lines, if there is one
            + the singular values of the run's Jacobian (jacobian.Spectrum)

The engine (session.py) and the headless pictures both make their Frames with a
``Framer``, so a picture shows exactly what the window would. What only a panel on screen
needs (``NEEDS``: the contour lines, a fresh decision map, the Jacobian's singular values) is
left out for a hidden one.

Contour levels are round steps of log₁₀ C (about N_LEVELS of them across the map), so both
a plateau (small changes of a small cost) and a cliff (huge costs) get lines, and a
surface taken again a moment later keeps the same levels (its lines move, they do not
jump). A flat surface gets none: its changes are rounding noise. The lines are traced
(contours.py) once per surface version (a baseline pinned from the live run starts with
the live run's surface and version: the same lines).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .contours import contour_lines as traced
from .jacobian import Spectrum
from .simulation import Snapshot

N_LEVELS = 12
FINE_RESOLUTION = 96       # the finest cost surface a Frame shows (a picture always has it)
NEEDS = frozenset({"decision", "contours", "jacobian"})   # what a panel may need beyond the
                           # Snapshot: the decision map of now, the contour lines of the
                           # surface, the singular values of the Jacobian


@dataclass(frozen=True)
class Frame:
    """What the window draws for one moment of the run."""

    snapshot: Snapshot
    steps_per_second: float  # training steps taken per second (0 when none are)
    playing: bool
    contours: tuple          # (x, y) of the surface's contour lines, NaN-separated (or ())
    halted: bool = False     # playback paused itself: the last run still training diverged
    baseline: Snapshot | None = None     # the pinned baseline, trained beside the live run
    baseline_contours: tuple = ()
    spectrum: Spectrum | None = None     # the live run's Jacobian's singular values, if needed


class Framer:
    """Makes the Frames of a run (and its baseline), tracing the contour lines once per
    surface version."""

    def __init__(self):
        self._contours = {}               # surface version → lines, for the surfaces shown

    def frame(self, sim, decision=None, rate=0.0, playing=False, halted=False, baseline=None,
              baseline_decision=None, measure=True, needs=NEEDS, spectrum=None):
        """The Frame of ``sim`` now, and of its ``baseline`` Simulation if there is one;
        ``decision``, ``baseline_decision``: DecisionMaps to show instead of fresh ones,
        ``spectrum``: the Spectrum to show instead of a fresh one, ``measure=False``: the
        costs and the ball's measure as last taken (the engine times them:
        Simulation.snapshot); ``needs``: without "contours", none are traced, without
        "jacobian", no Spectrum is taken."""
        snapshot = sim.snapshot(decision, measure)
        twin = None if baseline is None else baseline.snapshot(baseline_decision, measure)
        if "contours" in needs:
            shown = [snapshot.surface] + ([twin.surface] if twin else [])
            self._contours = {s.version: self._contours.get(s.version) or contour_lines(s) for s in shown}
        lines = self._contours.get(snapshot.surface.version, ())
        if "jacobian" in needs and spectrum is None:
            spectrum = sim.spectrum()
        return Frame(snapshot, rate, playing, lines, halted, twin,
                     self._contours.get(twin.surface.version, ()) if twin else (),
                     spectrum if "jacobian" in needs else None)


def contour_levels(low, high, n_levels=N_LEVELS):
    """Round values of log₁₀ C strictly between ``low`` and ``high``: the multiples of the
    round step (1, 2 or 5 × 10ᵏ) that gives about ``n_levels`` of them."""
    raw = (high - low) / (n_levels + 1)
    scale = 10.0 ** np.floor(np.log10(raw))
    step = next(m * scale for m in (1, 2, 5, 10) if m * scale >= raw)
    first = np.floor(low / step) + 1
    levels = np.arange(first, np.ceil(high / step)) * step
    return levels[(levels > low) & (levels < high)]


def contour_lines(surface, n_levels=N_LEVELS):
    """(x, y): all contour lines in surface coordinates, separated by NaN (none on a flat
    surface)."""
    logc = surface.log_cost
    finite = logc[np.isfinite(logc)]
    if finite.size == 0 or finite.max() == finite.min() or surface.flat:
        return np.zeros(0), np.zeros(0)
    data = np.where(np.isfinite(logc), logc, finite.max())
    x, y = traced(data, contour_levels(finite.min(), finite.max(), n_levels))
    da, db = surface.a[1] - surface.a[0], surface.b[1] - surface.b[0]
    return surface.a[0] + x * da, surface.b[0] + y * db
