"""The cost surface: an exact 2-D slice of the network's cost, and a ball rolling on it.

The cost lives in thousands of dimensions. The lab shows the plane

    θ(a, b) = θ0 + a·U + b·V

through the weights θ0 of the moment the slice is taken. U moves only the weights of
one layer (default: the first), V only those of another (default: the last). Both are
*filter-normalised* (Li, Xu, Taylor, Studer & Goldstein, "Visualizing the loss
landscape of neural nets", NeurIPS 2018): each neuron's incoming weights in the
direction are scaled to the norm of that neuron's own weights, so a = 1 means "move
the layer by its own size", whatever the layer's scale.

Because only two layers move, the grid is cheap: the layers before the first moving
layer run once, the layers up to the second moving layer once per value of a (as one
batched array), and from there on once per (a, b), again batched. z = u + s·(a^{l-1}D)
is affine in the step s, so each moving layer needs just two products with the data.

The ball is a learner with two parameters (a, b). Its gradient is
(⟨∇θC, U⟩, ⟨∇θC, V⟩) at θ(a, b) on the same data as the surface, and its slope along the
first-layer axis *is* the first layer's vanishing gradient. It is computed exactly and
cheaply the way the grid is: the layers before the first moving layer never change, so
a_in·W and a_in·D of that layer are computed once per plane; the forward pass runs from
the first moving layer on, with each moving layer's product formed as a·W + s·(a·D),
the very operations of the grid (so the ball's cost is the surface's value to the last
digit); and the backward pass carries only δ down to the first moving layer (through
the second one's moved weights), where ∂C/∂s = ⟨∂C/∂u, a·D⟩ contracts it with the
direction. No ∂C/∂W of the other layers, no copy of θ.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from .optim import Optimizer

TRAIL_LENGTH = 2000
LAUNCH_BOUND = 10.0       # the ball is off the map beyond 10 × the surface's extent
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
    """The cost on a grid over the plane: ``cost[i, k]`` = C(θ0 + a_i U + b_k V).

    ``version`` identifies the surface for the life of the process: no two surfaces,
    from any network, share one."""

    version: int
    a: np.ndarray                # (resolution,) steps along U
    b: np.ndarray                # (resolution,) steps along V
    cost: np.ndarray             # (resolution, resolution)
    u_layer: int                 # 1-based layer number moved by U
    v_layer: int                 # 1-based layer number moved by V
    extent: float
    seconds: float = 0.0         # how long the grid took (to size the next one)

    @property
    def resolution(self):
        return len(self.a)

    @property
    def log_cost(self):
        """log₁₀ C on the grid, as the map's colours and the contour lines show it (-inf
        where C = 0, not finite where C is not; no warning)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(self.cost)


@dataclass(frozen=True)
class BallState:
    """The ball: where it is, its cost there, its gradient along U and V, its trail.

    ``launched`` says why the ball left the surface (the exploding-gradient cliff), or is
    None; ``position`` is then its last finite position.
    """

    position: np.ndarray         # (a, b)
    cost: float
    gradient: np.ndarray         # (∂C/∂a, ∂C/∂b) = (⟨∇θC, U⟩, ⟨∇θC, V⟩)
    trail: np.ndarray            # (K, 2) past positions, oldest first
    steps: int
    launched: str | None

    @property
    def slope_ratio(self):
        """|∂C/∂a| / |∂C/∂b|: the vanishing gradient seen from the ball (NaN if flat)."""
        with np.errstate(all="ignore"):
            return float(abs(self.gradient[0]) / abs(self.gradient[1]))


class Trail:
    """The last ``capacity`` positions of the ball, in a ring buffer: appending is O(1) and
    reading them all back is two slices, however long the run."""

    def __init__(self, capacity):
        self.buffer = np.empty((capacity, 2))
        self.count = 0

    def append(self, position):
        self.buffer[self.count % len(self.buffer)] = position
        self.count += 1

    def array(self):
        """The positions, oldest first (a fresh array)."""
        n = len(self.buffer)
        if self.count <= n:
            return self.buffer[:self.count].copy()
        start = self.count % n
        return np.concatenate([self.buffer[start:], self.buffer[:start]])


