"""The newest change on screen, whatever ran before, and the heaviest network's frame rate
(issue 24, items 1 and 2), in the lab's window (offscreen).

    python benchmarks/bench_instant.py [--load N] [--repeats R] [--rate-only | --latency-only]

Latency. Round after round, the window plays the default config; the controls change it to
the heaviest the controls allow (HEAVIEST: depth 100, width 256, 5,000 samples, batch
4,096); once that run has taken a training step, while it is in the middle of the next
one, one command is sent: a config change back to the default, a change of the learning
rate (a training field: the heavy network stays), Reset, a preset (with its baseline),
Pin, a probe dropped on the map; then the default config again. Each is timed from the
command to the first Frame of it received by the window (``Engine.frame_ready``) and to
that Frame painted (``MainWindow.painted``); the step to the heavy config also to the
engine's first word about it (``Engine.working``, where the engine says one). 50th and
95th percentile of each kind and of all commands sent while the heavy network works.

Rate. Depth 100 × width 256 on the default data and batch, playing: frames received and
painted per second, steps per second, over RATE_SECONDS after its first frame.

``--load N`` starts N CPU-bound processes beside the lab first (a busy lecture laptop).
Only the window's public API is used (MainWindow, its controls and engine), so the same
file runs on older code (copy it into that tree's benchmarks/).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from lab_window import open_window, pump, start_burners  # noqa: E402
from simulator import SimConfig, load_presets  # noqa: E402

HEAVIEST = SimConfig(depth=100, width=256, n_samples=5000, batch_size=4096)
DEEPEST = SimConfig(depth=100, width=256)          # the default data and batch
LIGHT = SimConfig()
PRESET = "Deep ReLU + He (healthy)"               # a preset with a baseline
PROBE = (0.31, -0.27)
RATE_SECONDS = 10.0
PATIENCE = 180.0          # seconds to wait for a frame before giving up on it


class Watch:
    """The Frames the window receives, each looked at as it comes (none is kept: a long run
    would hold gigabytes), and the engine's words about work under way."""

    def __init__(self, window):
        self.window = window
        self.count = 0                    # Frames received
        self.steps = set()                # the steps they showed (while counting)
        self._of = self._came = None      # what a Frame is waited for, when the first came
        self.working = []                 # times the engine said it works on something
        window.engine.frame_ready.connect(self._received)
        said = getattr(window.engine, "working", None)      # older engines say nothing
        if said is not None:
            said.connect(lambda *_: self.working.append(time.perf_counter()))

    def _received(self, frame):
        self.count += 1
        self.steps.add(frame.snapshot.step)
        if self._of is not None and self._came is None and self._of(frame):
            self._came = time.perf_counter()

    def timed(self, app, command, of):
        """Send ``command()``; the seconds until the first Frame ``of(frame)`` is received,
        until it (or a later one ``of``) is painted, and until the engine's first word of
        work (None where it never came)."""
        self._of, self._came, words = of, None, len(self.working)
        before = self.window.painted             # on screen when the command is sent
        start = time.perf_counter()
        command()

        def painted():
            shown = self.window.painted
            return self._came is not None and shown is not before and of(shown)
        shown = pump(app, PATIENCE, painted)
        said = self.working[words:]
        came, self._of = self._came, None
        return (None if came is None else came - start,
                time.perf_counter() - start if shown else None, said[0] - start if said else None)

    def wait(self, app, of, seconds=PATIENCE):
        """Until a Frame ``of(frame)`` is received after now."""
        self._of, self._came = of, None
        pump(app, seconds, lambda: self._came is not None)
        self._of = None


def send_config(window, config):
    """A change of the controls to ``config``, as a slider or a box sends it (to the lab's
    state; older windows had the controls emit it)."""
    if hasattr(window, "state"):
        window.state.set_config(config)
    else:
        window.controls.set_config(config)
        window.controls.config_changed.emit(config)


def drop_probe(window, a, b):
    """A click on the map at (a, b) (older windows sent it to the engine's proxy)."""
    engine = getattr(window, "state", window.engine)
    (engine.drop_probe if hasattr(engine, "drop_probe") else engine.drop_ball)(a, b)


def probe_at(snapshot, a, b):
    """Whether the probe (in older code, the ball) was dropped at (a, b)."""
    probe = snapshot.probe if hasattr(snapshot, "probe") else snapshot.ball
    return probe is not None and abs(probe.trail[0][0] - a) < 1e-9 and abs(probe.trail[0][1] - b) < 1e-9


