"""The lab's panels: their registry (``PANELS``), and how a panel is made and let go.

A panel is one file (a subclass of ``Panel``, ``panel.py``: the contract) and one line in
``PANELS``. The window builds its dock, its place in the layout, its View menu entries,
its Help paragraph, its signals' wiring and its share of the engine's work from the
panels' declarations; saved setups check its view choices against them.
"""
from PySide6.QtWidgets import QApplication

from ..chores import chores
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
from .panel import Panel

__all__ = ["PANELS", "Panel", "build", "dispose", "view_choices"]

# The registry: name (for --panel, the docks and the View menu) → panel class.
PANELS = {
    "surface": SurfacePanel, "bars": GradientBarsPanel, "loss": LossPanel,
    "speed": LearningSpeedPanel, "chain": ChainRulePanel, "decision": DecisionBoundaryPanel,
    "activation": ActivationPanel, "phase": PhaseDiagramPanel, "activity": ActivityPanel,
    "jacobian": JacobianPanel,
}


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


def view_choices():
    """Every panel's view choices: key → the values allowed (a tuple) or their type."""
    return {key: allowed for panel in PANELS.values() for key, allowed in panel.view_keys.items()}
