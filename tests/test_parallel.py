"""Large products split between two threads equal NumPy's own; passes by halves cover every row once, stop when abandoned; errors reach the caller."""
import numpy as np
import pytest

from simulator import parallel
from simulator.parallel import THRESHOLD, matmul


@pytest.fixture
def idle_helper(monkeypatch):
    """A helper thread that never takes its work (its core busy): the caller does it all."""
    class Idle:
        def put(self, half):
            pass
    monkeypatch.setattr(parallel, "_helper", lambda: Idle())


@pytest.mark.parametrize("shape_a, shape_b", [
    ((256, 256), (256, 256)),          # a width-256 layer over a batch of 256
    ((255, 300), (300, 257)),          # odd sizes: the halves are 127 and 128 rows
    ((9, 256, 256), (9, 256, 256)),    # a stack of products, split by matrices
    ((8, 300, 256), (256, 256)),       # a stack of batches times one matrix
])
def test_a_split_product_equals_numpys(shape_a, shape_b):
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=shape_a), rng.normal(size=shape_b)
    assert a.size * b.shape[-1] >= THRESHOLD                      # it is split
    expected = np.einsum("...ij,...jk->...ik", a, b)              # no BLAS: a naive sum
    out = np.empty_like(expected)
    assert matmul(a, b, out=out) is out
    assert np.allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert np.allclose(matmul(a, b), expected, rtol=1e-12, atol=1e-12)


def test_small_products_are_numpys_own():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(64, 16)), rng.normal(size=(16, 16))
    assert np.array_equal(matmul(a, b), a @ b)


def test_the_caller_takes_the_second_half_when_the_helper_has_not(idle_helper):
    """A helper that never runs (a busy core): the product is still complete and right."""
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(300, 256)), rng.normal(size=(256, 256))
    assert np.allclose(matmul(a, b), np.einsum("ij,jk->ik", a, b), rtol=1e-12, atol=1e-12)


def test_an_error_in_the_second_half_is_raised_in_the_caller():
    a, b = np.ones((300, 256)), np.ones((256, 256))
    out = np.empty((160, 256))              # room for the first half (150 rows), not the second
    with pytest.raises(ValueError):
        matmul(a, b, out=out)


def test_a_stack_taken_in_turn_is_whole_when_the_helper_never_runs(idle_helper, monkeypatch):
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(40, 64, 32)), rng.normal(size=(40, 32, 64))   # runs of 3 matrices
    monkeypatch.setattr(parallel, "THRESHOLD", 1)
    assert np.allclose(matmul(a, b), np.einsum("...ij,...jk->...ik", a, b), rtol=1e-12, atol=1e-12)


def test_halves_cover_every_row_once_each_half_in_its_thread():
    import threading
    seen, threads = np.zeros(9, dtype=int), {}

    def work(rows, check):
        check()
        seen[rows] += 1
        threads[rows.start] = threading.get_ident()

    parallel.halves(work, 9)
    assert seen.tolist() == [1] * 9 and sorted(threads) == [0, 4]
    assert threads[0] == threading.get_ident()


def test_halves_run_here_with_the_caller_checkpoint_when_the_helper_never_runs(idle_helper, monkeypatch):
    checked = []
    monkeypatch.setattr(parallel, "checkpoint", lambda: checked.append(1))
    seen = []
    parallel.halves(lambda rows, check: (check(), seen.append((rows.start, rows.stop))), 5)
    assert seen == [(0, 2), (2, 5)] and len(checked) == 2


def test_an_abandoned_first_half_stops_the_second_before_halves_returns(monkeypatch):
    """The newest change wins: the caller's checkpoint raises Abandoned; the helper's half
    stops at its next check, and is no longer running when halves raises."""
    import threading
    import time
    from simulator.pace import Abandoned
    began, state = threading.Event(), {"pieces": 0, "running": False}

    def interrupted():
        raise Abandoned
    monkeypatch.setattr(parallel, "checkpoint", interrupted)

    def work(rows, check):
        if rows.start == 0:
            assert began.wait(10)
            check()
            return
        state["running"] = True
        began.set()
        try:
            for _ in range(10_000):             # 10 s unless stopped
                check()
                state["pieces"] += 1
                time.sleep(0.001)
        finally:
            state["running"] = False

    with pytest.raises(Abandoned):
        parallel.halves(work, 2)
    assert not state["running"] and state["pieces"] < 10_000


def test_an_error_in_the_helpers_half_is_raised_in_the_caller():
    def work(rows, check):
        if rows.start:
            raise ValueError("second half")
    with pytest.raises(ValueError, match="second half"):
        parallel.halves(work, 4)


def test_the_helper_computes_under_the_callers_floating_point_error_handling():
    import threading
    a, helping = np.full((64, 64), 1e300), threading.Event()

    def work(rows, check):
        if rows.start == 0:                     # the second half is the helper's
            assert helping.wait(10)
            return
        helping.set()
        np.multiply(a[rows], a[rows])           # overflows: a warning (an error in the suite)

    with np.errstate(over="ignore"):
        parallel.halves(work, 64)
