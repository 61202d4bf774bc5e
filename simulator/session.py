"""The live engine: a Simulation (and a pinned baseline) driven by the window's commands,
stepped in bounded pieces, reported as Frames. It runs in a process of its own, with no Qt
(``serve``), and in the tests as a plain object (``Session``).

    window --commands--> serve(): a reader thread --> Session.receive --> Session.tick --> Frames

* One loop, one thread computes; a second thread only reads the window's commands, at
  once, so the window never waits to send. A command that makes the work under way moot
  (a config, a reset, a preset, a pin, a probe, stop) interrupts it at its next checkpoint
  (pace.py): no more than one layer's products later, whatever the network.
* Commands apply in the order they were sent, at the next tick; a run of configs is
  coalesced, so only the newest one is built (a dragged slider costs one build). What they
  changed is sent as a Frame at once, before the next training step.
  ``restart(config, baseline)`` (a preset, a loaded setup) is a clean slate: exactly that
  config and that baseline (or none), fresh weights; everything queued before it is moot.
  A run is a function of its config: a reset or a restart to configs whose fresh runs were
  shown at step 0 before sends that Frame again at once, while the runs are built anew.
* Work that runs long lets the engine speak at its checkpoints (pace.speaking, every
  ``SPEAK_EVERY`` seconds): while playing, the Frame of the last step finished (the same
  Frame again, where nothing has changed since), so the window keeps its frame rate while a
  step of depth 100 × 256 takes longer than a frame; while a new run is prepared, how far
  it has come; else, now and then, that it is alive.
* A config whose network cannot be built (its data file cannot be read, or changed since
  it was checked) leaves the run as it was and is answered ("refused", sentence, config of
  the run that goes on); at start, the defaults are run instead. Nothing raises out of the
  loop: an error is sent as a message, once, and playback pauses.
* A new run's costly parts (its first gradient, its costs, the network on the surface's
  data, the surface) are computed a tick's budget at a time, and where that takes longer
  than ``WORKING_AFTER`` the engine says what it is doing (("working", what, share done,
  whether it is the baseline's)); building a network of more than ``HEAVY`` weights is
  said before it begins. So a heavy network is on screen at once as work under way.
* A tick trains the steps the clock owes: ``steps_per_frame`` for every ``TICK`` since the
  last (at most ``CATCH_UP`` ticks' worth), so a late tick on a busy machine catches up and
  the run gets the steps per second asked for (with two competing processes it had 38 %),
  within about ``BUDGET`` seconds of the engine's own CPU time (time spent waiting for a
  CPU is not the engine's: counting it cut ticks short of the steps asked); then it sends
  one Frame: the Snapshot plus the measured steps per second (0 when no step was taken).
* The window says when it begins to paint a Frame (``painting``: how many it had received
  then); once it has said so, a playing tick's Frame, and one sent while a step runs long,
  waits while ``AHEAD`` Frames are on their way that it has not begun to paint, and goes
  once it has (a Frame of a change never waits). A busy machine's window paints a dozen
  Frames a second, and the engine made and pickled 66 (its Frames were half its work with
  a baseline): the time goes to the steps instead.
* A divergence pauses playback: the Frame of that tick says so (``halted``), and the
  window's Play button follows. Playing a frozen run takes no step.
* The cost surface follows the network: once it is due (``Simulation.surface_due``: the
  network moved off its plane), the engine takes it again, a few rows per tick
  (``FOLLOW_BUDGET`` while playing, at ``PLAYING_RESOLUTION``, with at most ``FOLLOW_SHARE``
  of the engine's time), and the new surface replaces the old one whole. When nothing
  changed and no training step was taken for ``REFINE_AFTER`` seconds (paused, or
  frozen), it takes the surface through the network as it is now (if it has moved at
  all) and refines it to ``FINE_RESOLUTION``, the same way, each tick's share taking about
  ``REFINE_BUDGET``.
* A step that carries the ball far across the map (``JUMP`` of its extent: a cliff) ends
  its tick, and the next step waits ``JUMP_HOLD``: an explosion plays slowly enough to see.
* The probe (a click on the map) rolls one step per tick, at most ``PROBE_STEPS``.
* The decision map is the engine's to time: a fresh one at most every
  ``DECISION_REFRESH`` seconds and with at most ``DECISION_SHARE`` of the time, a new
  network's first one, and those while playing, coarse where a whole one costs much (a
  second at depth 100 × 256: the ball stood still), the whole one made at rest; a map
  kept as long as its network is the run's (a pin's copy shows its original's); so are,
  while playing, the costs on the whole sets and the network's cost and slope on the
  surface's data (``MEASURE_SHARE``): passes over whole sets, every frame for the lab's
  usual networks, every few seconds at depth 100 × 256, where they took seconds a frame.
  The live run's Jacobian's singular values (jacobian.Spectrum), only while a panel on
  screen needs them, once per step shown: while playing, at most every
  ``SPECTRUM_REFRESH`` seconds and with at most ``SPECTRUM_SHARE`` of the time (the
  Spectrum says its step). The ball's place, the statistics and
  the curves are of every frame; the ball says which step it was measured at.
* Where a training step takes nearly a ``FRAME`` (depth 100 × 256: 70 ms), the surface,
  the decision maps and the measures share what the step leaves of a FRAME, in the
  proportions of their shares (``_share``), so the ball still moves in at least 10 frames
  a second; at least ``LEAST_SHARE`` of their shares, however long a step.
* A pinned baseline (issue 14) is a second Simulation, advanced step for step with the
  live one: pinning copies the live run as it is; whenever the live run starts over (a
  rebuild, a reset), the baseline starts over from its own config too, so both are always
  at the same step count, and each equals a run of its own config alone. A divergence
  freezes only the run that diverged; playback pauses once no run is still training.
* While idle the loop sleeps until a command comes; it says it is alive at least every
  ``HEARTBEAT`` seconds, so the window can tell an engine that has stopped answering.
"""
from __future__ import annotations

