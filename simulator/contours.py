"""Contour lines of a grid: marching squares in a handful of whole-array operations.

For a level c, every cell whose four corners do not all lie on one side of c holds one
segment of the line C = c (two, for a saddle: the two corners above c are joined across
the cell's middle when the cell's mean is above c, and kept apart when it is not).
Each segment's ends lie on the cell's edges where the values, linearly interpolated along
the edge, equal c. The segments come back as one pair of coordinate arrays with NaN
between segments, as a plot that draws lines "connected where finite" takes them; the
engine traces them once per surface (no Qt, no pyqtgraph: the engine process has none).
"""
from __future__ import annotations

import numpy as np

# The edges each of the 16 corner cases cuts, as pairs of edge numbers; corners are
# bit 0: (i, k), bit 1: (i+1, k), bit 2: (i+1, k+1), bit 3: (i, k+1) set where the value
# is above the level; edges are 0: bottom (i…i+1 at k), 1: right (k…k+1 at i+1),
# 2: top (i…i+1 at k+1), 3: left (k…k+1 at i). Saddles (5, 10) have two segments.
_SEGMENTS = {1: [(3, 0)], 2: [(0, 1)], 3: [(3, 1)], 4: [(1, 2)], 6: [(0, 2)], 7: [(3, 2)],
             8: [(2, 3)], 9: [(2, 0)], 11: [(2, 1)], 12: [(1, 3)], 13: [(1, 0)], 14: [(0, 3)]}
# Saddles: (middle above the level: the corners below are cut off, middle below: the
# corners above are).
_SADDLES = {5: ([(0, 1), (2, 3)], [(3, 0), (1, 2)]),
            10: ([(3, 0), (1, 2)], [(0, 1), (2, 3)])}


def _crossing(values, level, edge, i, k):
    """(x, y) in grid units where the level crosses ``edge`` of cells (i, k)."""
    corners = {0: ((i, k), (i + 1, k)), 1: ((i + 1, k), (i + 1, k + 1)),
               2: ((i, k + 1), (i + 1, k + 1)), 3: ((i, k), (i, k + 1))}[edge]
    (i0, k0), (i1, k1) = corners
    v0, v1 = values[i0, k0], values[i1, k1]
    t = (level - v0) / (v1 - v0)
    return i0 + t * (i1 - i0), k0 + t * (k1 - k0)


def segments(values, level):
    """(x, y, x, y) of every segment of the contour at ``level`` through the grid
    ``values`` (finite, at least 2 × 2), in grid units (x along the first axis)."""
    above = values > level
    case = (above[:-1, :-1] * 1 + above[1:, :-1] * 2 + above[1:, 1:] * 4 + above[:-1, 1:] * 8)
    pieces = []
    for code, edge_pairs in _SEGMENTS.items():
        i, k = np.nonzero(case == code)
        for a, b in edge_pairs:
            pieces.append((*_crossing(values, level, a, i, k), *_crossing(values, level, b, i, k)))
    for code, (middle_above, middle_below) in _SADDLES.items():
        i, k = np.nonzero(case == code)
        above_middle = (values[i, k] + values[i + 1, k] + values[i + 1, k + 1] + values[i, k + 1]) / 4 > level
        for pairs, chosen in ((middle_above, above_middle), (middle_below, ~above_middle)):
            for a, b in pairs:
                pieces.append((*_crossing(values, level, a, i[chosen], k[chosen]),
                               *_crossing(values, level, b, i[chosen], k[chosen])))
    if not pieces:
        return tuple(np.zeros(0) for _ in range(4))
    return tuple(np.concatenate(part) for part in zip(*pieces))


def contour_lines(values, levels):
    """(x, y): the segments of every level's contour through ``values``, in grid units,
    each segment's two points followed by NaN."""
    xs, ys = [], []
    for level in levels:
        x0, y0, x1, y1 = segments(values, level)
        gap = np.full(len(x0), np.nan)
        xs.append(np.column_stack([x0, x1, gap]).ravel())
        ys.append(np.column_stack([y0, y1, gap]).ravel())
    if not xs:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)
