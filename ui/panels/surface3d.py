"""The cost surface in 3-D (pyqtgraph.opengl), with the ball rolling on it.

Built on first show, and only where OpenGL works: on the offscreen platform, or
without PyOpenGL or a GL context, the tab says so in plain words instead.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QOpenGLContext
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

HEIGHT_FRACTION = 0.6        # the surface's height, as a share of its width


def opengl_unavailable_reason():
    """Why a 3-D view cannot be shown here, or None when it can."""
    platform = QGuiApplication.platformName()
    if platform in ("offscreen", "minimal"):
        return f"the '{platform}' display platform has no OpenGL"
    try:
        import OpenGL.GL  # noqa: F401
        import pyqtgraph.opengl  # noqa: F401
    except Exception as error:                       # ImportError, or a missing libGL
        return f"PyOpenGL could not be loaded ({error})"
    context = QOpenGLContext()
    if not context.create():
        return "no OpenGL context could be created on this display"
    return None


def height(cost, surface):
    """Where a cost sits in 0 … 1 of the colour scale's log₁₀ C (``Surface.levels``: a flat
    surface stays flat), values beyond it clipped."""
    low, high = surface.levels(logarithmic=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        logc = np.log10(cost)
    return np.clip((np.where(np.isfinite(logc), logc, high) - low) / (high - low), 0, 1)


class Surface3D(QWidget):
    """A GLViewWidget with the surface and the ball, or a message saying why not."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.view = None
        self.message = None
        self._surface_item = self._ball_item = None
        self._version = None

    def _build(self):
        if self.view is not None or self.message is not None:
            return
        reason = opengl_unavailable_reason()
        if reason is not None:
            self.message = QLabel(f"The 3-D view needs OpenGL, and {reason}.\n"
                                  "The Map tab shows the same surface.")
            self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.message.setWordWrap(True)
            self.layout_.addWidget(self.message)
            return
        import pyqtgraph.opengl as gl
        self.view = gl.GLViewWidget()
        self.view.setCameraPosition(pos=pg.Vector(0, 0, HEIGHT_FRACTION), distance=4.2,
                                    elevation=30, azimuth=-55)
        grid = gl.GLGridItem()
        grid.setSize(2, 2)
        grid.setSpacing(0.25, 0.25)
        self.view.addItem(grid)
        self.layout_.addWidget(self.view, 1)        # the view takes the room, the caption a line
        self.caption = QLabel("height and colour: log₁₀ C    a → right, b → back")
        self.layout_.addWidget(self.caption)

    def show_surface(self, surface):
        self._build()
        if self.view is None or self._version == surface.version:
            return
        import pyqtgraph.opengl as gl
        self._version = surface.version
        scaled = height(surface.cost, surface)
        colors = pg.colormap.get("viridis").map(scaled.ravel(), mode="float")   # one per vertex
        scale = 1.0 / surface.extent
        if self._surface_item is None:
            self._surface_item = gl.GLSurfacePlotItem(smooth=False, computeNormals=False)
            self.view.addItem(self._surface_item)
        self._surface_item.setData(x=surface.a * scale, y=surface.b * scale,
                                   z=scaled * 2 * HEIGHT_FRACTION, colors=colors)

    def show_ball(self, ball, surface):
        if self.view is None:
            return
        import pyqtgraph.opengl as gl
        scale = 1.0 / surface.extent
        z = float(height(ball.cost, surface)) * 2 * HEIGHT_FRACTION + 0.04
        pos = np.array([[ball.position[0] * scale, ball.position[1] * scale, z]])
        if self._ball_item is None:
            self._ball_item = gl.GLScatterPlotItem(size=16, color=(1.0, 0.23, 0.19, 1.0), pxMode=True)
            self.view.addItem(self._ball_item)
        self._ball_item.setData(pos=pos)
