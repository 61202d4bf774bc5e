"""A lecturer's own data file: read, standardised and split; every bad file one sentence,
refused before anything large is built."""
import hashlib
import importlib.util
import io
import os
import struct
import tracemalloc
import zipfile
import zlib
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npy

from simulator.data import check_data_file, make_dataset
from simulator.datafile import read_data_file

GiB = 2 ** 30


def write_csv(path, rows):
    path.write_text("\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    return path


def test_a_csv_with_a_header_and_string_labels(tmp_path):
    rows = [["x1", "x2", "x3", "species"]]
    rows += [[i, 2 * i % 7, 5, ("setosa", "virginica", "versicolor")[i % 3]] for i in range(12)]
    X, labels, classes, _ = read_data_file(write_csv(tmp_path / "iris.csv", rows))
    assert classes == ("setosa", "versicolor", "virginica")              # sorted names
    assert [classes[k] for k in labels] == [row[-1] for row in rows[1:]]
    raw = np.array([row[:3] for row in rows[1:]], dtype=float)
    assert np.allclose(X[:, :2], (raw[:, :2] - raw[:, :2].mean(0)) / raw[:, :2].std(0))
    assert np.all(X[:, 2] == 0)                                          # a constant column


def test_an_npz_with_integer_labels_is_split_by_class(tmp_path):
    rng = np.random.default_rng(0)
    y = np.repeat([-1, 7, 30], [10, 20, 30])
    np.savez(tmp_path / "d.npz", X=rng.normal(size=(60, 5)), y=y)
    data = make_dataset("file", seed=1, path=str(tmp_path / "d.npz"))
    assert data.name == "d.npz" and data.classes == ("-1", "7", "30") and data.n_inputs == 5
    assert data.image_shape is None
    np.savez(tmp_path / "pixels.npz", X=rng.normal(size=(60, 16)), y=y)
    assert make_dataset("file", path=str(tmp_path / "pixels.npz")).image_shape == (4, 4)
    assert np.bincount(data.y_test).tolist() == [2, 5, 8]                # 25 % of each class
    assert np.bincount(data.y_train).tolist() == [8, 15, 22]


# ---------------------------------------------------------------- hand-made archives
def npy_header(shape, descr="<f8", version=(1, 0)):
    """The bytes numpy writes before an array's data (magic, version, header)."""
    out = io.BytesIO()
    write = npy.write_array_header_1_0 if version == (1, 0) else npy.write_array_header_2_0
    write(out, {"descr": descr, "fortran_order": False, "shape": shape})
    return out.getvalue()


def deflated(head, zeros):
    """A raw deflate stream of ``head`` then ``zeros`` zero bytes (a multiple of 1 MiB),
    made small: one compressed MiB of zeros, flushed to a byte boundary, repeated."""
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    mib = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = mib.compress(bytes(2 ** 20)) + mib.flush(zlib.Z_FULL_FLUSH)
    ending = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)    # the last block
    return first.compress(head) + first.flush(zlib.Z_FULL_FLUSH) + one * (zeros // 2 ** 20) + ending


def zip_archive(members):
    """The bytes of a zip archive of (name, deflated bytes, declared size, CRC) members, in
    Zip64 form, so that a member may declare any size."""
    out, directory = bytearray(), bytearray()
    for name, data, size, crc in members:
        name = name.encode()
        extra = struct.pack("<HHQQ", 1, 16, size, len(data))
        fixed = (45, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra))
        directory += struct.pack("<IH", 0x02014B50, 45) + struct.pack("<HHHHHIIIHH", *fixed)
        directory += struct.pack("<HHHII", 0, 0, 0, 0, len(out)) + name + extra
        out += struct.pack("<I", 0x04034B50) + struct.pack("<HHHHHIIIHH", *fixed) + name + extra + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory),
                      len(out), 0)
    return bytes(out + directory + end)


def bomb_member(head, zeros):
    """X.npy as ``head`` then ``zeros`` zero bytes (its CRC is never reached)."""
    return "X.npy", deflated(head, zeros), len(head) + zeros, 0


def labels_member():
    """y.npy holding 0, 1, 0, 1, … (10 labels), whole and correct."""
    plain = npy_header((10,), "<i8") + (np.arange(10) % 2).astype("<i8").tobytes()
    return "y.npy", deflated(plain, 0), len(plain), zlib.crc32(plain)


