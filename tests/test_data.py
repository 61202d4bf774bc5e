"""Data sets: seeded, balanced, split, and named in errors; the stored digits as published."""
import numpy as np
import pytest

from simulator.data import PLANE_DATASETS, load_digits, make_dataset

DIGIT_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]     # UCI optdigits.tes


@pytest.mark.parametrize("name", PLANE_DATASETS)
def test_shapes_split_balance_and_range(name):
    d = make_dataset(name, n_samples=400, noise=0.05, seed=3, test_fraction=0.25)
    assert d.X_train.shape == (300, 2) and d.X_test.shape == (100, 2)
    y = np.concatenate([d.y_train, d.y_test])
    assert set(np.unique(y)) == {0.0, 1.0}
    assert 0.35 < y.mean() < 0.65
    assert np.abs(np.concatenate([d.X_train, d.X_test])).max() < 1.6


@pytest.mark.parametrize("name", PLANE_DATASETS + ("digits",))
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = (make_dataset(name, seed=s) for s in (1, 1, 2))
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


def test_circles_are_separable_by_radius_without_noise():
    d = make_dataset("circles", noise=0.0)
    r = np.linalg.norm(d.X_train, axis=1)
    assert r[d.y_train == 1].max() < r[d.y_train == 0].min()


def test_xor_labels_follow_the_quadrants_without_noise():
    d = make_dataset("xor", noise=0.0)
    assert np.array_equal(d.y_train, (d.X_train[:, 0] * d.X_train[:, 1] > 0) * 1.0)


def test_the_stored_digits_are_the_published_set():
    X, y = load_digits()
    assert X.shape == (1797, 64) and np.bincount(y).tolist() == DIGIT_COUNTS
    assert X.min() == 0 and X.max() == 1 and np.all(X * 16 == np.round(X * 16))   # 0 … 16
    first = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]         # a 0, as published
    assert y[0] == 0 and np.array_equal(X[0, :16] * 16, first)


def test_digits_split_keeps_every_class_in_proportion():
    d = make_dataset("digits", seed=5, test_fraction=0.25)
    assert d.n_inputs == 64 and d.classes == tuple("0123456789") and d.image_shape == (8, 8)
    test, train = np.bincount(d.y_test), np.bincount(d.y_train)
    assert np.array_equal(test + train, DIGIT_COUNTS) and len(d.y_test) == 450
    assert np.all(np.abs(test - 0.25 * np.array(DIGIT_COUNTS)) <= 0.5)
    X, _ = load_digits()          # every image once, in one of the two sets
    assert sorted(map(bytes, np.concatenate([d.X_train, d.X_test]))) == sorted(map(bytes, X))


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="spirals"), "dataset: unknown name 'spirals'; allowed: circles, xor"),
    (dict(name="xor", test_fraction=1.0), "test_fraction"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**kwargs)