def commands(window):
    """(name, command, the Frame of it) for each command sent while the heavy network works."""
    preset = load_presets()[PRESET]
    slower = HEAVIEST.replace(learning_rate=0.1)
    controls = window.controls
    return [
        ("default config", lambda: send_config(window, LIGHT), lambda f: f.snapshot.config == LIGHT),
        ("learning rate", lambda: send_config(window, slower), lambda f: f.snapshot.config == slower),
        ("reset", controls.reset_button.click,
         lambda f: f.snapshot.config == HEAVIEST and f.snapshot.step == 0),
        ("preset", lambda: controls.preset.setCurrentText(PRESET),
         lambda f: f.snapshot.config == preset.config and f.baseline is not None),
        ("pin", controls.pin_button.click, lambda f: f.baseline is not None),
        ("probe", lambda: drop_probe(window, *PROBE), lambda f: probe_at(f.snapshot, *PROBE)),
    ]


def percentiles(seconds):
    """'p50 … ms, p95 … ms' of the times that came (and how many never did)."""
    came = sorted(s for s in seconds if s is not None)
    missing = len(seconds) - len(came)
    if not came:
        return f"none of {len(seconds)} came"
    p95 = came[min(len(came) - 1, round(0.95 * (len(came) - 1)))]
    text = f"p50 {statistics.median(came) * 1e3:7.0f} ms, p95 {p95 * 1e3:7.0f} ms"
    return text + (f" ({missing} of {len(seconds)} never came)" if missing else f" (n = {len(came)})")


def latency(app, window, watch, repeats):
    kinds = commands(window)
    rows = {name: [] for name in ["to the heavy config", "back to the default"] + [k[0] for k in kinds]}
    words = []
    rng = random.Random(1)
    for round_ in range(repeats):
        for name, command, of in kinds:
            received, painted, said = watch.timed(app, lambda: send_config(window, HEAVIEST),
                                                  lambda f: f.snapshot.config == HEAVIEST)
            rows["to the heavy config"].append((received, painted))
            words.append(said)
            watch.wait(app, lambda f: f.snapshot.config == HEAVIEST and f.snapshot.step >= 1)
            pump(app, rng.uniform(0.2, 1.0))          # in the middle of a step
            rows[name].append(watch.timed(app, command, of)[:2])
            if window.controls.clear_button.isEnabled() or name in ("pin", "preset"):
                window.controls.clear_button.click()
            rows["back to the default"].append(watch.timed(
                app, lambda: send_config(window, LIGHT),
                lambda f: f.snapshot.config == LIGHT and f.baseline is None)[:2])
            print(f"round {round_ + 1}, {name}: {rows[name][-1]}", flush=True)
    print(f"\nto the heavy config, the engine's first word: {percentiles(words)}")
    for name, times in rows.items():
        print(f"{name:22s} received: {percentiles([t[0] for t in times])};  "
              f"painted: {percentiles([t[1] for t in times])}")
    sent = [t for name, times in rows.items() if name != "to the heavy config" for t in times]
    print(f"{'every command':22s} received: {percentiles([t[0] for t in sent])};  "
          f"painted: {percentiles([t[1] for t in sent])}")


def rate(app, window, watch):
    watch.timed(app, lambda: send_config(window, DEEPEST), lambda f: f.snapshot.config == DEEPEST)
    pump(app, 2.0)
    received, painted = watch.count, window.frames_painted
    step = window.painted.snapshot.step
    watch.steps.clear()
    pump(app, RATE_SECONDS)
    print(f"depth 100 × width 256, default data and batch, over {RATE_SECONDS:.0f} s: "
          f"frames received {(watch.count - received) / RATE_SECONDS:.1f}/s, painted "
          f"{(window.frames_painted - painted) / RATE_SECONDS:.1f}/s, steps "
          f"{(window.painted.snapshot.step - step) / RATE_SECONDS:.1f}/s; frames with a new step "
          f"{len(watch.steps) / RATE_SECONDS:.1f}/s", flush=True)
    send_config(window, LIGHT)
    watch.wait(app, lambda f: f.snapshot.config == LIGHT)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", type=int, default=0, help="CPU-bound processes beside the lab")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of every command")
    parser.add_argument("--rate-only", action="store_true")
    parser.add_argument("--latency-only", action="store_true")
    args = parser.parse_args()
    burners = start_burners(args.load, 7200)
    app = QApplication([])
    window = open_window(Path("/tmp") / f"bench_instant_{os.getpid()}.ini")
    pump(app, 5.0, lambda: window.painted is not None)
    watch = Watch(window)
    window.controls.play_button.click()
    pump(app, 1.0)
    print(f"{args.load} competing processes on {os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    if not args.latency_only:
        rate(app, window, watch)
    if not args.rate_only:
        latency(app, window, watch, args.repeats)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    window.close()
    for process in burners:
        process.kill()


if __name__ == "__main__":
    main()
