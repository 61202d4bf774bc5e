"""The cost surface through the network, and where the network is on it.

The cost lives in thousands of dimensions. The lab shows the plane

    θ(a, b) = θs + a·U + b·V

U moves only the weights of one layer u (default: the first), V only those of another
layer v (default: the output). Both are *filter-normalised* (Li, Xu, Taylor, Studer &
Goldstein, "Visualizing the loss landscape of neural nets", NeurIPS 2018) at the weights
the network had when the axes were chosen: each neuron's incoming weights in the
direction are scaled to the norm of that neuron's own weights, so a = 1 means "move the
layer by its own size", whatever the layer's scale.

**The ball is the network.** Its coordinates are the network's own weights seen along U
and V, from θo, the weights when the axes were chosen (U ⊥ V: they move different layers):

    a = ⟨θ − θo, U⟩ / ‖U‖²,    b = ⟨θ − θo, V⟩ / ‖V‖²

so every training step moves it, and its trail is where the network has been. Its cost is
the network's cost on the surface's data, and its slope is the network's own gradient
along U and V, (⟨∇θC, U⟩, ⟨∇θC, V⟩): the a-slope is layer u's gradient seen along U, zero
exactly when that layer's gradient is.

**The surface follows the network.** Its plane passes through the network when it is
taken: θs = θ − a·U − b·V, which keeps every point's coordinates (a and b are linear in
θ), so a new surface never moves the ball or its trail. As the network trains it leaves
the plane (its other layers move); ``Landscape.ball`` reports by how much, as the surface's
value under the ball beside the network's own cost. The Simulation takes the surface
again once they differ by more than ``STALE_DECADES`` (see ``Simulation.surface_due``).

The surface is exact and cheap on its plane: the layers before the first moving layer
run once, the layers up to the second moving layer once per value of a (as one batched
array), and from there on once per (a, b), again batched. z = u + s·(a^{l-1}D) is affine
in the step s, so each moving layer needs just two products with the data.

**The probe** is the two-parameter experiment a click on the map starts: a learner with
only (a, b) to learn, rolling down the present surface with the run's optimiser: "what if
only layers u and v learned". It is never the network; it ends when the surface is taken
again. Its gradient is computed as the grid is: a_in·W and a_in·D of the first moving
layer once per plane, the traced pass from that layer on, δ carried back only down to it.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, replace

import numpy as np

from .numbers import scientific
from .optim import Optimizer
from .pace import checkpoint
from .twins import twin

TRAIL_LENGTH = 2000
TRAIL_SPACING = 0.002     # a trail point each time the network has moved this share of the map
LAUNCH_BOUND = 10.0       # the ball is off the map beyond 10 × the surface's extent
STALE_DECADES = 0.01      # the surface is taken again once, under the ball, its log₁₀ C and the
                          # network's differ by more than this (a factor 1.023: 2.3 %)
FLAT_TOLERANCE = 1e-3     # a surface whose cost changes by less than this share is flat
LEAST_COLOUR_DECADES = 0.05   # the colour scale spans at least this much of log₁₀ C (12 %)
# Surface versions are unique for the life of the process, across every Landscape: the
# caches keyed on them (contours, the map, the 3-D view) can never mistake a new
# network's surface for an old one.
_surface_versions = itertools.count(1)


def filter_normalized_direction(net, layer, rng):
    """A random direction in θ-space that moves only W of ``layer`` (0-based), with each
    neuron's incoming weights scaled to that neuron's own weight norm."""
    W = net.weights[layer]
    D = rng.normal(size=W.shape)
    with np.errstate(all="ignore"):
        scale = np.linalg.norm(W, axis=0) / np.linalg.norm(D, axis=0)
    D *= np.where(np.isfinite(scale), scale, 0.0)
    direction = np.zeros_like(net.theta)
    direction[net.layer_slice(layer)] = D.ravel()
    return direction


@dataclass(frozen=True)
class Surface:
    """The cost on a grid over the plane: ``cost[i, k]`` = C(θs + a_i U + b_k V).

    ``version`` identifies the surface for the life of the process: no two surfaces,
    from any network, share one. ``step``: the training step its plane was taken at."""

    version: int
    a: np.ndarray                # (resolution,) steps along U
    b: np.ndarray                # (resolution,) steps along V
    cost: np.ndarray             # (resolution, resolution)
    u_layer: int                 # 1-based layer number moved by U
    v_layer: int                 # 1-based layer number moved by V
    extent: float
    seconds: float = 0.0         # how long the grid took (to size the next one)
    step: int = 0
    samples: int = 0             # how many data points each cost is the mean over

    @property
    def resolution(self):
        return len(self.a)

    @property
    def log_cost(self):
        """log₁₀ C on the grid, as the map's colours and the contour lines show it (-inf
        where C = 0, not finite where C is not; no warning)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(self.cost)

    @property
    def relief(self):
        """How much the cost changes across the map, as a share of its least value:
        (max C − min C) / min C over the finite values (inf where min C is 0, NaN where
        nothing is finite)."""
        finite = self.cost[np.isfinite(self.cost)]
        if finite.size == 0:
            return float("nan")
        low, high = float(finite.min()), float(finite.max())
        return (high - low) / low if low > 0 else (0.0 if high == low else float("inf"))

    @property
    def flat(self):
        """The cost changes by less than FLAT_TOLERANCE across the map: no landscape to show."""
        return bool(self.relief < FLAT_TOLERANCE)

    def levels(self, logarithmic=True):
        """(low, high): what the colours span, log₁₀ C or C. The finite values' range,
        widened about its middle to at least LEAST_COLOUR_DECADES of log₁₀ C (in C: the
        same share of the middle), so rounding noise is never stretched into a landscape."""
        values = self.log_cost if logarithmic else self.cost
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return 0.0, 1.0
        low, high = float(finite.min()), float(finite.max())
        middle = 0.5 * (low + high)
        least = LEAST_COLOUR_DECADES if logarithmic else abs(middle) * (10 ** LEAST_COLOUR_DECADES - 1)
        least = max(least, 1e-300)
        if high - low < least:
            low, high = middle - least / 2, middle + least / 2
        return low, high


