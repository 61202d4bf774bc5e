"""Deep copies that share what nothing changes in place: a pinned baseline is a twin of the
live run, and at depth 100 × 256 its axes, plane and measures are copies of θ many times
over."""
from __future__ import annotations

import copy


def twin(obj, memo, shared):
    """A deep copy of ``obj`` (its ``__deepcopy__`` calls this) in which each object of
    ``shared`` (None is skipped) is the original itself, not a copy: it must be one that no
    one changes in place (a new one replaces it)."""
    for kept in shared:
        if kept is not None:
            memo[id(kept)] = kept
    new = memo[id(obj)] = object.__new__(type(obj))
    new.__dict__.update(copy.deepcopy(obj.__dict__, memo))
    return new
