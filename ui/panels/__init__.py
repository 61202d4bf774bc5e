"""The lab's panels. Each is a QWidget with a ``title`` and ``show_frame(frame)``; none
reaches into the engine. Panels that redraw less often than every frame have a
``throttle``; a panel that computes in the background has ``wait_until_ready``."""


def show_completely(panel, frame):
    """Show ``frame`` in ``panel`` now, including what it would otherwise draw later (a
    throttled curve, a background measurement): for pictures and exports."""
    panel.show_frame(frame)
    if hasattr(panel, "throttle"):
        panel.throttle.flush()
    if hasattr(panel, "wait_until_ready"):
        panel.wait_until_ready()
