"""Run under Xvfb by test_ui_opengl.py: show the 3-D tab and check it draws the surface.

Prints one line: 'drawn <distinct colours> <the view's share of the tab's height> <distinct
colours in a recording's frame, where the view is>' or 'unavailable <reason>'.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator import SimConfig, Simulation  # noqa: E402
from ui.panels.surface3d import Surface3D, opengl_unavailable_reason  # noqa: E402
from ui.recorder import shown_image  # noqa: E402


def colours(image):
    """How many distinct colours a grid of every 7th pixel has."""
    return len(np.unique([image.pixel(x, y) for x in range(0, image.width(), 7)
                          for y in range(0, image.height(), 7)]))


def main():
    app = QApplication(sys.argv)
    reason = opengl_unavailable_reason()
    if reason is not None:
        print("unavailable", reason)
        return 0
    snapshot = Simulation(SimConfig(depth=3, width=8)).step(3)
    view = Surface3D()
    view.resize(400, 300)
    view.show()
    view.show_surface(snapshot.surface)
    view.show_ball(snapshot.ball, snapshot.surface)
    for _ in range(20):
        app.processEvents()
    recorded = shown_image(view).copy(view.view.geometry())      # a recording's frame, where GL draws
    print("drawn", colours(view.view.grabFramebuffer()), round(view.view.height() / view.height(), 3),
          colours(recorded))
    view.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
