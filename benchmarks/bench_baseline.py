"""What a baseline costs the engine: the worker's CPU time per tick and the Frame's size.

    python benchmarks/bench_baseline.py

The worker (no window, no engine process) plays the default config at the default speed
(5 steps per tick) for TICKS ticks, three times: one run, with the run pinned as a
baseline (issue 14: two Simulations advanced step for step), and with the baseline
cleared again. CPU time of this thread, so other people's load on the machine counts
little; the goal is that a tick with a baseline still fits the worker's budget
(``BUDGET``, 12 ms) with room to spare, so the steps asked for are all delivered.
"""
from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication  # noqa: E402

from simulator import SimConfig  # noqa: E402
from ui.worker import BUDGET, SimulationWorker  # noqa: E402

TICKS = 300


def main():
    app = QCoreApplication([])            # noqa: F841  (the worker's timers need one)
    worker = SimulationWorker(SimConfig())
    sizes = []
    worker.frame_ready.connect(lambda frame: sizes.append(len(pickle.dumps(frame))))
    worker._tick()
    worker.set_playing(True)
    for label, command in (("one run", None), ("with a baseline", worker.pin_baseline),
                           ("baseline cleared", worker.clear_baseline)):
        if command is not None:
            command()
        for _ in range(20):               # warm up
            worker._tick()
        first, cpu = worker.sim.step_count, time.thread_time()
        for _ in range(TICKS):
            worker._tick()
        per_tick = (time.thread_time() - cpu) / TICKS
        print(f"{label}: CPU per tick {per_tick * 1e3:.2f} ms (budget {BUDGET * 1e3:.0f} ms), "
              f"steps per tick {(worker.sim.step_count - first) / TICKS:.1f} of 5, "
              f"Frame {sizes[-1] / 1e3:.0f} kB pickled")


if __name__ == "__main__":
    main()
