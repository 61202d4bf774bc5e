"""The shape of every panel (``Panel``): what it declares and what it offers.

A panel is a QWidget that draws Frames and reaches into nothing else: not the engine,
not the window. What the window, the lecture tools and the pictures may ask of a panel,
and what it declares for them, is exactly this contract: a new panel is one file (a
subclass with its declarations and a ``show_frame``) and one line in ``PANELS``
(``panels/__init__.py``).
"""
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ..style import restyle_widget
from ..widgets import plain


class Panel(QWidget):
    """What every panel declares and offers.

    Declarations (class attributes, read without building the panel):

    * ``title``: its name in the dock, the View menu, Help and the dialogs.
    * ``help``: its paragraph in Help ▸ What am I looking at? (plain notation: δ^l, σw).
    * ``place``: where its dock goes, among the panels before it in PANELS: None (the
      first, right of the controls), ("beside", name), ("below", name) or ("behind", name)
      (a tab behind that one's).
    * ``view_keys``: its view choices as a saved setup holds them: key → the values
      allowed (a tuple) or their type (bool).
    * ``requests``: its signals that ask the lab for something → the ``LabState`` edit
      they make, e.g. {"probe_requested": "drop_probe"}.
    * ``needs``: what its Frames must carry beyond the Snapshot (``frames.NEEDS``): none
      of it is computed while the panel is hidden.
    * ``at_start``: whether its dock is shown at a first start (a panel of the paper cards
      waits in the View menu, so that the lesson's panels keep their tabs whole).

    What it offers:

    * ``show_frame(frame)``: draw this Frame (cheaply: it runs for every painted frame).
    * ``restyle()``: take the current theme in place; a panel is built unstyled, once per
      window, and ends its ``__init__`` with it.
    * ``finish()``: draw now what ``show_frame`` left for later (a throttled curve, a
      measurement in the background), for a picture that must be complete.
    * ``shutdown()``: stop any work of its own before it is deleted.
    * ``view_state()`` / ``restore_view(state)`` and ``view_changed``: the reader's
      choices in the panel (its ``view_keys``), as JSON-ready values; ``restore_view``
      ignores keys that are not its own; ``view_changed`` is emitted when one changes.
    * ``view_controls()`` / ``picture_caption()``: the widgets of those choices, which a
      picture of the panel hides, and what they show in words, which its caption says
      (``ui/picture.py``).
    """

    title = ""
    help = ""
    place = None
    view_keys = {}
    requests = {}
    needs = frozenset()
    at_start = True

    view_changed = Signal()

    def show_frame(self, frame):
        raise NotImplementedError

    def passes(self, frame):
        """``show_frame(frame)`` in pieces, one per pass of the window's event loop: each a
        function. One piece, unless a panel draws views that Qt paints apart (the maps of
        two runs)."""
        return [lambda: self.show_frame(frame)]

    def restyle(self):
        """Take the current theme in place: its plots' backgrounds, axes and legends and its
        headlines here; a panel's own inks in its override (which calls this first). A
        panel is built once per window: a theme switch restyles it."""
        restyle_widget(self)
        name_plots(self, self.title)

    def finish(self):
        """Nothing is left for later, unless a panel says otherwise."""

    def shutdown(self):
        """No work of its own, unless a panel says otherwise."""

    def view_state(self):
        return {}

    def restore_view(self, state):
        """No choices to restore, unless a panel says otherwise."""

    def view_controls(self):
        return ()

    def picture_caption(self):
        return ""


def name_plots(widget, title):
    """Give each plot in ``widget`` that has none an accessible name, what a screen reader
    says of it: ``title`` and its axes ("Loss: cost against step")."""
    for plot in widget.findChildren(pg.PlotWidget):
        if not plot.accessibleName():
            item = plot.getPlotItem()
            left, bottom = (plain(item.getAxis(side).labelText) for side in ("left", "bottom"))
            plot.setAccessibleName(f"{title}: {left} against {bottom}" if left and bottom else f"{title} plot")
