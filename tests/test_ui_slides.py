"""Slides: every panel, in every theme, at a projector's 1280×720, shows all its text."""
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QTabBar, QWidget

from simulator import load_presets
from ui.headless import HeadlessView, run_frame
from ui.panels import PANELS
from ui.style import THEMES, apply_theme

SLIDE = (1280, 720)


@pytest.fixture(scope="module")
def frame():
    return run_frame(load_presets()["Deep sigmoid (vanishing)"].config, 30)


def on_show(child):
    """On screen: a panel behind another dock's tab is laid out anew when it comes forward."""
    return child.isVisible() and not child.visibleRegion().isEmpty()


def fully_shown(widget, window):
    """The whole widget is on screen inside the window: nothing of it scrolled away or cut."""
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return (window.rect().contains(rect) and on_show(widget)
            and widget.visibleRegion().boundingRect().size() == widget.size())


def cut_texts(widget):
    """Every label, button or tab on show whose text does not fit it: (kind, text, needed, given)."""
    cut = []
    for label in widget.findChildren(QLabel):
        if not on_show(label) or not label.text():
            continue
        if label.wordWrap():
            needed, given = label.heightForWidth(label.width()), label.height()
        else:
            needed, given = label.minimumSizeHint().width(), label.width()
        if needed > given:
            cut.append(("label", label.text(), needed, given))
    for button in widget.findChildren(QAbstractButton):
        if on_show(button) and button.text() and button.sizeHint().width() > button.width():
            cut.append(("button", button.text(), button.sizeHint().width(), button.width()))
    for bar in widget.findChildren(QTabBar):
        if not on_show(bar):
            continue
        for i in range(bar.count()):
            needed, given = bar.tabSizeHint(i).width(), bar.tabRect(i).width()
            if needed > given:
                cut.append(("tab", bar.tabText(i), needed, given))
    return cut


@pytest.mark.parametrize("theme", list(THEMES))
def test_every_panel_shows_all_its_text_at_1280x720(qtbot, frame, theme, theme_restored):
    cut = {}
    for name in PANELS:
        apply_theme(theme)
        view = HeadlessView(frame.snapshot.config, name, SLIDE)
        try:
            view.show(frame)
            cut[name] = cut_texts(view.widget)
        finally:
            view.close()
    assert {name: texts for name, texts in cut.items() if texts} == {}


@pytest.mark.parametrize("theme", list(THEMES))
def test_the_window_shows_all_its_text_and_the_run_buttons_at_1280x720(qtbot, frame, theme, theme_restored):
    apply_theme(theme)
    view = HeadlessView(frame.snapshot.config, None, SLIDE)
    try:
        view.show(frame)
        window, controls = view.widget, view.widget.controls
        assert window.width() == SLIDE[0]               # fits, not cropped at the right
        assert cut_texts(window) == []
        run = [*controls.run_bar.findChildren(QAbstractButton), controls.speed.slider,
               controls.speed.value_label]                  # Play, Step, Reset, Pin, Clear, speed
        assert {controls.play_button, controls.step_button, controls.reset_button} <= set(run)
        for widget in run:
            assert fully_shown(widget, window), widget  # not below the fold of the controls
    finally:
        view.close()


def test_a_squeezed_label_tab_or_button_is_found(qtbot):
    box = QWidget()
    qtbot.addWidget(box)
    label = QLabel("a caption far too long for the forty pixels it is given", box)
    label.resize(40, 20)
    tabs = QTabBar(box)
    tabs.addTab("Gradient bars")
    tabs.setElideMode(Qt.TextElideMode.ElideRight)
    tabs.resize(30, 30)
    box.show()
    assert [kind for kind, *_ in cut_texts(box)] == ["label", "tab"]


def test_f5_twice_restores_the_layout_and_the_size(window, qtbot):
    def layout():
        return window.size(), {name: dock.geometry() for name, dock in window.docks.items()
                               if on_show(dock)}

    window.resize(1280, 720)                       # a laptop's window (not below its least size)
    qtbot.waitUntil(lambda: window.width() == 1280)
    before = layout()
    for _ in range(10):                            # twenty F5s (issue 26: the layout drifted)
        for theme in ("presentation", "dark"):
            qtbot.keyClick(window, Qt.Key.Key_F5)
            assert window.theme == theme
            qtbot.wait(50)
    assert layout() == before


@pytest.mark.parametrize("name", ["bars", "surface", "activation"])
def test_a_panel_picture_shows_content_and_a_caption_not_controls(qtbot, frame, name, theme_restored):
    from PySide6.QtWidgets import QCheckBox, QComboBox
    apply_theme("light")
    view = HeadlessView(frame.snapshot.config, name, SLIDE)
    try:
        view.show(frame)
        shown = [w for kind in (QComboBox, QCheckBox, QTabBar) for w in view.widget.findChildren(kind)
                 if on_show(w)]
        assert shown == []
        caption = view.widget.findChild(QLabel, "picture_caption")
        assert on_show(caption)
        assert caption.text().endswith("·  Deep sigmoid (vanishing)  ·  step 30")
    finally:
        view.close()


def test_a_picture_from_the_window_keeps_the_view_the_user_chose(qtbot):
    from ui.panels import build
    from ui.picture import caption
    shown = build("bars")
    qtbot.addWidget(shown)
    shown.quantity.setCurrentIndex(2)
    shown.log_scale.setChecked(False)
    fresh = build("bars", shown.view_state())
    qtbot.addWidget(fresh)
    assert fresh.picture_caption() == "‖δ‖ per layer, linear scale"
    assert caption(fresh, run_frame(load_presets()["Plateau"].config, 0).snapshot) == \
        "Gradient bars: ‖δ‖ per layer, linear scale  ·  Plateau  ·  step 0"
