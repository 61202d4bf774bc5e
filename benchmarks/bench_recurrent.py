"""The recurrent mode's costs beside a feed-forward run's, in one run.

    python benchmarks/bench_recurrent.py

For the preset "Recurrent: a long memory vanishes" (T = 40 time steps of 16 tanh units,
5,000 sequences) and "Deep sigmoid (vanishing)" (10 × 16): a training step (Simulation.advance
without the ball), a Snapshot between measures (measure=False: the ball, φ' statistics),
a measured one (the whole-set costs and the network on the surface's data too), and a 48²
surface. Process CPU time, rounds alternating between the two runs, best of ROUNDS kept
(other people's load on the shared machine moves wall time much more).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")           # as the lab runs (simulator/__init__.py)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import Simulation, load_presets  # noqa: E402

ROUNDS = 7
STEPS = 100
RUNS = ("Recurrent: a long memory vanishes", "Deep sigmoid (vanishing)")


def cpu(f):
    start = time.process_time()
    f()
    return time.process_time() - start


def measures(sim, decision):
    """Seconds of: a training step, a snapshot between measures, a measured one, a 48² surface."""
    def measured():
        sim._evaluated = sim._located = None            # nothing kept from the last measure
        sim.snapshot(decision)
    return (cpu(lambda: sim.advance(STEPS, ball=False)) / STEPS,
            cpu(lambda: sim.snapshot(decision, measure=False)), cpu(measured),
            cpu(lambda: sim.landscape.compute_surface(48)))


def main():
    presets = load_presets()
    sims = {name: Simulation(presets[name].config) for name in RUNS}
    decisions = {}
    for name, sim in sims.items():
        sim.advance(10)
        decisions[name] = sim.decision_map()
    best = {name: [float("inf")] * 4 for name in RUNS}
    for _ in range(ROUNDS):
        for name, sim in sims.items():
            best[name] = [min(a, b) for a, b in zip(best[name], measures(sim, decisions[name]))]
    print(f"{'run':>34} | {'step ms':>7} | {'snapshot ms':>11} | {'measured ms':>11} | {'48² surface ms':>14}")
    for name in RUNS:
        step, snap, measured, surface = best[name]
        print(f"{name:>34} | {step * 1e3:7.2f} | {snap * 1e3:11.1f} | {measured * 1e3:11.1f} | {surface * 1e3:14.0f}")
    ratios = [a / b for a, b in zip(*best.values())]
    print(f"{'ratio':>34} | {ratios[0]:7.1f} | {ratios[1]:11.1f} | {ratios[2]:11.1f} | {ratios[3]:14.1f}")


if __name__ == "__main__":
    main()
