"""Contour lines by marching squares: every segment's ends lie on the level, on the edges
of a cell that the level crosses, and each crossed cell holds its segments."""
import numpy as np
import pytest

from simulator.contours import contour_lines, segments


def _edge_value(values, x, y):
    """The grid's value at a point on a cell edge, linearly interpolated along that edge
    (one of x, y is a whole number there)."""
    if abs(x - round(x)) < 1e-12:
        i, k = int(round(x)), int(np.floor(y))
        k = min(k, values.shape[1] - 2)
        t = y - k
        return (1 - t) * values[i, k] + t * values[i, k + 1]
    i, k = int(np.floor(x)), int(round(y))
    i = min(i, values.shape[0] - 2)
    t = x - i
    return (1 - t) * values[i, k] + t * values[i + 1, k]


@pytest.mark.parametrize("seed", range(5))
def test_every_end_lies_on_the_level_and_every_crossed_cell_has_a_segment(seed):
    values = np.random.default_rng(seed).normal(size=(13, 9))
    level = 0.1
    x0, y0, x1, y1 = segments(values, level)
    for x, y in zip(np.concatenate([x0, x1]), np.concatenate([y0, y1])):
        assert _edge_value(values, x, y) == pytest.approx(level, abs=1e-12)
    cells = set()
    for i in range(values.shape[0] - 1):
        for k in range(values.shape[1] - 1):
            corners = values[i:i + 2, k:k + 2]
            if corners.min() <= level < corners.max():
                cells.add((i, k))
    found = {(int(np.floor(min(a, b) + 1e-9)), int(np.floor(min(c, d) + 1e-9)))
             for a, b, c, d in zip(x0, x1, y0, y1)}
    assert found == cells                                        # one cell, its segments


def _cut_off_corners(values, level):
    """The corner each segment cuts off: the one whose two edges the segment joins."""
    x0, y0, x1, y1 = segments(values, level)
    corners = set()
    for ends in zip(x0, y0, x1, y1):
        xs, ys = ends[0::2], ends[1::2]
        corner_x = next(v for v in xs if v in (0.0, 1.0))         # the end on a vertical edge
        corner_y = next(v for v in ys if v in (0.0, 1.0))         # the end on a horizontal edge
        corners.add((corner_x, corner_y))
    return corners


def test_a_saddle_joins_its_high_corners_through_a_high_middle_and_parts_them_through_a_low_one():
    values = np.array([[1.0, 0.0], [0.0, 1.0]])                   # high at (0, 0) and (1, 1)
    assert _cut_off_corners(values, 0.4) == {(1.0, 0.0), (0.0, 1.0)}   # middle 0.5 above: lows cut off
    assert _cut_off_corners(values, 0.6) == {(0.0, 0.0), (1.0, 1.0)}   # middle below: highs cut off


def test_lines_come_as_nan_separated_pairs_on_the_level():
    values = np.add.outer(np.arange(5.0), np.arange(4.0))        # value x + y: lines x + y = c
    x, y = contour_lines(values, [2.5, 4.5])
    assert len(x) % 3 == 0 and np.isnan(x[2::3]).all() and np.isnan(y[2::3]).all()
    ends = np.isfinite(x)
    assert set(np.round(x[ends] + y[ends], 12)) == {2.5, 4.5}
    assert contour_lines(values, [])[0].size == 0
