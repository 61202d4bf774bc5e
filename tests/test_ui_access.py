"""A screen reader and the keyboard reach everything (issue 26, item 5): every control and
every plot in the window has an accessible name, and every menu a mnemonic."""
import pyqtgraph as pg
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit,
                               QScrollBar, QTabBar, QWidget)

INTERACTIVE = (QAbstractButton, QComboBox, QAbstractSlider, QAbstractSpinBox, QLineEdit, QTabBar,
               pg.GraphicsView)


def spoken_name(widget):
    """What a screen reader says for ``widget``: its accessible name, or a button's text, or
    a tab bar's tabs' texts (it is a list of them)."""
    if widget.accessibleName().strip():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&", "").strip()
    if isinstance(widget, QTabBar) and widget.count():
        texts = [widget.tabText(i).strip() for i in range(widget.count())]
        return ", ".join(texts) if all(texts) else ""
    return ""


def reachable(widget):
    """A widget a user can reach: not explicitly hidden (a remedy button with no remedy),
    and not one of Qt's own (a tool bar's ›› button)."""
    return not widget.isHidden() and not widget.objectName().startswith("qt_")


def test_no_control_or_plot_of_the_window_is_nameless(window):
    """The window's own widgets, not those of pyqtgraph's context menus (windows of their
    own), nor the scroll bars and the spin boxes' editors, which Qt names. A test that fails
    on main: the sliders, combo boxes and plots had no names."""
    nameless = [f"{type(w).__name__} in {type(w.parent()).__name__} in {type(w.parent().parent()).__name__}"
                for w in window.findChildren(QWidget)
                if isinstance(w, INTERACTIVE) and w.window() is window and not isinstance(w, QScrollBar)
                and not isinstance(w.parent(), QAbstractSpinBox) and reachable(w) and not spoken_name(w)]
    assert not nameless, "\n".join(nameless)


def test_every_menu_has_its_own_mnemonic(window):
    """Alt and a letter opens each menu of the window: one letter each, none shared."""
    letters = []
    for action in window.menuBar().actions():
        title = action.text()
        assert "&" in title[:-1], f"menu {title!r} has no mnemonic"
        letters.append(title[title.index("&") + 1].lower())
    assert len(letters) == len(set(letters)), letters
