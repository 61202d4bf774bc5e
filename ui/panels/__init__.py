"""The lab's panels. Each is a QWidget with a ``title`` and ``show_frame(frame)``; none
reaches into the engine. Panels that redraw less often than every frame have a
``throttle``; a panel that computes in the background has ``wait_until_ready``; a panel
with work to stop has ``shutdown``."""
from PySide6.QtWidgets import QApplication


def show_completely(panel, frame):
    """Show ``frame`` in ``panel`` now, including what it would otherwise draw later (a
    throttled curve, a background measurement): for pictures and exports."""
    panel.show_frame(frame)
    if hasattr(panel, "throttle"):
        panel.throttle.flush()
    if hasattr(panel, "wait_until_ready"):
        panel.wait_until_ready()


def build(panel_class):
    """A new panel that owns every window pyqtgraph made for it.

    pyqtgraph gives each plot top-level context menus (and an empty form) that nothing
    deletes with the plot: after a theme switch they would linger, and be destroyed
    by whichever thread next collects garbage. Made children of the panel, they go
    when it goes."""
    before = set(QApplication.topLevelWidgets())
    panel = panel_class()
    for orphan in set(QApplication.topLevelWidgets()) - before - {panel}:
        if orphan.parent() is None:
            orphan.setParent(panel, orphan.windowFlags())
    return panel


def dispose(panel):
    """Stop a panel's work and delete it (with what ``build`` gave it) on the UI thread."""
    if hasattr(panel, "shutdown"):
        panel.shutdown()
    panel.setParent(None)
    panel.deleteLater()
