"""The window at a projector's and a laptop's sizes (issue 26, items 1 and 2): no text cut,
elided or garbled, every map with its own colour bar, every plot with room for its data,
in every panel a tab can bring forward; and a layout that a resize does not move.

On the lab before this work, at 1280 × 720 in presentation mode: the window could not be
narrower than 1,329 px (a diagnosis on one line set its least width), the maps' titles were
cut ("baseline: s"), their axis titles garbled, the baseline's colour bar off its map, the
dock tabs cut. In the dark theme at 1280 × 720 with a baseline the loss had 0 px for its
curves and the two maps 116 px; at 1024 × 768 in presentation mode the maps had 17 px; a
resize to 1920 × 1080, to 800 × 550 and back gave the controls half the window."""
import pytest
from PySide6.QtWidgets import QDockWidget

from layout_check import cut_texts, short_plots
from ui.docking import PLOT_LEAST
from ui.drawing import settle_layout
from ui_helpers import wait_on_engine


def painted_again(qtbot, window):
    """A frame painted at the layout the window ends with."""
    painted = window.frames_painted
    window.state.step_once()
    wait_on_engine(qtbot, window, lambda: window.frames_painted > painted)


def problems_in_every_tab(qtbot, window):
    """What ``cut_texts`` and ``short_plots`` find with each panel of a first start in
    front in turn (a panel behind a tab is drawn when it comes forward)."""
    found = []
    for name, dock in window.docks.items():
        if window.panels[name].at_start and not dock.isFloating():
            dock.raise_()
            qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty())
            painted_again(qtbot, window)
            settle_layout()    # a caption's new text asks for its height in a posted event,
            found += [f"{name}: {problem}"     # which Qt handles in its next pass
                      for problem in cut_texts(window) + short_plots(window, PLOT_LEAST)]
    return found


def presentation_at(qtbot, window, size):
    """F5, with the window at ``size`` (the offscreen screen has no projector's size: the
    window takes it instead), in presentation's layout at that size."""
    window.toggle_presentation()
    window.showNormal()
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=10000)
    window.reset_layout()


def side_by_side(window):
    """Whether the surface and the bars are both in view, the surface left of the bars."""
    surface, bars = window.docks["surface"], window.docks["bars"]
    return (not surface.visibleRegion().isEmpty() and not bars.visibleRegion().isEmpty()
            and surface.x() + surface.width() <= bars.x())


def with_baseline(qtbot, window, baseline):
    if baseline:
        window.state.pin_baseline()
        wait_on_engine(qtbot, window, lambda: window.painted.baseline is not None)


@pytest.mark.parametrize("baseline", [True, False])
@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1920, 1080)])
def test_presentation_mode_shows_everything_whole(window, qtbot, theme_restored, size, baseline):
    with_baseline(qtbot, window, baseline)
    presentation_at(qtbot, window, size)
    assert window.minimumSizeHint().width() <= size[0] and window.minimumSizeHint().height() <= size[1]
    assert problems_in_every_tab(qtbot, window) == []


@pytest.mark.parametrize("baseline", [True, False])
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_laptops_window_shows_everything_whole(window, qtbot, theme_restored, theme, baseline):
    """At 1280 × 720 every plot has PLOT_LEAST pixels for its data: where the column is too
    short for the bars and the loss one under the other, the loss is a tab behind the bars,
    and a baseline's map is placed beside its words."""
    window.set_theme(theme)
    with_baseline(qtbot, window, baseline)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1280, 720), timeout=10000)
    window.reset_layout()                          # the first start's layout at this size
    assert problems_in_every_tab(qtbot, window) == []


def test_a_resize_round_trip_gives_the_same_layout_back(window, qtbot):
    def layout():
        docks = list(window.docks.values()) + [window.findChild(QDockWidget, "controls")]
        return {dock.objectName(): dock.geometry() for dock in docks
                if dock.isVisible() and not dock.visibleRegion().isEmpty()}

    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1280, 720), timeout=10000)
    window.reset_layout()
    painted_again(qtbot, window)
    before = layout()
    for size in ((1920, 1080), (800, 550), (1280, 720)):
        window.resize(*size)
        least = window.minimumSizeHint()               # (800 × 550 is below the least height)
        size = max(size[0], least.width()), max(size[1], least.height())
        qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=10000)
        painted_again(qtbot, window)
    assert layout() == before


