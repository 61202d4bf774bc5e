"""What a baseline costs the engine: the Session's CPU time per tick and the Frame's size.

    python benchmarks/bench_baseline.py

The engine's Session (no window, no engine process: its ticks called here, a TICK apart
as the engine's loop leaves them) plays the default config at the default speed for
TICKS ticks, three times: one run, with the run pinned as a baseline (issue 14: two
Simulations advanced step for step), and with the baseline cleared again. CPU time of
this thread, so other people's load on the machine counts little; the goal is that a
tick with a baseline still fits the engine's budget (``BUDGET``, 12 ms) with room to
spare, so the steps asked for are all delivered.
"""
from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import SimConfig  # noqa: E402
from simulator.session import BUDGET, TICK, Session  # noqa: E402

TICKS = 300


def main():
    sizes = []

    def send(message):
        if hasattr(message, "snapshot"):          # a Frame (the rest are messages)
            sizes.append(len(pickle.dumps(message)))
    session = Session(SimConfig(), send)
    session.tick()
    session.set_playing(True)
    for label, command in (("one run", None), ("with a baseline", session.pin_baseline),
                           ("baseline cleared", session.clear_baseline)):
        if command is not None:
            command()
        for _ in range(20):               # warm up
            session.tick()
            time.sleep(TICK)
        first, cpu, ticked = session.sim.step_count, 0.0, time.perf_counter()
        for _ in range(TICKS):
            began = time.thread_time()
            session.tick()
            cpu += time.thread_time() - began
            time.sleep(TICK)
        steps = session.sim.step_count - first
        print(f"{label}: CPU per tick {cpu / TICKS * 1e3:.2f} ms (budget {BUDGET * 1e3:.0f} ms), "
              f"{steps / TICKS:.1f} steps per tick, {steps / (time.perf_counter() - ticked):.0f} steps/s, "
              f"Frame {sizes[-1] / 1e3:.0f} kB pickled")


if __name__ == "__main__":
    main()