import copy
import dataclasses
import queue
import threading
import time
import warnings

from .config import SimConfig
from .data import keep_only
from .frames import FINE_RESOLUTION, NEEDS, Framer
from .jobs import in_background
from .pace import Abandoned, interruptible, passed, speaking, spoke
from .simulation import PREPARATION, Simulation

TICK = 0.015               # seconds between two ticks while there is work
BUDGET = 0.012             # CPU seconds of training per tick: the rest is for commands and the Frame
REFINE_AFTER = 0.35        # seconds without changes before the surface is refined
REFINE_BUDGET = 0.12       # seconds of refinement per tick (it overshoots by a few ms: under 150)
FOLLOW_BUDGET = 0.004      # seconds per tick of a new surface taken while playing...
FOLLOW_SHARE = 0.15        # ...and at most this share of the engine's time (a row may take more)
PLAYING_RESOLUTION = 48    # ...at this resolution (refined to FINE_RESOLUTION at rest)
JUMP = 0.25                # a step that moves the ball this share of the map's extent...
JUMP_HOLD = 0.3            # ...holds the next step back this many seconds
PROBE_STEPS = 500          # the probe rolls at most this many steps
DECISION_REFRESH = 0.1     # seconds between decision maps (a forward pass over a 48² grid)...
DECISION_SHARE = 0.1       # ...and at most this share of the engine's time
SPECTRUM_REFRESH = 0.25    # seconds between Spectra of the Jacobian (SVDs of up to 64 inputs)...
SPECTRUM_SHARE = 0.05      # ...and at most this share of the engine's time
MEASURE_SHARE = 0.15       # the costs and the network on the surface's data, measured while
                           # playing with at most this share of the time (every frame, mostly)
FRAME = 0.08               # seconds: a step this long leaves the three shares above little...
LEAST_SHARE = 0.1          # ...but at least this part of each
HEARTBEAT = 0.4            # seconds: the longest the loop stays silent
SPEAK_EVERY = 0.08         # seconds: while work runs long, the engine speaks this often
CATCH_UP = 10              # a late tick takes at most this many ticks' steps
AHEAD = 2                  # Frames sent ahead of the one the window has begun to paint
WORKING_AFTER = 0.05       # a new run's preparation taking longer than this is said, part by part
HEAVY = 500_000            # weights beyond which building a network is said before it begins
# The commands the window may send, and those that make the work under way moot.
COMMANDS = ("set_config", "set_playing", "set_steps_per_frame", "step_once", "reset", "drop_probe",
            "restart", "pin_baseline", "clear_baseline", "set_needs", "painting")
