"""The lab's panels. Each is a QWidget with a ``title`` and ``show_frame(frame)``; none
reaches into the engine. Panels that redraw less often than every frame have a
``throttle`` whose ``flush()`` draws the newest frame at once."""
