"""A lecturer's own data set: a CSV file or an ``.npz`` archive, checked whole before use.

* ``.csv`` (or ``.txt``): one sample per line, its inputs in columns separated by commas
  and its class label in the last column. A first line none of whose inputs is a number
  is a header. A number is written as in C or JSON (``-1.5``, ``2e-3``), in ASCII digits:
  ``1_000``, other scripts' digits, ``nan`` and ``inf`` are not numbers here, though
  Python's float() reads them.
* ``.npz``: an array ``X`` (samples × inputs; bool, integers or float16/32/64) and an
  array ``y`` (one label each: integers, whole numbers or strings), as ``numpy.savez``
  or ``savez_compressed`` write them.

Labels may be integers or strings: the K distinct labels become classes 0 … K-1, in
sorted order, and keep their names for the panels. Each input column is standardised
(mean 0, standard deviation 1 over all rows; a constant column becomes 0), as Nielsen's
networks expect inputs of order 1.

The limits (``LIMITS`` says them in words): at most ``MAX_BYTES`` in the file; 8 … 5,000
rows of 1 … 1,024 inputs; 2 … 100 classes of at least two rows each; labels of at most
32 characters; CSV lines of at most ``MAX_LINE`` characters. An ``.npz`` is judged by
the headers of its arrays before any of their data is decompressed, and then exactly the
bytes the headers declare are decompressed, never more: a compression bomb or a header
claiming 10¹² rows is refused at once. A CSV is read a line at a time and refused at its
5,001st row.

``read_data_file`` raises a ValueError of one sentence for every file it refuses; it
reads nothing but the file, so a refusal changes nothing.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.lib import format as npy

from .files import quoted
from .files import read_small_file

MAX_BYTES = 20_000_000         # a data set the lab can train live on is far smaller
MAX_ROWS = 5_000               # as many samples as the 2-D sets may have
MAX_INPUTS = 1_024             # 28×28 MNIST images fit
MIN_ROWS = 8
MAX_CLASSES = 100              # one output unit per class
MAX_LABEL = 32                 # characters: a class's name (200,000-character ones stalled the window)
MAX_LINE = 100_000             # characters: 1,024 numbers at full precision take about 26,000
SUFFIXES = (".csv", ".txt", ".npz")
LIMITS = (f"at most {MAX_BYTES // 1_000_000} MB; {MIN_ROWS} … {MAX_ROWS:,} rows of 1 … "
          f"{MAX_INPUTS:,} inputs; 2 … {MAX_CLASSES} classes of at least two rows each; labels "
          f"of at most {MAX_LABEL} characters; CSV lines of at most {MAX_LINE:,} characters")

# A CSV number: optional sign, digits with an optional point (or a point and digits), an
# optional exponent; spaces or tabs around it. ASCII only.
NUMBER = re.compile(r"[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*")
NOT_FINITE = re.compile(r"\s*[+-]?(?:nan|inf|infinity)\s*", re.IGNORECASE)
INTEGER = re.compile(r"[+-]?[0-9]+")
SEPARATORS = {";": "semicolons", "\t": "tabs"}

# What an array may hold, and what is said of each kind of dtype it may not.
INPUT_KINDS = "biuf"                   # bool, signed and unsigned integers, floats
LABEL_KINDS = "biufU"                  # ... and strings
REFUSED_KINDS = {
    "c": "complex numbers",
    "O": "Python objects (never read: unpickling them could run code)",
    "V": "records of several fields (a structured array)",
    "U": "text",
    "S": "bytes",
    "M": "dates",
    "m": "time spans",
}
NEEDS = {"X": "its inputs must be real numbers (bool, integers or float16/32/64)",
         "y": "labels must be integers or strings"}
HEADER_BYTES = 16_384                  # an .npy header: numpy writes and reads under 10,000
# What opening a zip may read: its end record, found in at most the last 64 kB, and its
# directory, which zipfile reads whole and parses entry by entry (an .npz of X and y: a few
# hundred bytes; a directory of 225,000 empty members in 19 MB took 2.6 s and 143 MB).
DIRECTORY_BYTES = 262_144
ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)     # what numpy.savez(_compressed) writes


class DataFile(NamedTuple):
    """A data file read and checked: X standardised (rows × inputs), labels in 0 … K-1,
    the K class names, and the SHA-256 hex digest of the bytes they were read from."""

    X: np.ndarray
    labels: np.ndarray
    classes: tuple
    digest: str


def read_data_file(path, digest=""):
    """The DataFile of the file at ``path``; with ``digest``, only if the file's bytes
    still have it. A ValueError of one sentence says what is wrong."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"a data set must be a .csv or .npz file, got {quoted(Path(path).name)}")
    data = read_small_file(path, MAX_BYTES, "a data set")
    actual = hashlib.sha256(data).hexdigest()
    if digest and actual != digest:
        raise ValueError("it changed since it was checked: load it again")
    X, raw_labels = _from_npz(data) if suffix == ".npz" else _from_csv(data)
    if len(X) < MIN_ROWS:
        raise ValueError(f"it has {len(X)} rows; at least {MIN_ROWS} are needed")
    labels, classes = _classes(raw_labels)
    return DataFile(_standardised(X), labels, classes, actual)


