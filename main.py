"""Vanishing Gradient Lab.

Until the window exists (issue 4), this prints a short demonstration of the engine:
a deep sigmoid network trains, and the first layer learns orders of magnitude more
slowly than the last.
"""
from __future__ import annotations

import sys

from simulator import SimConfig, Simulation


def demo(out=sys.stdout):
    config = SimConfig(depth=8, width=16, activation="sigmoid", dataset="circles")
    sim = Simulation(config)
    print(f"A sigmoid network with {config.depth} hidden layers of {config.width} units, "
          f"learning '{config.dataset}':", file=out)
    for steps in (0, 200, 800):
        snap = sim.step(steps)
        speed = snap.stats.grad_b_norm
        print(f"  step {snap.step:5d}  cost {snap.train_loss:.4f}  "
              f"‖∂C/∂b‖ first layer {speed[0]:.2e}, last layer {speed[-1]:.2e}: "
              f"the first learns {speed[-1] / speed[0]:,.0f}× slower", file=out)


if __name__ == "__main__":
    demo()