@dataclass(frozen=True)
class BallState:
    """Where the network is on the surface.

    ``launched`` says why the network left the map (an exploding-gradient cliff, or
    weights that overflowed), or is None; ``position`` is then its last finite position.
    ``plane_cost`` is the surface's own value under the ball (where it was at step
    ``measured``, as ``cost``): the network's cost when the plane was taken, and how far
    the network has moved off the plane since."""

    position: np.ndarray         # (a, b): the network's weights seen along U and V
    cost: float                  # the network's cost on the surface's data
    gradient: np.ndarray         # (∂C/∂a, ∂C/∂b) = (⟨∇θC, U⟩, ⟨∇θC, V⟩) of the network
    trail: np.ndarray            # (K, 2) where the network has been, oldest first
    launched: str | None
    plane_cost: float
    measured: int = 0            # the step its cost and gradient were measured at

    @property
    def slope_ratio(self):
        """|∂C/∂a| / |∂C/∂b|: the vanishing gradient seen from the ball (NaN if flat)."""
        with np.errstate(all="ignore"):
            return float(abs(self.gradient[0]) / abs(self.gradient[1]))

    @property
    def off_plane(self):
        """|log₁₀ C − log₁₀ C(plane)| under the ball: how far the network has moved off the
        surface's plane since it was taken (0 right after; inf or NaN where a cost is)."""
        with np.errstate(all="ignore"):
            return float(abs(np.log10(self.cost) - np.log10(self.plane_cost)))


@dataclass(frozen=True)
class ProbeState:
    """The two-parameter experiment on the present surface ("what if only layers u and v
    learned"): its position, cost and gradient there, its trail and steps, and why it was
    launched off the map (or None)."""

    position: np.ndarray
    cost: float
    gradient: np.ndarray
    trail: np.ndarray
    steps: int
    launched: str | None


