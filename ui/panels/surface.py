"""Cost surface panel: an exact 2-D slice of the cost through the network, and the ball:
the network itself, where its weights are along a and b.

Map tab: the cost as a colour map (log colour scale by default, so that plateaus and
cliffs both read; a flat map is drawn flat and says so), contour lines at round levels,
the ball with its trail (where the network has been) and an arrow pointing downhill
whose length grows with the slope's size (on a log scale between a floor, below which the
ball is at rest and no arrow is drawn, and a ceiling). The caption says in words which
direction is flat; the axes say which layer each direction moves; a note under each map
says which step its surface was taken at and how far the network has moved off it since,
or why the ball left the map. A click on the map starts the probe, a hollow ball that
learns only a and b on this surface ("what if only layers u and v learned"). 3-D tab: the
same surface in OpenGL, with the ball on it, where OpenGL exists.

Beside a baseline the map tab holds two maps side by side (one above the
other in a tall panel), each run's own surface with its own ball, colour scale, title and
note (the baseline's first, as in "before and after"); the caption and the 3-D tab follow
the live run.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QBoxLayout, QCheckBox, QGraphicsItem, QGridLayout, QLabel,
                               QSizePolicy, QTabWidget, QVBoxLayout, QWidget)

from simulator.compare import brief

from .panel import Panel
from ..chores import chores
from ..style import current, heading, pen, restyle_widget
from simulator.landscape import FLAT_TOLERANCE
from simulator.numbers import scientific, times

from ..widgets import Note, Resized, place_by_centres
from .surface3d import Surface3D

COLORMAP = "viridis"
# What is drawn on the map, on its own colours (the same in every theme): white cased in
# black, so that one of the two keeps 3:1 on every colour of viridis; the ball filled red.
BALL_COLOR = "#ff3b30"
# The ball's fill on the map and once launched off it. Made once: pyqtgraph renders a
# scatter's symbol once per brush object it is given, so a brush a frame was a rendering a frame.
FILLED, HOLLOW = QBrush(QColor(BALL_COLOR)), QBrush(Qt.BrushStyle.NoBrush)
LIGHT, CASING = "#ffffff", "#000000"
RING = 2                       # the width of a marker's white ring and of its black rim
EASING = 0.35                  # a new surface's colour scale: this share of the way per frame
SLOPE_FLOOR, SLOPE_CEILING = 1e-5, 1.0   # |∇C| below the floor: at rest; above the ceiling: full arrow
ARROW_SHORTEST, ARROW_LONGEST = 0.04, 0.25   # the arrow's length, as a share of the map's width
TITLE_MOST = 32                # a map's run name, in characters (it wraps above the map)
FLAT = 10.0                    # one slope this many times the other: the other direction is flat
WORDS_BESIDE = 18              # the column of a map's words beside it, in characters
MAP_MARGIN = 6                 # pixels around a map's plot, each side
UNBOUNDED = (1 << 24) - 1      # Qt's largest widget size (QWIDGETSIZE_MAX)
SWITCH_MARGIN = 12             # pixels of map the words beside it must win over them under it


def directions(snapshot):
    """What a and b move, ((short, long), (short, long)): 'layer 1' and 'layer 1 (first)'
    (short for the caption, long for the axes, which must fit the side of a map on a
    projector); in the recurrent mode 'W', the recurrent weights of every time step, and
    'V', the output's."""
    if snapshot.unit_name != "layer":
        return ("W", "W (every time step)"), ("V", "V (output)")
    n_layers, s = len(snapshot.stats.grad_b_norm), snapshot.surface

    def named(layer):
        where = " (first)" if layer == 1 else " (output)" if layer == n_layers else ""
        return f"layer {layer}", f"layer {layer}{where}"
    return named(s.u_layer), named(s.v_layer)


