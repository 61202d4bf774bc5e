"""Random live use (tests/ui_fuzz.py) while the engine trains: the main thread's worst gap
per kind of action, and the process's memory (issue 9, item 8; issue 10, item 8).

    python benchmarks/bench_ui_fuzz.py [--actions 5000] [--seed 1] [--load 0] [--settle S]

A 1 ms probe timer on the main thread records the gaps between its ticks; each gap is
charged to the action during (or right after) which it happened. Beside the wall-clock
gap, the main thread's own CPU time over it: the lab's cost, whatever else the machine
does (the wall-clock gap adds the time spent waiting for a core). ``--load N`` starts N
CPU-bound processes beside the lab, as on a busy lecture laptop. Actions follow each other
0-20 ms apart, each on top of what the last left to do (a stress: about 40 actions a
second); ``--settle S`` gives each the event loop for S seconds before the next (0.3 is
enough for a paint round, a theme switch or a recording's start to finish), so each gap
belongs to one action. The goal: no gap above 100 ms for any single action, at any config
the controls allow.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from PySide6.QtWidgets import QApplication  # noqa: E402

from lab_window import open_window, start_burners  # noqa: E402
from stall_probe import StallProbe  # noqa: E402


def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2 ** 20


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load", type=int, default=0, help="CPU-bound processes beside the lab")
    parser.add_argument("--settle", type=float, default=None,
                        help="seconds of event loop after each action (default: 0-20 ms)")
    args = parser.parse_args()

    app = QApplication([])
    from ui_fuzz import fuzz, pump

    burners = start_burners(args.load, 3600)
    folder = tempfile.TemporaryDirectory()
    window = open_window(Path(folder.name) / "lab.ini")
    pump(1.0)
    window.controls.play_button.click()
    pump(1.0)
    memory = resident_mb()

    probe = StallProbe()
    worst, worst_cpu, count = defaultdict(float), defaultdict(float), defaultdict(int)
    state = {"kind": None, "from": 0}

    context = []                     # (gap, action, what the window showed)

    def charge():
        if state["kind"] is not None and len(probe.gaps) > state["from"]:
            gap = max(probe.gaps[state["from"]:])
            worst[state["kind"]] = max(worst[state["kind"]], gap)
            worst_cpu[state["kind"]] = max(worst_cpu[state["kind"]], max(probe.cpu_gaps[state["from"]:]))
            c = window.controls.config
            shown = [n for n, p in window.panels.items() if p.isVisible() and not p.visibleRegion().isEmpty()]
            recorder = window.lecture.recorder
            recording = ", recording" if recorder is not None and recorder.outcome is None else ""
            context.append((gap, state["kind"], f"depth {c.depth} width {c.width} {c.activation}, "
                                                f"{window.theme}, {window.width()}x{window.height()}, "
                                                f"panels {'+'.join(shown)}{recording}"))

    def after(kind, seconds, cpu):
        charge()
        worst[kind] = max(worst[kind], seconds)
        worst_cpu[kind] = max(worst_cpu[kind], cpu)
        count[kind] += 1
        state["kind"], state["from"] = kind, len(probe.gaps)

    collections = []                 # (generation, seconds) of every garbage collection
    began = {}

    def timed(phase, info):
        if phase == "start":
            began["t"] = time.perf_counter()
        else:
            collections.append((info["generation"], time.perf_counter() - began["t"]))

    import gc
    gc.callbacks.append(timed)
    probe.start()
    start = time.perf_counter()
    fuzz(window, args.actions, args.seed, Path(folder.name), after, args.settle)
    charge()
    probe.stop()
    elapsed = time.perf_counter() - start
    close_start = time.perf_counter()
    window.close()
    closing = time.perf_counter() - close_start
    for process in burners:
        process.kill()

    spacing = "0-20 ms apart" if args.settle is None else f"{args.settle:g} s apart"
    print(f"{args.actions} actions {spacing} in {elapsed:.0f} s (seed {args.seed}, {args.load} competing "
          f"processes); memory {memory:.0f} → {resident_mb():.0f} MB; close {closing * 1e3:.0f} ms")
    print(f"main-thread gaps: 99th percentile {probe.percentile_ms(99):.1f} ms, "
          f"longest {probe.longest_ms():.0f} ms")
    for generation in range(3):
        times = [t for g, t in collections if g == generation]
        if times:
            print(f"garbage collections of generation {generation}: {len(times)}, longest "
                  f"{max(times) * 1e3:.1f} ms")
    print("longest gaps, with what the window showed after them:")
    for gap, kind, what in sorted(context, reverse=True)[:10]:
        print(f"  {gap * 1e3:6.0f} ms after {kind}: {what}")
    cpu = sorted(probe.cpu_gaps)
    print(f"main-thread CPU per gap: 99th percentile {cpu[int(0.99 * (len(cpu) - 1))] * 1e3:.1f} ms, "
          f"longest {cpu[-1] * 1e3:.0f} ms")
    print(f"{'action':28s} {'count':>6s} {'worst gap (ms)':>15s} {'worst CPU (ms)':>15s}")
    for kind in sorted(worst, key=worst.get, reverse=True):
        print(f"{kind:28s} {count[kind]:6d} {worst[kind] * 1e3:15.0f} {worst_cpu[kind] * 1e3:15.0f}")


if __name__ == "__main__":
    main()
