"""What the two issue-27 panels cost the engine: the activations recorded over training
(activity.py, every run) and the Jacobian's singular values (jacobian.Spectrum, only while
its panel is shown), beside a training step, in one run.

    python benchmarks/bench_panels.py

For a few presets and a large network: a training step (Simulation.advance without the
ball), one record of the activations on the monitored test inputs, one Spectrum, and
the share of a 2,000-step run the records take (records kept × a record's time / the
steps' time). Process CPU time, rounds alternating between the runs, best of ROUNDS kept
(other people's load on the shared machine moves wall time much more).
"""
from __future__ import annotations

import dataclasses
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")           # as the lab runs (simulator/__init__.py)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import Simulation, load_presets  # noqa: E402
from simulator.jacobian import affordable_samples  # noqa: E402

ROUNDS = 7
STEPS = 100
RUN = 2000
PRESETS = ("Deep sigmoid (vanishing)", "Nielsen's experiment", "Recurrent: a long memory vanishes")


def cpu(f, repeat=1):
    start = time.process_time()
    for _ in range(repeat):
        f()
    return (time.process_time() - start) / repeat


def configs():
    presets = load_presets()
    named = {name: presets[name].config for name in PRESETS}
    named["depth 30 × 64, tanh, digits"] = dataclasses.replace(
        presets["Nielsen's experiment"].config, depth=30, width=64, activation="tanh", init="xavier")
    return named


def main():
    sims = {name: Simulation(config) for name, config in configs().items()}
    for sim in sims.values():
        sim.advance(10, ball=False)
    best = {name: [float("inf")] * 3 for name in sims}
    for _ in range(ROUNDS):
        for name, sim in sims.items():
            measured = (cpu(lambda: sim.advance(STEPS, ball=False)) / STEPS, cpu(sim._activity, 3),
                        cpu(sim.spectrum, 3))
            best[name] = [min(a, b) for a, b in zip(best[name], measured)]
    print(f"{'run':>36} | {'step ms':>7} | {'activity ms':>11} | {'= steps':>7} | {'records':>7} | "
          f"{'share':>6} | {'spectrum ms':>11} | {'inputs':>6}")
    for name, sim in sims.items():
        step, record, spectrum = best[name]
        fresh = Simulation(sim.config)
        fresh.advance(RUN, ball=False)
        records = len(fresh.activity_history.steps)
        inputs = "—" if sim.net.recurrent else affordable_samples(sim.net)
        print(f"{name:>36} | {step * 1e3:7.2f} | {record * 1e3:11.2f} | {record / step:7.1f} | {records:7d} | "
              f"{records * record / (RUN * step):6.1%} | {spectrum * 1e3:11.2f} | {inputs:>6}")


if __name__ == "__main__":
    main()