def arrow_length(slope, width):
    """The downhill arrow's length for a slope of size ``slope`` on a map ``width`` wide:
    0 below SLOPE_FLOOR (the ball is at rest), then growing with log₁₀ of the slope from
    the shortest to the longest share of the width, which it keeps above SLOPE_CEILING."""
    if not np.isfinite(slope) or slope < SLOPE_FLOOR:
        return 0.0
    t = min(1.0, np.log10(slope / SLOPE_FLOOR) / np.log10(SLOPE_CEILING / SLOPE_FLOOR))
    return width * (ARROW_SHORTEST + t * (ARROW_LONGEST - ARROW_SHORTEST))


def downhill_arrow(position, gradient, length, extent):
    """End point of an arrow of ``length`` from ``position`` along -gradient, shortened to
    end on the map (-extent … extent); None if flat or if it would not show."""
    norm = np.hypot(*gradient)
    if not np.isfinite(norm) or norm == 0 or length == 0:
        return None
    direction = -np.asarray(gradient) / norm
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(direction > 0, (extent - position) / direction,
                        np.where(direction < 0, (-extent - position) / direction, np.inf))
    length = min(length, float(np.min(room)))
    return position + length * direction if length > 0 else None


def slope_caption(gradient, a_moves, b_moves):
    """The ball's slopes in words: at rest, flat along a or b, or sloping both ways (``a_moves``,
    ``b_moves``: what each direction moves, in short: 'layer 1', 'W')."""
    ga, gb = (float(g) for g in gradient)
    numbers = f"(slopes: a {scientific(ga)}, b {scientific(gb)})"
    if not np.isfinite(ga) or not np.isfinite(gb):
        return f"The slope is not a number: the cost overflowed here {numbers}."
    if np.hypot(ga, gb) < SLOPE_FLOOR:
        return f"The ball is at rest: flat in both directions {numbers}."
    names = {"a": f"a ({a_moves})", "b": f"b ({b_moves})"}
    small, large = ("a", "b") if abs(ga) < abs(gb) else ("b", "a")
    big, little = max(abs(ga), abs(gb)), min(abs(ga), abs(gb))
    if little * FLAT > big:
        return f"Downhill along both a and b alike {numbers}."
    if little == 0:
        return f"Flat along {names[small]}: no slope at all; downhill along {names[large]} {numbers}."
    return (f"Flat along {names[small]}: {times(np.log10(big / little))} less steep than along "
            f"{names[large]} {numbers}.")