SUPERSEDING = {"set_config", "reset", "drop_probe", "restart", "pin_baseline", "clear_baseline", "stop"}


class Session:
    """Owns the live Simulation and its baseline; ``send`` takes each Frame and message."""

    def __init__(self, config: SimConfig, send):
        self._send = send
        self._sent = time.monotonic()     # when the engine last sent something
        self._queue = [("config", config)]  # commands waiting for the next tick, in order
        self._playing = False
        self._steps_per_frame = 5
        self._single_steps = 0
        self._rate = 0.0
        self._trained_until = None        # when the last tick that trained ended
        self._owed, self._paced_at = 0.0, None   # steps the clock owes the run, and since when
        self._step_seconds = 0.0          # how long the last training step took (both runs')
        self._send_now = False
        self._last_change = time.monotonic()
        self._framer = Framer()
        self._taking = {}                 # run → a new surface under way (Simulation.surface_taking)
        self._follow_after = 0.0          # while playing, no share of a surface before this
        self._hold_until = 0.0            # no training step before this (a cliff plays slowly)
        self._needs = NEEDS               # what the Frames carry beyond the Snapshots
        self._maps = {}                   # run → (the network it was made of, its DecisionMap)
        self._decision_time = self._decision_seconds = 0.0
        self._spectrum = None, None       # (the network it was taken of, the live run's Spectrum)
        self._spectrum_time = self._spectrum_seconds = 0.0
        self._building = False            # commands are being followed: no run to show
        self._shown = None, None          # (what the last Frame showed, that Frame)
        self._pristine = False            # the runs are fresh runs of their configs, untouched
        self._first = None, None          # ((config, baseline config), a Frame of their step 0)
        self._preparing = None            # (run, part, its share, checkpoints passed before it)
        self._measured_time, self._measure_seconds = None, 0.0   # the costs, the ball's measure
        self._halted = False
        self._frames_sent = 0
        self._painting = None             # Frames the window had when it began its last paint
        self._frame_waits = False         # a Frame of steps waits for the window (AHEAD)
        self._emitting = False            # a Frame is being made to be sent (``_emit``)
        self.sim = None
        self.baseline = None              # the pinned run, a Simulation trained beside sim

    def send(self, message):
        """Send a Frame or a message to the window."""
        self._send(message)
        self._frames_sent += not isinstance(message, tuple)
        self._sent = time.monotonic()
        spoke()

    # --------------------------------------------------------- commands
    def receive(self, command):
        """Take one command from the window: (name, arguments…), a name of COMMANDS. The
        play state and the speed take effect at once, and so does Step where nothing waits;
        the rest wait, in order, for the next tick (``_apply_pending``), a run of configs
        coalesced to the newest."""
        name, *arguments = command
        if name not in COMMANDS:
            raise ValueError(f"command: unknown name {name!r}; allowed: {', '.join(COMMANDS)}")
        getattr(self, name)(*arguments)

    def set_config(self, config):
        if self._queue and self._queue[-1][0] == "config":
            self._queue[-1] = ("config", config)           # only the newest is built
        else:
            self._queue.append(("config", config))

    def set_playing(self, playing):
        if self._playing and not playing:
            self._decision_time = float("-inf")   # the whole map at rest (coarse while playing)
        self._playing = bool(playing)
        self._rate = 0.0 if not playing else self._rate
        self._trained_until = self._paced_at = None
        self._owed = 0.0
        self._send_now = True

    def set_steps_per_frame(self, steps):
        self._steps_per_frame = max(1, int(steps))

    def set_needs(self, needs):
        """What the panels on screen need beyond the Snapshots (frames.NEEDS); the rest is
        not computed (a decision map is a forward pass over a 48² grid). Needed again, it
        comes in the next Frame."""
        needs = frozenset(needs) & NEEDS
        if "decision" in needs - self._needs:
            self._decision_time = float("-inf")   # a fresh map in the next Frame
        if "jacobian" in needs - self._needs:
            self._spectrum_time = float("-inf")   # a fresh Spectrum in the next Frame
        self._needs = needs
        self._send_now = True

    def step_once(self):
        """One training step, at once, or after the commands that wait for the next tick
        where some do (a clean slate among them drops only the steps asked before it)."""
        if self._queue:
            self._queue.append(("step",))
        else:
            self._single_steps += 1

    def reset(self):
        self._queue.append(("reset",))

    def drop_probe(self, a, b):
        self._queue.append(("drop", float(a), float(b)))

    def restart(self, config, baseline):
        """A clean slate: ``config`` with the ``baseline`` config beside it (or None: no
        baseline), both from fresh weights; what was queued before is moot."""
        self._queue.append(("restart", config, baseline))

    def pin_baseline(self):
        """The live run, as the commands sent before this one leave it, becomes the
        baseline (a copy that trains on)."""
        self._queue.append(("pin",))

    def clear_baseline(self):
        self._queue.append(("clear",))

    def painting(self, received):
        """The window begins to paint a Frame, having received ``received`` Frames so far."""
        self._painting = int(received)

    def _window_behind(self):
        """Whether AHEAD Frames are on their way that the window has not begun to paint
        (never, for a window that does not say when it paints)."""
        return self._painting is not None and self._frames_sent - self._painting >= AHEAD

    def _changed(self):
        self._last_change = time.monotonic()
        self._send_now = True

    def _refuse(self, error):
        """Say why a config was not built, and which one runs on."""
        self.send(("refused", str(error), None if self.sim is None else self.sim.config))

    def _apply_pending(self):
        """The commands that came since the last tick, in order; True if any did. Everything
        before the last restart is moot. A config that cannot be built is refused and the
        run goes on (at the start, the defaults run instead). Work abandoned for a newer
        command (pace.py) is begun again at the next tick, with it."""
        queue, self._queue = self._queue, []
        if not queue:
            return False
        restarts = [k for k, command in enumerate(queue) if command[0] == "restart"]
        queue = queue[restarts[-1]:] if restarts else queue
        self._building = True
        try:
            self._follow_commands(queue)
        except Abandoned:
            self._queue = queue + self._queue
            raise
        finally:
            self._building = False
        if self.sim is None:                  # at the start, refused: the defaults always build
            self.sim = Simulation(SimConfig())
        keep_only([sim.config for sim in self._runs()])      # data files no run uses: let go
        self._changed()                       # the network or its data may be new
        return True

    def _follow_commands(self, queue):
        config, fresh = None, False           # the config to build (and whether afresh)
        steps = 0                             # Steps asked since the last clean slate (counted
                                              # at the end: an abandoned queue is followed again)
        net = None if self.sim is None else self.sim.net

        def build():
            nonlocal config, fresh
            try:
                if fresh or self.sim is None:
                    target = config if config is not None else (self.sim.config if self.sim else None)
                    if target is not None:
                        self.sim = Simulation(target)
                elif config is not None:
                    self.sim.apply(config)
                    self._pristine = False    # kept weights: not its config's fresh run
            except ValueError as error:
                self._refuse(error)
            config, fresh = None, False
            if self.sim is not None and self.sim.net is not net:
                self._new_network()
                if self.baseline is not None:
                    self.baseline.reset()     # the live run starts over: so does the baseline

        for kind, *arguments in queue:
            if kind in ("config", "restart") and _weights(arguments[0]) > HEAVY:
                self.send(("working", "building it", 0.0, False))   # seen before it begins
            if kind == "config":
                config = arguments[0]
            elif kind == "step":
                steps += 1
            elif kind == "reset":
                fresh = True
                self._show_first(config or (self.sim and self.sim.config),
                                 self.baseline and self.baseline.config)
            elif kind == "restart":
                self._show_first(*arguments)
                try:
                    sims = Simulation(arguments[0]), None if arguments[1] is None else Simulation(arguments[1])
                except ValueError as error:
                    self._refuse(error)
                    continue
                self.sim, self.baseline = sims
                net, self._single_steps, steps = self.sim.net, 0, 0
                self._taking.clear()
                self._new_network()
            else:
                build()
                net = None if self.sim is None else self.sim.net
                if kind == "pin":
                    self.baseline = copy.deepcopy(self.sim)
                    mapped, shown = self._maps.get(self.sim, (None, None))
                    if mapped is self.sim.net:    # a copy's map is the original's
                        self._maps[self.baseline] = self.baseline.net, shown
                    self._pristine = False
                elif kind == "clear":
                    self.baseline = None
                else:
                    self.sim.drop_probe(*arguments)
                    self._pristine = False
        build()
        self._single_steps += steps

    def _new_network(self):
        """A new network runs: it is its config's step 0, and its surface and measures are
        taken on its own time, not at the pace the network before set (after depth 100 ×
        256, a 1 × 1 network showed the surface and costs of its step 0 for seconds)."""
        self._pristine = True
        self._follow_after, self._measured_time = 0.0, None

    def _show_first(self, config, baseline):
        """A run is a function of its config: where a Frame of fresh runs of ``config`` and
        ``baseline`` at step 0 was sent before, it is sent again at once, while they are
        built anew (a network of depth 100 × 256 on batches of 4,096 takes seconds to its
        first gradient: a reset was seen only then)."""
        key, frame = self._first
        if frame is not None and key == (config, baseline):
            self.send(dataclasses.replace(frame, steps_per_second=0.0, playing=self._playing, halted=False))

    # --------------------------------------------------------- the tick
    def tick(self):
        """One round of work: the newest config and the commands after it (and at once a
        Frame of them, where they changed anything), training within the budget, a share
        of a surface, the probe, and a Frame if anything changed. Work that runs long
        lets the engine speak meanwhile (``_speak``)."""
        with speaking(SPEAK_EVERY, self._speak):
            self._tick()

    def _tick(self):
        applied = changed = self._apply_pending()
        if self.sim is None or not self._prepare():
            return
        if self._send_now:                    # a change (or new runs, now ready) on screen
            self._emit(at_once=True)          # before the next step
        if self._playing:
            self._train(self._owed_steps(), BUDGET)
            changed = True
        elif self._single_steps:              # Step: never held, but within the budget too
            before = self.sim.step_count
            self._train(self._single_steps, BUDGET, held=False)
            taken = self.sim.step_count - before
            frozen = all(sim.diverged is not None for sim in self._runs())
            self._single_steps = 0 if frozen else max(0, self._single_steps - max(taken, 1))
            changed = True
        changed = self._follow(not applied and time.monotonic() - self._last_change > REFINE_AFTER) or changed
        changed = self._roll_probe() or changed
        if changed or self._send_now or self._frame_waits:
            if self._send_now or not self._window_behind():
                self._emit()
            else:
                self._frame_waits = True

    def _prepare(self):
        """The costly parts of new runs (Simulation.next_part), as many as fit in a tick's
        budget, saying what is done where it takes longer than ``WORKING_AFTER``; True once
        both runs are ready."""
        began = time.thread_time()
        for sim in self._runs():
            while (part := sim.next_part()) is not None:
                what, share, checkpoints = part
                if time.monotonic() - self._last_change > WORKING_AFTER:
                    self.send(("working", what, share, sim is self.baseline))
                self._preparing = sim, part, passed()
                try:
                    sim.prepare_part()
                finally:
                    self._preparing = None
                if time.thread_time() - began > BUDGET:
                    return False
        return True

    def _speak(self):
        """What the engine says while a piece of work runs long (pace.speaking): while a new
        run is prepared, how far it has come (the part's share by its checkpoints passed);
        while playing, a Frame of the steps finished so far, with the decision maps and
        the measures last taken (so the window keeps its frame rate while a heavy
        network's step takes longer than a frame), unless the tick's own Frame is being
        made (it goes next, and the window is sent no more than AHEAD ahead); else, now
        and then, that it is alive."""
        if self._preparing is not None:
            sim, (what, share, checkpoints), before = self._preparing
            within = min(0.95, (passed() - before) / max(checkpoints, 1)) / len(PREPARATION)
            self.send(("working", what, share + within, sim is self.baseline))
        elif (self._playing and not self._building and not self._emitting and self._shown_ready()
              and not self._window_behind()):
            key, frame = self._shown
            if key != self._state():
                frame = self._frame(measure=False)
            self.send(dataclasses.replace(frame, steps_per_second=self._rate, playing=True, halted=False))
        elif time.monotonic() - self._sent >= HEARTBEAT:
            self.send(("alive",))

    @property
    def busy(self):
        """Whether a tick has work to do now, without waiting for a command: yes, too, where
        a newer command interrupted the asking (whether the surface is due measures the
        network on it, which can be abandoned; raised here, it ended the engine)."""
        try:
            return (bool(self._queue) or self._playing
                    or (self.sim is not None and not all(sim.ready for sim in self._runs()))
                    or bool(self._single_steps) or bool(self._taking) or self._send_now
                    or self._frame_waits
                    or (self.sim is not None and (self._resting_work() or self._probe_rolls())))
        except Abandoned:
            return True

    def _runs(self):
        return [self.sim] if self.baseline is None else [self.sim, self.baseline]

    def _resting_work(self):
        return any(sim.landscape.surface.resolution < FINE_RESOLUTION or sim.surface_due(exact=True)
                   for sim in self._runs())

    def _follow(self, resting):
        """A share of the surface each run needs: a new one where it is due (the network
        moved off it), or, ``resting`` (no change, no training step: paused, or frozen by a
        divergence), a finer one. True once a new surface is in place. While playing, the
        surface takes at most FOLLOW_SHARE of the engine's time: a row at depth 100 × 256
        is a pass through the network for every column, and rows every tick took three
        quarters of it, the steps the rest."""
        now = time.monotonic()
        if not resting and now < self._follow_after:
            return False
        began, done = time.perf_counter(), False
        try:
            for sim in self._runs():
                done = self._follow_run(sim, resting) or done
                if resting and (done or sim in self._taking):
                    break                 # one run's share per tick: the live run's first
        finally:
            spent = time.perf_counter() - began
            self._follow_after = now + spent * (1 / self._share(FOLLOW_SHARE) - 1)
        return done

    def _follow_run(self, sim, resting):
        """A share of the surface ``sim`` needs (``_follow``); True once it is in place."""
        taking = self._taking.get(sim)
        if taking is None or taking[0] is not sim.landscape:
            due, surface = sim.surface_due(exact=resting), sim.landscape.surface
            if not due and not (resting and surface.resolution < FINE_RESOLUTION):
                return False
            resolution, budget = ((FINE_RESOLUTION, REFINE_BUDGET) if resting
                                  else (PLAYING_RESOLUTION, FOLLOW_BUDGET))
            taking = self._taking[sim] = (sim.landscape, sim.surface_taking(resolution, budget,
                                                                            exact=resting))
        try:
            finished = next(taking[1])
        except Abandoned:
            del self._taking[sim]             # begun anew when it is due again
            raise
        if finished:
            del self._taking[sim]
        return finished

    def _probe_rolls(self):
        probe = self.sim.landscape.probe
        return probe is not None and not probe.launched and probe.steps < PROBE_STEPS

    def _roll_probe(self):
        if not self._probe_rolls():
            return False
        self.sim.roll_probe(1)
        return True

    def _emit(self, at_once=False):
        """Send a Frame of now: the decision maps refreshed on their schedule (at once for a
        network that has none yet), the costs and the ball's measure taken where their
        share of the time allows (always while paused). ``at_once``: the Frame of a change,
        sent before anything else is done, with the costs and the ball's measure as last
        taken (passes over whole sets: 1.6 s at depth 100 × 256 over 5,000 samples); the
        tick's last Frame takes them on their schedule."""
        now = time.monotonic()
        self._map_runs("decision" in self._needs and now - self._decision_time
                       >= max(DECISION_REFRESH, self._decision_seconds / self._share(DECISION_SHARE)))
        self._take_spectrum(not self._playing or now - self._spectrum_time
                            >= max(SPECTRUM_REFRESH, self._spectrum_seconds / SPECTRUM_SHARE))
        measure = not at_once and (
            not self._playing or self._measured_time is None
            or now - self._measured_time >= self._measure_seconds / self._share(MEASURE_SHARE))
        start = time.perf_counter()
        self._emitting = True                 # nothing spoken meanwhile: this Frame goes next
        try:
            frame = self._frame(measure)
        finally:
            self._emitting = False
        if measure:
            self._measure_seconds, self._measured_time = time.perf_counter() - start, now
        if self._pristine and all(sim.step_count == 0 and sim.diverged is None for sim in self._runs()):
            self._first = (self.sim.config, self.baseline and self.baseline.config), frame
        self._send_now = self._halted = self._frame_waits = False
        self.send(frame)

    def _frame(self, measure):
        """A Frame of now (with each run's decision map as kept), remembered with what it
        shows (``_shown``)."""
        maps = [self._maps[sim][1] for sim in self._runs()] + [None]
        taken_of, spectrum = self._spectrum
        frame = self._framer.frame(self.sim, maps[0], self._rate, self._playing, self._halted,
                                   self.baseline, maps[1], measure, self._needs,
                                   spectrum if taken_of is self.sim.net else None)
        self._shown = self._state(), frame
        return frame

    def _state(self):
        """What a Frame of the runs shows, as far as it changes while they train: their
        steps, surfaces, probe and decision maps (a Frame of the same state is the same)."""
        return tuple((sim, sim.step_count, sim.diverged, sim.landscape.surface.version,
                      sim.landscape.probe_steps, self._maps[sim][1]) for sim in self._runs()) + (
            self._spectrum[1],)

    def _share(self, share):
        """The part of the engine's time a surface, decision map or measure (``share``: its
        FOLLOW_SHARE, DECISION_SHARE or MEASURE_SHARE) takes while playing: its share, or,
        where the last training step took nearly a FRAME or more, its part of what the step
        leaves of a FRAME (at least LEAST_SHARE of its share). So a frame, a step and its
        share of the extra work, takes about a FRAME where the step is shorter, or about the
        step / (1 − LEAST_SHARE × the three shares)."""
        shares = FOLLOW_SHARE + DECISION_SHARE + MEASURE_SHARE
        room = (FRAME - self._step_seconds) / FRAME / shares
        return share * min(1.0, max(LEAST_SHARE, room))

    def _map_runs(self, due):
        """A decision map for every run: anew where one is ``due``, or where the run's
        network has none (a new network, a reset); the others are kept (a pin's copy has
        its original's, a probe or a training field leaves the network as it was)."""
        start, made, maps = time.perf_counter(), False, {}
        for sim in self._runs():
            kept = self._maps.get(sim)
            if kept is None or kept[0] is not sim.net:         # coarse first where costly
                kept, made = (sim.net, sim.decision_map(coarse=True)), True
            elif due:
                kept, made = (sim.net, sim.decision_map(coarse=self._playing)), True
            maps[sim] = kept
        self._maps = maps
        if made:
            self._decision_seconds = time.perf_counter() - start
            self._decision_time = time.monotonic()

    def _take_spectrum(self, due):
        """The live run's Spectrum, where a panel on screen needs it: anew where one is
        ``due`` and the run has stepped since, or where its network has none; else the one
        kept. None is taken for a panel that is hidden."""
        if "jacobian" not in self._needs:
            return
        taken_of, kept = self._spectrum
        if taken_of is not self.sim.net or (due and kept.step != self.sim.step_count):
            start = time.perf_counter()
            self._spectrum = self.sim.net, self.sim.spectrum()
            self._spectrum_seconds = time.perf_counter() - start
            self._spectrum_time = time.monotonic()

    def _shown_ready(self):
        """Whether every run can be shown as it is without computing anything costly: it is
        prepared, and has a decision map of its network (the live run a Spectrum too, where
        one is needed)."""
        return all(sim.ready and self._maps.get(sim, (None,))[0] is sim.net for sim in self._runs()) and (
            "jacobian" not in self._needs or self._spectrum[0] is self.sim.net)

    def _owed_steps(self):
        """The steps the clock owes the run: ``steps_per_frame`` for every TICK since the
        last tick that trained (at most CATCH_UP ticks' worth). A late tick (a busy
        machine, a long step, a frame that took long) catches up, so the steps asked for
        each second are the steps taken, wherever the CPU allows, and fewer Frames carry
        more steps each."""
        now = time.monotonic()
        ticks = 1.0 if self._paced_at is None else (now - self._paced_at) / TICK
        self._paced_at = now
        self._owed = min(self._owed + ticks * self._steps_per_frame, CATCH_UP * self._steps_per_frame)
        return int(self._owed)

    def _train(self, steps, budget, held=None):
        """Train up to ``steps`` steps (each run, live and baseline, one step at a time)
        until this thread has used ``budget`` seconds of CPU; pause playback when a
        divergence leaves no run training. A frozen run takes no steps. Playing waits while
        a cliff is held (``JUMP_HOLD``); ``held=False``: Step does not."""
        cpu, began = time.thread_time(), time.perf_counter()
        runs = self._runs()
        first_steps = [sim.step_count for sim in runs]
        frozen = [sim.diverged is not None for sim in runs]
        held = time.monotonic() < self._hold_until if held is None else held
        if held:
            self._owed = 0.0                  # a held cliff is not caught up afterwards
        elif steps == 0:
            return                            # the clock owes no whole step yet
        else:
            self._pristine = False            # the runs are no longer their configs' step 0
        for _ in range(0 if held else steps):
            for sim in runs:
                sim.advance(1)
            now_frozen = [sim.diverged is not None for sim in runs]
            if now_frozen != frozen and all(now_frozen):
                self._playing, self._halted = False, True
                break
            frozen = now_frozen
            if any(sim.landscape.jump > JUMP for sim in runs):     # a cliff: seen, then the next
                self._hold_until = time.monotonic() + JUMP_HOLD
                break
            if budget and time.thread_time() - cpu > budget:
                break
        taken = max(sim.step_count - first for sim, first in zip(runs, first_steps))
        self._owed = max(0.0, self._owed - max(taken, 1))
        now = time.perf_counter()
        if taken:
            self._step_seconds = (now - began) / taken
        if taken and not self._halted:       # steps per second of the clock, ticks' gaps included
            if self._trained_until is not None:
                rate = taken / (now - self._trained_until)
                self._rate = rate if self._rate == 0 else 0.8 * self._rate + 0.2 * rate
            self._trained_until = now
            self._last_change = time.monotonic()
        elif not held:                        # a held cliff's tick: the clock runs on, its
            self._rate, self._trained_until = 0.0, None    # gap counted in the next step's rate


