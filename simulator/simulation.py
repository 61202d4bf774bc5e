"""Simulation: one training run, stepped on demand, reported as immutable Snapshots.

    sim = Simulation(SimConfig(depth=10))
    snapshot = sim.step(50)          # 50 minibatch steps, then one Snapshot

``apply(config)`` takes a new config: changes to the training fields (learning rate,
optimiser, momentum, batch size, clipping, L2) keep the trained weights; changes to the
surface's axes take new axes through the current weights; any other change builds a new
network (and a config whose network cannot be built leaves the run exactly as it was).
A run is deterministic for a given config. In the recurrent mode (``config.recurrent``)
the network is a recurrent one unrolled over T time steps on the first-symbol task
(unrolled.py), reported per time step as a feed-forward one is per layer
(``Snapshot.unit_name``).

The cost surface (landscape.py) lives beside the run, on the surface's data (the
training set, or a part of it drawn with the seed: ``surface_samples``). The ball on it is the
network: every training step moves it; its cost and slope are the network's own. The
surface is exact on its plane, which the network leaves as it trains; ``surface_due``
says when to take it again (``follow_network`` does it at once, ``surface_taking`` a few
rows at a time), and the Snapshot says how far the network is off it.

The cost on the whole training and test sets (a forward pass over both) is evaluated
inside ``advance``, every k-th step at first (``_stride``: k ≥ EVALUATION_SPACING ×
samples / batch, so they cost at most a twelfth of the training), then on a schedule that thins
out as the run grows (at most EVALUATIONS kept, evenly spaced), so the loss curve does
not depend on how often anybody looks. ``snapshot()`` is a query; the costs it reports
are those of its own step, measured when asked (``evaluation``), or as last measured
(the engine times them). The hidden layers' activations on the first test inputs
(activity.py: Glorot & Bengio's Fig. 2) are recorded on a schedule of the same kind.

Divergence: at the first step whose cost, gradient norms or weights are not finite,
the run freezes at its last finite weights, statistics, costs and decision map, and
every Snapshot's ``diverged`` says what happened and at which step; its ``diagnosis``
says what to try (diagnosis.py). Nothing raises, nothing warns.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activity import MONITORED, ActivityHistory, activity, history as activity_history
from .config import SURFACE_FIELDS, TRAINING_FIELDS, SimConfig
from .data import SYMBOLS, Dataset, first_symbol_dataset, make_dataset
from .diagnosis import Diagnosis, diagnose
from .jacobian import spectrum
from .landscape import STALE_DECADES, BallState, Landscape, ProbeState, Surface
from .theory import TheoryView, for_network
from .network import Network
from .optim import Optimizer
from .pace import Abandoned
from .stats import DerivativeStats, LayerStats, StatsRecorder
from .twins import twin
from .unrolled import RecurrentPlane, UnrolledNetwork

HISTORY_LENGTH = 2048
EVALUATIONS = 64              # train/test evaluations kept for the loss curve (see advance)
EVALUATION_SPACING = 4        # the first evaluations are 4 × (training + test samples) / batch
LOOK_SPACING = 64             # steps apart, the looks at the activations 64 × monitored / batch,
LOOKS_AT_MOST = 256           # but at most 256 (see _stride)
DECISION_RESOLUTION = 48      # the input-plane grid of the decision-boundary map...
COARSE_DECISION_FLOPS = 1e9   # ...a coarse map (a network's first, and maps while playing)
COARSE_DECISION_LEAST = 8     # where 48² would cost more (at depth 100 × 256 a second: 8²), at least 8²
COARSE_RESOLUTION = 16        # the surface drawn at once after a change (refined later)
SURFACE_SAMPLES = 512         # the surface's data: at most this many training samples...
SURFACE_FLOPS = 2e7           # ...fewer where a pass of them costs more than this (a row of a
SURFACE_LEAST = 32            # surface, one measure of the ball), but no fewer than this
KEPT_LOOK = 2 ** 25           # bytes: a look at the monitored inputs keeps its arrays up to this
RECENT_STEPS = 20             # the diagnosis reads the speeds of learning over these last steps
# The costly parts of a new run (Simulation.next_part), in order: what each is in words, and
# about how many passes through the network's layers it takes (a checkpoint each layer).
PREPARED = {"_first_gradient": ("its first gradient", 2), "_first_costs": ("its costs", 1),
            "_first_activity": ("its activations", 1),
            "_first_location": ("the network on the surface's data", 2),
            "_first_surface": ("the cost surface", 1)}
PREPARATION = tuple(PREPARED)
RECURRENT_THEORY = ("Mean-field theory here is of layers whose weights are drawn anew each: a "
                    "recurrent network multiplies by one W at every time step. Beside the "
                    "measured product: that of the step Jacobians' gains.")


class DecimatingHistory:
    """Rows recorded at increasing steps, at most ``capacity`` of them kept.

    When full, every other row is dropped and from then on only every second call is
    recorded: a long run keeps its whole span at a uniformly coarser resolution.
    ``stride``: record only every stride-th call from the start.
    A step already recorded is not recorded again; a row whose computing is abandoned
    (pace.py) is not recorded, as if it had not been offered.
    """

    def __init__(self, capacity=HISTORY_LENGTH, stride=1):
        self.capacity = capacity
        self.stride = stride
        self.calls = 0
        self.steps, self.rows = [], []
        self._table = None      # (rows in it, steps, columns): the rows as arrays, for ``arrays``

    def record(self, step, row):
        """Offer the row of ``step``; ``row`` may be a function, called only when the
        row is kept (an evaluation that costs forward passes is then skipped)."""
        if self.steps and step <= self.steps[-1]:
            return
        if self.calls % self.stride:
            self.calls += 1
            return
        value = row() if callable(row) else row       # abandoned (pace.py): nothing recorded
        self.calls += 1
        self.steps.append(step)
        self.rows.append(value)
        if len(self.steps) > self.capacity:
            self.steps, self.rows = self.steps[::2], self.rows[::2]
            self.stride *= 2
            self._table = None

    def arrays(self, widths):
        """Steps, and each column of the rows, as fresh arrays.

        Rows are tuples; ``widths[i]`` is None for a column of numbers and the length
        for a column of arrays. The rows already turned into arrays are kept in a table
        (until the next decimation), so a call converts only the rows recorded since the
        last: every Frame asks for the whole history, and converting 2,048 rows of the
        learning speeds anew each time was a fifth of the engine's time while playing.
        """
        n, shapes = len(self.steps), [(w,) if w else () for w in widths]
        if self._table is None:
            size = self.capacity + 1
            self._table = (0, np.empty(size, dtype=np.int64),
                           [np.empty((size,) + shape) for shape in shapes])
        done, steps, columns = self._table
        if done < n:
            steps[done:n] = self.steps[done:n]
            for table, column, shape in zip(columns, zip(*self.rows[done:n]), shapes):
                table[done:n] = np.array(column, dtype=np.float64).reshape((n - done,) + shape)
            self._table = n, steps, columns
        return steps[:n].copy(), [table[:n].copy() for table in columns]


@dataclass(frozen=True)
class History:
    """Curves over the run so far (fresh arrays).

    ``steps``/``batch_loss``/``speed``: every recorded step, with ``speed[t, l]`` =
    ‖∂C/∂b^l‖ (Nielsen's speed of learning of layer l). ``eval_steps``/``train_loss``/
    ``test_loss``: the cost on the whole training and test sets, evenly spaced from
    step 0, at most EVALUATIONS of them. ``activity``: the hidden layers' activations on
    the first MONITORED test inputs, on a schedule of the same kind.
    """

    steps: np.ndarray
    batch_loss: np.ndarray
    speed: np.ndarray
    eval_steps: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    activity: ActivityHistory


@dataclass(frozen=True, eq=False)
class DecisionMap:
    """P(class 1) = the output a^L over a grid of the input plane: ``probability[i, k]``
    at (x[i], y[k]), as TensorFlow Playground draws it. Two maps are equal only if they are
    one (arrays have no truth value: the engine compares what it has sent by identity)."""

    x: np.ndarray
    y: np.ndarray
    probability: np.ndarray


@dataclass(frozen=True, eq=False)
class TestPredictions:
    """The class the network predicts for each test sample (evaluation mode): what the
    decision-boundary panel shows where the input is not a plane (equal only to itself,
    as a DecisionMap)."""

    predicted: np.ndarray


@dataclass(frozen=True)
class Evaluation:
    """The cost and accuracy on the whole training and test sets (evaluation mode), at
    training step ``step``."""

    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    step: int = 0

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
    ball: BallState              # where the network is on the surface
    probe: ProbeState | None     # the two-parameter experiment on the surface, if one runs
    decision: DecisionMap | TestPredictions   # the output over the input plane, or
                                              # the predicted test classes (not 2-D data)
    data: Dataset                # the points (read-only arrays, shared, never changed)
    theory: TheoryView           # mean-field predictions for this network, or why not
    diagnosis: Diagnosis         # what is happening to the run, in words (diagnosis.py)
    speeds: np.ndarray           # ‖∂C/∂b‖ per layer over the last RECENT_STEPS steps (their
                                 # geometric mean): what the diagnosis and the bars' headline read
    unit_name: str = "layer"     # what the statistics' entries are: "layer", or (recurrent mode)
                                 # "time step", the last entry then being the output layer


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
            self._build(restore=old)
            return
        if changed & TRAINING_FIELDS:
            if old.optimizer != config.optimizer or self.diverged is not None:
                self.optimizer = self._make_optimizer()    # fresh state after a divergence
            else:
                self._tune_optimizer()
            self.diverged = self.diverged_config = None   # weights were kept at their last finite values
            self._configure_probe()
        if changed & SURFACE_FIELDS:
            self._slice()

    def __deepcopy__(self, memo):
        """A twin that trains on by itself (a pinned baseline). What no run changes in place
        is shared, not copied: the network's last Location on the surface's data and the φ'
        statistics read from it (the landscape shares its own); the scratch θ a step is
        checked against is made anew."""
        memo[id(self._theta_before)] = np.empty_like(self._theta_before)
        measures = [kept[1] for kept in (self._located, self._derived) if kept is not None]
        return twin(self, memo, measures)

    def reset(self):
        """Start the run again from fresh weights drawn with the config's seed."""
        self._build(restore=self.config)

    def _build(self, restore):
        """A new network, data and surface for the config. If it cannot be built (its data
        cannot be read), or the building is abandoned (pace.py), the run is left exactly as
        it was, with the config ``restore`` (the one it had before), and the exception goes on."""
        kept = dict(self.__dict__)
        try:
            self._make()
        except (ValueError, Abandoned):
            self.__dict__.clear()
            self.__dict__.update(kept)
            self.config = restore
            raise

    def _make(self):
        c = self.config
        init_seed, data_seed, batch_seed, surface_seed = np.random.SeedSequence(c.seed).generate_state(4)
        if c.recurrent:
            self.data = first_symbol_dataset(c.n_samples, c.time_steps, seed=int(data_seed))
            sizes = c.layer_sizes(len(SYMBOLS), self.data.n_classes)
            self.net = UnrolledNetwork(sizes[0], c.width, sizes[-1], c.time_steps, c.spectral_radius,
                                       seed=int(init_seed), activation=c.activation, loss=c.loss)
        else:
            self.data = make_dataset(c.dataset, c.n_samples, c.noise, seed=int(data_seed),
                                     path=c.data_file, digest=c.data_digest)
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
        self.monitored = self.data.X_test[:MONITORED]
        self._batch_rng = np.random.default_rng(int(batch_seed))
        self._shuffled, self._cursor = None, 0
        chosen = np.sort(np.random.default_rng(int(surface_seed)).permutation(len(self.Y_train))[
            :surface_samples(self.net)])
        self.surface_X, self.surface_Y = self.data.X_train[chosen], self.Y_train[chosen]
        self._steps_workspace = self._kept_look = None
        self.optimizer = self._make_optimizer()
        self.recorder = StatsRecorder(self.net)
        self.step_count = 0
        self.diverged = self.diverged_config = None
        self.history = DecimatingHistory()
        self.eval_history = DecimatingHistory(
            EVALUATIONS, self._stride(len(self._eval_X), EVALUATION_SPACING))
        self.activity_history = DecimatingHistory(
            EVALUATIONS, min(LOOKS_AT_MOST, self._stride(len(self.monitored), LOOK_SPACING)))
        self._theta_before = self.net.theta.copy()
        self._decision_grid = self._input_grid(DECISION_RESOLUTION) if self.data.planar else None
        self._last_decision = None
        X = self.data.X_train
        self.theory = TheoryView(False, RECURRENT_THEORY) if c.recurrent else for_network(
            c.activation, sizes, c.init, float(np.mean(np.sum(X * X, axis=1)) / X.shape[1]),
            c.sigma_w, c.sigma_b, c.gain, c.batch_norm, c.residual)
        self._located = self._evaluated = self._derived = None
        self._axes()
        self._unprepared = list(PREPARATION)

    # ------------------------------------------------------------------ preparation
    def next_part(self):
        """(what the next costly part of a new run computes, in words; the share of them
        done; about how many checkpoints (pace.py) it passes), or None when every part is
        in place."""
        if not self._unprepared:
            return None
        what, passes = PREPARED[self._unprepared[0]]
        return what, 1 - len(self._unprepared) / len(PREPARATION), passes * self.net.n_layers

    def prepare_part(self):
        """Compute the next costly part of a new run and keep it (a network of depth 100 ×
        256 on batches of 4,096 takes seconds for its first gradient alone, so the engine
        does them a part at a time, saying what it does). One abandoned (pace.py) is begun
        again the next time."""
        getattr(self, self._unprepared[0])()
        self._unprepared.pop(0)

    def prepare(self):
        """Compute every costly part not yet in place, at once (training, a Snapshot)."""
        while self._unprepared:
            self.prepare_part()

    @property
    def ready(self):
        """Whether every costly part of the run is in place."""
        return not self._unprepared

    def _first_gradient(self):
        """The statistics at initialisation: a gradient on the first minibatch, in the
        training steps' workspace (a workspace of its own had its gigabytes of fresh pages
        faulted in twice at depth 100 × 256 over 4,096 samples)."""
        batches = self._cursor, self._shuffled
        X, Y = self._next_batch()
        try:
            grads = self.net.gradients(X, Y, workspace=self._workspace(len(X)))
        except Abandoned:
            if self._shuffled is not batches[1]:
                self._batch_rng.bit_generator.state = self._order_drawn_from
            self._cursor, self._shuffled = batches
            raise
        self.stats = self.recorder.record(grads)
        self._speeds_at_start = self.stats.grad_b_norm

    def _first_costs(self):
        self.eval_history.record(0, self._costs)

    def _first_activity(self):
        self.activity_history.record(0, self._activity)

    def _first_location(self):
        self._dead_at_start = self.recorder.derivatives(self._location().dphis).dead_fraction

    def _first_surface(self):
        self.landscape.compute_surface(COARSE_RESOLUTION, step=self.step_count)

    def _stride(self, samples, factor):
        """How many steps apart the first looks at ``samples`` inputs are: the power of two
        at or above ``factor`` × samples / batch size. A forward pass costs 0.2–0.3 of a
        training step per batch's worth of samples (measured at depth 10 × 16 and 30 × 32),
        so the loss curve's evaluations over the training and test sets (EVALUATION_SPACING)
        cost at most a twelfth of the training from the start: 64 steps apart on the 2-D
        sets at batch 32, 256 on the digits. A look at the activations on the monitored
        inputs costs 1.6–10 training steps (its percentiles partition every unit's value):
        at LOOK_SPACING, and at most LOOKS_AT_MOST steps apart (at batch 10 on the digits
        the spacing alone gave 2,048, two looks in a 3,000-step run), they cost 0.6–4 %
        of a run (``benchmarks/bench_panels.py``)."""
        ratio = factor * samples / self.config.batch_size
        return 2 ** int(np.ceil(np.log2(max(1.0, ratio))))

    def _axes(self):
        """New axes for the cost surface through the current weights (no surface yet)."""
        c = self.config
        landscape_seed = np.random.SeedSequence(c.seed).generate_state(5)[4]
        self.landscape = Landscape(self.net, self.surface_X, self.surface_Y, *c.surface_layers,
                                   seed=int(landscape_seed), extent=c.surface_extent,
                                   plane=RecurrentPlane if c.recurrent else None)
        self._configure_probe()

    def _slice(self):
        """New axes for the cost surface through the current weights; their first surface
        is a part to prepare."""
        self._axes()
        if "_first_surface" not in self._unprepared:
            self._unprepared.append("_first_surface")

    def _configure_probe(self):
        c = self.config
        self.landscape.configure_probe(c.optimizer, c.learning_rate, c.momentum,
                                       c.clip_threshold if c.clip else None)

    # ------------------------------------------------------------------ the surface
    def surface_due(self, exact=False):
        """Whether the surface should be taken again now: the network moved off its plane
        (under the ball the surface's log₁₀ C and the network's differ by more than
        STALE_DECADES, the network's cost as last measured; ``exact``: at all, since the
        step it was taken at, measured now). A network that left the map gets a wider one
        at once, in ``advance``: whoever steps the run, the map is the same."""
        landscape = self.landscape
        if landscape.launched is not None:
            return False
        if exact:
            return landscape.surface.step != self.step_count and self._ball().off_plane > 0
        return self._ball(fresh=False).off_plane > STALE_DECADES

    def surface_taking(self, resolution, budget, exact=False):
        """A new surface a few rows at a time: through the network now if it is due
        (``surface_due(exact)``), else the present one at ``resolution`` (finer). A
        generator that yields False after each ``budget`` seconds of rows and True once the
        new surface is in place (landscape.py)."""
        if self.surface_due(exact):
            return self.landscape.taking(resolution, budget=budget, net=self.net, step=self.step_count)
        return self.landscape.taking(resolution, budget=budget)

    def follow_network(self, resolution=None):
        """Take the surface again at once through the network, where it has moved off it
        since the surface was taken, at ``resolution`` (by default the present one): what a
        picture shows."""
        if self.surface_due(exact=True):
            for _ in self.surface_taking(resolution or self.landscape.surface.resolution,
                                         float("inf"), exact=True):
                pass

    def refine_surface(self, resolution=128):
        """Recompute the surface on a finer grid, at once (a picture's; the engine refines
        a share per tick while the lecturer rests: ``surface_taking``)."""
        return self.landscape.compute_surface(resolution)

    def drop_probe(self, a, b):
        """Start the two-parameter experiment at (a, b) on the surface."""
        self.landscape.drop(a, b)

    def roll_probe(self, n=1):
        """Move the probe ``n`` steps down the surface (nothing if there is none)."""
        return self.landscape.roll(n)

    def _location(self, fresh=True):
        """The network on the surface's data (landscape.Location): now, computed once per
        weights and axes; or (``fresh=False``) as last measured on these axes, if it was."""
        key = (self.step_count, self.diverged, self.landscape)
        kept = self._located is not None and (self._located[0] == key or (
            not fresh and self._located[0][2] is self.landscape))
        if not kept:
            self._located = key, self.landscape.locate(self.net, self.step_count)
        return self._located[1]

    def _ball(self, fresh=True):
        return self.landscape.ball(self._location(fresh))

    def _input_grid(self, resolution):
        """(x, y, points) of a square grid covering the data with a margin."""
        X = np.concatenate([self.data.X_train, self.data.X_test])
        reach = float(np.abs(X).max()) * 1.1
        axis = np.linspace(-reach, reach, resolution)
        xx, yy = np.meshgrid(axis, axis, indexing="ij")
        return axis, axis.copy(), np.column_stack([xx.ravel(), yy.ravel()])

    def decision_map(self, coarse=False):
        """The network's P(class 1) over the input plane (evaluation mode), or the last
        finite map where this one is not finite (weights that overflow the output);
        ``coarse``: on a coarser grid where a pass of the whole grid would cost more than
        COARSE_DECISION_FLOPS (the engine's choice for a new network's first map, and while
        playing: the whole map is made at rest).
        Where the data are not 2-D and binary, a map means nothing: the classes the
        network predicts for the test set instead."""
        if self._decision_grid is None:
            z = self.net.logits(self.data.X_test)
            return TestPredictions(predicted_classes(z))
        x, y, points = self._decision_grid
        affordable = int(math.sqrt(COARSE_DECISION_FLOPS / (2 * int(self.net.weight_mask.sum()))))
        if coarse and affordable < DECISION_RESOLUTION:
            x, y, points = self._input_grid(max(COARSE_DECISION_LEAST, affordable))
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
            self._order_drawn_from = self._batch_rng.bit_generator.state
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
        schedule; each step moves the ball to where the network now is (``ball=False``
        leaves it, and its trail, where they were: for benchmarks of the bare step)."""
        self.prepare()
        for _ in range(int(n)):
            if self.diverged is not None or not self._train_step():
                break
            if ball:
                self.landscape.record(self.net.theta, self.step_count)
                if self.landscape.outside is not None:      # left the map: a wider one at once,
                    self.landscape.compute_surface(COARSE_RESOLUTION, self.landscape.outside)  # coarse
            self.eval_history.record(self.step_count, self._costs)   # after the ball has moved
            self.activity_history.record(self.step_count, self._activity)

    def _train_step(self):
        net = self.net
        batches = self._cursor, self._shuffled
        X, Y = self._next_batch()
        try:
            grads = net.gradients(X, Y, workspace=self._workspace(len(X)))
        except Abandoned:                    # the step is not taken: its batch is not used
            if self._shuffled is not batches[1]:                  # nor the epoch it began
                self._batch_rng.bit_generator.state = self._order_drawn_from
            self._cursor, self._shuffled = batches
            raise
        trace = grads.trace
        next_step = self.step_count + 1
        np.copyto(self._theta_before, net.theta)
        with np.errstate(all="ignore"):         # a feed-forward network's segments make up θ:
            norms = net.gradient_norms(grads)
            square = None if net.recurrent else float(np.add.reduce(norms * norms))   # Σ∇², no pass
        report = self.optimizer.step(net.theta, grads.flat, square)
        stats = self.recorder.record(grads, report.update, norms)
        what = _not_finite(grads.loss, report.grad_norm, stats, net.theta)
        if what is None and not net.update_running_statistics(trace):
            what = "batch norm's running averages overflowed"
        if what is not None:
            np.copyto(net.theta, self._theta_before)      # freeze at the last finite weights
            self.diverged = f"Diverged at step {next_step}: {what}"
            self.diverged_config = self.config
            self.landscape.overflowed(next_step)
            return False
        self.step_count = next_step
        self.stats = stats
        self.history.record(next_step, (grads.loss, stats.grad_b_norm))
        return True

    def _workspace(self, n):
        """Where a training step's pass writes (made once per batch size)."""
        if self._steps_workspace is None or self._steps_workspace.n != n:
            self._steps_workspace = self.net.workspace(n)
        return self._steps_workspace

    # ------------------------------------------------------------------ reporting
    def evaluation(self, fresh=True):
        """Cost and accuracy on the training and test sets now, in one forward pass over
        both (batch norm in evaluation mode: every sample is its own), or the last
        finite ones where these are not finite; ``fresh=False``: as last evaluated."""
        if self._evaluated is not None and (self._evaluated[0] == self.step_count or not fresh):
            return self._evaluated[1]
        net, n = self.net, len(self.Y_train)
        z = net.logits(self._eval_X)
        Y = self._eval_Y
        with np.errstate(all="ignore"):              # a diverging run's costs overflow to inf
            costs = net.loss_function.sample_costs(z, Y)
            train_cost, test_cost = float(costs[:n].mean()), float(costs[n:].mean())
        correct = predicted_classes(z) == self._eval_labels
        now = Evaluation(train_cost, test_cost, float(correct[:n].mean()), float(correct[n:].mean()),
                         self.step_count)
        if now.finite or self._evaluated is None:
            self._evaluated = self.step_count, now
        return self._evaluated[1]

    def _costs(self):
        e = self.evaluation()
        return e.train_loss, e.test_loss

    def _activity(self):
        return activity(self.net, self.monitored, self._look_workspace())

    def _look_workspace(self):
        """Where a look at the monitored inputs writes: kept from look to look where it is
        at most KEPT_LOOK bytes (fresh memory's page faults made a look at depth 30 × 32
        3.6× as long), made for the look and let go where larger; a recurrent network's
        pass makes its own."""
        if self.net.recurrent:
            return None
        ws = self._kept_look or self.net.workspace(len(self.monitored), backward=False)
        small = ws.a_stack is not None and 3 * ws.a_stack.nbytes <= KEPT_LOOK
        self._kept_look = ws if small else None
        return ws

    def spectrum(self):
        """The singular values of the network's input–output Jacobian now, on the first of
        the monitored inputs (jacobian.Spectrum): what the Jacobian panel shows."""
        return spectrum(self.net, self.monitored, self.step_count)

    def snapshot(self, decision=None, measure=True):
        """The current frame: a query that changes nothing. ``decision``: a DecisionMap
        to show (the engine refreshes it a few times a second, not every frame: it is a
        forward pass over a 48² grid); None computes it now. ``measure=False``: the costs
        and the network on the surface's data as last measured (the engine measures them
        a few times a second where they cost much: passes over whole sets); the ball's
        place, the statistics and the curves are always of now."""
        self.prepare()
        e = self.evaluation(fresh=measure)
        steps, (batch_loss, speed) = self.history.arrays((None, self.net.n_layers))
        eval_steps, (train_curve, test_curve) = self.eval_history.arrays((None, None))
        history = History(steps, batch_loss, speed, eval_steps, train_curve, test_curve,
                          activity_history(self.activity_history.steps, self.activity_history.rows))
        location = self._location(fresh=measure)
        if self._derived is None or self._derived[0] is not location:   # once per measure
            self._derived = location, self.recorder.derivatives(location.dphis)
        derivatives = self._derived[1]
        ball = self.landscape.ball(location)
        speeds = recent_speeds(speed, self.stats)
        diagnosis = diagnose(self.diverged_config or self.config, speeds, derivatives,
                             self.diverged, ball.launched, (eval_steps, train_curve), e.train_accuracy,
                             self._dead_at_start, self.theory, self._speeds_at_start)
        return Snapshot(self.step_count, self.config, e.train_loss, e.test_loss,
                        e.train_accuracy, e.test_accuracy, self.stats, derivatives, history,
                        self.diverged, self.landscape.surface, ball, self.landscape.probe,
                        self.decision_map() if decision is None else decision,
                        self.data, self.theory, diagnosis, speeds,
                        "time step" if self.net.recurrent else "layer")


def predicted_classes(z):
    """The class each row of output weighted inputs z^L stands for: the largest output,
    or, for a single sigmoid output, class 1 where σ(z) > ½."""
    return np.argmax(z, axis=1) if z.shape[1] > 1 else (z[:, 0] > 0).astype(np.intp)


def surface_samples(net):
    """How many training samples the surface's data hold for ``net``: SURFACE_SAMPLES, or as
    many as a pass of SURFACE_FLOPS carries through its weights (at least SURFACE_LEAST):
    512 for the lab's usual networks, 32 at depth 100 × 256, where a pass of 512 took 0.3 s
    and a surface of 48 rows 15 s."""
    per_sample = 2 * net.multiply_adds
    return int(min(SURFACE_SAMPLES, max(SURFACE_LEAST, SURFACE_FLOPS // per_sample)))


def recent_speeds(speed, stats, steps=RECENT_STEPS):
    """Each layer's speed of learning ‖∂C/∂b‖ over the last ``steps`` recorded steps (their
    geometric mean: one minibatch's jitter averaged out, the orders of magnitude kept; 0 if
    it was 0 in every one of them), or the last step's ``stats`` before any was recorded."""
    if len(speed) == 0:
        return stats.grad_b_norm
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.exp(np.mean(np.log(speed[-steps:]), axis=0))


def _not_finite(cost, grad_norm, stats, theta):
    """What stopped being finite in a step, in words, or None if nothing did."""
    # Every term but Σθ is ≥ 0, so one inf or NaN anywhere makes this sum of Python floats
    # (which overflow to inf silently) non-finite; a finite θ whose sum overflows is checked
    # below. Σθ is one pass over θ (its max and min were two: 5 ms at depth 100 × 256).
    with np.errstate(all="ignore"):
        total = float(np.add.reduce(theta))
    if math.isfinite(cost + grad_norm + float(stats.grad_w_norm.max())
                     + float(stats.grad_b_norm.max()) + float(stats.delta_rms.max())) \
            and math.isfinite(total):
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
