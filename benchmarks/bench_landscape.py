"""Cost-surface grid times against evaluating every grid point separately.

    python benchmarks/bench_landscape.py

Depth 10, width 16 (sigmoid), 256 data points, the default plane (first and last
layer). "structured" is Landscape.grid_costs; "point by point" is one full forward
pass per grid point (Landscape.cost), timed on a sample of points and scaled to the
grid, all in one run. Also the ball's step (full backpropagation on the 256 points).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.data import make_dataset  # noqa: E402
from simulator.landscape import Landscape  # noqa: E402
from simulator.network import Network  # noqa: E402

ROUNDS = 7


def best_of(f, rounds=ROUNDS):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    data = make_dataset("circles", n_samples=256, seed=0, test_fraction=1 / 256)
    X = np.concatenate([data.X_train, data.X_test])
    Y = np.concatenate([data.y_train, data.y_test])[:, None]
    net = Network([2] + [16] * 10 + [1], activation="sigmoid", seed=0)
    landscape = Landscape(net, X, Y)
    per_point = best_of(lambda: [landscape.cost(a, 0.1) for a in np.linspace(-1, 1, 200)]) / 200
    print(f"{len(X)} data points, depth 10, width 16; one point by itself: {per_point * 1e6:.0f} µs")
    print(f"{'grid':>6} | {'structured ms':>13} | {'point by point ms':>17} | {'speed-up':>8}")
    for resolution in (32, 64, 128):
        steps = np.linspace(-1, 1, resolution)
        grid = best_of(lambda: landscape.grid_costs(steps, steps))
        naive = per_point * resolution ** 2
        print(f"{resolution:>4}² | {grid * 1e3:13.1f} | {naive * 1e3:17.0f} | {naive / grid:7.0f}×")
    landscape.configure_ball("sgd", 0.1)
    ball = best_of(lambda: landscape.roll(50)) / 50
    print(f"ball step (full backpropagation on {len(X)} points): {ball * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
