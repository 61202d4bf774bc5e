"""The lab's panels: one shape for all of them (``Panel``) and their registry (``PANELS``).

A panel is a QWidget that draws Frames and reaches into nothing else: not the engine,
not the window. What the window, the lecture tools and the pictures may ask of a panel,
and what it declares for them, is exactly the ``Panel`` contract below: a new panel is
one file (a subclass with its declarations and a ``show_frame``) and one line in
``PANELS``. The window builds its dock, its place in the layout, its View menu entries,
its Help paragraph, its signals' wiring and its share of the engine's work from them;
saved setups check its view choices against them.
"""
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QWidget

from ..chores import chores
from ..style import restyle_widget


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

    view_changed = Signal()

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
    deletes with the plot: after a picture's panel is gone they would linger, and be
    destroyed by whichever thread next collects garbage. Made children of the panel, they
    go when it goes."""
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
from .activity import ActivityPanel
from .bars import GradientBarsPanel
from .chain import ChainRulePanel
from .decision import DecisionBoundaryPanel
from .jacobian import JacobianPanel
from .loss import LossPanel
from .phase import PhaseDiagramPanel
from .speed import LearningSpeedPanel
from .surface import SurfacePanel

PANELS = {
    "surface": SurfacePanel, "bars": GradientBarsPanel, "loss": LossPanel,
    "speed": LearningSpeedPanel, "chain": ChainRulePanel, "decision": DecisionBoundaryPanel,
    "activation": ActivationPanel, "phase": PhaseDiagramPanel, "activity": ActivityPanel,
    "jacobian": JacobianPanel,
}


def view_choices():
    """Every panel's view choices: key → the values allowed (a tuple) or their type."""
    return {key: allowed for panel in PANELS.values() for key, allowed in panel.view_keys.items()}
