"""Regenerate every picture in docs/screenshots/ with the lab's own command line.

    python docs/make_screenshots.py                 the README's pictures
    python docs/make_screenshots.py --gallery DIR   also every panel × theme × size in DIR

Each README picture is `python main.py --preset … --steps … --export …` (headless,
offscreen): the same command always gives the same picture. The gallery (not committed)
renders every panel in every theme at the sizes a slide uses, in one process, so that a
change to the panels' look can be checked by eye in a minute.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SETUPS = ROOT / "docs" / "setups"          # setups the pictures start from, where no preset does

SHOTS = [  # file, preset (or a setup in docs/setups/), steps, extra arguments
    ("window.png", "Deep sigmoid (vanishing)", 400, []),
    ("surface_relu.png", "Deep ReLU + He (healthy)", 400, ["--panel", "surface", "--baseline", "none"]),
    ("surface_cliff.png", "Large weights (exploding)", 8, ["--panel", "surface"]),   # diverges at 6, launch
    ("bars.png", "Deep sigmoid (vanishing)", 300, ["--panel", "bars"]),
    ("loss_plateau.png", "Plateau", 2500, ["--panel", "loss"]),
    ("speed.png", "Deep sigmoid (vanishing)", 600, ["--panel", "speed"]),
    ("chain.png", "Deep sigmoid (vanishing)", 5, ["--panel", "chain"]),
    ("activation.png", "Deep sigmoid (vanishing)", 300, ["--panel", "activation"]),
    ("decision.png", "Deep ReLU + He (healthy)", 300, ["--panel", "decision", "--baseline", "none"]),
    ("phase.png", "Deep ReLU + He (healthy)", 0, ["--panel", "phase", "--baseline", "none"]),
    ("presentation.png", "Plateau", 2500, ["--theme", "presentation", "--size", "1920x1080"]),
    ("bars_light.png", "Nielsen's experiment", 100, ["--panel", "bars", "--theme", "light"]),
    ("digits.png", "Nielsen's experiment", 3000, ["--panel", "decision"]),
    ("speed_digits.png", "Nielsen's experiment", 3000, ["--panel", "speed"]),
    # Before and after (issue 14): the presets' own baselines
    ("compare.png", "Batch norm rescues deep sigmoid", 400, []),
    ("compare_bars.png", "Deep ReLU + He (healthy)", 300,
     ["--panel", "bars", "--theme", "presentation", "--size", "1280x720"]),
    ("compare_cliff.png", "Clipping tames the cliff", 60,          # baseline: "Large weights"
     ["--panel", "surface", "--theme", "light", "--size", "1280x720"]),
    # One diagnosis (issue 22): the live demo "deep sigmoid, then ReLU + He" at η 0.5
    ("dead_relus.png", "relu_at_the_sigmoid_rate.json", 300, ["--size", "1600x950"]),
    # A paper card's live panel (issue 27): Glorot & Bengio's saturation of the top layer
    ("activity.png", "saturation_standard_init.json", 3000, ["--panel", "activity", "--size", "1280x720"]),
]

GALLERY_SIZES = ((1024, 768), (1280, 720), (1920, 1080))
GALLERY_RUN = ("Deep sigmoid (vanishing)", 300)     # the run every gallery picture shows
GALLERY_BASELINE = "Batch norm rescues deep sigmoid"   # the window again, beside this preset's run


def readme_pictures():
    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for name, start, steps, extra in SHOTS:
        chosen = (["--config", str(SETUPS / start)] if start.endswith(".json") else ["--preset", start])
        command = [sys.executable, "main.py", *chosen, "--steps", str(steps),
                   "--export", str(OUT / name), *extra]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        print("wrote", OUT / name)


def gallery(folder):
    """Every panel, and the window, in every theme at every gallery size, as PNGs in ``folder``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from simulator import load_presets
    from ui import collector
    from ui.export import png_bytes
    from ui.headless import HeadlessView, run_frame
    from ui.panels import PANELS
    from ui.style import THEMES, apply_theme

    app = QApplication.instance() or QApplication([])
    collector.hold()
    folder.mkdir(parents=True, exist_ok=True)
    preset, steps = GALLERY_RUN
    config = load_presets()[preset].config
    frame = run_frame(config, steps)
    compared = load_presets()[GALLERY_BASELINE].config
    beside = run_frame(compared, steps, baseline=config)
    for theme in THEMES:
        apply_theme(theme)
        for size in GALLERY_SIZES:
            for panel, shown, name in [(None, beside, "window_baseline"), *(
                    (panel, frame, panel or "window") for panel in [None, *PANELS])]:
                view = HeadlessView(shown.snapshot.config, panel, size)
                try:
                    view.show(shown)
                    path = folder / f"{name}_{theme}_{size[0]}x{size[1]}.png"
                    path.write_bytes(png_bytes(view.grab()))
                finally:
                    view.close()
                print("wrote", path)
    collector.release()
    del app


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gallery", metavar="DIR", type=Path,
                        help="also write every panel × theme × size into DIR (created)")
    parser.add_argument("--gallery-only", action="store_true", help="skip the README pictures")
    args = parser.parse_args(argv)
    if not args.gallery_only:
        readme_pictures()
    if args.gallery is not None:
        gallery(args.gallery)


if __name__ == "__main__":
    main()
