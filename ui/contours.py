"""Contour lines of a cost surface, computed off the UI thread.

Levels are evenly spaced in log₁₀ C, so both a plateau (small changes of a small cost)
and a cliff (huge costs) get lines. Tracing ten levels on a 96² grid takes about
20 ms, more than a frame, so the worker does it once per surface version.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

N_LEVELS = 12


def contour_lines(surface, n_levels=N_LEVELS):
    """(x, y): all contour lines in surface coordinates, separated by NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logc = np.log10(surface.cost)
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
