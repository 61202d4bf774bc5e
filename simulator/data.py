"""The data sets: seeded 2-D teaching sets, the handwritten digits, a lecturer's own file.

* The 2-D sets (``PLANE_DATASETS``), as in TensorFlow Playground, are binary: every set
  lies roughly in the square [-1, 1]², labels are 0 or 1 in equal numbers, and ``noise``
  is the standard deviation of Gaussian jitter added to the points (in the same units).
* ``digits``: the 1,797 8×8 handwritten digits of the UCI collection (the copy scikit-learn
  ships as ``load_digits``; see ``resources/datasets/README.md``), pixels scaled from
  0 … 16 to [0, 1], ten classes: the data of Nielsen's chapter-5 experiment, in small.
* ``file``: a CSV or ``.npz`` file of the user's (``datafile.py``).
* The first-symbol task (``first_symbol_dataset``), the recurrent mode's data: sequences of
  one-hot symbols whose class is the first symbol, so the answer lies T − 1 steps before
  the network's output (Hochreiter 1991; Bengio, Simard & Frasconi 1994).

Digits and files are split with every class in the same proportion in the training and
test sets (a stratified split). The same arguments always give the same data.
"""
from __future__ import annotations

import functools
import math
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .datafile import read_data_file
from .files import path_text

PLANE_DATASETS = ("circles", "xor", "gauss", "spiral", "moons")
SYMBOLS = ("A", "B", "C", "D")          # the first-symbol task's alphabet
DATASETS = PLANE_DATASETS + ("digits", "file")
DIGITS_PATH = Path(__file__).resolve().parent.parent / "resources" / "datasets" / "digits.npz"


@dataclass(frozen=True)
class Dataset:
    """Inputs X (N, inputs) and labels y (N,) in 0 … K-1, split into train and test.

    ``classes`` names the K labels; ``image_shape`` is (rows, columns) where each input
    vector is an image (the digits), else None."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple = ("0", "1")
    image_shape: tuple | None = None

    @property
    def n_inputs(self):
        return self.X_train.shape[1]

    @property
    def n_classes(self):
        return len(self.classes)

    @property
    def planar(self):
        """Two inputs and two classes: a map of P(class 1) over the plane means something."""
        return self.n_inputs == 2 and self.n_classes == 2


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


def make_dataset(name, n_samples=400, noise=0.05, seed=0, test_fraction=0.25, path=None, digest=""):
    """Data set ``name`` with ``test_fraction`` of it split off for testing: ``n_samples``
    points for a 2-D set, all 1,797 digits, or the rows of the file at ``path``: with
    ``digest`` (``check_data_file``'s), exactly the bytes that were checked, or a
    ValueError if the file has changed since.

    ``n_samples`` and ``noise`` are a SimConfig's, which has checked them (8 … 5,000
    points, noise in [0, 1]); they are not checked again here."""
    if name not in DATASETS:
        raise ValueError(f"dataset: unknown name {name!r}; allowed: {', '.join(DATASETS)}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction: must be between 0 and 1 (exclusive), got {test_fraction!r}")
    rng = np.random.default_rng(seed)
    if name == "digits":
        X, y = load_digits()
        return stratified_split(name, X, y, tuple("0123456789"), rng, test_fraction, (8, 8))
    if name == "file":
        X, y, classes, _ = _read_file(path, digest)
        side = math.isqrt(X.shape[1])                   # n² inputs: shown as n × n images
        shape = (side, side) if side >= 4 and side * side == X.shape[1] else None
        return stratified_split(Path(path).name, X, y, classes, rng, test_fraction, shape)
    X, y = _MAKERS[name](n_samples, rng)
    X = X + rng.normal(0.0, noise, X.shape) if noise > 0 else X
    order = rng.permutation(n_samples)
    n_test = max(1, int(round(test_fraction * n_samples)))
    test, train = order[:n_test], order[n_test:]
    return Dataset(name, X[train], y[train], X[test], y[test])


def first_symbol_task(samples, steps, symbols=len(SYMBOLS), seed=0):
    """Sequences of ``steps`` one-hot symbols drawn uniformly; the class is the first
    symbol, so the answer depends only on the input T-1 steps before the output.
    Returns (X (samples, steps, symbols), labels (samples,))."""
    if not (samples >= 1 and steps >= 1 and symbols >= 2):
        raise ValueError(f"task: samples ≥ 1, steps ≥ 1 and symbols ≥ 2 are required, got "
                         f"{samples}, {steps}, {symbols}")
    codes = np.random.default_rng(seed).integers(0, symbols, (samples, steps))
    return np.eye(symbols)[codes], codes[:, 0]


def first_symbol_dataset(n_samples=400, steps=20, seed=0, test_fraction=0.25):
    """The first-symbol task as a Dataset: ``n_samples`` sequences of ``steps`` symbols
    (A-D), each input row a sequence laid out time step after time step (steps × 4 numbers),
    its class the first symbol; split with every class in the same proportion. The
    arguments are a SimConfig's (n_samples, time_steps), which has checked them."""
    rng = np.random.default_rng(seed)
    X, y = first_symbol_task(n_samples, steps, len(SYMBOLS), seed=rng.integers(2 ** 63))
    return stratified_split("first symbol", X.reshape(n_samples, -1), y, SYMBOLS, rng, test_fraction)


