"""Large matrix products on two threads: the first half of the rows here, the second half on
a helper thread, which NumPy lets run at once (matmul lets go of the interpreter lock); and
``halves``, whole passes through many layers by halves of the samples, one hand-over a pass.

The engine keeps OpenBLAS to one thread (``simulator/__init__.py``): OpenBLAS's own threads,
waiting for each other where the other core was busy, made small products several times
slower. Here only products of at least THRESHOLD multiply-adds are split (a width-256 layer
over a batch of 256 is 16.8 million), and the calling thread does the second half itself if
the helper has not started it by the time the first is done: where the other core is busy,
a product costs what it cost on one thread, plus a few microseconds, never a wait for the
other core. Below the threshold (every network up to width 64 at batch 256) nothing changes.

A split product is the same dot products, but OpenBLAS may block the rows of a half
differently from those of the whole: a few rows of a split product can differ from the
unsplit one in their last digits (1e-14 relative, where the sums cancel), as on another
machine. The split is the same at every call, so a run still repeats digit for digit.
"""
from __future__ import annotations

import os
import queue
import threading

import numpy as np

from .pace import Abandoned, checkpoint

THRESHOLD = 1 << 21          # multiply-adds: about 40 µs of one core, where a split pays


class _Half:
    """The second half of a piece of work: run once, by whichever thread claims it first,
    or dropped before it runs (``drop``); under the floating-point error handling of the
    thread that made it (NumPy's is per thread)."""

    def __init__(self, work):
        self.work = work
        self.errors = np.geterr()
        self.claim = threading.Lock()
        self.done = threading.Event()
        self.dropped = False
        self.error = None

    def run(self):
        if not self.claim.acquire(blocking=False):
            return
        try:
            with np.errstate(**self.errors):
                self.work()
        except BaseException as error:        # raised again in the thread that asked
            self.error = error
        finally:
            self.done.set()

    def result(self):
        """Run it here if the helper has not begun it, wait until it is done, and raise
        what it raised."""
        self.run()
        self.done.wait()
        if self.error is not None:
            raise self.error

    def drop(self):
        """Return once the work is not running: never begun, or stopped at its next check."""
        self.dropped = True
        if self.claim.acquire(blocking=False):
            self.done.set()
        self.done.wait()


_work: queue.SimpleQueue | None = None
_work_pid = None


def _helper():
    """The queue of the process's helper thread, started at first use (a forked child
    starts its own: threads do not survive a fork)."""
    global _work, _work_pid
    if _work_pid != os.getpid():
        _work, _work_pid = queue.SimpleQueue(), os.getpid()
        threading.Thread(target=_serve, args=(_work,), name="matmul helper", daemon=True).start()
    return _work


def _serve(work):
    while True:
        work.get().run()


def splits(rows, multiply_adds):
    """Whether ``matmul`` splits a product over ``rows`` rows (or matrices of a stack) of
    that many multiply-adds."""
    return rows >= 2 and multiply_adds >= THRESHOLD


def matmul(a, b, out=None):
    """a @ b, into ``out`` if given; when the product is large, shared between this thread
    and the helper: a 2-D a by halves of its rows, a stack by its matrices, which each
    thread takes in turn until none is left (a matrix's product is whole in any thread, so
    where the helper begins late or its core is busy this thread does more). b is a
    matrix, or a stack as long as a's."""
    stacked = b.ndim > 2
    if (not splits(len(a), a.size * b.shape[-1])
            or (stacked and (a.ndim != b.ndim or len(a) != len(b)))):
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty(a.shape[:-1] + b.shape[-1:])
    if a.ndim > 2:
        _share(a, b, out)
        return out
    h = len(a) // 2
    half = _Half(lambda: np.matmul(a[h:], b, out=out[h:]))
    _helper().put(half)
    np.matmul(a[:h], b, out=out[:h])
    half.result()
    return out


PIECES = 16                  # a stack is taken in at most this many runs of matrices


def _share(a, b, out):
    """out = a @ b for a stack a, runs of its matrices taken in turn by this thread and
    the helper (b one matrix, or a stack whose matrices go with a's)."""
    stacked = b.ndim > 2
    size = -(-len(a) // PIECES)
    runs = iter([slice(k, k + size) for k in range(0, len(a), size)])
    take = threading.Lock()

    def work():
        while True:
            with take:
                run = next(runs, None)
            if run is None:
                return
            np.matmul(a[run], b[run] if stacked else b, out=out[run])

    half = _Half(work)
    _helper().put(half)
    work()
    half.result()


def halves(work, n):
    """``work(rows, check)`` for rows = slice(0, n // 2) in this thread and slice(n // 2, n)
    on the helper, at once (here too if the helper has not begun it when the first is done).
    ``check()`` goes between two pieces of the work: in this thread it is pace's checkpoint
    (the newest change wins); on the helper it stops the second half once the first was
    abandoned. When ``work`` does on its rows what a pass does on all of them, product by
    product with the rows split where ``matmul`` splits them, the digits are the same."""
    h, caller = n // 2, threading.get_ident()

    def second():
        work(slice(h, n), checkpoint if threading.get_ident() == caller else stop_if_dropped)

    def stop_if_dropped():
        if half.dropped:
            raise Abandoned

    half = _Half(second)
    _helper().put(half)
    try:
        work(slice(0, h), checkpoint)
    except BaseException:
        half.drop()
        raise
    half.result()


def matmul_for(rows, width):
    """The product to use for a pass over ``rows`` rows (all batches together) through layers
    at most ``width`` wide: ``matmul`` where its products can be large enough to split, else
    NumPy's own, which spares the small ones the check (0.4 µs a call)."""
    return matmul if rows * width * width >= THRESHOLD else np.matmul