def _weights(config):
    """About how many weights a config's network has (the data's inputs unknown: two)."""
    sizes = config.layer_sizes()
    return sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


class Inbox:
    """The window's commands, read by a thread of their own as soon as they come (a window
    writing into a full pipe would wait), handed to the loop in order; a command that makes
    the work under way moot sets ``interruption``. "painting" is no command for a tick: it
    goes to ``painting`` at once, so that while a long step runs, the Frames sent meanwhile
    follow the window's paints (held for the tick, they waited for the step to end)."""

    def __init__(self, connection, painting):
        self.connection = connection
        self.painting = painting
        self.interruption = threading.Event()
        self._commands = queue.SimpleQueue()
        self._arrived = threading.Event()
        threading.Thread(target=self._read, name="commands", daemon=True).start()

    def _read(self):
        while True:
            try:
                command = self.connection.recv()
            except (EOFError, OSError):          # the window has gone: stop
                command = ("stop",)
            if command[0] == "painting":
                self.painting(*command[1:])
                continue
            self._commands.put(command)
            if command[0] in SUPERSEDING:
                self.interruption.set()
            self._arrived.set()
            if command[0] == "stop":
                return

    def take(self):
        """Every command that has come, in order (none waits)."""
        self._arrived.clear()
        commands = []
        while not self._commands.empty():
            commands.append(self._commands.get())
        return commands

    def wait(self, seconds):
        """Until a command comes, or ``seconds`` have passed."""
        self._arrived.wait(max(0.0, seconds))