@functools.cache
def load_digits():
    """(X, y): the 1,797 digits as rows of 64 pixels scaled to [0, 1], and their digits."""
    with np.load(DIGITS_PATH) as stored:
        X, y = stored["X"] / 16.0, stored["y"].astype(np.intp)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def stratified_split(name, X, y, classes, rng, test_fraction, image_shape=None):
    """A Dataset whose test set holds ``test_fraction`` of each class (at least one
    sample, and at least one left to train on), both sets in a random order."""
    test = []
    for k in range(len(classes)):
        members = rng.permutation(np.flatnonzero(y == k))
        n_test = min(max(1, int(round(test_fraction * len(members)))), len(members) - 1)
        test.append(members[:n_test])
    test = rng.permutation(np.concatenate(test))
    in_test = np.zeros(len(y), dtype=bool)
    in_test[test] = True
    train = rng.permutation(np.flatnonzero(~in_test))
    return Dataset(name, X[train], y[train], X[test], y[test], tuple(classes), image_shape)


def check_data_file(path):
    """The SHA-256 hex digest of the file at ``path`` if it is a data set the lab can
    train on, else a ValueError of one sentence naming the file and what is wrong. The file
    is read and checked whole; nothing of it is kept."""
    return _read_file(path, kept=False).digest


KEPT = 2                # data files kept parsed: a run and its baseline
_files = OrderedDict()  # (path, digest) → DataFile, the most recently used last


def _read_file(path, digest="", kept=True):
    """The DataFile at ``path``. With ``digest``, the one read from exactly those bytes: one
    of the last KEPT read if it is (so a file moved or changed since still trains as it was
    checked), else the file read now if its bytes have that digest."""
    if not path:
        raise ValueError("dataset: 'file' needs a data file")
    key = (path, digest)
    if digest and key in _files:
        _files.move_to_end(key)
        return _files[key]
    try:
        data = read_data_file(path, digest)
    except ValueError as error:
        raise ValueError(f"{path_text(path)}: {error}") from None
    if kept:
        _files[path, data.digest] = data
        while len(_files) > KEPT:
            _files.popitem(last=False)
    return data


def keep_only(configs):
    """Forget the parsed data files no run of ``configs`` (SimConfigs, or None) trains on:
    six files of 5,000 × 1,024 had stayed in the engine after it went back to a small one."""
    used = {(c.data_file, c.data_digest) for c in configs if c is not None and c.dataset == "file"}
    for key in [key for key in _files if key not in used and (key[0], "") not in used]:
        del _files[key]
