"""Run under Xvfb by test_ui_opengl.py: show the 3-D tab and check it draws the surface.

Prints one line: 'drawn <distinct colours> <the view's share of the tab's height>' or
'unavailable <reason>'.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator import SimConfig, Simulation  # noqa: E402
from ui.panels.surface3d import Surface3D, opengl_unavailable_reason  # noqa: E402


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
    image = view.view.grabFramebuffer()
    pixels = np.array([image.pixel(x, y) for x in range(0, image.width(), 7)
                       for y in range(0, image.height(), 7)])
    print("drawn", len(np.unique(pixels)), round(view.view.height() / view.height(), 3))
    view.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