# ----------------------------------------------------------------- CSV
def _from_csv(data):
    """(X, labels) of a CSV file's bytes, read a line at a time."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("it is not a text file (not UTF-8)") from None
    if "\r" in text and "\n" not in text:
        raise ValueError("its lines end in a carriage return alone (an old Mac format): "
                         "save it with LF or CR LF line ends")
    rows = _rows(text)
    line, fields = next(rows, (0, []))
    if len(fields) > 1 and not any(map(_reads_as_number, fields[:-1])):
        line, fields = next(rows, (0, []))          # that was a header
    if not fields:
        raise ValueError("it holds no rows of data")
    width = len(fields)
    if width < 2:
        raise ValueError(f"line {line} has one column: each line needs at least one input and "
                         f"a label, separated by commas{_separator_hint(fields[0])}")
    if width - 1 > MAX_INPUTS:
        raise ValueError(f"it has {width - 1:,} input columns; at most {MAX_INPUTS:,} can be "
                         "trained on live")
    X = np.empty((min(text.count("\n") + 1, MAX_ROWS), width - 1))
    labels = []
    while fields:
        if len(labels) == MAX_ROWS:
            raise ValueError(f"it has more than {MAX_ROWS:,} rows of data (line {line:,} is row "
                             f"{MAX_ROWS + 1:,}); at most {MAX_ROWS:,} can be trained on live")
        if len(fields) != width:
            raise ValueError(f"it is ragged: line {line} has {len(fields)} columns, the first "
                             f"has {width}")
        inputs = fields[:-1]
        if not all(map(NUMBER.fullmatch, inputs)):
            _refuse_inputs(line, inputs)
        X[len(labels)] = values = np.array(list(map(float, inputs)))
        if not np.isfinite(values).all():
            j = int(np.argmin(np.isfinite(values)))
            raise ValueError(f"line {line}, column {j + 1}: {quoted(inputs[j].strip())} is beyond "
                             "the largest number (about 1.8e308)")
        labels.append(_label(fields[-1].strip(), f"line {line}"))
        line, fields = next(rows, (0, []))
    return X[:len(labels)], labels


def _rows(text):
    """(line number, fields) of every line of ``text`` that holds something, in order."""
    reader = csv.reader(_lines(text))
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                yield reader.line_num, fields
    except csv.Error as error:
        raise ValueError(f"line {reader.line_num}: it is not a readable CSV file ({error})") from None


def _lines(text):
    """The lines of ``text`` (each with its end), one at a time, each at most MAX_LINE long."""
    start, number = 0, 0
    while start < len(text):
        end = text.find("\n", start, start + MAX_LINE + 1) + 1
        if not end:
            end = min(len(text), start + MAX_LINE + 1)
        number += 1
        if end - start > MAX_LINE:
            raise ValueError(f"line {number:,} is longer than {MAX_LINE:,} characters")
        yield text[start:end]
        start = end


def _reads_as_number(field):
    return bool(NUMBER.fullmatch(field) or NOT_FINITE.fullmatch(field))


def _refuse_inputs(line, inputs):
    """The ValueError for the first field of ``inputs`` that is not a number."""
    j, field = next((j, f) for j, f in enumerate(inputs) if not NUMBER.fullmatch(f))
    if NOT_FINITE.fullmatch(field):
        raise ValueError(f"line {line}, column {j + 1} is {quoted(field.strip())}: every input "
                         "must be a finite number")
    raise ValueError(f"line {line}, column {j + 1}: {quoted(field.strip())} is not a number"
                     f"{_separator_hint(field)}")


def _separator_hint(field):
    """' (it seems to be separated by semicolons …)' if ``field`` holds another separator."""
    for separator, name in SEPARATORS.items():
        if separator in field:
            return f" (its columns seem separated by {name}: save it with commas)"
    return ""


# ----------------------------------------------------------------- .npz
def _from_npz(data):
    """(X, labels) of an .npz archive's bytes: both arrays' headers are checked before
    either's data is decompressed, and then only the bytes they declare are."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("it is not an .npz archive")
    source = _Capped(io.BytesIO(data), DIRECTORY_BYTES, "its zip directory is larger than "
                     f"{DIRECTORY_BYTES // 1024} kB (an .npz of X and y needs a few hundred bytes)")
    try:
        with zipfile.ZipFile(source) as archive:
            source.left = len(data)              # each array is read within limits of its own
            X_stream, X_header = _open_array(archive, "X")
            y_stream, y_header = _open_array(archive, "y")
            _check_inputs(*X_header)
            _check_labels(*y_header, rows=X_header[0][0])
            X = _array_data(X_stream, *X_header, "X")
            y = _array_data(y_stream, *y_header, "y")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
        raise ValueError("it is not a readable .npz archive") from None
    X = X.astype(np.float64)
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        i, j = bad[0]
        raise ValueError(f"row {i + 1}, column {j + 1} of X is {X[i, j]}: every input must be a "
                         "finite number")
    labels = y.tolist()
    if y.dtype.kind == "f":
        if not np.isfinite(y).all() or (y != np.round(y)).any():
            raise ValueError("y holds numbers that are not whole: labels must be integers or strings")
        labels = [int(v) for v in labels]        # exact, however large
    return X, labels


