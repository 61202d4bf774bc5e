"""The lab's panels: one shape for all of them (``Panel``) and their registry (``PANELS``).

A panel is a QWidget that draws Frames and reaches into nothing else: not the engine,
not the window. What the window, the lecture tools and the headless pictures may ask of
a panel is exactly the ``Panel`` contract below, so a new panel is a subclass with a
``title`` and a ``show_frame``, and one line in ``PANELS``.
"""
from PySide6.QtWidgets import QApplication, QWidget

from ..chores import chores
from ..style import restyle_widget


class Panel(QWidget):
    """What every panel offers.

    * ``title``: its name in the dock, the View menu and the dialogs.
    * ``show_frame(frame)``: draw this Frame (cheaply: it runs for every painted frame).
    * ``restyle()``: take the current theme in place (it is built once per window).
    * ``finish()``: draw now what ``show_frame`` left for later (a throttled curve, a
      measurement in the background), for a picture that must be complete.
    * ``shutdown()``: stop any work of its own before it is deleted.
    * ``view_state()`` / ``restore_view(state)``: the reader's choices in the panel (a
      colour scale, a quantity), as JSON-ready values under keys of the panel's own; a
      saved setup holds them, a panel rebuilt for a theme or a picture takes them over.
      ``restore_view`` ignores keys that are not its own.
    * ``view_controls()`` / ``picture_caption()``: the widgets of those choices, which a
      picture of the panel hides, and what they show in words, which its caption says
      (``ui/picture.py``).
    """

    title = ""

    def show_frame(self, frame):
        raise NotImplementedError

    def restyle(self):
        """Take the current theme in place: its plots' backgrounds, axes and legends and its
        headlines here; a panel's own inks in its override (which calls this first). A
        panel is built once per window: a theme switch restyles it."""
        restyle_widget(self)

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


def build(name, view=None):
    """A new panel of the kind ``name`` (a key of PANELS), with the view ``view`` taken
    over, that owns every window pyqtgraph made for it.

    pyqtgraph gives each plot top-level context menus (and an empty form) that nothing
    deletes with the plot: after a theme switch they would linger, and be destroyed
    by whichever thread next collects garbage. Made children of the panel, they go
    when it goes."""
    before = set(QApplication.topLevelWidgets())
    panel = PANELS[name]()
    for orphan in set(QApplication.topLevelWidgets()) - before - {panel}:
        if orphan.parent() is None:
            orphan.setParent(panel, orphan.windowFlags())
    if view:
        panel.restore_view(view)
    return panel


def dispose(panel):
    """Stop a panel's work (what it queued too) and delete it (with what ``build`` gave it)
    on the UI thread."""
    panel.shutdown()
    chores().forget(panel)
    panel.setParent(None)
    panel.deleteLater()


# The registry: name (for --panel, the docks and the View menu) → panel class. Imported
# last, because every panel module subclasses Panel above.
from .activation import ActivationPanel
from .bars import GradientBarsPanel
from .chain import ChainRulePanel
from .decision import DecisionBoundaryPanel
from .loss import LossPanel
from .phase import PhaseDiagramPanel
from .speed import LearningSpeedPanel
from .surface import SurfacePanel

PANELS = {
    "surface": SurfacePanel, "bars": GradientBarsPanel, "loss": LossPanel,
    "speed": LearningSpeedPanel, "chain": ChainRulePanel, "activation": ActivationPanel,
    "decision": DecisionBoundaryPanel, "phase": PhaseDiagramPanel,
}
