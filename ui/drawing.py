"""When the window is drawn: once a change has been laid out, not at each step of the layout.

A graphics scene with changed items (every plot, when its panel is resized) draws the
whole window at once, from inside its own queued update, so a change that lays the window
out in several rounds would be drawn at each round. A change that moves the panels
``hold()``s their drawing instead: nothing in a held panel is drawn until ``release()``, the
next piece of the UI thread's deferred work, lays out what is still asked for and lets
them draw, once, at the size they end with. The panels are held, not the window (a held
top-level window stays frozen under X11). A held panel's pixels on screen are stale until
it has been drawn again; ``holding()`` says so, for whoever copies them (a recording).

A window resize is laid out by Qt at once, in its resize event: ``draw_once`` adds the
plots' refit to it there, and nothing is held across a pass. (Measurements behind these
choices: docs/architecture.md, "Drawn once, at the size it ends with".)
"""
from __future__ import annotations

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent

from .chores import chores

_held = []               # the widgets whose drawing is held
_state = {"stale": False,     # held, or let go but not drawn since
          "busy": False}      # in draw_once


def settle_layout():
    """Do now the type and palette changes Qt has posted and the layouts they ask for, each
    of which can ask for its parent's, one level a round (a status-bar field, the status
    bar, the window, its docks). Left to the event loop, the window was drawn at each level:
    in a theme switch at the new palette, at the new type's layout, and again once the
    status bar had grown to its fields, 110-150 ms in one pass."""
    for kind in (QEvent.Type.ApplicationFontChange, QEvent.Type.ApplicationPaletteChange):
        QCoreApplication.sendPostedEvents(None, kind)
    for _ in range(4):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def prepare_plots(widget):
    """Bring ``widget``'s plots up to date before they are drawn. A pyqtgraph plot refits
    its range and transforms only as it is about to be drawn (``prepareForPaint``), and
    what that moved was drawn again: a resized plot was drawn twice. And each scene's
    queued update drew the whole window again, one scene after another: its changes are
    taken in now (the widget must draw nothing meanwhile)."""
    for view in widget.findChildren(pg.GraphicsView):
        scene = view.scene()
        scene.prepareForPaint()
        QCoreApplication.sendPostedEvents(scene, QEvent.Type.MetaCall)


def draw_once(widgets):
    """Lay out at once what is still asked for and bring the widgets' plots up to date,
    drawing nothing meanwhile; then let them draw, each once, in the next pass. Where the
    layout is done at once anyway (a window resized: a panel was drawn two to four times
    in one pass), this costs nothing more."""
    if _state["busy"] or _held:    # a layout done here resized the window again, or a hold
        return                     # is under way (a change that resized it): its release does
    _state["busy"] = True
    try:
        widgets = [widget for widget in widgets if shiboken6.isValid(widget)]
        for widget in widgets:
            widget.setUpdatesEnabled(False)
        settle_layout()
        for widget in widgets:
            prepare_plots(widget)
        for widget in widgets:              # all at once: drawn together, in the next pass
            widget.setUpdatesEnabled(True)
    finally:
        _state["busy"] = False


def hold(widgets):
    """Draw nothing in ``widgets`` until the next piece of deferred work has laid the window
    out: a pass or two, so that what they show on screen meanwhile (what was there before)
    is never old for long."""
    for widget in widgets:
        if widget.updatesEnabled():
            widget.setUpdatesEnabled(False)
            _held.append(widget)
    _state["stale"] = True
    chores().add(QCoreApplication.instance(), "release", release)


def release():
    """Let the held widgets draw, once the layout still asked for is done (``draw_once``).
    At once, before a picture is made of them: a held widget draws nothing, not even in
    ``render()``."""
    if not _held:
        return
    widgets = list(_held)
    _held.clear()
    draw_once(widgets)
    chores().add(QCoreApplication.instance(), "drawn", _drawn)


def _drawn():
    _state["stale"] = bool(_held)


def holding():
    """Whether a held panel's pixels may be on screen: held, or let go and not drawn yet."""
    return _state["stale"]
