"""A lecturer's own data set: a CSV file or an ``.npz`` archive, checked whole before use.

* ``.csv`` (or ``.txt``): one sample per row, the inputs in numeric columns and the class
  label in the last column. A first row whose inputs are not numbers is a header.
* ``.npz``: an array ``X`` (samples × inputs, numbers) and an array ``y`` (one label each).

Labels may be integers or strings: the K distinct labels become classes 0 … K-1, in
sorted order, and keep their names for the panels. Each input column is standardised
(mean 0, standard deviation 1 over all rows; a constant column becomes 0), as Nielsen's
networks expect inputs of order 1.

``read_data_file`` raises a ValueError of one sentence for every file it refuses (not a
regular file, too large, not numeric, ragged, not finite, too few rows, one class, …);
it reads nothing but the file, so a refusal changes nothing.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

from .files import quoted
from .files import read_small_file

MAX_BYTES = 20_000_000         # a data set the lab can train live on is far smaller
MAX_ROWS = 5_000               # as many samples as the 2-D sets may have
MAX_INPUTS = 1_024             # 28×28 MNIST images fit
MAX_CLASSES = 100              # one output unit per class
MIN_ROWS = 8
SUFFIXES = (".csv", ".txt", ".npz")


def read_data_file(path):
    """(X, labels, classes) of the file at ``path``: X standardised (rows × inputs),
    labels in 0 … K-1, classes the K label names. A ValueError says what is wrong."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"a data set must be a .csv or .npz file, got {quoted(Path(path).name)}")
    data = read_small_file(path, MAX_BYTES, "a data set")
    X, raw_labels = _from_npz(data) if suffix == ".npz" else _from_csv(data)
    _check_size(X)
    labels, classes = _classes(raw_labels)
    return _standardised(X), labels, classes


def _from_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("it is not a text file (not UTF-8)") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if row and any(f.strip() for f in row)]
    except csv.Error as error:
        raise ValueError(f"it is not a readable CSV file ({error})") from None
    if rows and not all(_is_number(f) for f in rows[0][:-1]):
        rows = rows[1:]                            # a header
    if not rows:
        raise ValueError("it holds no rows of data")
    width = len(rows[0])
    if width < 2:
        raise ValueError("each row needs at least one input column and a label column")
    X = np.empty((len(rows), width - 1))
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"it is ragged: row {i + 1} has {len(row)} columns, the first has {width}")
        for j, field in enumerate(row[:-1]):
            if not _is_number(field):
                raise ValueError(f"row {i + 1}, column {j + 1}: {quoted(field.strip())} is not a number")
            X[i, j] = float(field)
    return X, [row[-1].strip() for row in rows]


def _is_number(field):
    try:
        float(field)
        return True
    except ValueError:
        return False


def _from_npz(data):
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("it is not an .npz archive")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            missing = {"X", "y"} - set(archive.files)
            if missing:
                raise KeyError(min(missing))
            X, y = archive["X"], archive["y"]
    except KeyError as error:
        raise ValueError(f"the archive lacks the array {error.args[0]} (it needs X and y)") from None
    except ValueError:
        raise ValueError("its arrays hold Python objects, not numbers and strings") from None
    except (zipfile.BadZipFile, EOFError, OSError):
        raise ValueError("it is not a readable .npz archive") from None
    if X.ndim != 2 or not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(f"X must be a 2-D array of numbers, got {X.ndim}-D {X.dtype}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must hold one label per row of X ({len(X)}), got shape {y.shape}")
    if np.issubdtype(y.dtype, np.floating):
        if not np.isfinite(y).all() or (y != np.round(y)).any():
            raise ValueError("y holds numbers that are not whole: labels must be integers or strings")
        y = y.astype(np.int64)
    elif not (np.issubdtype(y.dtype, np.integer) or y.dtype.kind in "bU"):
        raise ValueError(f"y must hold integers or strings, got {y.dtype}")
    return X.astype(np.float64), list(y.tolist())


def _check_size(X):
    n, inputs = X.shape
    if n < MIN_ROWS:
        raise ValueError(f"it has {n} rows; at least {MIN_ROWS} are needed")
    if n > MAX_ROWS or inputs > MAX_INPUTS:
        raise ValueError(f"it has {n:,} rows of {inputs:,} inputs; at most {MAX_ROWS:,} rows "
                         f"of {MAX_INPUTS:,} inputs can be trained on live")
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        i, j = bad[0]
        raise ValueError(f"row {i + 1}, column {j + 1} is {X[i, j]}: every input must be a finite number")


def _classes(raw_labels):
    """(labels 0 … K-1, class names): integers in numeric order, anything else as text."""
    if all(isinstance(v, (int, bool)) or (isinstance(v, str) and _is_integer(v)) for v in raw_labels):
        keys = [int(v) for v in raw_labels]
    else:
        keys = [str(v) for v in raw_labels]
    names = sorted(set(keys))
    if len(names) < 2:
        raise ValueError(f"every row has the label {quoted(names[0])}: at least two classes are needed")
    if len(names) > MAX_CLASSES:
        raise ValueError(f"it has {len(names):,} distinct labels; at most {MAX_CLASSES} classes "
                         "(is the last column a class label?)")
    index = {name: k for k, name in enumerate(names)}
    labels = np.array([index[key] for key in keys], dtype=np.intp)
    counts = np.bincount(labels)
    if counts.min() < 2:
        raise ValueError(f"the class {quoted(names[int(counts.argmin())])} has only one row; "
                         "each class needs two (one to train on, one to test)")
    return labels, tuple(str(name) for name in names)


def _is_integer(text):
    try:
        int(text)
        return True
    except ValueError:
        return False


def _standardised(X):
    centred = X - X.mean(axis=0)
    sd = centred.std(axis=0)
    return centred / np.where(sd > 0, sd, 1.0)
