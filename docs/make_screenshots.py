"""Regenerate every picture in docs/screenshots/ with the lab's own command line.

    python docs/make_screenshots.py

Each picture is `python main.py --preset … --steps … --export …` (headless, offscreen):
the same command always gives the same picture.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"

SHOTS = [  # file, preset, steps, extra arguments
    ("window.png", "Deep sigmoid (vanishing)", 400, []),
    ("surface_relu.png", "Deep ReLU + He (healthy)", 400, ["--panel", "surface"]),   # 40 ball steps
    ("surface_cliff.png", "Large weights (exploding)", 8, ["--panel", "surface"]),   # diverges at 6, launch
    ("bars.png", "Deep sigmoid (vanishing)", 300, ["--panel", "bars"]),
    ("loss_plateau.png", "Plateau", 2500, ["--panel", "loss"]),
    ("speed.png", "Deep sigmoid (vanishing)", 600, ["--panel", "speed"]),
    ("chain.png", "Deep sigmoid (vanishing)", 5, ["--panel", "chain"]),
    ("activation.png", "Deep sigmoid (vanishing)", 300, ["--panel", "activation"]),
    ("decision.png", "Deep ReLU + He (healthy)", 300, ["--panel", "decision"]),
    ("phase.png", "Deep ReLU + He (healthy)", 0, ["--panel", "phase"]),
    ("presentation.png", "Plateau", 2500, ["--theme", "presentation", "--size", "1920x1080"]),
    ("bars_light.png", "Nielsen's experiment", 100, ["--panel", "bars", "--theme", "light"]),
    ("digits.png", "Nielsen's experiment", 3000, ["--panel", "decision"]),
    ("speed_digits.png", "Nielsen's experiment", 3000, ["--panel", "speed"]),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for name, preset, steps, extra in SHOTS:
        command = [sys.executable, "main.py", "--preset", preset, "--steps", str(steps),
                   "--export", str(OUT / name), *extra]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        print("wrote", OUT / name)


if __name__ == "__main__":
    main()