def test_controls_unfolded_in_presentation_mode_share_the_screen(window, qtbot, theme_restored):
    """C in presentation mode at 1280 × 720 with a baseline: the controls come back and the
    panels are shared out in the room left, whole (their tabs had scrolled, 943 px of names
    in 918); C again folds them, the layout as before."""
    def layout():
        return {name: dock.geometry() for name, dock in window.docks.items()
                if dock.isVisible() and not dock.visibleRegion().isEmpty()}

    with_baseline(qtbot, window, True)
    presentation_at(qtbot, window, (1280, 720))
    painted_again(qtbot, window)
    folded = layout()
    controls = window.findChild(QDockWidget, "controls")
    window.toggle_controls()                       # C
    qtbot.waitUntil(lambda: not controls.visibleRegion().isEmpty())
    assert problems_in_every_tab(qtbot, window) == []
    window.toggle_controls()
    qtbot.waitUntil(lambda: controls.isHidden())
    window.docks["surface"].raise_()
    window.docks["bars"].raise_()
    painted_again(qtbot, window)
    assert layout() == folded


def test_presentation_mode_shares_the_screen_for_the_maps_on_show(window, qtbot, theme_restored):
    """At 1280 × 720 one map leaves room for the surface and the bars side by side; a pinned
    baseline's second map does not, and the panels become tabs of one column; cleared, they
    stand side by side again (the lecture's two main panels had been one tab apart even
    without a baseline)."""
    presentation_at(qtbot, window, (1280, 720))
    painted_again(qtbot, window)
    assert side_by_side(window)
    with_baseline(qtbot, window, True)
    qtbot.waitUntil(lambda: window.docks["bars"] in window.tabifiedDockWidgets(window.docks["surface"]))
    assert problems_in_every_tab(qtbot, window) == []
    window.state.clear_baseline()
    wait_on_engine(qtbot, window, lambda: window.painted.baseline is None)
    qtbot.waitUntil(lambda: side_by_side(window))
    assert problems_in_every_tab(qtbot, window) == []


def test_a_share_of_nothing_is_not_asked_of_qt(window):
    """A window too small to share (the lecture round's smallest sizes, 'Show only') had
    docks asked for 0 px: Qt warned 'all sizes need to be larger than 0'. Qt's warnings
    fail this test; the layout is left as it was."""
    from PySide6.QtCore import Qt
    from ui.docking import resize_docks
    d = window.docks
    before = d["surface"].width(), d["bars"].width()
    resize_docks(window, [d["surface"], d["bars"]], [0, sum(before)], Qt.Orientation.Horizontal)
    assert (d["surface"].width(), d["bars"].width()) == before


def test_presentation_mode_shares_the_screen_it_ends_at(window, qtbot, theme_restored):
    """F5 shares the window it has, then goes full screen: on a 1280 × 720 projector, from a
    window of 90 % of it, the panels stayed one column of tabs (half of 1152 px is under
    COLUMN_LEAST) on a screen wide enough for two."""
    window.resize(1152, 648)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1152, 648), timeout=10000)
    painted_again(qtbot, window)
    window.toggle_presentation()
    window.showNormal()
    window.resize(1280, 720)                       # the full screen, where offscreen has none
    qtbot.waitUntil(lambda: side_by_side(window))
    assert problems_in_every_tab(qtbot, window) == []


def test_a_correction_of_nothing_is_not_asked_of_qt(window, qtbot):
    """``resize_docks`` asks again with what Qt missed added; where a dock is held at its
    least width, more than twice what was asked, that came to 0 px or less (CI's fuzz run:
    Qt warned 'all sizes need to be larger than 0'). Qt's warnings fail this test."""
    from PySide6.QtCore import Qt
    from ui.docking import resize_docks
    d = window.docks
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1280, 720), timeout=10000)
    both = d["surface"].width() + d["bars"].width()
    least = d["surface"].minimumSizeHint().width()
    resize_docks(window, [d["surface"], d["bars"]], [least // 3, both - least // 3], Qt.Orientation.Horizontal)
    assert d["surface"].width() >= least // 3


def test_a_picture_in_presentation_type_is_shared_for_the_maps_its_frame_shows(qtbot, theme_restored):
    """An exported picture of the window (``main.py --export --theme presentation --size
    1280x720``) of a run with a baseline had the two maps squeezed to 54 px beside the bars:
    its room was shared as the frame was shown but before it counted as on screen, so for
    one map. It is shared for the frame's maps, as presentation mode shares the live
    window: every panel a tab of one column, every plot with room for its data."""
    from simulator import SimConfig
    from ui.headless import HeadlessView, run_frame
    from ui.style import apply_theme
    apply_theme("presentation")
    frame = run_frame(SimConfig(depth=3, width=4, activation="relu"), 5, SimConfig(depth=3, width=4))
    view = HeadlessView(frame.snapshot.config, None, (1280, 720))
    try:
        view.show(frame)
        window = view.widget
        assert window.docks["bars"] in window.tabifiedDockWidgets(window.docks["surface"])
        assert short_plots(window, PLOT_LEAST) == []
    finally:
        view.close()
