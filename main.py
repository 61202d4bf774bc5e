"""Vanishing Gradient Lab.

    python main.py                                    open the lab
    python main.py --list-presets                     the presets, one per line
    python main.py --preset NAME --steps N --export OUT.png [--panel NAME] [--size WxH]
    python main.py --preset NAME --record OUT.gif|OUT.mp4 [--frames N] [--every K] [--panel NAME]
    python main.py --preset NAME --data FILE.csv|FILE.npz ...   train on your own data set
    python main.py --preset NAME --baseline PRESET|SETUP.json ...  compare with a baseline
    python main.py --config SETUP.json ...            a saved setup: its config, baseline, layout, view
    python main.py --list-cards                       the paper cards, one per line
    python main.py --card NAME [--export OUT.png] [--size WxH] [--theme T]   a paper card, run
                                                      live in a window, or its picture

Pictures are made headless (no window is shown). Bad input exits with status 2 and one
line on stderr, and writes nothing.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

from simulator.files import path_text, quoted


# Upper bounds on the counts: what a lecture could need, and a run that ends.
MAX_STEPS = 100_000          # a long run: about a minute at the presets' sizes
MAX_FRAMES = 300             # 30 s of animation at 10 frames per second
MAX_EVERY = 1_000            # training steps between two frames
MAX_FPS = 50
FRAMES, EVERY, FPS = 30, 5, 10   # --frames, --every and --fps when not given: 3 s, 150 steps


class Usage(Exception):
    """A bad command line: the message is the one line printed."""


class Parser(argparse.ArgumentParser):
    def error(self, message):             # one short line, not argparse's usage block
        message = " ".join(message.split()).removeprefix("argument ")
        raise Usage(message if len(message) <= 200 else message[:199] + "…")


def integer(text):
    """An argument that must be a whole number (its range is checked later, with a message
    that names it)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a whole number") from None


def size(text):
    """(width, height) from 'WxH', each in 50 … 8000."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        width = height = 0
    if not (50 <= width <= 8000 and 50 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"must look like 1600x950 (50 … 8000 each), got {quoted(text)}")
    return width, height


def parse_args(argv):
    from simulator.cards import CARDS
    from ui.panels import PANELS          # Qt's and pyqtgraph's modules, no window
    from ui.style import THEMES

    p = Parser(description="The Vanishing Gradient Lab.")
    p.add_argument("--list-presets", action="store_true", help="print the presets and exit")
    p.add_argument("--list-panels", action="store_true", help="print the panel names and exit")
    p.add_argument("--list-cards", action="store_true", help="print the paper cards and exit")
    p.add_argument("--card", choices=CARDS, help="run this paper card (see --list-cards): in a "
                   "window, or with --export its picture")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--preset", help="start from this preset (see --list-presets)")
    start.add_argument("--config", metavar="FILE.json", help="start from a saved setup instead")
    p.add_argument("--seed", type=integer, help="override the seed")
    p.add_argument("--data", metavar="FILE", help="train on this data set: a CSV (the last "
                   "column the class) or an .npz with X and y")
    p.add_argument("--baseline", metavar="PRESET_OR_SETUP",
                   help="train this preset's or saved setup's config beside the run and show "
                        "both (a preset may name its own baseline; 'none': no baseline)")
    p.add_argument("--steps", type=integer, default=0,
                   help=f"training steps before the picture (at most {MAX_STEPS:,})")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--export", metavar="OUT.png", help="write a picture and exit")
    out.add_argument("--record", metavar="OUT.gif", help="write an animation (.gif or .mp4) and exit")
    p.add_argument("--frames", type=integer,
                   help=f"with --record: how many frames ({FRAMES}; at most {MAX_FRAMES})")
    p.add_argument("--every", type=integer, help=f"with --record: steps between frames ({EVERY})")
    p.add_argument("--fps", type=integer, help=f"with --record: frames per second ({FPS})")
    p.add_argument("--panel", choices=PANELS, help="picture one panel, not the window")
    p.add_argument("--size", type=size, help="picture size WxH (default 1600x950; 900x650 for a panel)")
    p.add_argument("--theme", choices=THEMES, help="the theme (default: the setup's if --config "
                   "names one, else dark; the window: the last one used)")
    return p.parse_args(argv)


CARD_OPTIONS = ("export", "size", "theme")       # what goes with --card


def checked_card(args):
    """Usage unless --card comes with --export, --size and --theme only; the picture's size."""
    given = [name for name, value in vars(args).items() if name not in CARD_OPTIONS + ("card",)
             and value not in (None, False, 0)]
    if given:
        raise Usage(f"--card goes with --export, --size and --theme only, not --{given[0].replace('_', '-')}")
    if args.export is not None:
        if Path(args.export).suffix.lower() != ".png":
            raise Usage(f"{path_text(args.export)}: the file name must end in .png")
        from ui.export import ExportError, check_writable
        try:
            check_writable(args.export)
        except ExportError as error:
            raise Usage(str(error)) from None
    args.theme = args.theme or "dark"
    return args.size or (1600, 950)