def _open_array(archive, name):
    """(the open stream of member ``name``.npy past its header, (shape, fortran, dtype))."""
    try:
        info = archive.getinfo(f"{name}.npy")
    except KeyError:
        raise ValueError(f"the archive lacks the array {name} (it needs X and y)") from None
    if info.compress_type not in ZIP_METHODS:
        raise ValueError(f"its array {name} is compressed in a way numpy.savez does not write: "
                         "save it with numpy.savez or savez_compressed")
    stream = archive.open(info)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")       # a header numpy would read only with a warning
            header = _Capped(stream, HEADER_BYTES, f"a header longer than {HEADER_BYTES:,} bytes")
            version = npy.read_magic(header)
            read = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}[version]
            shape, fortran, dtype = read(header)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise
    except Exception:                            # numpy's parser on bytes of anyone's making
        raise ValueError(f"its array {name} is not a readable .npy array") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"its array {name} has a negative length in its header")
    return stream, (shape, fortran, dtype)


class _Capped:
    """``stream``, of which at most ``left`` more bytes may be read; reading past that raises
    a ValueError saying ``refusal``. A length declared in a header or a zip's end record is
    not taken on trust: an .npy version-2.0 header may declare 4 GB of itself."""

    def __init__(self, stream, left, refusal):
        self.stream, self.left, self.refusal = stream, left, refusal

    def read(self, size=-1):
        data = self.stream.read(self.left + 1 if size < 0 else min(size, self.left + 1))
        if len(data) > self.left:
            raise ValueError(self.refusal)
        self.left -= len(data)
        return data

    def __getattr__(self, name):                # seek, tell, …: the stream's own
        return getattr(self.stream, name)


def _dtype_problem(name, dtype, kinds):
    """The sentence refusing ``dtype`` for array ``name``, or None if it is one of ``kinds``."""
    if dtype.names is not None or dtype.subdtype is not None:
        return f"{name} holds {REFUSED_KINDS['V']}: {NEEDS[name]}"
    if dtype.kind == "f" and dtype.itemsize > 8:
        return f"{name} holds long doubles ({dtype}), which the lab does not read: save it as float64"
    if dtype.kind not in kinds or dtype.itemsize == 0:
        return f"{name} holds {REFUSED_KINDS.get(dtype.kind, f'values of type {dtype}')}: {NEEDS[name]}"
    return None