class CostMap:
    """One run's map: the cost as colours, its contour lines, the ball with its trail and
    the downhill arrow, the probe, in a plot of its own, and a note under it."""

    def __init__(self, name):
        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName(name)           # what a screen reader says of it
        self.plot.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)   # maps share
        # by stretch alone: a plot's size hint is its size now, and the larger map kept its lead
        self.plot.setAspectLocked(True)
        self.plot.hideButtons()
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get(COLORMAP), interactive=False,
                                        width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.contours = pg.PlotDataItem(connect="finite")
        self.trail = pg.PlotDataItem()
        self.arrow = pg.PlotDataItem(antialias=True)
        self.arrow_head = pg.ScatterPlotItem(size=11, brush=LIGHT, symbol="o", antialias=True)
        self.ball = pg.ScatterPlotItem(size=18, brush=FILLED, antialias=True)
        self.probe_trail = pg.PlotDataItem()
        self.probe = pg.ScatterPlotItem(size=16, brush=None, antialias=True)
        self.rims = {marker: pg.ScatterPlotItem(brush=None, antialias=True) for marker in (self.ball, self.probe)}
        for item in (self.contours, self.trail, self.arrow, self.arrow_head, self.probe_trail,
                     self.rims[self.probe], self.probe, self.rims[self.ball], self.ball):
            self.plot.addItem(item)
        for still in (self.image, self.contours):     # redrawn from a pixmap as the ball moves
            still.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.note = Note()
        self.heading = heading(QLabel(), 1.1)      # the run's name: it wraps, where a plot's
        self.heading.setWordWrap(True)             # title set the plot's least width
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.hide()
        self.widget = QWidget()                  # the title, the plot, and the note
        self.grid = QGridLayout(self.widget)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.words_beside = None
        self.arrange(False)
        self.surface = None
        self.lines = ()
        self.title = None
        self.levels = self.target = None         # the colour scale shown, and the surface's own
        self.logarithmic = None
        self.restyle()
        for marker in self._markers():     # one spot each, at the origin, in the theme's pens:
            marker.setData([0.0], [0.0])   # the marker is moved (``place``)
            marker.hide()
        self.ball_brush, self.probe_shown = FILLED, False

    def arrange(self, beside):
        """The run's name and the note above and under the plot, or ``beside`` it, in a
        column on its right."""
        if beside == self.words_beside:
            return
        self.words_beside = beside
        for widget in (self.heading, self.plot, self.note):
            self.grid.removeWidget(widget)
        for row in range(3):
            self.grid.setRowStretch(row, 0)
        if beside:
            self.grid.addWidget(self.plot, 0, 0, 3, 1)
            self.grid.addWidget(self.heading, 0, 1)
            self.grid.addWidget(self.note, 1, 1)
            self.grid.setRowStretch(2, 1)
            self.grid.setColumnStretch(0, 1)
        else:
            self.grid.addWidget(self.heading, 0, 0)
            self.grid.addWidget(self.plot, 1, 0)
            self.grid.addWidget(self.note, 2, 0)
            self.grid.setRowStretch(1, 1)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignLeft if beside else Qt.AlignmentFlag.AlignCenter)
        for label in (self.heading, self.note):
            if beside:
                label.setFixedWidth(self.words_width())
            else:
                label.setMinimumWidth(0)
                label.setMaximumWidth(UNBOUNDED)

    def words_width(self):
        """The width of the column of words beside the plot."""
        return WORDS_BESIDE * self.note.fontMetrics().averageCharWidth()

    def side(self, width, height, beside):
        """The side of the square map a ``width`` × ``height`` room gives, with the words
        ``beside`` the plot or above and under it (axes and colour bar as measured now); 0
        where the words beside it would be taller than the room."""
        item = self.plot.getPlotItem()
        across = item.getAxis("left").width() + self.colorbar.width() + 2 * MAP_MARGIN
        down = item.getAxis("bottom").height() + 2 * MAP_MARGIN
        def words(width):
            return sum(label.heightForWidth(width) for label in (self.heading, self.note)
                       if label.text() and label.isVisibleTo(self.widget))
        if beside:
            if words(self.words_width()) > height:
                return 0
            return min(width - across - self.words_width(), height - down)
        return min(width - across, height - down - words(width))

    def best(self, width, height):
        """(side, beside): the larger square map a ``width`` × ``height`` room gives, and
        where the words go for it. Beside only where it gives a clearly larger map, so that
        a size between the two does not flip the words back and forth."""
        below, beside = self.side(width, height, False), self.side(width, height, True)
        if beside > below + (0 if self.words_beside else SWITCH_MARGIN):
            return beside, True
        return below, False

    def restyle(self):
        """The lines' widths in the current theme (on the map's own colours, the same in every
        theme), its title, axes and background too (a baseline's map is made before it is
        placed in the panel)."""
        restyle_widget(self.widget)
        self.contours.setPen(pen((255, 255, 255, 110), 1))
        for line, width, style in ((self.trail, 2, Qt.PenStyle.SolidLine), (self.arrow, 3, Qt.PenStyle.SolidLine),
                                   (self.probe_trail, 1.5, Qt.PenStyle.DashLine)):
            line.setShadowPen(pen(CASING, width + 2))
            line.setPen(pen(LIGHT, width, style=style))
        self.arrow_head.setPen(pen(CASING, 1.5))
        for marker in (self.ball, self.probe):
            marker.setPen(pen(LIGHT, RING))
        for marker, rim in self.rims.items():      # just outside the marker's white ring
            rim.setSize(marker.opts["size"] + 2 * RING * current().line_scale)
            rim.setPen(pen(CASING, RING))

    def _title(self, title):
        self.title = title
        self.heading.setText((title or "").replace("·", "·\u200b"))    # it may wrap after a "·"
        self.heading.setVisible(bool(title))

    def show(self, snapshot, lines, logarithmic, title=None, playing=False, probe=None):
        """The snapshot's surface (drawn anew only when its version changed), its contour
        ``lines`` (() where the engine traced none: the panel was hidden), its ball, the
        ``probe`` if there is one, and the note. A new surface's colour scale eases towards
        its own while ``playing`` (a jump of the colours read as a flash)."""
        if title != self.title:
            self._title(title)
        if self.surface is None or snapshot.surface.version != self.surface.version:
            self.surface, self.lines = snapshot.surface, lines
            self.draw_surface(logarithmic, eased=playing)
            (_, along_a), (_, along_b) = directions(snapshot)
            self.plot.setLabel("bottom", f"a: {along_a}")
            self.plot.setLabel("left", f"b: {along_b}")
        else:
            if lines and not self.lines:          # traced now that the panel is on screen
                self.lines = lines
                self.contours.setData(*lines)
            if self.levels != self.target:
                self.ease(playing)
        self.draw_ball(snapshot.ball)
        self.draw_probe(probe)
        self.note.say(*map_note(snapshot, probe))

    def draw_surface(self, logarithmic, eased=False):
        s = self.surface
        if s is None:
            return
        values = display_values(s, logarithmic)
        self.target = s.levels(logarithmic)
        high = self.target[1]
        self.image.setImage(np.where(np.isfinite(values), values, high), autoLevels=False)
        place_by_centres(self.image, s.a, s.b)
        self.colorbar.axis.setLabel("log₁₀ C" if logarithmic else "C")
        if not eased or self.levels is None or self.logarithmic != logarithmic:
            self.levels = None
        self.logarithmic = logarithmic
        self.ease(eased)
        self.contours.setData(*(self.lines or ([], [])))
        self.plot.setRange(xRange=(s.a[0], s.a[-1]), yRange=(s.b[0], s.b[-1]), padding=0.02)

    def ease(self, playing):
        """Move the colour scale towards the surface's own: a share of the way (``playing``),
        or all of it."""
        target = self.target
        if self.levels is not None and playing:
            span = target[1] - target[0]
            moved = tuple(now + EASING * (goal - now) for now, goal in zip(self.levels, target))
            if max(abs(m - g) for m, g in zip(moved, target)) > 0.01 * span:
                target = moved
        self.levels = target
        self.colorbar.setLevels(target)

    def _markers(self):
        return self.ball, self.rims[self.ball], self.arrow_head, self.probe, self.rims[self.probe]

    @staticmethod
    def place(marker, point):
        """A one-spot marker moved to ``point``, or hidden (None): the item is moved, where
        a scatter's setData rebuilt it (about 0.1 ms, five markers a map a frame)."""
        if point is None:
            marker.hide()
        else:
            marker.setPos(float(point[0]), float(point[1]))
            marker.show()

    def draw_ball(self, ball):
        s = self.surface
        trail = on_map(ball.trail, s.extent)          # off the map: where it left it, hollow
        shown = trail[-1]
        off = ball.launched is not None or not np.array_equal(shown, ball.position)
        brush = HOLLOW if off else FILLED
        if brush is not self.ball_brush:
            self.ball.setBrush(brush)
            self.ball_brush = brush
        for marker in (self.ball, self.rims[self.ball]):
            self.place(marker, shown)
        self.trail.setData(trail[:, 0], trail[:, 1])
        length = arrow_length(np.hypot(*ball.gradient), 2 * s.extent)
        tip = None if off else downhill_arrow(ball.position, ball.gradient, length, s.extent)
        self.arrow.setData(*(([], []) if tip is None else
                             ([ball.position[0], tip[0]], [ball.position[1], tip[1]])))
        self.place(self.arrow_head, tip)

    def draw_probe(self, probe):
        if probe is None and not self.probe_shown:
            return
        self.probe_shown = probe is not None
        for marker in (self.probe, self.rims[self.probe]):
            self.place(marker, None if probe is None else probe.position)
        self.probe_trail.setData(*(([], []) if probe is None else (probe.trail[:, 0], probe.trail[:, 1])))


