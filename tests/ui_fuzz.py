"""Random live use of the real window, the way a lecturer drags, clicks and switches while
it plays: shared by ``tests/test_ui_fuzz.py`` (500 actions) and
``benchmarks/bench_ui_fuzz.py`` (thousands, with the main thread's worst gap per action).

Every action goes through the widgets a person uses (sliders, combo boxes, check boxes,
buttons, menus' slots, a click on the map), with values drawn from each control's whole
range, extremes included.
"""
from __future__ import annotations

import random
import time

from PySide6.QtCore import QEventLoop, QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox

from ui.widgets import ValueSlider


def _set_control(window, rng, folder):
    name = rng.choice(sorted(window.controls.fields))
    widget = window.controls.fields[name]
    if isinstance(widget, ValueSlider):
        slider = widget.slider
        slider.setValue(rng.choice([slider.minimum(), slider.maximum(),
                                    rng.randint(slider.minimum(), slider.maximum())]))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(rng.randrange(widget.count()))
    elif isinstance(widget, QCheckBox):
        widget.click()
    else:                                                        # the seed's spin box
        widget.setValue(rng.choice([widget.minimum(), widget.maximum(),
                                    rng.randint(widget.minimum(), widget.maximum())]))
    return f"control:{name}"


def _preset(window, rng, folder):
    window.controls.preset.setCurrentIndex(rng.randrange(1, window.controls.preset.count()))
    return "preset"


def _theme(window, rng, folder):
    window.set_theme(rng.choice(["dark", "light", "presentation"]))     # as the menu does
    return "theme"


def _panels(window, rng, folder):
    if rng.random() < 0.5:
        window.show_only(rng.choice(sorted(window.docks)))
    else:
        window.show_all()
    return "panels"


def _drop(window, rng, folder):
    plot = window.panels["surface"].plot
    if not plot.isVisible():
        return "drop"
    view = plot.getPlotItem().vb
    (x0, x1), (y0, y1) = view.viewRange()
    point = QPointF(rng.uniform(x0, x1), rng.uniform(y0, y1))
    QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton,
                     pos=plot.mapFromScene(view.mapViewToScene(point)))
    return "drop"


def _resize(window, rng, folder):
    window.resize(rng.randint(500, 1800), rng.randint(400, 1100))
    return "resize"


def _run(window, rng, folder):
    c = window.controls
    button = rng.choice([c.play_button, c.play_button, c.step_button, c.reset_button,
                         c.pin_button, c.clear_button])
    button.click()
    return "run"


def _speed(window, rng, folder):
    slider = window.controls.speed.slider
    slider.setValue(rng.randint(slider.minimum(), slider.maximum()))
    return "speed"


def _record(window, rng, folder):
    recorder = window.lecture.recorder
    if recorder is not None and recorder.recording:
        window.lecture.stop_recording()
        return "record:stop"
    target = rng.choice(["window"] + sorted(window.panels))
    window.lecture.record(target, str(folder / f"fuzz.{rng.choice(['gif', 'mp4'])}"), fps=10,
                  max_seconds=rng.uniform(0.2, 1.5))
    return "record:start"


# (action, weight): themes and recordings are heavier, so rarer
ACTIONS = [(_set_control, 40), (_preset, 6), (_theme, 1), (_panels, 4), (_drop, 6),
           (_resize, 4), (_run, 10), (_speed, 3), (_record, 2)]


def pump(seconds):
    """Run an event loop for ``seconds``, as the application's own would (deferred
    deletes included, which ``processEvents`` leaves alone)."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def fuzz(window, count, seed, folder, after=None, settle=None):
    """Apply ``count`` random actions; ``after(kind, seconds, cpu)`` is told what each was,
    how long its call took and the main thread's CPU time in it. Frames keep flowing
    between actions (a few ms each, or ``settle`` seconds: the same actions, each done
    with before the next)."""
    rng = random.Random(seed)
    functions, weights = zip(*ACTIONS)
    for _ in range(count):
        action = rng.choices(functions, weights)[0]
        start, cpu = time.perf_counter(), time.thread_time()
        kind = action(window, rng, folder)
        if after is not None:
            after(kind, time.perf_counter() - start, time.thread_time() - cpu)
        between = rng.uniform(0.0, 0.02)
        pump(between if settle is None else settle)


def lecture_round(window, data_files=()):
    """What a lecturer does between theme switches, in a round: a preset, a pin, depth to
    its end, one panel and all again, the digits, a resize and back, another activation,
    and each of ``data_files`` loaded (shared by the theme soak test and bench_soak.py)."""
    from simulator import load_presets
    c, presets = window.controls, load_presets()
    depth = c.fields["depth"]
    return [
        lambda: c.preset.setCurrentText("Deep sigmoid (vanishing)"),
        lambda: c.pin_button.click(),
        lambda: depth.slider.setValue(depth.slider.maximum()),
        lambda: window.show_only("surface"),
        lambda: window.show_all(),
        lambda: c.clear_button.click(),
        lambda: window.state.restart(presets["Nielsen's experiment"].config),
        lambda: window.resize(1024, 768),
        lambda: window.resize(1600, 950),
        lambda: c.fields["activation"].setCurrentText("relu"),
    ] + [lambda path=path: window.lecture.load_data(str(path)) for path in data_files]
