"""The lab's panels. Each is a QWidget with ``show_snapshot(snapshot)``; none reaches
into the engine."""