def on_map(trail, extent):
    """The trail's points, those off the map [-extent, extent]² replaced by the point where
    the trail left it, on the way to them (a launch seen leaving in its own direction)."""
    trail = np.array(trail, dtype=float)
    outside = np.abs(trail).max(axis=1) > extent
    if not outside.any():
        return trail
    first = int(np.argmax(outside))
    if first == 0:
        trail[0] = np.clip(trail[0], -extent, extent)
    else:
        start, end = trail[first - 1], trail[first]
        with np.errstate(divide="ignore", invalid="ignore"):
            reach = np.where(end != start, (np.sign(end - start) * extent - start) / (end - start), np.inf)
        trail[first] = start + min(1.0, float(np.min(reach))) * (end - start)
    trail[first + 1:] = trail[first]
    return trail[:first + 1]


def map_note(snapshot, probe=None):
    """(words, severity) under a run's map: why the ball left it (an alarm), or that the map
    is flat, or which step the surface was taken at and how far the network is off it now;
    and what the probe is, if one runs."""
    surface, ball = snapshot.surface, snapshot.ball
    if ball.launched:
        return ball.launched, "alarm"
    if surface.flat:
        lines = [f"Flat: C changes by {scientific(100 * surface.relief)} % across the map (under "
                 f"{100 * FLAT_TOLERANCE:g} %): no landscape to show."]
    else:
        training = snapshot.data.X_train.shape[0]
        on = f" (on {surface.samples:,} of its {training:,} training samples)" if surface.samples < training else ""
        when = f" (measured at step {ball.measured:,})" if ball.measured != snapshot.step else ""
        norm = " (batch norm over the set)" if snapshot.config.batch_norm else ""
        lines = [f"Surface of step {surface.step:,}. Under the ball: the map {ball.plane_cost:.4g}, "
                 f"the network {ball.cost:.4g}{on}{when}{norm}."]
    if probe is not None:
        lines.append(f"Hollow: the probe, learning only a and b on this surface (step {probe.steps}, "
                     f"C = {probe.cost:.4g}){': ' + probe.launched if probe.launched else ''}.")
    return " ".join(lines), "info"


