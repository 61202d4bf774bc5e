"""Large products split between two threads equal NumPy's own, and errors reach the caller."""
import numpy as np
import pytest

from simulator import parallel
from simulator.parallel import THRESHOLD, matmul


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


def test_the_caller_takes_the_second_half_when_the_helper_has_not(monkeypatch):
    """A helper that never runs (a busy core): the product is still complete and right."""
    class Idle:
        def put(self, half):
            pass
    monkeypatch.setattr(parallel, "_helper", lambda: Idle())
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(300, 256)), rng.normal(size=(256, 256))
    assert np.allclose(matmul(a, b), np.einsum("ij,jk->ik", a, b), rtol=1e-12, atol=1e-12)


def test_an_error_in_the_second_half_is_raised_in_the_caller():
    a, b = np.ones((300, 256)), np.ones((256, 256))
    out = np.empty((160, 256))              # room for the first half (150 rows), not the second
    with pytest.raises(ValueError):
        matmul(a, b, out=out)
