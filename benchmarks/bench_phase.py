"""Phase diagram: time to measure the map of one activation, and the UI meanwhile.

    python benchmarks/bench_phase.py

For each activation, ``phase_diagram`` is timed from a cold cache (the mean-field
fixed points are recomputed too). Then, offscreen, the panel measures the sigmoid map in
its background thread while a 1 ms probe timer records the longest main-thread gap.
"""
from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from simulator import theory  # noqa: E402
from simulator.activations import ACTIVATIONS  # noqa: E402
from simulator.phase import DEPTHS, SEEDS, SIGMA_WS, phase_diagram  # noqa: E402


def main():
    cells = len(DEPTHS) * len(SIGMA_WS)
    print(f"{len(DEPTHS)} depths × {len(SIGMA_WS)} σw × {SEEDS} seeds = {cells * SEEDS} networks")
    worst = 0.0
    for name in ACTIVATIONS:
        theory.chi_at_fixed_point.cache_clear()
        start = time.perf_counter()
        diagram = phase_diagram(name, 0.0)
        elapsed = time.perf_counter() - start
        worst = max(worst, elapsed)
        print(f"  {name:11s} {elapsed:5.2f} s   critical σw {diagram.critical_sigma_w:.4g}")
    print(f"slowest: {worst:.2f} s")

    from PySide6.QtWidgets import QApplication

    from simulator import SimConfig
    from ui.headless import run_frame
    from ui.panels.phase import PhaseDiagramPanel

    from stall_probe import StallProbe
    app = QApplication([])
    panel = PhaseDiagramPanel()
    panel.resize(800, 600)
    panel.show()
    app.processEvents()
    theory.chi_at_fixed_point.cache_clear()
    probe = StallProbe()
    frame = run_frame(SimConfig(activation="gelu"), 0)
    gc.collect()
    gc.freeze()                           # as the window does after start-up
    probe.start()
    start = time.perf_counter()
    panel.show_frame(frame)
    while panel.diagram is None and time.perf_counter() - start < 30:
        app.processEvents()
        time.sleep(0.0005)
    probe.stop()
    print(f"in the panel (background thread): {time.perf_counter() - start:.2f} s; longest "
          f"main-thread gap meanwhile {probe.longest_ms():.1f} ms over {len(probe.gaps)} probe ticks")
    panel.shutdown()


if __name__ == "__main__":
    main()