def display_values(surface, logarithmic):
    """What the colours show: log₁₀ C or C."""
    return surface.log_cost if logarithmic else surface.cost


class SurfacePanel(Panel):
    """The cost surface with the ball (and the baseline's beside it); emits
    ``probe_requested(a, b)`` on a click on the live run's map (the probe starts there)."""

    title = "Cost surface"
    help = ("The cost C over a flat slice through the weights: a moves layer 1's weights, "
            "b the output layer's, both along fixed random directions. The ball is the "
            "network: where its weights are along a and b. Every training step moves it, its "
            "trail is where the network has been, and the arrow is the network's own "
            "gradient, pointing downhill, as long as the slope is steep. A plateau runs flat "
            "along a: layer 1's slope is tiny, so gradient descent barely moves it, while a "
            "healthy network sits in a bowl that slopes both ways. Exploding gradients make "
            "cliffs: one step launches the ball off the map. As the network trains it leaves "
            "the slice (its other layers move), so the slice is taken again through it; the "
            "note under the map says from which step, and the map's and the network's cost "
            "under the ball. A click on the map starts the probe, a hollow ball that learns "
            "only a and b on this slice: what if only those two layers learned. The 3-D tab "
            "shows the same slice as a landscape.")
    view_keys = {"log_colour": bool}
    requests = {"probe_requested": "drop_probe"}
    needs = frozenset({"contours"})
    probe_requested = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.log_scale = QCheckBox("log colour scale")
        self.log_scale.setChecked(True)
        self.log_scale.setToolTip("Colour by log₁₀ C: cliffs and plateaus both stay readable.")
        self.log_scale.setAccessibleName("log colour scale of the cost surface")
        self.log_scale.toggled.connect(lambda _: self._draw_surface())
        self.log_scale.toggled.connect(self.view_changed)
        self.slopes = heading(QLabel(), 1.0, lines=2)
        self.slopes.setWordWrap(True)
        self.slopes.setMinimumWidth(120)    # a wrapping caption must not set the panel's width
        self.slopes.setToolTip("The ball's gradient along each axis: (⟨∇C, U⟩, ⟨∇C, V⟩).")
        self.map = CostMap("cost surface of the run, over a and b")
        self.baseline_map = None          # made when a baseline first comes (it costs a plot)
        # The live map's parts, as the tests and the fuzzer know them.
        self.plot, self.image, self.contours = self.map.plot, self.map.image, self.map.contours
        self.plot.scene().sigMouseClicked.connect(self._clicked)

        self.view3d = Surface3D()
        self.tabs = QTabWidget()
        self.map_area = map_tab = Resized(self.place_maps)
        map_layout = QVBoxLayout(map_tab)
        map_layout.setContentsMargins(0, 0, 0, 0)
        self.maps = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.maps.addWidget(self.map.widget, 1)
        map_layout.addLayout(self.maps, 1)
        self.tabs.addTab(map_tab, "Map")
        self.tabs.addTab(self.view3d, "3-D")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.setCornerWidget(self.log_scale)    # beside the tabs: the caption gets the width
        layout = QVBoxLayout(self)
        layout.addWidget(self.slopes)
        layout.addWidget(self.tabs, 1)
        self._ball = None
        self._frame = None                # the last frame shown

    def arrangement(self, width, height, maps):
        """(side by side, words beside, side): how ``maps`` maps (1 or 2) are placed in a
        ``width`` × ``height`` room to be as large as they can be, and the side of each
        (measured on the map with the most words)."""
        wordiest = max((cost_map for cost_map in (self.map, self.baseline_map)[:maps] if cost_map is not None),
                       key=lambda cost_map: len(cost_map.heading.text() + cost_map.note.text()))
        wide = maps == 2 and wordiest.best(width // 2, height)[0] >= wordiest.best(width, height // 2)[0]
        if maps == 2:
            width, height = (width // 2, height) if wide else (width, height // 2)
        side, beside = wordiest.best(width, height)
        return wide, beside, side

    def place_maps(self, width, height):
        """The maps in a ``width`` × ``height`` room, as large as they can be: two side by
        side or one above the other, the words of each above and under it or beside it."""
        maps = [cost_map for cost_map in (self.baseline_map, self.map)
                if cost_map is not None and cost_map.widget.isVisibleTo(self)]
        wide, beside, _ = self.arrangement(width, height, len(maps))
        self.maps.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        for cost_map in maps:
            cost_map.arrange(beside)

    def room_for(self, maps):
        """The side each of ``maps`` maps (the run's, and its baseline's if 2) would have in
        the room the maps have now."""
        return self.arrangement(self.map_area.width(), self.map_area.height(), maps)[2]

    def restyle(self):
        super().restyle()
        for cost_map in (self.map, self.baseline_map):
            if cost_map is not None:
                cost_map.restyle()

    @property
    def surface(self):
        """The live run's surface on show (None before the first frame)."""
        return self.map.surface

    def view_state(self):
        return {"log_colour": self.log_scale.isChecked()}

    def restore_view(self, state):
        if "log_colour" in state:
            self.log_scale.setChecked(state["log_colour"])

    # ----------------------------------------------------------------- updates
    def show_frame(self, frame):
        twin = frame.baseline
        if twin is not None and self.baseline_map is None:
            # A map costs two pyqtgraph plots (20-45 ms of the UI thread): made unseen now,
            # placed and drawn in a pass of the event loop of its own (or by ``finish``).
            self.baseline_map = CostMap("cost surface of the baseline, over a and b")
            chores().add(self, "baseline map", self._show_last)
            twin = None
        if twin is not None:
            self._show_baseline(frame)
        self._show_run(frame, twin)

    def passes(self, frame):
        """The baseline's map in a pass of its own, then the run's: two maps are two views,
        which Qt paints one by one (together they were the longest stretch of a round with
        a baseline on a busy machine)."""
        if frame.baseline is None or self.baseline_map is None:
            return super().passes(frame)
        return [lambda: self._show_baseline(frame), lambda: self._show_run(frame, frame.baseline)]

    def _show_baseline(self, frame):
        self._frame = frame
        snapshot, twin = frame.snapshot, frame.baseline
        if self.maps.indexOf(self.baseline_map.widget) < 0:
            self.maps.insertWidget(0, self.baseline_map.widget, 1)   # before: "before and after"
        if not self.baseline_map.widget.isVisibleTo(self):
            self.baseline_map.widget.show()
        self.baseline_map.show(twin, frame.baseline_contours, self.log_scale.isChecked(),
                               f"baseline: {brief(twin.config, snapshot.config, TITLE_MOST)}",
                               frame.playing)

    def _show_run(self, frame, twin):
        """The run's map (titled beside a ``twin``; without one the baseline's is hidden),
        the slopes' caption and the 3-D view."""
        snapshot = frame.snapshot
        self._frame = frame
        version = None if self.surface is None else self.surface.version
        if twin is None:
            if self.baseline_map is not None and self.baseline_map.widget.isVisibleTo(self):
                self.baseline_map.widget.hide()
            title = None
        else:
            title = brief(snapshot.config, twin.config, TITLE_MOST)
        self.map.show(snapshot, frame.contours, self.log_scale.isChecked(), title, frame.playing,
                      snapshot.probe)
        self.place_maps(self.map_area.width(), self.map_area.height())    # for their words now
        self._ball = ball = snapshot.ball
        s = self.surface
        (a_moves, _), (b_moves, _) = directions(snapshot)
        self.slopes.setText(slope_caption(ball.gradient, a_moves, b_moves))
        if self.tabs.currentWidget() is self.view3d:
            if s.version != version:
                self.view3d.show_surface(s)
            self.view3d.show_ball(ball, s)

    def finish(self):
        """The baseline's map, if it was made unseen and waits to be drawn."""
        if chores().waiting(self, "baseline map"):
            chores().discard(self, "baseline map")
            self._show_last()

    def _show_last(self):
        self.show_frame(self._frame)

    def _draw_surface(self):
        for cost_map in (self.map, self.baseline_map):
            if cost_map is not None:
                cost_map.draw_surface(self.log_scale.isChecked())
                cost_map.ease(False)

    def view_controls(self):
        return self.log_scale, self.tabs.tabBar()

    def picture_caption(self):
        return "colour log₁₀ C" if self.log_scale.isChecked() else "colour C"

    # ----------------------------------------------------------------- input
    def _clicked(self, event):
        if event.button() != Qt.MouseButton.LeftButton or self.surface is None:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        a, b = point.x(), point.y()
        e = self.surface.extent
        if -e <= a <= e and -e <= b <= e:
            self.probe_requested.emit(a, b)

    def _tab_changed(self, _):
        if self.tabs.currentWidget() is self.view3d and self.surface is not None:
            self.view3d.show_surface(self.surface)
            if self._ball is not None:
                self.view3d.show_ball(self._ball, self.surface)