@dataclass(frozen=True)
class Location:
    """The network now, on the surface's data (training mode: batch norm over the set):
    its cost, its gradient along U and V, each layer's ‖∂C/∂b‖, and φ'(z) of every hidden
    layer for every sample; where it was on the axes."""

    cost: float
    gradient: np.ndarray
    speeds: np.ndarray
    dphis: list
    step: int = 0                # the training step the network was at
    position: tuple = (0.0, 0.0)  # its (a, b) then


class Trail:
    """The last ``capacity`` positions, in a ring buffer: appending is O(1) and reading them
    all back is two slices, however long the run."""

    def __init__(self, capacity=TRAIL_LENGTH):
        self.buffer = np.empty((capacity, 2))
        self.count = 0

    def append(self, position):
        self.buffer[self.count % len(self.buffer)] = position
        self.count += 1

    @property
    def last(self):
        return self.buffer[(self.count - 1) % len(self.buffer)]

    def array(self):
        """The positions, oldest first (a fresh array)."""
        n = len(self.buffer)
        if self.count <= n:
            return self.buffer[:self.count].copy()
        start = self.count % n
        return np.concatenate([self.buffer[start:], self.buffer[:start]])


class Plane:
    """θs + a·U + b·V through weight space, and exact costs over it on the data (X, Y).

    ``net`` is a copy of the network at θs; ``first`` and ``second`` are the moving layers
    in order. The layers before the first moving layer never change on the plane, so
    a_in·W and a_in·D of that layer are computed once, here."""

    def __init__(self, net, X, Y, u_layer, v_layer, U, V, theta):
        self.net = net.copy()
        self.net.theta = theta
        self.X, self.Y = X, Y
        self.u_layer, self.v_layer, self.U, self.V = u_layer, v_layer, U, V
        self.first, self.second = sorted((u_layer, v_layer))
        with np.errstate(all="ignore"):
            self._a_in = self.net.propagate(X, 0, self.first)                # a^first: never moves
            self._fixed = self._a_in @ self.net.weights[self.first]        # a_in·W of the first
            self._along = self._a_in @ self.direction_matrix(self.first)   # ... and a_in·D

    @property
    def theta0(self):
        return self.net.theta

    def theta(self, a, b):
        """θs + a·U + b·V."""
        return self.net.theta + a * self.U + b * self.V

    def direction_matrix(self, layer):
        """D of a moving layer: U's or V's block, shaped like that layer's W."""
        direction = self.U if layer == self.u_layer else self.V
        return direction[self.net.layer_slice(layer)].reshape(self.net.weights[layer].shape)

    def cost(self, a, b):
        """C at θ(a, b), exactly (the grid's value there to the last digit), by a forward
        pass over the moving layers on."""
        trace, _ = self._pass(a, b)
        with np.errstate(all="ignore"):
            return float(self.net.loss_function.sample_costs(trace.output_z, self.Y).mean(axis=-1))

    def _pass(self, a, b):
        """The traced forward pass at θ(a, b) from the first moving layer on, and the
        second moving layer's weights there."""
        net, first, second = self.net, self.first, self.second
        steps = {self.u_layer: a, self.v_layer: b}
        D2 = self.direction_matrix(second)
        moved = net.weights[second] + steps[second] * D2

        def product(l, x):                       # u = x·W of layer l, moved along the plane
            if l == first:
                return self._fixed + steps[first] * self._along
            if l == second:
                return x @ net.weights[second] + steps[second] * (x @ D2)
            return x @ net.weights[l]
        return net.forward_from(self._a_in, first, product), moved

    def cost_and_slopes(self, a, b):
        """(C, (∂C/∂a, ∂C/∂b)) at θ(a, b), exactly, by a pass over the moving layers only;
        C is the grid's value there to the last digit."""
        net, first, second = self.net, self.first, self.second
        D2 = self.direction_matrix(second)
        trace, moved = self._pass(a, b)
        weights = list(net.weights)              # δ goes back through the moved layer
        weights[second] = moved
        with np.errstate(all="ignore"):
            cost = float(net.loss_function.sample_costs(trace.output_z, self.Y).mean(axis=-1))
            slopes = {}
            for l, _, du, _ in net.errors(trace, self.Y, first, weights):
                if l == second:
                    slopes[l] = np.vdot(trace.activations[l].T @ du, D2)
                elif l == first:
                    slopes[l] = np.vdot(du, self._along)
        return cost, np.array([slopes[self.u_layer], slopes[self.v_layer]])

    def locate(self, net, step=0):
        """The network ``net`` (at training step ``step``) on the plane's data: its cost, its
        exact gradient along U and V (backpropagation, the two moving layers' ∂C/∂W
        contracted with the directions), every layer's ‖∂C/∂b‖, and φ'(z) of every sample."""
        D = {layer: self.direction_matrix(layer) for layer in (self.u_layer, self.v_layer)}
        speeds = np.empty(net.n_layers)
        with np.errstate(all="ignore"):
            trace = net.forward(self.X)
            cost = float(net.loss_function.sample_costs(trace.output_z, self.Y).mean(axis=-1))
            slopes = {}
            for l, delta, du, _ in net.errors(trace, self.Y):
                speeds[l] = np.sqrt(np.sum(np.square(delta.sum(axis=0))))
                if l in D:
                    slopes[l] = float(np.vdot(trace.activations[l].T @ du, D[l]))
        return Location(cost, np.array([slopes[self.u_layer], slopes[self.v_layer]]), speeds,
                        trace.dphis, step)

    def grid_costs(self, a_values, b_values, chunk_elements=1 << 16):
        """cost[i, k] = C(θs + a_i U + b_k V), exploiting that only two layers move.

        The stages per value of a run as one batched array; the last stage, per (a, b),
        runs in chunks of about ``chunk_elements`` numbers so that it stays in cache.
        """
        swap = self.u_layer > self.v_layer
        first, second = self.first, self.second
        s1, s2 = (b_values, a_values) if swap else (a_values, b_values)
        D2 = self.direction_matrix(second)
        net = self.net
        with np.errstate(all="ignore"):
            u1 = self._fixed + s1[:, None, None] * self._along                 # (R1, N, n)
            a1 = net.activate(first, net.pre_activation(first, u1), self._a_in)
            a_mid = net.propagate(a1, first + 1, second)                   # once per a
            base, along = a_mid @ net.weights[second], a_mid @ D2
            t = s2[None, :, None, None]
            rows = max(1, chunk_elements // (len(s2) * base[0].size))
            costs = np.empty((len(s1), len(s2)))
            for start in range(0, len(s1), rows):
                checkpoint()
                chunk = slice(start, start + rows)
                z2 = net.pre_activation(second, base[chunk, None] + t * along[chunk, None])
                if second == net.n_layers - 1:
                    z_out = z2                                             # per (a, b)
                else:
                    z_out = net.propagate(net.activate(second, z2, a_mid[chunk, None]), second + 1)
                costs[chunk] = net.loss_function.sample_costs(z_out, self.Y).mean(axis=-1)
        return costs.T if swap else costs

    def rows(self, steps, budget):
        """The grid over ``steps`` × ``steps`` a few rows at a time: a generator whose every
        ``next()`` computes rows for about ``budget`` seconds (at least one) and yields None,
        and finally yields (cost, seconds)."""
        resolution = len(steps)
        if budget == float("inf"):                  # all at once: one batched grid
            start = time.perf_counter()
            cost = self.grid_costs(steps, steps)
            yield cost, time.perf_counter() - start
            return
        cost = np.empty((resolution, resolution))
        done, seconds = 0, 0.0
        swap = self.u_layer > self.v_layer      # rows of the first moving layer's steps
        while done < resolution:
            began = time.perf_counter()
            rows = max(1, int(budget * done / max(seconds, 1e-9))) if done else 1
            while rows >= 1 and done < resolution:
                chunk = slice(done, min(done + rows, resolution))
                start = time.perf_counter()
                if swap:
                    cost[:, chunk] = self.grid_costs(steps, steps[chunk])
                else:
                    cost[chunk] = self.grid_costs(steps[chunk], steps)
                now = time.perf_counter()
                seconds, done = seconds + now - start, chunk.stop
                rows = int((budget - (now - began)) * done / max(seconds, 1e-9))  # what fits
            if done < resolution:
                yield None
        yield cost, seconds


class Landscape:
    """Axes through weight space, the surface over them, where the network is on them, and
    the probe.

    ``u_layer`` and ``v_layer`` are 0-based layer indices (negative from the output);
    ``extent`` is a SimConfig's ``surface_extent``, whose range the config has checked.
    ``X, Y`` are the surface's data. ``plane`` is the kind of Plane the network's costs are
    computed on (a recurrent network's: ``unrolled.RecurrentPlane``)."""

    def __init__(self, net, X, Y, u_layer=0, v_layer=-1, seed=0, extent=1.0, plane=None):
        self.plane_kind = Plane if plane is None else plane
        L = net.n_layers
        self.u_layer, self.v_layer = _layer_index(u_layer, L, "u_layer"), _layer_index(v_layer, L, "v_layer")
        if self.u_layer == self.v_layer:
            raise ValueError(f"v_layer: must differ from u_layer (both are layer {self.u_layer + 1})")
        self.extent = float(extent)
        self.X, self.Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        rng = np.random.default_rng(seed)
        self.U = filter_normalized_direction(net, self.u_layer, rng)
        self.V = filter_normalized_direction(net, self.v_layer, rng)
        self._blocks = [(net.layer_slice(layer), direction[net.layer_slice(layer)])
                        for layer, direction in ((self.u_layer, self.U), (self.v_layer, self.V))]
        self._lengths = [float(d @ d) for _, d in self._blocks]
        self.origin = net.theta.copy()
        self.plane = self.plane_kind(net, self.X, self.Y, self.u_layer, self.v_layer, self.U, self.V,
                                     self.origin)
        self.surface = None
        self._trail = Trail()
        self._position = np.zeros(2)
        self._trail.append(self._position)
        self.launched = None
        self.jump = 0.0                  # how far the last recorded step moved, in map extents
        self._probe = None
        self._probe_settings = ("sgd", 0.1, 0.9, None)
        self._under_ball = None          # ((plane, (a, b)), the surface's cost there)

    def __deepcopy__(self, memo):
        """A twin whose ball, trail and probe move on by themselves. The axes, the plane and
        the surface, which nothing changes in place (a new one replaces them), are shared:
        at depth 100 × 256 they are five copies of θ, and a pin spent 0.4 s faulting in
        their copies' memory."""
        return twin(self, memo, (self.plane, self.surface, self.U, self.V, self.origin,
                                 self.X, self.Y))

    # ------------------------------------------------------------------ the network
    def position(self, theta):
        """(a, b) of the weights ``theta``: ⟨θ − θo, U⟩/‖U‖², ⟨θ − θo, V⟩/‖V‖²."""
        with np.errstate(all="ignore"):
            return np.array([float((theta[s] - self.origin[s]) @ d) / length
                             for (s, d), length in zip(self._blocks, self._lengths)])

    def record(self, theta, step):
        """Where the network ``theta`` is after training step ``step``: the ball moves there,
        and its trail follows it; a step that leaves the map far behind launches it."""
        new = self.position(theta)
        (a, b), (was_a, was_b) = new.tolist(), self._position.tolist()   # two numbers: Python's
        along_a, along_b = abs(a - was_a), abs(b - was_b)    # arithmetic, not NumPy calls (every
        moved = along_a if along_a != along_a or along_a >= along_b else along_b   # step; NaN if
        extent = self.surface.extent if self.surface is not None else self.extent  # one is)
        self.jump = moved / extent
        finite = math.isfinite(a) and math.isfinite(b)
        if self.launched is None and (not finite or max(abs(a), abs(b)) > LAUNCH_BOUND * extent):
            along = "a" if along_a >= along_b else "b"
            self.launched = (f"Launched off the map at step {step}: one step moved the network "
                             f"{scientific(moved)} along {along} (the map ends at ±{extent:g}). An "
                             "exploding gradient is a cliff: clipping caps the step.")
        if not finite:
            return
        self._position = new
        last_a, last_b = self._trail.last.tolist()
        if max(abs(a - last_a), abs(b - last_b)) >= TRAIL_SPACING * self.extent:
            self._trail.append(new)

    def overflowed(self, step):
        """The network's weights overflowed at training step ``step`` (the run diverged)."""
        if self.launched is None:
            self.launched = (f"Launched off the map at step {step}: the network's weights "
                             "overflowed, so it has no place on any map.")

    def locate(self, net, step=0):
        """The network ``net`` (at training step ``step``) on the surface's data (see
        ``Plane.locate``), with where it is on the axes."""
        location = self.plane.locate(net, step)
        return replace(location, position=tuple(float(x) for x in self.position(net.theta)))

    def ball(self, location):
        """The ball: the network where it is, with its ``location`` (``locate``), and the
        surface's cost where the location was measured (once per plane and place: a pass
        through the network at depth 100 × 256), so the two costs compared are of one step."""
        key = self.plane, location.position
        if self._under_ball is None or self._under_ball[0] != key:
            self._under_ball = key, self.plane.cost(*location.position)
        plane_cost = self._under_ball[1]
        trail = self._trail.array()
        if not np.array_equal(trail[-1], self._position):      # it ends where the ball is
            trail = np.concatenate([trail, self._position[None]])
        return BallState(self._position.copy(), location.cost, location.gradient.copy(), trail,
                         self.launched, plane_cost, location.step)

    @property
    def outside(self):
        """The extent a map needs to hold the ball, if it has left the map (not launched),
        else None."""
        reach = max(map(abs, self._position.tolist()))
        if self.launched is not None or self.surface is None or reach <= self.surface.extent:
            return None
        extent = self.surface.extent
        while extent < reach * 1.1:
            extent *= 2
        return extent

    # ------------------------------------------------------------------ surfaces
    def compute_surface(self, resolution, extent=None, step=None):
        """The cost on a resolution × resolution grid over [-extent, extent]² of the present
        plane (by default the extent of now)."""
        for result in self.taking(resolution, extent, step=step):
            pass
        return self.surface

    def taking(self, resolution, extent=None, budget=float("inf"), net=None, step=None):
        """A new surface, a few rows at a time: a generator whose every ``next()`` computes
        rows for about ``budget`` seconds and yields False, and, once all are done, installs
        the surface and yields True. With ``net``, the plane is taken anew through that
        network (the probe ends); else it is the present plane (a finer grid, a wider map).
        A surface replaced meanwhile (by another one) is not installed."""
        _check_resolution(resolution)
        extent = (self.surface.extent if self.surface is not None else self.extent) if extent is None else float(extent)
        base = self.surface
        if net is not None:
            a, b = self.position(net.theta)
            theta = net.theta - a * self.U - b * self.V
            plane = self.plane_kind(net, self.X, self.Y, self.u_layer, self.v_layer, self.U, self.V, theta)
        else:
            plane = self.plane
        step = (base.step if base is not None else 0) if step is None else step
        steps = np.linspace(-extent, extent, resolution)
        for result in plane.rows(steps, budget):
            if result is None:
                yield False
        cost, seconds = result
        if self.surface is base:
            if plane is not self.plane:
                self.plane, self._probe = plane, None
            self.surface = Surface(next(_surface_versions), steps, steps.copy(), cost, self.u_layer + 1,
                                   self.v_layer + 1, extent, seconds, step, len(self.X))
        yield True

    def refinement(self, resolution, budget):
        """The present surface again on a resolution² grid, a few rows at a time (see
        ``taking``): so a surface that takes seconds never holds the caller for longer
        than ``budget``."""
        return self.taking(resolution, budget=budget)

    # ------------------------------------------------------------------ the probe
    def drop(self, a, b):
        """Start the two-parameter experiment at (a, b) on the present surface, with a fresh
        optimiser state and an empty trail."""
        position = np.array([a, b], dtype=np.float64)
        if not np.all(np.isfinite(position)):
            raise ValueError(f"probe position: must be finite, got ({a!r}, {b!r})")
        kind, learning_rate, momentum, clip_threshold = self._probe_settings
        self._probe = _Probe(position, *self.plane.cost_and_slopes(a, b),
                             Optimizer(kind, 2, learning_rate, momentum, clip_threshold))

    def configure_probe(self, kind, learning_rate, momentum=0.9, clip_threshold=None):
        """The probe's optimiser: the run's kind, learning rate and clipping."""
        settings = (kind, learning_rate, momentum, clip_threshold)
        if settings != self._probe_settings:
            self._probe_settings = settings
            if self._probe is not None:
                self._probe.optimizer = Optimizer(kind, 2, learning_rate, momentum, clip_threshold)

    def roll(self, n=1):
        """Move the probe ``n`` optimiser steps downhill (none once it has launched)."""
        probe = self._probe
        if probe is None:
            return None
        extent = self.surface.extent if self.surface is not None else self.extent
        for _ in range(int(n)):
            if probe.launched is not None:
                break
            new = probe.position.copy()
            report = probe.optimizer.step(new, probe.gradient)
            if not np.all(np.isfinite(new)) or np.abs(new).max() > LAUNCH_BOUND * extent:
                probe.launched = (f"Launched off the map at probe step {probe.steps + 1}: the slope "
                                  f"was {report.grad_norm:.3g}, so one step moved it "
                                  f"{np.linalg.norm(report.update):.3g} (the map ends at ±{extent:g}).")
                break
            cost, gradient = self.plane.cost_and_slopes(*new)
            if not (np.isfinite(cost) and np.all(np.isfinite(gradient))):
                probe.launched = (f"Launched off the map at probe step {probe.steps + 1}: the cost "
                                  "there is not a finite number.")
                break
            probe.position, probe.cost, probe.gradient = new, cost, gradient
            probe.trail.append(new)
            probe.steps += 1
        return self.probe

    @property
    def probe_steps(self):
        """(the probe, its steps so far), or None: what changes as it is dropped and rolls."""
        return None if self._probe is None else (self._probe, self._probe.steps)

    @property
    def probe(self):
        """The probe now (fresh arrays), or None."""
        p = self._probe
        return None if p is None else ProbeState(p.position.copy(), p.cost, p.gradient.copy(),
                                                 p.trail.array(), p.steps, p.launched)


class _Probe:
    """The probe while it rolls: where it is, its cost and slopes there, its trail, steps,
    launch and optimiser."""

    def __init__(self, position, cost, gradient, optimizer):
        self.position, self.cost, self.gradient, self.optimizer = position, cost, gradient, optimizer
        self.trail = Trail()
        self.trail.append(position)
        self.steps, self.launched = 0, None


def _check_resolution(resolution):
    if not (isinstance(resolution, (int, np.integer)) and 2 <= resolution <= 1024):
        raise ValueError(f"resolution: must be an integer in [2, 1024], got {resolution!r}")


def _layer_index(layer, n_layers, name):
    if not isinstance(layer, (int, np.integer)) or not -n_layers <= layer < n_layers:
        raise ValueError(f"{name}: must be a layer index in [{-n_layers}, {n_layers - 1}] "
                         f"(0 = first, -1 = last), got {layer!r}")
    return int(layer) % n_layers
