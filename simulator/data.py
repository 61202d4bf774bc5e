"""Seeded 2-D teaching data sets for binary classification, as in TensorFlow Playground.

Every set lies roughly in the square [-1, 1]², labels are 0 or 1 in equal numbers,
and ``noise`` is the standard deviation of Gaussian jitter added to the points (in
the same units). The same (name, n_samples, noise, seed) always gives the same data.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DATASETS = ("circles", "xor", "gauss", "spiral", "moons")


@dataclass(frozen=True)
class Dataset:
    """Points X (N, 2) and labels y (N,) in {0, 1}, split into train and test."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _circles(n, rng):
    inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.45, inner), rng.uniform(0.65, 1.0, n - inner)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X, (np.arange(n) < inner).astype(float)


def _xor(n, rng):
    X = rng.uniform(-1.0, 1.0, (n, 2))
    X += np.sign(X) * 0.05            # a small margin around the axes
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


def _gauss(n, rng):
    y = (np.arange(n) % 2).astype(float)
    centres = np.where(y[:, None] == 1, 0.5, -0.5)
    return centres + rng.normal(0.0, 0.25, (n, 2)), y


def _spiral(n, rng):
    y = (np.arange(n) % 2).astype(float)
    t = rng.uniform(0.0, 1.0, n)
    radius = 0.1 + 0.85 * t
    angle = 1.75 * 2 * np.pi * t + np.pi * y
    return np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]), y


def _moons(n, rng):
    y = (np.arange(n) % 2).astype(float)
    angle = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    X = np.where(y[:, None] == 0, upper, lower)
    return (X - [0.5, 0.25]) * [0.65, 0.9], y


_MAKERS = {"circles": _circles, "xor": _xor, "gauss": _gauss, "spiral": _spiral, "moons": _moons}


def make_dataset(name, n_samples=400, noise=0.05, seed=0, test_fraction=0.25):
    """Draw ``n_samples`` points of data set ``name`` and split off ``test_fraction``."""
    if name not in _MAKERS:
        raise ValueError(f"dataset: unknown name {name!r}; allowed: {', '.join(DATASETS)}")
    if not (isinstance(n_samples, (int, np.integer)) and n_samples >= 4):
        raise ValueError(f"n_samples: must be an integer ≥ 4, got {n_samples!r}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise: must be between 0 and 1, got {noise!r}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction: must be between 0 and 1 (exclusive), got {test_fraction!r}")
    rng = np.random.default_rng(seed)
    X, y = _MAKERS[name](n_samples, rng)
    X = X + rng.normal(0.0, noise, X.shape) if noise > 0 else X
    order = rng.permutation(n_samples)
    n_test = max(1, int(round(test_fraction * n_samples)))
    test, train = order[:n_test], order[n_test:]
    return Dataset(name, X[train], y[train], X[test], y[test])
