"""Vanishing Gradient Lab.

    python main.py                                   open the lab
    python main.py --preset "Deep sigmoid (vanishing)" --steps 300 --export window.png
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="The Vanishing Gradient Lab.")
    parser.add_argument("--preset", help="start from this preset (see resources/presets)")
    parser.add_argument("--steps", type=int, default=0, help="training steps before --export")
    parser.add_argument("--export", metavar="OUT.png", help="write a picture of the window and exit")
    parser.add_argument("--size", help="picture size WxH (default 1600x950, 900x650 for a panel)")
    parser.add_argument("--panel", help="with --export: picture one panel (see --list-panels)")
    parser.add_argument("--list-panels", action="store_true", help="print the panel names and exit")
    return parser.parse_args(argv)


def fail(message):
    print(f"main.py: error: {message}", file=sys.stderr)
    return 2


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from simulator import load_presets

    if args.list_panels:
        from ui.main_window import PANELS
        for name, panel in PANELS.items():
            print(f"{name:10s} {panel.title}")
        return 0

    config = None
    if args.preset is not None:
        presets = load_presets()
        if args.preset not in presets:
            return fail(f"unknown preset {args.preset!r}; allowed: {', '.join(presets)}")
        config = presets[args.preset].config
    if args.export:
        size = args.size or ("900x650" if args.panel else "1600x950")
        try:
            width, height = (int(v) for v in size.lower().split("x"))
        except ValueError:
            return fail(f"--size must look like 1600x950, got {size!r}")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.panel is not None:
        from ui.main_window import PANELS
        if args.panel not in PANELS:
            return fail(f"unknown panel {args.panel!r}; allowed: {', '.join(PANELS)}")

    from PySide6.QtWidgets import QApplication
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Vanishing Gradient Lab")
    if args.export:
        from simulator import SimConfig
        from ui.headless import render_panel, render_window
        if args.panel:
            image = render_panel(config or SimConfig(), args.steps, args.panel, (width, height))
        else:
            image = render_window(config or SimConfig(), args.steps, (width, height))
        if not image.save(str(Path(args.export))):
            return fail(f"could not write {args.export}")
        return 0
    from ui.main_window import MainWindow
    window = MainWindow(config)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
