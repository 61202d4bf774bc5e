"""The UI thread's deferred work runs one piece per pass of the event loop (issue 9, item 8):
Qt fires every timer that is due in one pass, and a theme step, a panel of a paint round and
a panel coming into view had fallen due together (130-230 ms with no input answered)."""
import time

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from ui import drawing, main_window
from ui.chores import Chores, chores
from ui.export import render
from ui.recorder import Recorder
from ui.widgets import on_screen


def one_pass():
    """One pass of the event loop, once the queue's timer (1 ms) is due."""
    time.sleep(0.002)
    QApplication.processEvents()


def test_one_piece_per_pass_a_name_once_and_nothing_of_a_deleted_owner(qtbot):
    owner, gone = QObject(), QObject()
    ran = []
    queue = Chores()           # its own: the window's queue may hold pieces due later
    queue.add(owner, "a", lambda: ran.append("a"))
    queue.add(gone, "b", lambda: ran.append("b"))
    queue.add(owner, "c", lambda: ran.append("c"))
    queue.add(owner, "a", lambda: ran.append("a again"))     # replaces, keeps its place
    shiboken6.delete(gone)
    for _ in range(4):
        one_pass()
    assert ran == ["a again", "c"]                                 # b's owner was deleted
    queue.add(owner, "d", lambda: ran.append("d"))
    queue.forget(owner)
    for _ in range(2):
        one_pass()
    assert ran == ["a again", "c"]


def test_what_a_piece_changes_is_drawn_in_a_pass_without_another_piece(qtbot):
    """The fuzz found a theme step's build in the same pass as the paint of the panel the
    step before had placed (40 + 46 ms): the paint a piece causes comes in the next pass,
    and the next piece had run in it too."""
    happened = []

    class Drawn(QWidget):
        def paintEvent(self, event):
            happened.append("paint")

    widget = Drawn()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    for _ in range(3):
        one_pass()
    owner, queue = QObject(), Chores()
    queue.add(owner, "a", lambda: (happened.append("a"), widget.update()))
    queue.add(owner, "b", lambda: happened.append("b"))
    passes = []
    for _ in range(6):
        happened.clear()
        one_pass()
        passes.append(list(happened))
    ran = [event for done in passes for event in done]
    assert ran == ["a", "paint", "b"]
    assert all(len(done) == 1 for done in passes if done)


def test_a_theme_switch_while_playing_builds_nothing_and_draws_one_panel_per_pass(window, qtbot,
                                                                                 monkeypatch):
    """Panels are built once per window: a switch restyles them in place and draws none
    itself; the frame on screen is then drawn anew in the paint round, one panel a pass."""
    window.controls.play_button.click()
    qtbot.waitUntil(lambda: window.painted is not None and window.painted.playing, timeout=5000)
    panels = dict(window.panels)
    work = []
    real_build = main_window.build
    monkeypatch.setattr(main_window, "build", lambda *a: work.append("build") or real_build(*a))
    for kind in {type(panel) for panel in window.panels.values()}:
        monkeypatch.setattr(kind, "show_frame", lambda self, frame, draw=kind.show_frame:
                            work.append("draw") or draw(self, frame))
    window.set_theme("light")
    assert work == []                                    # restyled, not built, not drawn
    most, end = 0, time.monotonic() + 10
    while (chores()._waiting or window._round) and time.monotonic() < end:
        work.clear()
        one_pass()
        most = max(most, len(work))
    assert window.theme == "light" and window.panels == panels
    assert most == 1                                     # was 2 and more
    assert "build" not in work


class PaintSizes(QObject):
    """The sizes at which each watched widget was drawn."""

    def __init__(self, widgets):
        super().__init__()
        self.widgets, self.sizes = widgets, {w: [] for w in widgets}
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.sizes[watched].append(watched.size().toTuple())
        return False

    def stop(self):
        for widget in self.widgets:
            if shiboken6.isValid(widget):
                widget.removeEventFilter(self)


def test_a_new_theme_is_laid_out_before_the_window_is_drawn_in_it(window, qtbot):
    """The fuzz's longest single action, a theme switch (110-150 ms): the new palette was
    drawn at once, then the new type's layout, then a second layout (the status bar grows
    only after its fields have) and every panel drawn again, in one pass. A panel is now
    drawn only at the size the new type gives it."""
    view = window.panels["bars"].plot.viewport()
    for _ in range(3):
        one_pass()
    paints = PaintSizes([view])
    window.set_theme("presentation")
    settle(window)
    paints.stop()
    painted_at = paints.sizes[view]
    assert painted_at and set(painted_at) == {view.size().toTuple()}   # not at its old size first


