"""Cost-surface grid times against evaluating every grid point separately; the ball's
cost beside the training it runs with.

    python benchmarks/bench_landscape.py

Depth 10, width 16 (sigmoid), 256 data points, the default plane (first and last
layer). "structured" is the plane's grid_costs; "point by point" is one full forward
pass of the whole network per grid point at θ(a, b), timed on a sample of points and
scaled to the grid, all in one run.

The ball against training, side by side in one run (rounds alternate, best of each
kept), for the default config and three presets, in process CPU time (other people's
load on the shared machine moves wall time much more): training steps alone
(Simulation.advance without the ball) and with the ball (each step locates the network
on the plane: its cost and slopes there). "share" is what the ball adds.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.config import SimConfig, load_presets  # noqa: E402
from simulator.data import make_dataset  # noqa: E402
from simulator.landscape import Landscape  # noqa: E402
from simulator.network import Network  # noqa: E402
from simulator.simulation import Simulation  # noqa: E402

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
    plane, probe = Landscape(net, X, Y).plane, net.copy()

    def point(a, b):                         # the whole network's forward pass at θ(a, b)
        probe.theta = plane.theta(a, b)
        return probe.loss(X, Y)
    per_point = best_of(lambda: [point(a, 0.1) for a in np.linspace(-1, 1, 200)]) / 200
    print(f"{len(X)} data points, depth 10, width 16; one point by itself: {per_point * 1e6:.0f} µs")
    print(f"{'grid':>6} | {'structured ms':>13} | {'point by point ms':>17} | {'speed-up':>8}")
    for resolution in (32, 64, 128):
        steps = np.linspace(-1, 1, resolution)
        grid = best_of(lambda: plane.grid_costs(steps, steps))
        naive = per_point * resolution ** 2
        print(f"{resolution:>4}² | {grid * 1e3:13.1f} | {naive * 1e3:17.0f} | {naive / grid:7.0f}×")
    refinement_on_digits()
    ball_against_training()


def refinement_on_digits(budget=0.12):
    """The worker's refinement of the surface on the digits (1,347 training images through
    [64, 30, 30, 30, 30, 10]): how many shares, the longest, and the whole grid."""
    sim = Simulation(load_presets()["Nielsen's experiment"].config)
    print()
    print(f"digits, {budget * 1e3:.0f} ms shares | {'shares':>6} | {'longest ms':>10} | {'whole s':>7}")
    for resolution in (64, 96):
        sim.landscape.compute_surface(16)
        shares, began = [], time.perf_counter()
        for _ in sim.landscape.refinement(resolution, budget):
            shares.append(time.perf_counter() - began - sum(shares))
        print(f"{resolution:>22}² | {len(shares):6d} | {max(shares) * 1e3:10.0f} | "
              f"{time.perf_counter() - began:7.2f}")


def ball_against_training(rounds=ROUNDS, steps=50):
    print()
    print(f"{'config':<26} | {'train step µs':>13} | {'with the ball µs':>16} | {'share':>6}")
    presets = load_presets()
    for name, config in (("default", SimConfig()),
                         ("Deep sigmoid (vanishing)", presets["Deep sigmoid (vanishing)"].config),
                         ("Batch norm rescues deep sigmoid", presets["Batch norm rescues deep sigmoid"].config),
                         ("Nielsen's experiment", presets["Nielsen's experiment"].config)):
        sim = Simulation(config)
        sim.advance(2000)                # evaluations of the costs are rare by now
        alone, with_ball = [], []
        for _ in range(rounds):                      # alternate, keep the best of each
            for ball, times in ((False, alone), (True, with_ball)):
                start = time.process_time()
                sim.advance(steps, ball=ball)
                times.append((time.process_time() - start) / steps)
        t, b = min(alone), min(with_ball)
        print(f"{name[:26]:<26} | {t * 1e6:13.0f} | {b * 1e6:16.0f} | {b / t - 1:6.0%}")


if __name__ == "__main__":
    main()