def count(flag, value, low, high):
    """Usage unless ``low ≤ value ≤ high``."""
    if not low <= value <= high:
        raise Usage(f"{flag} must be in {low} … {high:,}, got {quoted(value)}")


def baseline_config(name, presets, own):
    """The baseline's config: ``name`` (a preset's name, a setup file, or 'none'), else
    ``own``, the one the chosen preset names or the setup holds (or None)."""
    from ui.saved_setups import read_setup

    if name is None:
        return own
    if name == "none":
        return None
    if name in presets:
        return presets[name].config
    if not Path(name).suffix.lower() == ".json":
        raise Usage(f"--baseline: {quoted(name)} is neither a preset nor a setup file (.json); "
                    f"presets: {', '.join(presets)}")
    try:
        return read_setup(name).config
    except ValueError as error:
        raise Usage(f"--baseline: {error}") from None


def checked(args):
    """(setup, size) from the arguments: the Setup to start from (config and baseline
    config or None, with --seed and --data applied to both; a --config file's layout and
    view) and the picture's size; Usage names the first thing wrong. Everything, the
    output file's folder included, is checked before anything is computed. Fills in the
    defaults of --every and --fps, and of --theme for a picture (the setup's, else dark)."""
    from simulator import SimConfig, load_presets
    from simulator.data import check_data_file
    from ui.export import ExportError, check_writable
    from ui.saved_setups import Setup, check_view, read_setup

    setup, presets = Setup(SimConfig()), load_presets()
    if args.preset is not None:
        if args.preset not in presets:
            raise Usage(f"unknown preset {quoted(args.preset)}; allowed: {', '.join(presets)}")
        preset = presets[args.preset]
        setup = Setup(preset.config, baseline=presets[preset.baseline].config if preset.baseline else None)
    try:
        if args.config is not None:
            setup = read_setup(args.config)
            try:
                check_view(setup.view)
            except ValueError as error:
                raise ValueError(f"{args.config}: {error}") from None
    except ValueError as error:
        raise Usage(str(error)) from None
    config, baseline = setup.config, baseline_config(args.baseline, presets, setup.baseline)
    try:                        # the seed and the data are both runs': a comparison on the same
        for_both = {}           # data, with the same seed and batch order
        if args.seed is not None:
            for_both["seed"] = args.seed
        if args.data is not None:
            for_both.update(dataset="file", data_file=os.path.abspath(args.data),
                            data_digest=check_data_file(args.data))
        config = config.replace(**for_both)
        baseline = baseline if baseline is None else baseline.replace(**for_both)
    except ValueError as error:
        raise Usage(str(error)) from None
    count("--steps", args.steps, 0, MAX_STEPS)
    if args.panel is not None and args.export is None and args.record is None:
        raise Usage("--panel goes with --export or --record (the window shows every panel)")
    if args.record is None:
        for flag, value in (("--frames", args.frames), ("--every", args.every), ("--fps", args.fps)):
            if value is not None:
                raise Usage(f"{flag} goes with --record")
    else:
        args.frames = FRAMES if args.frames is None else args.frames
        args.every = EVERY if args.every is None else args.every
        args.fps = FPS if args.fps is None else args.fps
        count("--frames", args.frames, 1, MAX_FRAMES)
        count("--every", args.every, 1, MAX_EVERY)
        count("--fps", args.fps, 1, MAX_FPS)
    flag, out = ("--export", args.export) if args.export is not None else ("--record", args.record)
    if out is not None:
        allowed = (".png",) if flag == "--export" else (".gif", ".mp4")
        if not out:
            raise Usage(f"{flag} needs a file name ending in {' or '.join(allowed)}")
        if Path(out).suffix.lower() not in allowed:
            raise Usage(f"{path_text(out)}: the file name must end in {' or '.join(allowed)}")
        try:
            check_writable(out)
        except ExportError as error:
            raise Usage(str(error)) from None
        args.theme = args.theme or setup.view.get("theme", "dark")
    return (replace(setup, config=config, baseline=baseline),
            args.size or ((900, 650) if args.panel else (1600, 950)))


