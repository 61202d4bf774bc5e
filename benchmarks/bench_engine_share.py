"""The engine's own CPU time while it plays the default config, alone and with a baseline.

    python benchmarks/bench_engine_share.py [--paints 12] [--engine DIR]

A Session (the engine process's loop, ``simulator/session.py``, no window and no pipe: each
Frame is pickled as the pipe would) plays the default config at the default speed for
SECONDS after a second's warm-up, ticking every TICK as ``serve`` does. A window that paints
``--paints`` frames a second is stood in for by ``painting`` (Session.painting) at that rate
(0: a window that does not say, as before the engine paced its Frames). Printed: steps and
Frames a second, the pickled Frame's size, and the engine's CPU time over the wall time
(the share of one core it needs: on a busy machine, where it runs at a lower priority than
the window, what it gets of a core bounds its steps a second). ``--engine DIR`` times the
simulator/ of another checkout (e.g. a ``git archive`` of the commit before a change);
there ``painting`` is used only if the Session has it.
"""
from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

ENGINE = sys.argv[sys.argv.index("--engine") + 1] if "--engine" in sys.argv else None
sys.path.insert(0, ENGINE or str(Path(__file__).resolve().parent.parent))

from simulator import SimConfig  # noqa: E402
from simulator.session import TICK, Session  # noqa: E402

SECONDS = 5.0


def share(baseline, paints):
    """(steps/s, Frames/s, kB a Frame, CPU share) of the default config playing."""
    sent, received = [], [0]          # sizes of the Frames sent while timed; all Frames

    def send(message):
        if not isinstance(message, tuple):
            sent.append(len(pickle.dumps(message, pickle.HIGHEST_PROTOCOL)))
            received[0] += 1
    session = Session(SimConfig(), send)
    while session.sim is None or not all(sim.ready for sim in session._runs()):
        session.tick()
    if baseline:
        session.receive(("pin_baseline",))
        session.tick()
    session.receive(("set_playing", True))
    painted = [0.0]

    def play(seconds):
        end = time.monotonic() + seconds
        while (began := time.monotonic()) < end:
            if paints and hasattr(session, "painting") and began - painted[0] >= 1 / paints:
                session.receive(("painting", received[0]))
                painted[0] = began
            session.tick()
            time.sleep(max(0.0, TICK - (time.monotonic() - began)))
    play(1.0)
    sent.clear()
    steps, cpu, wall = session.sim.step_count, time.process_time(), time.monotonic()
    play(SECONDS)
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    return ((session.sim.step_count - steps) / wall, len(sent) / wall,
            sum(sent) / max(1, len(sent)) / 1e3, cpu / wall)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paints", type=float, default=12.0,
                        help="frames a second the stand-in window paints (0: it does not say)")
    parser.add_argument("--engine", help="the checkout whose simulator/ to time; this one by default")
    args = parser.parse_args()
    print(f"engine: {ENGINE or 'this checkout'}; a window painting {args.paints:g} frames a second")
    for baseline in (False, True):
        steps, frames, size, cpu = share(baseline, args.paints)
        print(f"{'with a baseline' if baseline else 'one run':15s}: {steps:4.0f} steps/s, "
              f"{frames:3.0f} Frames/s of {size:4.0f} kB, CPU {100 * cpu:3.0f} % of a core", flush=True)


if __name__ == "__main__":
    main()