def peak_while(read, path):
    """(the ValueError's message, the most memory Python and NumPy held meanwhile)."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as caught:
            read(path)
        return str(caught.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def compression_bomb(tmp):
    """A 10.6 MB .npz whose X is 10 GiB of zeros (1,342,177,280 × 1 numbers), said so in
    its header and in the zip's directory."""
    head = npy_header((10 * GiB // 8, 1))
    stream = deflated(head, 10 * GiB)
    assert zlib.decompressobj(-15).decompress(stream, 2 ** 16)[:len(head)] == head    # a real bomb
    (tmp / "bomb.npz").write_bytes(zip_archive([("X.npy", stream, len(head) + 10 * GiB, 0),
                                                labels_member()]))
    return tmp / "bomb.npz"


def lying_header(tmp):
    """An X whose header declares 10 × 2 numbers, followed by 10 GiB of zeros."""
    (tmp / "liar.npz").write_bytes(zip_archive([bomb_member(npy_header((10, 2)), 10 * GiB),
                                                labels_member()]))
    return tmp / "liar.npz"


def greedy_header(tmp):
    """An X in .npy version 2.0 whose header declares itself 4 GB long (and is, in zeros)."""
    long_header = npy.magic(2, 0) + struct.pack("<I", 0xFFFFFFFF)
    (tmp / "greedy.npz").write_bytes(zip_archive([bomb_member(long_header, 4 * GiB), labels_member()]))
    return tmp / "greedy.npz"


def trillion_rows(tmp):
    """A 450-byte .npz whose headers declare 10¹² rows (and no data)."""
    with zipfile.ZipFile(tmp / "trillion.npz", "w") as archive:
        archive.writestr("X.npy", npy_header((10 ** 12, 2)))
        archive.writestr("y.npy", npy_header((10 ** 12,), "<i8"))
    return tmp / "trillion.npz"


def many_rows(tmp):
    """A 20 MB CSV of a header and 4,999,980 rows of one input and a label."""
    (tmp / "rows.csv").write_bytes(b"x,label\n" + b"0,1\n1,0\n" * 2_499_990)
    return tmp / "rows.csv"


def one_column(tmp):
    """A 20 MB CSV of 9,999,999 lines of one number each."""
    (tmp / "column.csv").write_bytes(b"0\n" * 9_999_999)
    return tmp / "column.csv"


def test_a_compression_bomb_is_refused_by_its_headers_before_anything_is_decompressed(tmp_path):
    """Issue 23, finding 2: a 10.4 MB .npz of 10 GiB of zeros took 10 GB and 58 s."""
    bomb = compression_bomb(tmp_path)
    assert 9e6 < bomb.stat().st_size < 12e6
    message, peak = peak_while(read_data_file, bomb)
    assert message == "X has 1,342,177,280 rows; at most 5,000 can be trained on live"
    assert peak < 40e6                                  # the file's bytes, twice at most


def test_a_header_that_lies_is_never_trusted_past_what_it_declares(tmp_path):
    message, peak = peak_while(read_data_file, lying_header(tmp_path))
    assert message == "its array X holds more bytes than its header declares (160)" and peak < 40e6
    message, peak = peak_while(read_data_file, greedy_header(tmp_path))
    assert message == "its array X is not a readable .npy array" and peak < 30e6


def test_a_header_claiming_a_trillion_rows_is_refused_at_once(tmp_path):
    """Issue 23, finding 3: a 344-byte file made a MemoryError escape."""
    path = trillion_rows(tmp_path)
    assert path.stat().st_size < 500
    message, peak = peak_while(read_data_file, path)
    assert message == "X has 1,000,000,000,000 rows; at most 5,000 can be trained on live"
    assert peak < 1e6


def test_a_csv_past_the_row_limit_is_refused_without_reading_the_rest(tmp_path):
    """Issue 23, finding 10: 10 million rows (20 MB) were all parsed first (1.28 GB)."""
    rows = many_rows(tmp_path)
    message, peak = peak_while(read_data_file, rows)
    assert message == ("it has more than 5,000 rows of data (line 5,002 is row 5,001); at most "
                       "5,000 can be trained on live")
    assert peak < 3.5 * rows.stat().st_size            # its bytes and its text, not its rows
    column = one_column(tmp_path)
    message, peak = peak_while(read_data_file, column)
    assert message.startswith("line 1 has one column") and peak < 3.5 * column.stat().st_size


def npz(tmp, name, X, y, **options):
    np.savez(tmp / name, X=X, y=y, **options)
    return tmp / name


def test_every_kind_of_number_is_read_as_the_numbers_it_holds(tmp_path):
    """bool, integers and float16/32/64 (complex, object, long double and structured
    inputs are refused: ``bad_files``)."""
    rng = np.random.default_rng(3)
    small = rng.integers(0, 5, size=(12, 3))
    y = np.arange(12) % 3
    reference = standardised_exactly(small.tolist())
    for dtype in (np.int8, np.uint16, np.int64, np.float16, np.float32, np.float64):
        X, *_ = read_data_file(npz(tmp_path, f"{np.dtype(dtype).name}.npz", small.astype(dtype), y))
        assert np.allclose(X, reference, atol=1e-12), dtype
    X, *_ = read_data_file(npz(tmp_path, "bool.npz", small > 2, y))
    assert np.allclose(X, standardised_exactly((small > 2).astype(int).tolist()), atol=1e-12)


def standardised_exactly(rows):
    """Each column (x - mean) / standard deviation, worked out in 60-digit decimals."""
    with localcontext() as context:
        context.prec = 60
        columns = []
        for column in zip(*rows):
            x = [Decimal(v) for v in column]
            mean = sum(x) / len(x)
            sd = (sum((v - mean) ** 2 for v in x) / len(x)).sqrt()
            columns.append([float((v - mean) / sd) if sd else 0.0 for v in x])
    return np.array(columns).T


def test_huge_and_tiny_finite_values_standardise_to_finite_numbers(tmp_path):
    """Issue 23, finding 4: two cells of 1.797e308 became ±inf/NaN; values near 1e154
    zeroed their column with RuntimeWarnings."""
    rows = [[1.797e308 if i < 2 else float(i), 1e154 * (i % 3 + 1), 5e-324 * (i % 2), -3e200 * i, 0.5 * i]
            for i in range(10)]
    path = write_csv(tmp_path / "huge.csv", [[*map(repr, row), "ab"[i % 2]] for i, row in enumerate(rows)])
    X, *_ = read_data_file(path)
    assert np.isfinite(X).all()
    assert np.allclose(X, standardised_exactly(rows), rtol=0, atol=1e-12)


# ---------------------------------------------------------------- bad files, one sentence each
def bad_files(tmp):
    """(how the file is made, its path, words its message holds) for every way a data file
    is refused. ``benchmarks/data_file_table.py`` makes docs/reliability.md's table of it."""
    good = [[i, i % 3, "ab"[i % 2]] for i in range(10)]
    header = [["x", "y", "label"]]
    (tmp / "folder.csv").mkdir()
    os.mkfifo(tmp / "fifo.csv")
    (tmp / "memory.csv").symlink_to("/proc/self/mem")
    with open(tmp / "huge.csv", "wb") as f:
        f.truncate(30_000_000)
    (tmp / "binary.csv").write_bytes(b"\xff\xfe\x00" * 50)
    (tmp / "cr.csv").write_text("".join(f"{i},{i % 3},{'ab'[i % 2]}\r" for i in range(10)), newline="")
    (tmp / "wide.csv").write_text(",".join(["0"] * 60_000) + ",a\n")
    (tmp / "zip.npz").write_text("1,2,3\n")
    np.savez(tmp / "noy.npz", X=np.zeros((10, 2)))
    with zipfile.ZipFile(tmp / "bzip2.npz", "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("X.npy", npy_header((10, 2)) + bytes(160))
        archive.writestr("y.npy", npy_header((10,), "<i8") + bytes(80))
    with zipfile.ZipFile(tmp / "truncated.npz", "w") as archive:
        archive.writestr("X.npy", npy_header((10, 2)) + bytes(80))
        archive.writestr("y.npy", npy_header((10,), "<i8") + bytes(80))
    with zipfile.ZipFile(tmp / "garbled.npz", "w") as archive:
        archive.writestr("X.npy", npy.magic(1, 0) + b"\x10\x00{'descr': 1/0}  \n")
        archive.writestr("y.npy", npy_header((10,), "<i8") + bytes(80))
    nothing = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    padding = [(f"pad{k}", nothing, 0, 0) for k in range(10_000)]
    (tmp / "crowded.npz").write_bytes(zip_archive([bomb_member(npy_header((10, 2)), 0), labels_member()]
                                                  + padding))
    y = np.arange(12) % 3
    return [
        # the file itself
        ("`data.xlsx`", tmp / "data.xlsx", "a data set must be a .csv or .npz file"),
        ("missing", tmp / "missing.csv", "cannot read it (No such file or directory)"),
        ("a folder", tmp / "folder.csv", "it is a folder, not a file"),
        ("a FIFO nobody writes", tmp / "fifo.csv", "it is not a regular file (a FIFO or a device?)"),
        ("a link to `/proc/self/mem` (EIO on read)", tmp / "memory.csv",
         "cannot read it (Input/output error)"),
        ("30 MB", tmp / "huge.csv", "too large for a data set"),
        # CSV
        ("binary bytes as `.csv`", tmp / "binary.csv", "it is not a text file"),
        ("lines ending in CR alone", tmp / "cr.csv",
         "its lines end in a carriage return alone (an old Mac format): save it with LF or CR LF line ends"),
        ("separated by semicolons", write_csv(tmp / "semicolons.csv", [[f"{i};{i % 3};{'ab'[i % 2]}"] for i in range(10)]),
         "line 1 has one column: each line needs at least one input and a label, separated by "
         "commas (its columns seem separated by semicolons: save it with commas)"),
        ("semicolons and decimal commas", write_csv(tmp / "decimalcomma.csv",
                                                    [[f"{i}", f"5;{i}", f"3;{'ab'[i % 2]}"] for i in range(10)]),
         "line 1, column 2: '5;0' is not a number (its columns seem separated by semicolons"),
        ("separated by tabs", write_csv(tmp / "tabs.csv", [[f"{i}\t{i % 3}\t{'ab'[i % 2]}"] for i in range(10)]),
         "(its columns seem separated by tabs: save it with commas)"),
        ("a line of 60,001 fields", tmp / "wide.csv", "line 1 is longer than 100,000 characters"),
        ("empty", write_csv(tmp / "empty.csv", []), "it holds no rows of data"),
        ("a header only", write_csv(tmp / "onlyheader.csv", header), "it holds no rows of data"),
        ("a word among the inputs, after a header", write_csv(tmp / "words.csv", header + good[:5] + [[1, "x", "a"]] + good[5:]),
         "line 7, column 2: 'x' is not a number"),
        ("`1_000`", write_csv(tmp / "underscore.csv", good[:2] + [["1_000", 2, "a"]] + good[2:]),
         "line 3, column 1: '1_000' is not a number"),
        ("Arabic-Indic digits", write_csv(tmp / "arabic.csv", good[:2] + [["١٢", 2, "a"]] + good[2:]),
         "line 3, column 1: '١٢' is not a number"),
        ("`nan`", write_csv(tmp / "nan.csv", good[:2] + [[1, "nan", "a"]] + good[2:]),
         "line 3, column 2 is 'nan': every input must be a finite number"),
        ("`-Infinity`, after a header", write_csv(tmp / "inf.csv", header + good[:2] + [[1, "-Infinity", "a"]] + good[2:]),
         "line 4, column 2 is '-Infinity': every input must be a finite number"),
        ("`2e308`", write_csv(tmp / "overflow.csv", good[:2] + [[1, "2e308", "a"]] + good[2:]),
         "line 3, column 2: '2e308' is beyond the largest number (about 1.8e308)"),
        ("a row of another length", write_csv(tmp / "ragged.csv", good[:3] + [[1, 2, 3, "a"]] + good[3:]),
         "it is ragged: line 4 has 4 columns, the first has 3"),
        ("a header and 4,999,980 rows (20 MB)", many_rows(tmp),
         "it has more than 5,000 rows of data (line 5,002 is row 5,001)"),
        ("9,999,999 lines of one number (20 MB)", one_column(tmp), "line 1 has one column"),
        # .npz
        ("text as `.npz`", tmp / "zip.npz", "it is not an .npz archive"),
        ("no `y`", tmp / "noy.npz", "the archive lacks the array y"),
        ("10,000 more members (a 710 kB zip directory)", tmp / "crowded.npz",
         "its zip directory is larger than 256 kB (an .npz of X and y needs a few hundred bytes)"),
        ("X compressed by bzip2", tmp / "bzip2.npz", "its array X is compressed in a way numpy.savez does not write"),
        ("10 GiB of zeros in 10.6 MB (a compression bomb)", compression_bomb(tmp),
         "X has 1,342,177,280 rows; at most 5,000 can be trained on live"),
        ("a header declaring 10¹² rows, in 450 bytes", trillion_rows(tmp),
         "X has 1,000,000,000,000 rows; at most 5,000 can be trained on live"),
        ("a header declaring 10 × 2 over 10 GiB of zeros", lying_header(tmp),
         "its array X holds more bytes than its header declares (160)"),
        ("a header declaring 10 × 2 over half the data", tmp / "truncated.npz",
         "its array X holds fewer bytes than its header declares (160)"),
        ("a version-2.0 header declaring itself 4 GB long", greedy_header(tmp),
         "its array X is not a readable .npy array"),
        ("a header that is not a dictionary", tmp / "garbled.npz", "its array X is not a readable .npy array"),
        ("X complex", npz(tmp, "complex.npz", np.ones((12, 2)) + 1j, y),
         "X holds complex numbers: its inputs must be real numbers"),
        ("X of Python objects (pickled)", npz(tmp, "objects.npz", np.array([[1, "a"]] * 12, dtype=object), y,
                                              allow_pickle=True), "X holds Python objects (never read"),
        ("X of long doubles", npz(tmp, "longdouble.npz", np.ones((12, 2), dtype=np.longdouble), y),
         "which the lab does not read: save it as float64"),
        ("X structured", npz(tmp, "structured.npz", np.zeros(12, dtype=[("a", "f8"), ("b", "f8")]), y),
         "X holds records of several fields (a structured array)"),
        ("X of text", npz(tmp, "textX.npz", np.full((12, 2), "1"), y), "X holds text"),
        ("X 1-D", npz(tmp, "flat.npz", np.zeros(40), np.arange(40) % 2),
         "X must be a 2-D array (rows × inputs), got 1-D"),
        ("X of 40 × 0 (no inputs)", npz(tmp, "nocolumns.npz", np.zeros((40, 0)), np.arange(40) % 2),
         "X has no input columns; at least one is needed"),
        ("6,000 rows", npz(tmp, "tall.npz", np.zeros((6000, 2)), np.arange(6000) % 2),
         "X has 6,000 rows; at most 5,000 can be trained on live"),
        ("2,000 inputs", npz(tmp, "broad.npz", np.zeros((10, 2000)), np.arange(10) % 2),
         "X has 2,000 input columns; at most 1,024 can be trained on live"),
        ("a NaN among float16 inputs", npz(tmp, "nanX.npz", np.where(np.eye(10, 2) > 0, np.nan, 1.0).astype(np.float16),
                                           np.arange(10) % 2),
         "row 1, column 1 of X is nan: every input must be a finite number"),
        ("39 labels for 40 rows", npz(tmp, "short.npz", np.zeros((40, 2)), np.arange(39) % 2),
         "y must hold one label per row of X (40), got shape (39,)"),
        ("y of fractions", npz(tmp, "fraction.npz", np.zeros((10, 2)), np.arange(10) / 3),
         "labels must be integers or strings"),
        ("y complex", npz(tmp, "ycomplex.npz", np.ones((12, 2)), y + 0j),
         "y holds complex numbers: labels must be integers or strings"),
        ("y of whole numbers near 10³⁰⁰", npz(tmp, "bigy.npz", np.zeros((10, 2)), np.arange(10) % 2 * 1e300),
         "the label '10000000000000000525047602552044202487… is longer than 32 characters"),
        ("y of 33-character strings", npz(tmp, "longlabels.npz", np.zeros((10, 2)), np.array(["a", "b" * 33] * 5)),
         "y holds strings of up to 33 characters; a label has at most 32"),
        # what the rows hold
        ("5 rows", write_csv(tmp / "few.csv", good[:5]), "it has 5 rows; at least 8 are needed"),
        ("one label throughout", write_csv(tmp / "one.csv", [[i, i, "a"] for i in range(10)]),
         "every row has the label 'a': at least two classes are needed"),
        ("a class of one row", write_csv(tmp / "lonely.csv", good + [[1, 1, "c"]]), "the class 'c' has only one row"),
        ("a real-valued last column", write_csv(tmp / "real.csv", [[i, i / 7] for i in range(200)]),
         "200 distinct labels"),
        ("a 50-character label", write_csv(tmp / "long.csv", good + [[1, 1, "w" * 50], [2, 2, "w" * 50]]),
         "line 11: the label 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww… is longer than 32 characters"),
    ]


def test_every_bad_file_is_refused_in_one_sentence(tmp_path):
    for how, path, words in bad_files(tmp_path):
        with pytest.raises(ValueError) as caught:
            read_data_file(path)
        message = str(caught.value)
        assert words in message and "\n" not in message and len(message) < 200, (how, message)


def test_the_data_file_table_is_what_the_code_says():
    """docs/reliability.md's table of refused files is the one the code makes now."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "data_file_table.py"
    spec = importlib.util.spec_from_file_location("data_file_table", script)
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    doc = maker.DOC.read_text(encoding="utf-8")
    assert maker.with_table(doc, maker.table()) == doc, "run benchmarks/data_file_table.py --write"


# ---------------------------------------------------------------- the digest
def test_the_digest_names_exactly_the_bytes_checked_and_a_changed_file_is_refused(tmp_path):
    """Issue 23, finding 5: a file changed between the window's check and the engine's
    read trained on other data than the controls named, and nobody was told."""
    path = write_csv(tmp_path / "d.csv", [[i, i % 4, "ab"[i % 2]] for i in range(20)])
    digest = check_data_file(path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    write_csv(path, [[i, -i, "cd"[i % 2]] for i in range(20)])
    with pytest.raises(ValueError, match=f"^{path}: it changed since it was checked: load it again$"):
        make_dataset("file", path=str(path), digest=digest)
    data = make_dataset("file", path=str(path), digest=check_data_file(path))
    assert data.classes == ("c", "d")


def test_two_data_files_are_kept_parsed_and_no_more(tmp_path):
    """Issue 23, finding 7: every file ever loaded stayed in memory. The last two read stay
    (trained on as checked, even once the file has gone); an older one, or one only
    checked, is read again."""
    paths = [write_csv(tmp_path / f"{k}.csv", [[i, i % 4, "ab"[i % 2]] for i in range(20)])
             for k in range(4)]
    digests = [check_data_file(p) for p in paths]
    for path, digest in zip(paths[:3], digests):
        make_dataset("file", path=str(path), digest=digest)
    for path in paths:
        path.unlink()
    for k in (1, 2):
        assert make_dataset("file", path=str(paths[k]), digest=digests[k]).classes == ("a", "b")
    for k in (0, 3):
        with pytest.raises(ValueError, match=f"{k}.csv: cannot read it"):
            make_dataset("file", path=str(paths[k]), digest=digests[k])


def test_a_file_moved_away_after_it_was_read_is_trained_on_as_read(tmp_path):
    from simulator import SimConfig, Simulation
    path = write_csv(tmp_path / "moving.csv", [[i, i % 4, "ab"[i % 2]] for i in range(20)])
    sim = Simulation(SimConfig(depth=1, dataset="file", data_file=str(path),
                               data_digest=check_data_file(path)))
    path.unlink()
    sim.apply(sim.config.replace(depth=2))                       # rebuilt from what was read
    assert sim.net.layer_sizes == [2, 16, 16, 1] and sim.data.classes == ("a", "b")
    before = sim.config
    with pytest.raises(ValueError, match="never.csv: cannot read it"):
        sim.apply(before.replace(data_file=str(tmp_path / "never.csv")))
    assert sim.config == before                                  # and the run goes on


def test_data_files_no_run_uses_are_let_go(tmp_path):
    """Issue 23, finding 7: six 5,000 × 1,024 files took the engine from 79 to 492 MB, and
    going back to a small file left 356 MB: the parsed files were kept for ever."""
    from simulator import data
    from simulator.config import SimConfig
    from simulator.session import Session
    rng = np.random.default_rng(0)
    configs = []
    for k in range(3):
        path = tmp_path / f"d{k}.npz"
        np.savez(path, X=rng.normal(size=(60, 4)), y=np.arange(60) % 2)
        configs.append(SimConfig(depth=1, width=2, dataset="file", data_file=str(path),
                                 data_digest=data.check_data_file(str(path))))
    session = Session(configs[0], lambda sent: None)
    for config in configs:
        session.set_config(config)
        session.tick()
        assert set(data._files) == {(config.data_file, config.data_digest)}
    session.set_config(SimConfig(depth=1, width=2))
    session.tick()
    assert data._files == {}