class Landscape:
    """A plane through weight space, the cost over it, and the ball that rolls on it.

    ``u_layer`` and ``v_layer`` are 0-based layer indices (negative from the output);
    ``extent`` is a SimConfig's ``surface_extent``, whose range the config has checked."""

    def __init__(self, net, X, Y, u_layer=0, v_layer=-1, seed=0, extent=1.0):
        L = net.n_layers
        self.u_layer, self.v_layer = _layer_index(u_layer, L, "u_layer"), _layer_index(v_layer, L, "v_layer")
        if self.u_layer == self.v_layer:
            raise ValueError(f"v_layer: must differ from u_layer (both are layer {self.u_layer + 1})")
        self.extent = float(extent)
        self.net = net.copy()                       # the network at θ0
        self.theta0 = self.net.theta.copy()
        self._probe = net.copy()                    # moved to θ(a, b) for single points
        self.X, self.Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        rng = np.random.default_rng(seed)
        self.U = filter_normalized_direction(self.net, self.u_layer, rng)
        self.V = filter_normalized_direction(self.net, self.v_layer, rng)
        self._first, self._second = sorted((self.u_layer, self.v_layer))
        net = self.net
        with np.errstate(all="ignore"):
            self._a_in = net.propagate(self.X, 0, self._first)       # a^first: never moves
            self._fixed = self._a_in @ net.weights[self._first]       # a_in·W of the first
            self._along = self._a_in @ self._direction_matrix(self._first)  # ... and a_in·D
        self.surface = None
        self._ball_optimizer = None
        self.drop(0.75 * self.extent, 0.75 * self.extent)

    # ------------------------------------------------------------------ points
    def theta(self, a, b):
        """θ0 + a·U + b·V."""
        return self.theta0 + a * self.U + b * self.V

    def cost(self, a, b):
        """C(θ(a, b)) on the landscape's data, by a plain forward pass."""
        self._probe.theta = self.theta(a, b)
        return self._probe.loss(self.X, self.Y)

    def gradient(self, a, b):
        """(C, (∂C/∂a, ∂C/∂b)) at θ(a, b), exactly, by a pass over the moving layers only
        (see the module docstring); C is the surface's value there to the last digit."""
        net, first, second = self.net, self._first, self._second
        steps = {self.u_layer: a, self.v_layer: b}
        D2 = self._direction_matrix(second)
        weights = list(net.weights)              # δ goes back through the moved layer
        weights[second] = net.weights[second] + steps[second] * D2

        def product(l, x):                       # u = x·W of layer l, moved along the plane
            if l == first:
                return self._fixed + steps[first] * self._along
            if l == second:
                return x @ net.weights[second] + steps[second] * (x @ D2)
            return x @ net.weights[l]

        with np.errstate(all="ignore"):
            trace = net.forward_from(self._a_in, first, product)
            cost = float(net.loss_function.sample_costs(trace.output_z, self.Y).mean(axis=-1))
            slopes = {}
            for l, _, du, _ in net.errors(trace, self.Y, first, weights):
                if l == second:
                    slopes[l] = np.vdot(trace.activations[l].T @ du, D2)
                elif l == first:
                    slopes[l] = np.vdot(du, self._along)
        return cost, np.array([slopes[self.u_layer], slopes[self.v_layer]])

    # ------------------------------------------------------------------ the grid
    def compute_surface(self, resolution, extent=None):
        """The cost on a resolution × resolution grid over [-extent, extent]² (by default
        the landscape's extent; a wider one lets the map follow a ball that rolled out)."""
        _check_resolution(resolution)
        extent = self.extent if extent is None else float(extent)
        steps = np.linspace(-extent, extent, resolution)
        start = time.perf_counter()
        cost = self.grid_costs(steps, steps)
        return self._install(steps, cost, extent, time.perf_counter() - start)

    def refinement(self, resolution, budget):
        """The present surface again on a resolution² grid, a few rows at a time: a generator
        whose every ``next()`` computes rows for about ``budget`` seconds (at least one) and
        yields False, and, once all are done, installs the new surface and yields True (it
        is dropped if the surface was replaced meanwhile: the map widened after the ball).
        So a surface that takes seconds never holds the caller for longer than ``budget``."""
        _check_resolution(resolution)
        base = self.surface
        steps = np.linspace(-base.extent, base.extent, resolution)
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
                yield False
        if self.surface is base:
            self._install(steps, cost, base.extent, seconds)
        yield True

    def _install(self, steps, cost, extent, seconds):
        self.surface = Surface(next(_surface_versions), steps, steps.copy(), cost, self.u_layer + 1,
                               self.v_layer + 1, extent, seconds)
        return self.surface

    def grid_costs(self, a_values, b_values, chunk_elements=1 << 16):
        """cost[i, k] = C(θ0 + a_i U + b_k V), exploiting that only two layers move.

        The stages per value of a run as one batched array; the last stage, per (a, b),
        runs in chunks of about ``chunk_elements`` numbers so that it stays in cache.
        """
        swap = self.u_layer > self.v_layer
        first, second = self._first, self._second
        s1, s2 = (b_values, a_values) if swap else (a_values, b_values)
        D2 = self._direction_matrix(second)
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
                chunk = slice(start, start + rows)
                z2 = net.pre_activation(second, base[chunk, None] + t * along[chunk, None])
                if second == net.n_layers - 1:
                    z_out = z2                                             # per (a, b)
                else:
                    z_out = net.propagate(net.activate(second, z2, a_mid[chunk, None]), second + 1)
                costs[chunk] = net.loss_function.sample_costs(z_out, self.Y).mean(axis=-1)
        return costs.T if swap else costs

    def _direction_matrix(self, layer):
        """D of a moving layer: U's or V's block, shaped like that layer's W."""
        direction = self.U if layer == self.u_layer else self.V
        return direction[self.net.layer_slice(layer)].reshape(self.net.weights[layer].shape)

    # ------------------------------------------------------------------ the ball
    def drop(self, a, b):
        """Put the ball at (a, b) with a fresh optimiser state and an empty trail."""
        position = np.array([a, b], dtype=np.float64)
        if not np.all(np.isfinite(position)):
            raise ValueError(f"ball position: must be finite, got ({a!r}, {b!r})")
        self._position = position
        self._trail = Trail(TRAIL_LENGTH)
        self._trail.append(position)
        self._ball_steps = 0
        self._launched = None
        if self._ball_optimizer is not None:
            self._ball_optimizer = self._make_optimizer(self._ball_settings)
        self._cost, self._gradient = self.gradient(a, b)

    def configure_ball(self, kind, learning_rate, momentum=0.9, clip_threshold=None):
        """The ball's optimiser: the run's kind, learning rate and clipping."""
        settings = (kind, learning_rate, momentum, clip_threshold)
        if self._ball_optimizer is None or settings != self._ball_settings:
            self._ball_settings = settings
            self._ball_optimizer = self._make_optimizer(settings)

    @staticmethod
    def _make_optimizer(settings):
        kind, learning_rate, momentum, clip_threshold = settings
        return Optimizer(kind, 2, learning_rate, momentum, clip_threshold)

    def roll(self, n=1):
        """Move the ball ``n`` optimiser steps downhill (none once it has launched)."""
        if self._ball_optimizer is None:
            self.configure_ball("sgd", 0.1)
        bound = LAUNCH_BOUND * self.extent
        for _ in range(int(n)):
            if self._launched is not None:
                break
            new = self._position.copy()
            report = self._ball_optimizer.step(new, self._gradient)
            if not np.all(np.isfinite(new)) or np.abs(new).max() > bound:
                self._launched = (f"Launched off the surface at ball step {self._ball_steps + 1}: "
                                  f"the slope was {report.grad_norm:.3g}, so one step moved it "
                                  f"{np.linalg.norm(report.update):.3g} (the map ends at ±{bound:g}). "
                                  "This is an exploding-gradient cliff: clipping caps the step.")
                break
            cost, gradient = self.gradient(*new)
            if not (np.isfinite(cost) and np.all(np.isfinite(gradient))):
                self._launched = (f"Launched off the surface at ball step {self._ball_steps + 1}: "
                                  "the cost there is not a finite number.")
                break
            self._position, self._cost, self._gradient = new, cost, gradient
            self._trail.append(new)
            self._ball_steps += 1
        return self.ball

    @property
    def ball(self):
        """The ball's state now (fresh arrays)."""
        return BallState(self._position.copy(), self._cost, self._gradient.copy(),
                         self._trail.array(), self._ball_steps, self._launched)

    @property
    def ball_position(self):
        """(a, b) of the ball now, and why it launched (or None): cheaper than ``ball``."""
        return self._position.copy(), self._launched


def _check_resolution(resolution):
    if not (isinstance(resolution, (int, np.integer)) and 2 <= resolution <= 1024):
        raise ValueError(f"resolution: must be an integer in [2, 1024], got {resolution!r}")


def _layer_index(layer, n_layers, name):
    if not isinstance(layer, (int, np.integer)) or not -n_layers <= layer < n_layers:
        raise ValueError(f"{name}: must be a layer index in [{-n_layers}, {n_layers - 1}] "
                         f"(0 = first, -1 = last), got {layer!r}")
    return int(layer) % n_layers
