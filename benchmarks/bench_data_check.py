"""Checking a data file: how long ``read_data_file`` takes and the most memory it holds, for
the hostile files of issue 23 and the largest files the limits allow; and the window's
longest main-thread gap while it loads each through File ▸ Load data set (the check runs
in a process of its own). The figures are in docs/performance.md ("Checking a data file").

    python benchmarks/bench_data_check.py [--no-window]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from simulator.datafile import read_data_file  # noqa: E402
from test_datafile import compression_bomb, greedy_header, lying_header, many_rows, one_column, trillion_rows  # noqa: E402,E501


def largest_csv(folder):
    """5,000 rows of 1,024 one-digit inputs and a label: 10.3 MB."""
    X = np.random.default_rng(0).integers(0, 10, size=(5000, 1024))
    text = "".join(",".join(map(str, row)) + f",{i % 10}\n" for i, row in enumerate(X))
    (folder / "largest.csv").write_text(text)
    return folder / "largest.csv"


def largest_npz(folder):
    """5,000 × 1,024 float64 inputs of four values, compressed: 2.7 MB (41 MB inside)."""
    X = np.random.default_rng(0).integers(0, 4, size=(5000, 1024)).astype(np.float64)
    np.savez_compressed(folder / "largest.npz", X=X, y=np.arange(5000) % 10)
    return folder / "largest.npz"


FILES = (compression_bomb, lying_header, greedy_header, trillion_rows, many_rows, one_column,
         largest_csv, largest_npz)


def check(path):
    """(seconds, most memory held in MB (a second run, traced), the outcome in a few words)."""
    start = time.perf_counter()
    try:
        read_data_file(path)
        outcome = "accepted"
    except ValueError as error:
        outcome = str(error)[:50]
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        read_data_file(path)
    except ValueError:
        pass
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, outcome


def window_gaps(paths):
    """{file name: (longest main-thread gap in ms while it loads, seconds until done)}."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from lab_window import open_window, pump
    from stall_probe import StallProbe

    app = QApplication.instance() or QApplication([])
    gaps = {}
    with tempfile.TemporaryDirectory() as folder:
        window = open_window(Path(folder) / "lab.ini")
        pump(app, 3.0)                                 # settled, training paused
        for path in paths:
            probe = StallProbe()
            probe.start()
            start = time.perf_counter()
            window.lecture.load_data(path)
            pump(app, 60.0, until=lambda: window.lecture.loading is None)
            seconds = time.perf_counter() - start
            pump(app, 0.2)
            probe.stop()
            gaps[path.name] = probe.longest_ms(), seconds
            if window.lecture.box is not None:
                window.lecture.box.hide()
        window.close()
    return gaps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-window", action="store_true", help="only the check itself")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = [build(Path(folder)) for build in FILES]
        print("| file | size | check | most memory held | outcome |")
        print("|---|---|---|---|---|")
        for path in paths:
            seconds, peak, outcome = check(path)
            print(f"| {path.name} | {path.stat().st_size / 1e6:.1f} MB | {seconds * 1e3:,.0f} ms | "
                  f"{peak:.1f} MB | {outcome} |")
        if not options.no_window:
            print("\n| file | the window's longest main-thread gap while it loads | until done |")
            print("|---|---|---|")
            for name, (gap, seconds) in window_gaps(paths).items():
                print(f"| {name} | {gap:.0f} ms | {seconds:.2f} s |")


if __name__ == "__main__":
    main()