def settle(window, passes=8):
    """Passes of the event loop until the deferred work is done, then a few more."""
    end = time.monotonic() + 10
    while (chores()._waiting or window._round) and time.monotonic() < end:
        one_pass()
    for _ in range(passes):
        one_pass()


def plot_views(window):
    """The widgets every plot of every panel is drawn in."""
    return [plot.viewport() for panel in window.panels.values() for plot in panel.findChildren(pg.PlotWidget)]


def test_panels_shown_again_are_drawn_once_at_the_room_they_end_with(window, qtbot):
    """'Show all panels' after 'Show only': a graphics scene draws the whole window from its
    own queued update, so the window was drawn as the docks were shown, again once their
    shares were set, and again as the plots refitted their axes (a panel drawn three times,
    80-120 ms in one pass)."""
    window.resize(1400, 900)
    settle(window)
    window.reset_layout()                      # room for the loss under the bars
    settle(window)
    window.show_only("activation")
    settle(window)
    views = plot_views(window)
    paints = PaintSizes(views)
    window.show_all()
    end = time.monotonic() + 10
    while chores().waiting(QApplication.instance(), "release") and time.monotonic() < end:
        one_pass()
    one_pass()                          # the pass that draws them (a frame may come later)
    paints.stop()
    shown = [view for view in views if on_screen(view)]
    assert len(shown) >= 4
    for view in shown:
        assert paints.sizes[view] == [view.size().toTuple()]    # drawn once, at its size


def test_a_picture_or_a_recording_never_shows_a_panel_whose_drawing_is_held(window, qtbot, tmp_path,
                                                                           monkeypatch):
    """While the panels wait to be drawn at a new layout their pixels are stale and a held
    panel renders blank: a picture and a recording's frame let them draw first."""
    settle(window)
    loss = window.panels["loss"]
    before = render(loss)
    window.show_all()
    assert drawing.holding()
    assert render(loss) == before      # drawn, not blank
    frames = []
    monkeypatch.setattr(Recorder, "_encode", lambda self, image, t: frames.append(image))
    window.show_all()
    recorder = Recorder(loss, tmp_path / "loss.gif")
    recorder.start()
    assert not drawing._held                                  # let go, and drawn anew
    recorder.stop()
    qtbot.waitUntil(lambda: recorder.outcome is not None, timeout=5000)   # (no frame reached the file)
    assert len(frames) == 1 and frames[0].convertToFormat(before.format()) == render(loss)


def test_a_resized_window_draws_each_panel_once_at_its_new_size(window, qtbot):
    """A resize lays the window out at once, but its plots refitted and their scenes drew
    the window one after another: a panel was drawn two to four times in one pass."""
    window.resize(1400, 900)
    settle(window)
    window.reset_layout()                      # room for the loss under the bars
    settle(window)
    views = plot_views(window)
    paints = PaintSizes(views)
    window.resize(1500, 950)
    for _ in range(2):
        one_pass()
    paints.stop()
    shown = [view for view in views if on_screen(view)]
    assert len(shown) >= 3
    for view in shown:
        assert paints.sizes[view] == [view.size().toTuple()]


def test_a_frame_of_another_run_takes_over_the_paint_round_under_way(window, qtbot, monkeypatch):
    """A frame of a new config that came while a round drew an older run's frame waited for
    that round to end, then had one of its own (back from depth 100 × 256 to the defaults:
    176 ms p95 to the screen where the frame came in 46): it takes the round over, the
    panels drawn already drawing it again; a frame of the same run waits as before."""
    from simulator import SimConfig
    from ui.headless import run_frame
    window.engine.frame_ready.disconnect(window._receive)        # only the frames sent here
    qtbot.waitUntil(lambda: not window._round and window.latest is None, timeout=10_000)
    config = window.painted.snapshot.config
    older, later = run_frame(config, 2), run_frame(config, 3)
    other = run_frame(SimConfig(depth=3, width=5), 0)
    drawn, shown = [], []
    for kind in {type(panel) for panel in window.panels.values()}:
        monkeypatch.setattr(kind, "show_frame", lambda self, frame, draw=kind.show_frame:
                            drawn.append((self, frame)) or draw(self, frame))
    monkeypatch.setattr(window, "_shown",
                        lambda frame, real=window._shown: shown.append(frame) or real(frame))
    on = [panel for panel in window.panels.values() if on_screen(panel)]
    for arrived, after in ((later, older), (other, older)):
        drawn.clear(), shown.clear()
        window._receive(after)
        window.paint()
        while len(drawn) < 2:
            one_pass()
        window._receive(arrived)
        qtbot.waitUntil(lambda: window.painted is arrived and not window._round, timeout=10_000)
        if arrived is other:
            assert shown == [other]                      # the older run's frame never complete
            assert {panel for panel, frame in drawn if frame is other} == set(on)
        else:
            assert shown == [older, later]               # the same run: the round ends first