def _check_inputs(shape, fortran, dtype):
    """A ValueError unless X's header declares rows × inputs of numbers the lab takes."""
    problem = _dtype_problem("X", dtype, INPUT_KINDS)
    if problem:
        raise ValueError(problem)
    if len(shape) != 2:
        raise ValueError(f"X must be a 2-D array (rows × inputs), got {len(shape)}-D")
    rows, inputs = shape
    if rows > MAX_ROWS:
        raise ValueError(f"X has {rows:,} rows; at most {MAX_ROWS:,} can be trained on live")
    if inputs == 0:
        raise ValueError("X has no input columns; at least one is needed")
    if inputs > MAX_INPUTS:
        raise ValueError(f"X has {inputs:,} input columns; at most {MAX_INPUTS:,} can be "
                         "trained on live")


def _check_labels(shape, fortran, dtype, rows):
    """A ValueError unless y's header declares one label the lab takes per row of X."""
    problem = _dtype_problem("y", dtype, LABEL_KINDS)
    if problem:
        raise ValueError(problem)
    if len(shape) != 1 or shape[0] != rows:
        raise ValueError(f"y must hold one label per row of X ({rows:,}), got shape {shape}")
    if dtype.kind == "U" and dtype.itemsize // 4 > MAX_LABEL:
        raise ValueError(f"y holds strings of up to {dtype.itemsize // 4:,} characters; a label "
                         f"has at most {MAX_LABEL}")


def _array_data(stream, shape, fortran, dtype, name):
    """The array whose header was read from ``stream``: exactly the bytes it declares are
    decompressed (one more tells a member longer than its header says)."""
    size = math.prod(shape) * dtype.itemsize
    data = stream.read(size + 1)
    if len(data) != size:
        raise ValueError(f"its array {name} holds {'more' if len(data) > size else 'fewer'} bytes "
                         f"than its header declares ({size:,})")
    return np.frombuffer(data, dtype).reshape(shape, order="F" if fortran else "C")


# ----------------------------------------------------------------- labels and inputs
def _label(text, where):
    if len(text) > MAX_LABEL:
        raise ValueError(f"{where}: the label {quoted(text)} is longer than {MAX_LABEL} characters")
    return text


def _classes(raw_labels):
    """(labels 0 … K-1, class names): integers in numeric order, anything else as text."""
    if all(isinstance(v, (int, bool)) or (isinstance(v, str) and INTEGER.fullmatch(v))
           for v in raw_labels):
        keys = [int(v) for v in raw_labels]
    else:
        keys = [str(v) for v in raw_labels]
    names = sorted(set(keys))
    longest = max(names, key=lambda name: len(str(name)))
    if len(str(longest)) > MAX_LABEL:                      # 1e300 as a whole number, say
        raise ValueError(f"the label {quoted(str(longest))} is longer than {MAX_LABEL} characters")
    if len(names) < 2:
        raise ValueError(f"every row has the label {quoted(names[0])}: at least two classes are needed")
    if len(names) > MAX_CLASSES:
        raise ValueError(f"it has {len(names):,} distinct labels; at most {MAX_CLASSES} classes "
                         "(is the last column a class label?)")
    index = {name: k for k, name in enumerate(names)}
    labels = np.array([index[key] for key in keys], dtype=np.intp)
    counts = np.bincount(labels)
    if counts.min() < 2:
        raise ValueError(f"the class {quoted(str(names[int(counts.argmin())]))} has only one row; "
                         "each class needs two (one to train on, one to test)")
    return labels, tuple(str(name) for name in names)


def _standardised(X):
    """Each column at mean 0 and standard deviation 1 (a constant column at 0). Each is
    first divided by its largest |x|, which changes nothing in exact arithmetic and keeps
    every sum and square finite whatever finite values the file holds."""
    scale = np.abs(X).max(axis=0)
    X = X / np.where(scale > 0, scale, 1.0)
    centred = X - X.mean(axis=0)
    sd = centred.std(axis=0)
    return centred / np.where(sd > 0, sd, 1.0)
