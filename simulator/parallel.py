"""Large matrix products on two threads: the first half of the rows here, the second half on
a helper thread, which NumPy lets run at once (matmul lets go of the interpreter lock).

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

THRESHOLD = 1 << 21          # multiply-adds: about 40 µs of one core, where a split pays


class _Half:
    """The second half of a product: run once, by whichever thread claims it first."""

    def __init__(self, a, b, out):
        self.a, self.b, self.out = a, b, out
        self.claim = threading.Lock()
        self.done = threading.Event()
        self.error = None

    def run(self):
        if not self.claim.acquire(blocking=False):
            return
        try:
            np.matmul(self.a, self.b, out=self.out)
        except BaseException as error:        # raised again in the thread that asked
            self.error = error
        finally:
            self.done.set()


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


def matmul(a, b, out=None):
    """a @ b, into ``out`` if given; split along a's first axis (the rows of a 2-D a, the
    matrices of a stack) between this thread and the helper when the product is large.
    b is a matrix, or a stack as long as a's."""
    stacked = b.ndim > 2
    if (len(a) < 2 or a.size * b.shape[-1] < THRESHOLD
            or (stacked and (a.ndim != b.ndim or len(a) != len(b)))):
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty(a.shape[:-1] + b.shape[-1:])
    h = len(a) // 2
    half = _Half(a[h:], b[h:] if stacked else b, out[h:])
    _helper().put(half)
    np.matmul(a[:h], b[:h] if stacked else b, out=out[:h])
    half.run()
    half.done.wait()
    if half.error is not None:
        raise half.error
    return out


def matmul_for(rows, width):
    """The product to use for a pass over ``rows`` rows (all batches together) through layers
    at most ``width`` wide: ``matmul`` where its products can be large enough to split, else
    NumPy's own, which spares the small ones the check (0.4 µs a call)."""
    return matmul if rows * width * width >= THRESHOLD else np.matmul