def serve(connection, config):
    """The engine process: a Session driven by the commands that come on ``connection``,
    its Frames and messages sent back on it, until "stop" or until the window has gone.
    No Qt: this process has none."""
    in_background()
    silent = [time.monotonic()]

    def send(message):
        connection.send(message)
        silent[0] = time.monotonic()

    warnings.showwarning = lambda message, category, filename, line, *_: send(
        ("warning", f"{category.__name__}: {message} ({filename}:{line})"))   # shown by the window
    session = Session(config, send)
    inbox = Inbox(connection, session.painting)
    failed = False                               # the last tick failed: wait for a command
    with interruptible(inbox.interruption):
        while True:
            began = time.monotonic()
            inbox.interruption.clear()           # before taking: a later command interrupts
            commands = inbox.take()
            for command in commands:
                if command[0] == "stop":
                    connection.close()
                    return
                try:
                    session.receive(command)
                except ValueError as error:      # a command the engine does not know
                    send(("warning", f"ValueError: {error}"))
            if commands or not failed:
                try:
                    session.tick()
                    failed = False
                except Abandoned:
                    continue                     # the newer command first
                except Exception as error:       # a fault of the engine's: said once, not in a loop
                    send(("error", f"{type(error).__name__}: {error}"))
                    session.set_playing(False)
                    failed = True
            if time.monotonic() - silent[0] >= HEARTBEAT:
                send(("alive",))
            busy = session.busy and not failed
            inbox.wait(TICK - (time.monotonic() - began) if busy else HEARTBEAT)
