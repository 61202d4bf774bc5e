"""Simulation: one training run, stepped on demand, reported as immutable Snapshots.

    sim = Simulation(SimConfig(depth=10))
    snapshot = sim.step(50)          # 50 minibatch steps, then one Snapshot

``apply(config)`` takes a new config: changes to the training fields (learning rate,
optimiser, momentum, batch size, clipping, L2) keep the trained weights; changes to the
surface's axes take a new slice through the current weights; any other change builds
a new network. A run is deterministic for a given config.

The cost surface and the ball (landscape.py) live beside the run: the plane is sliced
through the weights of the moment (at a build or a change of axes), and the ball
rolls on it with the run's optimiser, learning rate and clipping. A ball step is a
full-batch gradient, so the ball takes one step per epoch of training (``epoch_steps``
minibatch steps): in the time training sees the data once, so does the ball. Once
the run is frozen by a divergence, the ball rolls one step per step asked for.

The cost on the whole training and test sets (a forward pass over both) is evaluated
inside ``advance``, every k-th step at first (``_evaluation_stride``: k ≥ 4 × samples /
batch, so they cost at most a twelfth of the training), then on a schedule that thins
out as the run grows (at most EVALUATIONS kept, evenly spaced), so the loss curve does
not depend on how often anybody looks. ``snapshot()`` is a query.

Divergence: at the first step whose cost, gradient norms or weights are not finite,
the run freezes at its last finite weights, statistics, costs and decision map, and
every Snapshot carries a message saying what happened, at which step, and what to try.
Nothing raises, nothing warns.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .config import SURFACE_FIELDS, TRAINING_FIELDS, SimConfig
from .data import make_dataset
from .data import Dataset
from .landscape import BallState, Landscape, Surface
from .theory import TheoryView, for_network
from .network import Network, Workspace
from .optim import Optimizer
from .stats import DerivativeStats, LayerStats, StatsRecorder

HISTORY_LENGTH = 2048
EVALUATIONS = 64              # train/test evaluations kept for the loss curve (see advance)
DECISION_RESOLUTION = 48      # the input-plane grid of the decision-boundary map
COARSE_RESOLUTION = 16        # the surface drawn at once after a change (refined later)


class DecimatingHistory:
    """Rows recorded at increasing steps, at most ``capacity`` of them kept.

    When full, every other row is dropped and from then on only every second call is
    recorded: a long run keeps its whole span at a uniformly coarser resolution.
    ``stride``: record only every stride-th call from the start.
    A step already recorded is not recorded again.
    """

    def __init__(self, capacity=HISTORY_LENGTH, stride=1):
        self.capacity = capacity
        self.stride = stride
        self.calls = 0
        self.steps, self.rows = [], []

    def record(self, step, row):
        """Offer the row of ``step``; ``row`` may be a function, called only when the
        row is kept (an evaluation that costs forward passes is then skipped)."""
        if self.steps and step <= self.steps[-1]:
            return
        self.calls += 1
        if (self.calls - 1) % self.stride:
            return
        self.steps.append(step)
        self.rows.append(row() if callable(row) else row)
        if len(self.steps) > self.capacity:
            self.steps, self.rows = self.steps[::2], self.rows[::2]
            self.stride *= 2

    def arrays(self, widths):
        """Steps, and each column of the rows, as fresh arrays.

        Rows are tuples; ``widths[i]`` is None for a column of numbers and the length
        for a column of arrays.
        """
        columns = list(zip(*self.rows)) or [()] * len(widths)
        return np.array(self.steps, dtype=np.int64), [
            np.array(column, dtype=np.float64).reshape((len(column),) + ((w,) if w else ()))
            for column, w in zip(columns, widths)]


@dataclass(frozen=True)
class History:
    """Curves over the run so far (fresh arrays).

    ``steps``/``batch_loss``/``speed``: every recorded step, with ``speed[t, l]`` =
    ‖∂C/∂b^l‖ (Nielsen's speed of learning of layer l). ``eval_steps``/``train_loss``/
    ``test_loss``: the cost on the whole training and test sets, evenly spaced from
    step 0, at most EVALUATIONS of them.
    """

    steps: np.ndarray
    batch_loss: np.ndarray
    speed: np.ndarray
    eval_steps: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray


@dataclass(frozen=True)
class DecisionMap:
    """P(class 1) = the output a^L over a grid of the input plane: ``probability[i, k]``
    at (x[i], y[k]), as TensorFlow Playground draws it."""

    x: np.ndarray
    y: np.ndarray
    probability: np.ndarray


@dataclass(frozen=True)
class TestPredictions:
    """The class the network predicts for each test sample (evaluation mode): what the
    decision-boundary panel shows where the input is not a plane."""

    predicted: np.ndarray


@dataclass(frozen=True)
class Evaluation:
    """The cost and accuracy on the whole training and test sets (evaluation mode)."""

    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float

    @property
    def finite(self):
        return bool(np.isfinite(self.train_loss) and np.isfinite(self.test_loss))


@dataclass(frozen=True)
class Snapshot:
    """One frame of the run. Its arrays are fresh copies: nobody mutates them later.

    After a divergence, ``step``, ``stats``, the costs and the decision map are those
    of the last finite step, and ``diverged`` says so."""

    step: int
    config: SimConfig
    train_loss: float            # cost on the whole training set (evaluation mode)
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    stats: LayerStats            # the gradient, layer by layer, in the last (finite) step
    derivatives: DerivativeStats  # φ'(z) inside the hidden layers in the last step
    history: History
    diverged: str | None         # what happened and what to try, or None
    surface: Surface             # immutable; a new one has a higher version
    ball: BallState
    decision: DecisionMap | TestPredictions   # the output over the input plane, or
                                              # the predicted test classes (not 2-D data)
    data: Dataset                # the points (read-only arrays, shared, never changed)
    theory: TheoryView           # mean-field predictions for this network, or why not


class Simulation:
    """A training run of the network a SimConfig describes."""

    def __init__(self, config=None):
        self.config = None
        self.apply(config if config is not None else SimConfig())

    # ------------------------------------------------------------------ setup
    def apply(self, config):
        """Take a new config: keep training if only training fields changed, else rebuild."""
        if not isinstance(config, SimConfig):
            raise ValueError(f"config: a SimConfig is required, got {type(config).__name__}")
        old, self.config = self.config, config
        changed = old.changed_fields(config) if old is not None else None
        if changed is None or not changed <= TRAINING_FIELDS | SURFACE_FIELDS:
            try:
                self._build()
            except ValueError:              # its data cannot be read: the run goes on as it was
                self.config = old
                raise
            return
        if changed & TRAINING_FIELDS:
            if old.optimizer != config.optimizer or self.diverged is not None:
                self.optimizer = self._make_optimizer()    # fresh state after a divergence
            else:
                self._tune_optimizer()
            self.diverged = None           # weights were kept at their last finite values
            self._configure_ball()
            self.epoch_steps = self._epoch_steps()
        if changed & SURFACE_FIELDS:
            self._slice()

    def reset(self):
        """Start the run again from fresh weights drawn with the config's seed."""
        self._build()

    def _build(self):
        c = self.config
        init_seed, data_seed, batch_seed = np.random.SeedSequence(c.seed).generate_state(3)
        self.data = make_dataset(c.dataset, c.n_samples, c.noise, seed=int(data_seed),
                                 path=c.data_file)
        sizes = c.layer_sizes(self.data.n_inputs, self.data.n_classes)
        self.net = Network(sizes, c.activation, c.init, c.loss, seed=int(init_seed),
                           sigma_w=c.sigma_w, sigma_b=c.sigma_b, gain=c.gain,
                           batch_norm=c.batch_norm, residual=c.residual)
        for array in (self.data.X_train, self.data.y_train, self.data.X_test, self.data.y_test):
            array.setflags(write=False)          # shared by every Snapshot
        self.Y_train = self._targets(self.data.y_train)
        self.Y_test = self._targets(self.data.y_test)
        self._eval_X = np.concatenate([self.data.X_train, self.data.X_test])
        self._eval_Y = np.concatenate([self.Y_train, self.Y_test])
        self._eval_labels = np.concatenate([self.data.y_train, self.data.y_test])
        self._batch_rng = np.random.default_rng(int(batch_seed))
        self._shuffled, self._cursor = None, 0
        self._workspaces = [None, None]
        self.optimizer = self._make_optimizer()
        self.recorder = StatsRecorder(self.net)
        self.step_count = 0
        self.diverged = None
        self.history = DecimatingHistory()
        self.eval_history = DecimatingHistory(EVALUATIONS, self._evaluation_stride())
        self._theta_before = self.net.theta.copy()
        self._decision_grid = self._input_grid() if self.data.planar else None
        self._last_decision = self._last_evaluation = None
        self.epoch_steps = self._epoch_steps()
        self._ball_due = 0               # steps asked for since the ball last rolled
        X = self.data.X_train
        self.theory = for_network(c.activation, sizes, c.init,
                                  float(np.mean(np.sum(X * X, axis=1)) / X.shape[1]),
                                  c.sigma_w, c.sigma_b, c.gain, c.batch_norm, c.residual)
        self.landscape = None
        self._slice()
        X, Y = self._next_batch()
        grads = self.net.gradients(X, Y)                # statistics at initialisation
        self.stats = self.recorder.record(grads)
        self._last_dphis = grads.trace.dphis
        self.eval_history.record(0, self._costs)

    def _evaluation_stride(self):
        """How many steps apart the loss curve's first evaluations are: the power of two at
        or above 4 × (training + test samples) / batch size. An evaluation is one forward
        pass over both sets, which costs 0.2–0.3 of a training step per batch's worth of
        samples (measured at depth 10 × 16 and 30 × 32), so the evaluations cost at most a
        twelfth of the training from the start: 64 steps apart on the 2-D sets at batch 32,
        256 on the digits. (Every step at first, the 1,797 digits had made a 2,000-step run
        1.8× slower; at twice these sample counts over the batch, they took 15 % of a
        depth-30 run's time.)"""
        ratio = 4 * len(self._eval_X) / self.config.batch_size
        return 2 ** int(np.ceil(np.log2(max(1.0, ratio))))

    def _slice(self):
        """Take a new cost-surface plane through the current weights (coarse grid at once)."""
        c = self.config
        landscape_seed = np.random.SeedSequence(c.seed).generate_state(4)[3]
        self.landscape = Landscape(self.net, self.data.X_train, self.Y_train, *c.surface_layers,
                                   seed=int(landscape_seed), extent=c.surface_extent)
        self._configure_ball()
        self.landscape.compute_surface(COARSE_RESOLUTION)

    def _configure_ball(self):
        c = self.config
        self.landscape.configure_ball(c.optimizer, c.learning_rate, c.momentum,
                                      c.clip_threshold if c.clip else None)

    def _epoch_steps(self):
        """Minibatch steps per epoch: training steps per ball step."""
        n = len(self.Y_train)
        return -(-n // min(self.config.batch_size, n))

    def refine_surface(self, resolution=128):
        """Recompute the surface on a finer grid (the worker does this when the user rests)."""
        return self.landscape.compute_surface(resolution, self.landscape.surface.extent)

    def _follow_ball(self):
        """Widen the map (coarse grid, doubled extent) when the ball rolls out of it."""
        (position, launched), surface = self.landscape.ball_position, self.landscape.surface
        reach = float(np.abs(position).max())
        if launched is None and reach > surface.extent:
            extent = surface.extent
            while extent < reach * 1.1:
                extent *= 2
            self.landscape.compute_surface(COARSE_RESOLUTION, extent)

    def drop_ball(self, a, b):
        """Put the ball at (a, b) on the surface."""
        self.landscape.drop(a, b)

    def _input_grid(self):
        """(x, y, points) of a square grid covering the data with a margin."""
        X = np.concatenate([self.data.X_train, self.data.X_test])
        reach = float(np.abs(X).max()) * 1.1
        axis = np.linspace(-reach, reach, DECISION_RESOLUTION)
        xx, yy = np.meshgrid(axis, axis, indexing="ij")
        return axis, axis.copy(), np.column_stack([xx.ravel(), yy.ravel()])

    def decision_map(self):
        """The network's P(class 1) over the input plane (evaluation mode), or the last
        finite map where this one is not finite (weights that overflow the output).
        Where the data are not 2-D and binary, a map means nothing: the classes the
        network predicts for the test set instead."""
        if self._decision_grid is None:
            z = self.net.propagate(self.data.X_test, 0, None, batch_statistics=False)
            return TestPredictions(predicted_classes(z))
        x, y, points = self._decision_grid
        out = self.net.predict(points)
        probability = out[:, 1] if self.net.loss_function.one_hot else out[:, 0]
        if np.isfinite(probability).all() or self._last_decision is None:
            self._last_decision = DecisionMap(x, y, probability.reshape(len(x), len(y)))
        return self._last_decision

    def _targets(self, y):
        """One-hot rows over the output units, or the label itself for a single output."""
        outputs = self.net.layer_sizes[-1]
        if outputs > 1:
            return np.eye(outputs)[y.astype(np.intp)]
        return y[:, None].astype(np.float64)

    def _make_optimizer(self):
        c = self.config
        return Optimizer(c.optimizer, self.net.theta.size, c.learning_rate, c.momentum,
                         c.clip_threshold if c.clip else None, c.l2, self.net.weight_mask)

    def _tune_optimizer(self):
        c, opt = self.config, self.optimizer
        opt.learning_rate, opt.momentum, opt.l2 = c.learning_rate, c.momentum, c.l2
        opt.clip_threshold = c.clip_threshold if c.clip else None

    def _next_batch(self):
        """The next minibatch: consecutive slices of a fresh shuffle of the training set
        every epoch (a batch that would run past the end starts the next epoch)."""
        n = len(self.Y_train)
        size = min(self.config.batch_size, n)
        if self._cursor + size > n or self._shuffled is None:
            order = self._batch_rng.permutation(n)
            self._shuffled = self.data.X_train[order], self.Y_train[order]
            self._cursor = 0
        X, Y = self._shuffled
        start, self._cursor = self._cursor, self._cursor + size
        return X[start:self._cursor], Y[start:self._cursor]

    # ------------------------------------------------------------------ training
    def step(self, n=1, ball=True):
        """``advance(n, ball)``, then a Snapshot."""
        self.advance(n, ball)
        return self.snapshot()

    def advance(self, n=1, ball=True):
        """Run up to ``n`` training steps (none once diverged), evaluating the costs on
        schedule, and roll the ball: one step per ``epoch_steps`` training steps, and one
        per step asked for once the run is frozen (the ball, a learner of its own, rolls
        on, and training no longer costs anything)."""
        taken = 0
        for _ in range(int(n)):
            if self.diverged is not None or not self._train_step():
                break
            taken += 1
        if ball:
            rolls, self._ball_due = divmod(self._ball_due + taken, self.epoch_steps)
            rolls += int(n) - taken
            if rolls:
                self.landscape.roll(rolls)
                self._follow_ball()

    def _train_step(self):
        net = self.net
        X, Y = self._next_batch()
        grads = net.gradients(X, Y, workspace=self._workspace(len(X)))
        trace = grads.trace
        next_step = self.step_count + 1
        np.copyto(self._theta_before, net.theta)
        report = self.optimizer.step(net.theta, grads.flat)
        stats = self.recorder.record(grads, report.update)
        what = _not_finite(grads.loss, report.grad_norm, stats, net.theta)
        if what is None and not net.update_running_statistics(trace):
            what = "batch norm's running averages overflowed"
        if what is not None:
            np.copyto(net.theta, self._theta_before)      # freeze at the last finite weights
            self._diverge(next_step, what)
            return False
        self.step_count = next_step
        self.stats = stats
        self._last_dphis = trace.dphis
        self.history.record(next_step, (grads.loss, stats.grad_b_norm))
        self.eval_history.record(next_step, self._costs)
        return True

    def _workspace(self, n):
        """Where this step's pass writes: two workspaces taken in turn, so that the φ' of
        the last finite step, which the Snapshot shows, outlive a step that diverges."""
        parity = self.step_count % 2
        if self._workspaces[parity] is None or self._workspaces[parity].n != n:
            self._workspaces[parity] = Workspace(self.net, n)
        return self._workspaces[parity]

    def _diverge(self, step, what):
        c = self.config
        if c.clip:
            advice = (f"lower the learning rate (now {c.learning_rate:g}) or the clipping "
                      f"threshold (now {c.clip_threshold:g})")
        else:
            advice = (f"lower the learning rate (now {c.learning_rate:g}), turn on gradient "
                      "clipping, or start from smaller weights")
        self.diverged = (f"Diverged at step {step}: {what}. The gradient exploded: {advice}, "
                         "then press Reset.")

    # ------------------------------------------------------------------ reporting
    def evaluation(self):
        """Cost and accuracy on the training and test sets now, in one forward pass over
        both (batch norm in evaluation mode: every sample is its own), or the last
        finite ones where these are not finite."""
        net, n = self.net, len(self.Y_train)
        z = net.propagate(self._eval_X, 0, None, batch_statistics=False)
        Y = self._eval_Y
        with np.errstate(all="ignore"):              # a diverging run's costs overflow to inf
            costs = net.loss_function.sample_costs(z, Y)
            train_cost, test_cost = float(costs[:n].mean()), float(costs[n:].mean())
        correct = predicted_classes(z) == self._eval_labels
        now = Evaluation(train_cost, test_cost, float(correct[:n].mean()), float(correct[n:].mean()))
        if now.finite or self._last_evaluation is None:
            self._last_evaluation = now
        return self._last_evaluation

    def _costs(self):
        e = self.evaluation()
        return e.train_loss, e.test_loss

    def snapshot(self, decision=None):
        """The current frame: a query that changes nothing. ``decision``: a DecisionMap
        to show (the worker refreshes it a few times a second, not every frame: it is a
        forward pass over a 48² grid); None computes it now."""
        e = self.evaluation()
        steps, (batch_loss, speed) = self.history.arrays((None, self.net.n_layers))
        eval_steps, (train_curve, test_curve) = self.eval_history.arrays((None, None))
        history = History(steps, batch_loss, speed, eval_steps, train_curve, test_curve)
        return Snapshot(self.step_count, self.config, e.train_loss, e.test_loss,
                        e.train_accuracy, e.test_accuracy, self.stats,
                        self.recorder.derivatives(self._last_dphis), history, self.diverged,
                        self.landscape.surface, self.landscape.ball,
                        self.decision_map() if decision is None else decision,
                        self.data, self.theory)


def predicted_classes(z):
    """The class each row of output weighted inputs z^L stands for: the largest output,
    or, for a single sigmoid output, class 1 where σ(z) > ½."""
    return np.argmax(z, axis=1) if z.shape[1] > 1 else (z[:, 0] > 0).astype(np.intp)


def _not_finite(cost, grad_norm, stats, theta):
    """What stopped being finite in a step, in words, or None if nothing did."""
    # Every term is ≥ 0, so one inf or NaN anywhere makes this sum of Python floats (which
    # overflow to inf silently) non-finite; a finite θ spanning over 1.8e308 is checked below.
    if math.isfinite(cost + grad_norm + float(stats.grad_w_norm.max())
                     + float(stats.grad_b_norm.max()) + float(stats.delta_rms.max())
                     + (float(theta.max()) - float(theta.min()))):
        return None
    if not np.isfinite(cost):
        return f"the cost became {cost:.3g}"
    for name, values in (("‖∂C/∂W‖", stats.grad_w_norm), ("‖∂C/∂b‖", stats.grad_b_norm),
                         ("‖δ‖", stats.delta_rms)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            layers = ", ".join(str(l + 1) for l in bad[:4]) + (", …" if bad.size > 4 else "")
            return f"{name} overflowed in layer{'s' if bad.size > 1 else ''} {layers}"
    if not np.isfinite(grad_norm):
        return "the gradient's norm overflowed"
    if not np.isfinite(theta).all():
        return f"the weights overflowed after a step with ‖∇C‖ = {grad_norm:.3g}"
    return None
