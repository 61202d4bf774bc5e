"""Run every bad input of tests/test_cli.py as a real command line and count the outcomes.

    python benchmarks/audit_inputs.py [--main PATH/TO/main.py] [--timeout 10]

Each case is one `main.py` run (the FIFO one included): "clean" is status 2, one line of
under 500 characters on stderr, nothing written, within the timeout; the rest are sorted
into hang (timeout), traceback, crash (killed by a signal), accepted (status 0), long line
(a bad value printed back whole) and other. Point --main at an
older checkout's main.py to compare. The figures are in docs/reliability.md ("Inputs").
"""
from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from test_cli import BAD_INPUTS, concrete, written  # noqa: E402


def outcome(main_py, args, timeout):
    with tempfile.TemporaryDirectory() as scratch:
        args, folder = concrete(args, Path(scratch))
        env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": scratch}
        try:
            result = subprocess.run([sys.executable, str(main_py), *args], capture_output=True,
                                    timeout=timeout, env=env, cwd=scratch)
        except subprocess.TimeoutExpired:
            return "hang"
        stderr = result.stderr.decode(errors="replace")
        if result.returncode < 0:
            return "crash"
        if "Traceback" in stderr:
            return "traceback"
        if result.returncode == 0:
            return "accepted"
        if result.returncode != 2 or stderr.count("\n") != 1 or written(folder):
            return "other"
        return "clean" if len(stderr) < 500 else "long line"


def fifo_outcome(main_py, timeout):
    with tempfile.TemporaryDirectory() as scratch:
        fifo = Path(scratch) / "setup.json"
        os.mkfifo(fifo)
        try:
            result = subprocess.run([sys.executable, str(main_py), "--config", str(fifo), "--export",
                                     str(Path(scratch) / "x.png")], capture_output=True, timeout=timeout,
                                    env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
        except subprocess.TimeoutExpired:
            return "hang"
        return "clean" if result.returncode == 2 and result.stderr.count(b"\n") == 1 else "other"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--main", type=Path, default=ROOT / "main.py")
    parser.add_argument("--timeout", type=float, default=10.0)
    options = parser.parse_args()
    counts = collections.Counter()
    for args, _ in BAD_INPUTS:
        result = outcome(options.main, args, options.timeout)
        counts[result] += 1
        if result != "clean":
            print(f"{result:10s} {' '.join(map(str, args))[:100]}", flush=True)
    result = fifo_outcome(options.main, options.timeout)
    counts[result] += 1
    if result != "clean":
        print(f"{result:10s} --config FIFO", flush=True)
    print(f"{sum(counts.values())} inputs: " + ", ".join(f"{n} {k}" for k, n in counts.most_common()))


if __name__ == "__main__":
    main()