def test_a_window_that_paints_slowly_is_sent_frames_as_fast_as_it_paints_them(window, qtbot, monkeypatch):
    """A busy machine's window paints about a dozen frames a second; the engine made 66, each
    pickled, sent and unpickled for nothing. Painting slowly (the gradient bars take 40 ms),
    the window receives at most AHEAD frames between the starts of two paint rounds."""
    from simulator.session import AHEAD
    from ui_helpers import wait_on_engine
    bars = type(window.panels["bars"])
    monkeypatch.setattr(bars, "show_frame", lambda self, frame, draw=bars.show_frame:
                        time.sleep(0.04) or draw(self, frame))
    received, at_rounds = [0], []
    window.engine.frame_ready.connect(lambda frame: received.__setitem__(0, received[0] + 1))
    monkeypatch.setattr(window, "_round_of", lambda frame, panels, real=window._round_of:
                        at_rounds.append(received[0]) or real(frame, panels))
    window.state.set_playing(True)
    wait_on_engine(qtbot, window, lambda: len(at_rounds) >= 20)
    window.state.set_playing(False)
    between = [b - a for a, b in zip(at_rounds[3:], at_rounds[4:])]   # from the third round on
    assert max(between) <= AHEAD and sum(between) > 0


def test_two_runs_maps_are_drawn_in_passes_of_their_own_and_painted_apart(window, qtbot, monkeypatch):
    """With a baseline, the surface's two maps were drawn in one pass and Qt painted both
    views after it: the longest stretch of a round on a busy machine. Each map now has its
    pass (Panel.passes), the baseline's first, and Qt paints its view before the run's map
    is drawn; the frame is painted once both show it."""
    from simulator import SimConfig
    from ui.headless import run_frame
    from ui.panels.surface import CostMap
    window.engine.frame_ready.disconnect(window._receive)        # only the frames sent here
    qtbot.waitUntil(lambda: not window._round and window.latest is None, timeout=10_000)
    surface = window.panels["surface"]
    assert on_screen(surface)
    config, baseline = window.painted.snapshot.config, SimConfig(depth=3, width=5)
    first, second = run_frame(config, 2, baseline), run_frame(config, 3, baseline)
    window._receive(first)
    qtbot.waitUntil(lambda: window.painted is first and surface.baseline_map is not None
                    and surface.baseline_map.surface is not None, timeout=10_000)   # (made, drawn)
    events = []

    class Painted(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                events.append(("painted", watched))
            return False

    maps = {surface.baseline_map: "baseline", surface.map: "run"}
    views = {m.plot.viewport(): name for m, name in maps.items()}
    spy = Painted()
    for view in views:
        view.installEventFilter(spy)
    monkeypatch.setattr(CostMap, "show", lambda self, snapshot, *a, real=CostMap.show, **k:
                        events.append(("drawn", self, snapshot)) or real(self, snapshot, *a, **k))
    window._receive(second)
    passes = []
    while window.painted is not second:
        events.clear()
        one_pass()
        passes.append([(kind, views.get(what) or maps.get(what), *rest) for kind, what, *rest in events])
    for view in views:
        view.removeEventFilter(spy)
    drawn = [(i, name, snapshot) for i, done in enumerate(passes) for kind, name, *snapshot in done
             if kind == "drawn"]
    assert [(name, snapshot[0]) for _, name, snapshot in drawn] == [
        ("baseline", second.baseline), ("run", second.snapshot)]
    assert drawn[0][0] < drawn[1][0]                              # passes of their own
    order = [event[:2] for done in passes for event in done]
    between = order[order.index(("drawn", "baseline")):order.index(("drawn", "run"))]
    assert ("painted", "baseline") in between and ("painted", "run") not in between
    assert ("painted", "run") in order[order.index(("drawn", "run")):]     # then the run's
