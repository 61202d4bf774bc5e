"""What the ball and the loss curve cost a live lecture and a headless picture.

    python benchmarks/bench_live.py

* Headless: ``run_frame`` (what ``main.py --export`` computes) for 3000 steps of "Deep
  sigmoid (vanishing)", against the training steps alone (no ball, no evaluations: neither
  the loss curve's nor the activations' record; older trees have no such record), in
  process CPU time (the machine is shared: wall time moves with other people's load).
  ``run_frame(1)`` is the fixed cost (the fine surface, its contours, the decision map);
  the goal is (run_frame(3000) - run_frame(1)) ≤ 1.5 × training.
* Live: the window (offscreen) playing the default config at the default speed for
  DURATION seconds: steps delivered per second, the share of the 5 steps per tick the
  speed slider asks for that the ticks delivered, and the CPU use in cores of the window
  and of the engine process (Linux: read from /proc).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from lab_window import open_window, pump  # noqa: E402

from simulator import load_presets  # noqa: E402
from simulator.simulation import Simulation  # noqa: E402

ROUNDS = 3
DURATION = 5.0


def cpu(f):
    start = time.process_time()
    f()
    return time.process_time() - start


def headless():
    from ui.headless import run_frame
    config = load_presets()["Deep sigmoid (vanishing)"].config
    train, frame, fixed = [], [], []
    for _ in range(ROUNDS):                     # alternate, keep the best of each
        sim = Simulation(config)
        for record in ("eval_history", "activity_history"):   # training steps only: no
            if hasattr(sim, record):                           # evaluations (loss curve,
                getattr(sim, record).record = lambda step, row: None   # activations)
        train.append(cpu(lambda: sim.advance(3000, ball=False)))
        frame.append(cpu(lambda: run_frame(config, 3000)))
        fixed.append(cpu(lambda: run_frame(config, 1)))
    t, f, x = min(train), min(frame), min(fixed)
    print(f"headless, Deep sigmoid, 3000 steps (CPU s): training {t:.2f}, run_frame {f:.2f}, "
          f"fixed {x:.2f}; (run_frame - fixed) / training = {(f - x) / t:.2f}")


def engine_cpu(pid):
    """CPU seconds the engine process has used (utime + stime from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def live(app):
    from simulator.session import TICK
    TICK_MS = round(TICK * 1000)

    window = open_window(Path("/tmp") / "bench_live.ini")
    pump(app, 1.0)
    window.controls.play_button.click()
    pump(app, 1.0)                                   # warm up
    ticks = []
    window.engine.frame_ready.connect(lambda frame: ticks.append(frame.snapshot.step))
    pid = window.engine.process.pid
    clock, engine, start = time.process_time(), engine_cpu(pid), time.perf_counter()
    pump(app, DURATION)
    wall = time.perf_counter() - start
    ui_cores = (time.process_time() - clock) / wall
    engine_cores = (engine_cpu(pid) - engine) / wall
    steps = ticks[-1] - ticks[0]
    print(f"live, default config, 5 steps per tick: {steps / wall:.0f} steps/s delivered "
          f"({steps / (5 * (len(ticks) - 1)):.0%} of 5 per tick, {len(ticks) / wall:.0f} ticks/s; "
          f"a {TICK_MS} ms timer would give {5 * 1000 / TICK_MS:.0f}), "
          f"CPU: window {ui_cores:.2f} + engine {engine_cores:.2f} cores")
    window.close()


if __name__ == "__main__":
    application = QApplication([])
    headless()
    live(application)