def quiet_offscreen_notes():
    """Keep stderr for problems: the offscreen platform's note that it cannot size windows
    to their hints (twice per picture) is dropped; every other Qt message is printed."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode, context, message):
        if "does not support propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def open_window(args, setup, settings=None):
    """The lab's window for the checked arguments: the setup's config if one was chosen
    (else the last one used) and its baseline, view choices and layout; the theme --theme
    names, else the setup's, else the last one used. ``settings``: a QSettings of the
    test's own."""
    from PySide6.QtCore import QByteArray

    from ui.main_window import MainWindow
    chosen = args.preset or args.config or args.seed is not None or args.data
    window = MainWindow(setup.config if chosen else None, settings, theme=args.theme or setup.view.get("theme"),
                        baseline=setup.baseline, view=setup.view)
    if setup.layout:
        window.restoreState(QByteArray(setup.layout))
    return window


def show_card(args, size):
    """The card's picture (--export), or the card running live in a window of its own."""
    if args.export:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        quiet_offscreen_notes()
    from PySide6.QtWidgets import QApplication
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Vanishing Gradient Lab")
    from ui import card_view
    if args.export:
        from ui.export import ExportError, atomic_write, png_bytes
        try:
            atomic_write(args.export, png_bytes(card_view.picture(args.card, size, args.theme)))
        except ExportError as error:
            print(f"main.py: error: {error}", file=sys.stderr)
            return 2
        return 0
    window = card_view.window(args.card, size, args.theme)
    window.show()
    return app.exec()


def main(argv=None):
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        if args.list_presets:
            from simulator import load_presets
            for preset in load_presets().values():
                print(f"{preset.name}: {preset.description}")
            return 0
        if args.list_panels:
            from ui.panels import PANELS
            for name, panel in PANELS.items():
                print(f"{name:10s} {panel.title}")
            return 0
        if args.list_cards:
            from simulator.cards import CARDS
            for name, card in CARDS.items():
                print(f"{name:11s} {card.authors} ({card.year}): {card.title}")
            return 0
        if args.card is not None:
            return show_card(args, checked_card(args))
        setup, size = checked(args)
    except Usage as error:
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2

    if args.export or args.record:
        return off_screen(args, setup, size)
    from ui import collector
    app = application()
    window = open_window(args, setup)
    window.show()
    collector.freeze_start_up()
    return app.exec()


def application():
    """The lab's QApplication, its cycles collected by its event loop (ui/collector.py)."""
    from PySide6.QtWidgets import QApplication

    from ui import collector
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Vanishing Gradient Lab")
    collector.hold()
    return app


def off_screen(args, setup, size):
    """Write the --export picture or the --record animation: status 0; 2 and one line on
    stderr if it cannot be written; 128 + N and one line if signal N stopped it (SIGINT,
    SIGTERM, SIGHUP), with nothing of it left behind."""
    from ui import headless
    from ui.export import ExportError, atomic_write, png_bytes

    headless.stop_on_signals()
    out = args.export or args.record
    try:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        quiet_offscreen_notes()
        app = application()       # noqa: F841 (it must live while the picture is made)
        if args.export:
            image = headless.render(setup.config, args.steps, args.panel, size, args.theme,
                                    setup.baseline, setup.view)
            headless.raise_if_stopped()
            atomic_write(args.export, png_bytes(image))
        else:
            headless.record(setup.config, args.record, args.frames, args.every, args.fps,
                            args.panel, size, args.theme, args.steps, setup.baseline, setup.view)
    except BaseException as error:
        if headless.stopped_by:
            number = headless.stopped_by[0]
            print(f"main.py: stopped by {signal.Signals(number).name}: {path_text(out)} was not "
                  "written", file=sys.stderr)
            return 128 + number
        if not isinstance(error, ExportError):
            raise
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
