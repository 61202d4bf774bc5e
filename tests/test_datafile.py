"""A lecturer's own data file: read, standardised and split; every bad file one sentence."""
import os

import numpy as np
import pytest

from simulator.datafile import read_data_file
from simulator.data import make_dataset


def write_csv(path, rows):
    path.write_text("\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    return path


def test_a_csv_with_a_header_and_string_labels(tmp_path):
    rows = [["x1", "x2", "x3", "species"]]
    rows += [[i, 2 * i % 7, 5, ("setosa", "virginica", "versicolor")[i % 3]] for i in range(12)]
    X, labels, classes = read_data_file(write_csv(tmp_path / "iris.csv", rows))
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


def bad_files(tmp):
    """(path, the message's words) for every way a data file can be refused."""
    good = [[i, i % 3, "ab"[i % 2]] for i in range(10)]
    cases = [
        (write_csv(tmp / "words.csv", good[:5] + [[1, "x", "a"]] + good[5:]),
         "row 6, column 2: 'x' is not a number"),
        (write_csv(tmp / "ragged.csv", good[:3] + [[1, 2, 3, "a"]] + good[3:]),
         "it is ragged: row 4 has 4 columns, the first has 3"),
        (write_csv(tmp / "one.csv", [[i, i, "a"] for i in range(10)]),
         "every row has the label 'a': at least two classes are needed"),
        (write_csv(tmp / "nan.csv", good[:2] + [[1, "nan", "a"]] + good[2:]),
         "row 3, column 2 is nan: every input must be a finite number"),
        (write_csv(tmp / "few.csv", good[:5]), "it has 5 rows; at least 8 are needed"),
        (write_csv(tmp / "lonely.csv", good + [[1, 1, "c"]]), "the class 'c' has only one row"),
        (write_csv(tmp / "real.csv", [[i, i / 7] for i in range(200)]), "200 distinct labels"),
        (write_csv(tmp / "empty.csv", []), "it holds no rows of data"),
        (tmp / "folder.csv", "it is a folder, not a file"),
        (tmp / "missing.csv", "cannot read it (No such file or directory)"),
        (tmp / "data.xlsx", "a data set must be a .csv or .npz file"),
        (tmp / "fifo.csv", "it is not a regular file (a FIFO or a device?)"),
        (tmp / "binary.csv", "it is not a text file"),
        (tmp / "zip.npz", "it is not an .npz archive"),
        (tmp / "noy.npz", "the archive lacks the array y"),
        (tmp / "fraction.npz", "labels must be integers or strings"),
        (tmp / "huge.csv", "too large for a data set"),
        (tmp / "tall.npz", "at most 5,000 rows"),
    ]
    (tmp / "folder.csv").mkdir()
    os.mkfifo(tmp / "fifo.csv")
    (tmp / "binary.csv").write_bytes(b"\xff\xfe\x00" * 50)
    (tmp / "zip.npz").write_text("1,2,3\n")
    np.savez(tmp / "noy.npz", X=np.zeros((10, 2)))
    np.savez(tmp / "fraction.npz", X=np.zeros((10, 2)), y=np.arange(10) / 3)
    with open(tmp / "huge.csv", "wb") as f:
        f.truncate(30_000_000)
    np.savez(tmp / "tall.npz", X=np.zeros((6000, 2)), y=np.arange(6000) % 2)
    return cases


def test_every_bad_file_is_refused_in_one_sentence(tmp_path):
    for path, words in bad_files(tmp_path):
        with pytest.raises(ValueError) as caught:
            read_data_file(path)
        message = str(caught.value)
        assert words in message and "\n" not in message and len(message) < 200, path.name


def test_a_file_moved_away_after_it_was_read_is_trained_on_as_read(tmp_path):
    from simulator import SimConfig, Simulation
    path = write_csv(tmp_path / "moving.csv", [[i, i % 4, "ab"[i % 2]] for i in range(20)])
    sim = Simulation(SimConfig(depth=1, dataset="file", data_file=str(path)))
    path.unlink()
    sim.apply(sim.config.replace(depth=2))                       # rebuilt from what was read
    assert sim.net.layer_sizes == [2, 16, 16, 1] and sim.data.classes == ("a", "b")
    before = sim.config
    with pytest.raises(ValueError, match="never.csv: cannot read it"):
        sim.apply(before.replace(data_file=str(tmp_path / "never.csv")))
    assert sim.config == before                                  # and the run goes on
