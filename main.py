"""Vanishing Gradient Lab.

    python main.py                                    open the lab
    python main.py --list-presets                     the presets, one per line
    python main.py --preset NAME --steps N --export OUT.png [--panel NAME] [--size WxH]
    python main.py --preset NAME --record OUT.gif|OUT.mp4 --frames N [--every K] [--panel NAME]

Pictures are made headless (no window is shown). Bad input exits with status 2 and one
line on stderr, and writes nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


class Usage(Exception):
    """A bad command line: the message is the one line printed."""


class Parser(argparse.ArgumentParser):
    def error(self, message):             # one line, not argparse's usage block
        raise Usage(message)


def parse_args(argv):
    p = Parser(description="The Vanishing Gradient Lab.")
    p.add_argument("--list-presets", action="store_true", help="print the presets and exit")
    p.add_argument("--list-panels", action="store_true", help="print the panel names and exit")
    p.add_argument("--preset", help="start from this preset (see --list-presets)")
    p.add_argument("--config", metavar="FILE.json", help="start from a saved setup instead")
    p.add_argument("--seed", type=int, help="override the seed")
    p.add_argument("--steps", type=int, default=0, help="training steps before the picture")
    p.add_argument("--export", metavar="OUT.png", help="write a picture and exit")
    p.add_argument("--record", metavar="OUT.gif", help="write an animation (.gif or .mp4) and exit")
    p.add_argument("--frames", type=int, help="with --record: how many frames")
    p.add_argument("--every", type=int, default=5, help="with --record: steps between frames (5)")
    p.add_argument("--fps", type=int, default=10, help="with --record: frames per second (10)")
    p.add_argument("--panel", help="picture one panel (see --list-panels), not the window")
    p.add_argument("--size", help="picture size WxH (default 1600x950; 900x650 for a panel)")
    p.add_argument("--theme", default="dark", help="dark, light or presentation (default dark)")
    return p.parse_args(argv)


def checked(args):
    """(config, size) from the arguments; Usage names the first thing wrong."""
    from simulator import SimConfig, load_presets
    from ui.main_window import PANELS
    from ui.style import THEMES

    if args.preset is not None and args.config is not None:
        raise Usage("give --preset or --config, not both")
    config = SimConfig()
    if args.preset is not None:
        presets = load_presets()
        if args.preset not in presets:
            raise Usage(f"unknown preset {args.preset!r}; allowed: {', '.join(presets)}")
        config = presets[args.preset].config
    if args.config is not None:
        from ui.setup import read_setup
        try:
            config = read_setup(args.config).config
        except ValueError as error:
            raise Usage(str(error)) from None
    if args.seed is not None:
        try:
            config = config.replace(seed=args.seed)
        except ValueError as error:
            raise Usage(str(error)) from None
    if args.panel is not None and args.panel not in PANELS:
        raise Usage(f"unknown panel {args.panel!r}; allowed: {', '.join(PANELS)}")
    if args.theme not in THEMES:
        raise Usage(f"unknown theme {args.theme!r}; allowed: {', '.join(THEMES)}")
    if args.steps < 0:
        raise Usage(f"--steps must be 0 or more, got {args.steps}")
    if args.export and args.record:
        raise Usage("give --export or --record, not both")
    if args.record:
        if args.frames is None or args.frames < 1:
            raise Usage("--record needs --frames N with N ≥ 1")
        if args.every < 1 or not 1 <= args.fps <= 50:
            raise Usage(f"--every must be ≥ 1 and --fps in 1 … 50, got {args.every} and {args.fps}")
    out = args.export or args.record
    if out:
        allowed = (".png",) if args.export else (".gif", ".mp4")
        if Path(out).suffix.lower() not in allowed:
            raise Usage(f"{out}: the file name must end in {' or '.join(allowed)}")
        if not Path(out).resolve().parent.is_dir():
            raise Usage(f"cannot write {out}: the folder {Path(out).parent} does not exist")
    size = args.size or ("900x650" if args.panel else "1600x950")
    try:
        width, height = (int(v) for v in size.lower().split("x"))
        assert 50 <= width <= 8000 and 50 <= height <= 8000
    except (ValueError, AssertionError):
        raise Usage(f"--size must look like 1600x950 (50 … 8000 each), got {size!r}") from None
    return config, (width, height)


def main(argv=None):
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        if args.list_presets:
            from simulator import load_presets
            for preset in load_presets().values():
                print(f"{preset.name}: {preset.description}")
            return 0
        if args.list_panels:
            from ui.main_window import PANELS
            for name, panel in PANELS.items():
                print(f"{name:10s} {panel.title}")
            return 0
        config, size = checked(args)
    except Usage as error:
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2

    if args.export or args.record:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Vanishing Gradient Lab")
    if args.export or args.record:
        from ui import headless
        from ui.export import ExportError, atomic_write, png_bytes
        try:
            if args.export:
                image = headless.render(config, args.steps, args.panel, size, args.theme)
                atomic_write(args.export, png_bytes(image))
            else:
                headless.record(config, args.record, args.frames, args.every, args.fps, args.panel,
                                size, args.theme, args.steps)
        except ExportError as error:
            print(f"main.py: error: {error}", file=sys.stderr)
            return 2
        return 0
    from ui.main_window import MainWindow
    window = MainWindow(config if (args.preset or args.config or args.seed is not None) else None)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
