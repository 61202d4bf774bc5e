"""What the window benchmarks share: CPU-bound processes that stand for a busy lecture
laptop, an event loop pumped for a while, and the lab's window opened as main() opens it."""
from __future__ import annotations

import multiprocessing
import time

from PySide6.QtCore import QSettings


def burn(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(10_000))


def start_burners(count, seconds):
    """``count`` CPU-bound processes, each burning for ``seconds`` (daemons: they end with
    the benchmark)."""
    burners = [multiprocessing.get_context("spawn").Process(target=burn, args=(seconds,), daemon=True)
               for _ in range(count)]
    for process in burners:
        process.start()
    return burners


def pump(app, seconds, until=None):
    """Process events for ``seconds``, or until ``until()`` is true (then True)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.0005)
    return False


def open_window(settings_file):
    """The lab's window on the default config, with a settings file of its own (cleared),
    1600 × 950 and shown; start-up's objects are frozen out of garbage collection, as
    main() does."""
    from simulator import SimConfig
    from ui import collector
    from ui.main_window import MainWindow

    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    settings.clear()
    window = MainWindow(SimConfig(), settings=settings)
    window.resize(1600, 950)
    window.show()
    collector.freeze_start_up()
    return window
