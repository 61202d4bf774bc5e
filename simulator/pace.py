"""Work that can be abandoned: the newest change wins, at once.

The engine computes in one thread while a second one reads the window's commands. When a
command makes the work under way moot (a new config, a reset, a preset), the reader sets
the interruption, and the work stops at its next ``checkpoint()``: between two layers of
a forward or backward pass, two layers' weights being drawn, two rows of a surface. So no
piece of work runs longer than one layer's products after the lecturer has moved on,
however large the network (depth 100 × 256 on 4,096 samples: a layer's product is about
0.5 GFLOP, where a whole step is 160).

Outside ``interruptible`` (a headless picture, the tests) a checkpoint costs one global
look-up and never stops anything. Code that can be abandoned leaves its object as it was
before it began (the Simulation restores itself; a surface is installed only once whole).
"""
from __future__ import annotations

from contextlib import contextmanager

_interruption = None          # the threading.Event that stops work at a checkpoint, if any


class Abandoned(Exception):
    """The work under way was stopped at a checkpoint: a newer command made it moot."""


def checkpoint():
    """Stop here (raise Abandoned) if the work under way has been interrupted."""
    if _interruption is not None and _interruption.is_set():
        raise Abandoned


@contextmanager
def interruptible(event):
    """Within, ``checkpoint()`` raises Abandoned once ``event`` (a threading.Event) is set."""
    global _interruption
    before, _interruption = _interruption, event
    try:
        yield
    finally:
        _interruption = before
