"""The engine's loop: a Simulation stepped by a timer, in the engine process (engine.py).

    controls --SimConfig--> SimulationWorker (engine process) --Frame--> main window --> panels

* The worker's QTimer runs in the engine process's event loop, so between ticks the loop
  is free to receive commands.
* Configs are coalesced: ``set_config`` only stores the newest and asks for a 0 ms
  timer, which fires once the queued burst of configs has been read: dragging a
  slider sends dozens, the engine builds the newest, at once.
* Commands (reset, drop the probe) apply after the config that was sent before them;
  a reset makes everything queued before it moot and builds the network once.
  ``restart(config, baseline)`` (a preset, a loaded setup) is a clean slate: exactly that
  config and that baseline (or none), fresh weights, nothing kept from before.
* A tick trains for at most ``steps_per_frame`` steps and about ``BUDGET`` seconds of
  the worker's own CPU time (time spent waiting for a CPU on a busy machine is not the
  worker's: counting it cut ticks short of the steps asked),
  then emits one Frame: the Snapshot plus the worker's measured steps per second
  (0 when no step was taken: paused, or frozen after a divergence).
* A divergence pauses playback: the Frame of that tick says so (``halted``), and the
  window's Play button follows. Playing a frozen run rolls only the ball.
* The cost surface follows the network: once it is due (``Simulation.surface_due``: the
  network moved off its plane), the worker takes it again, a few rows
  per tick (``FOLLOW_BUDGET`` while playing, at ``PLAYING_RESOLUTION``), and the new
  surface replaces the old one whole. When nothing changed and no training step was
  taken for ``REFINE_AFTER`` seconds (paused, or frozen), it takes the surface through the
  network as it is now (if it has moved at all) and refines it to ``FINE_RESOLUTION``, the
  same way, each tick's share taking about ``REFINE_BUDGET``.
* A step that carries the ball far across the map (``JUMP`` of its extent: a cliff) ends
  its tick, and the next step waits ``JUMP_HOLD``: an explosion plays slowly enough to see.
* The probe (a click on the map) rolls one step per tick, at most ``PROBE_STEPS``.
* The decision map is the worker's to time: a fresh one at most every
  ``DECISION_REFRESH`` seconds and with at most ``DECISION_SHARE`` of the time.
* A pinned baseline (issue 14) is a second Simulation, advanced step for step with the
  live one: pinning copies the live run as it is; whenever the live run starts over (a
  rebuild, a reset), the baseline starts over from its own config too, so both are always
  at the same step count, and each equals a run of its own config alone. A divergence
  freezes only the run that diverged; playback pauses once no run is still training.
"""
from __future__ import annotations

import copy
import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from simulator import SimConfig, Simulation

from .frames import FINE_RESOLUTION, Framer

TICK_MS = 15
BUDGET = 0.012             # CPU seconds of training per tick: the rest is for commands and the Frame
REFINE_AFTER = 0.35        # seconds without changes before the surface is refined
REFINE_BUDGET = 0.12       # seconds of refinement per tick (it overshoots by a few ms: under 150)
FOLLOW_BUDGET = 0.004      # seconds per tick of a new surface taken while playing...
PLAYING_RESOLUTION = 48    # ...at this resolution (refined to FINE_RESOLUTION at rest)
JUMP = 0.25                # a step that moves the ball this share of the map's extent...
JUMP_HOLD = 0.3            # ...holds the next step back this many seconds
PROBE_STEPS = 500          # the probe rolls at most this many steps
DECISION_REFRESH = 0.1     # seconds between decision maps (a forward pass over a 48² grid)...
DECISION_SHARE = 0.1       # ...and at most this share of the worker's time


class SimulationWorker(QObject):
    """Owns the Simulation; all its slots run in the worker thread."""

    frame_ready = Signal(object)

    def __init__(self, config: SimConfig):
        super().__init__()
        self._pending = config
        self._playing = False
        self._steps_per_frame = 5
        self._single_steps = 0
        self._commands = []
        self._rate = 0.0
        self._trained_until = None        # when the last tick that trained ended
        self._send_now = False
        self._applying_soon = False
        self._last_change = time.monotonic()
        self._framer = Framer()
        self._taking = {}                 # run → a new surface under way (Simulation.surface_taking)
        self._hold_until = 0.0            # no training step before this (a cliff plays slowly)
        self._decision = None             # the DecisionMaps shown (live, baseline), their time, cost
        self._decision_time = self._decision_seconds = 0.0
        self._halted = False
        self.sim = None
        self.baseline = None              # the pinned run, a Simulation trained beside sim
        self.timer = None

    # --------------------------------------------------------- commands (queued)
    @Slot()
    def start(self):
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    @Slot()
    def stop(self):
        if self.timer is not None:
            self.timer.stop()

    @Slot(object)
    def set_config(self, config):
        """Keep only the newest config; apply it as soon as the queued burst is read."""
        self._pending = config
        if not self._applying_soon:
            self._applying_soon = True
            QTimer.singleShot(0, self._apply_soon)

    def _apply_soon(self):
        self._applying_soon = False
        if self._apply_pending():
            self._emit()

    @Slot(bool)
    def set_playing(self, playing):
        self._playing = bool(playing)
        self._rate = 0.0 if not playing else self._rate
        self._trained_until = None
        self._send_now = True

    @Slot(int)
    def set_steps_per_frame(self, steps):
        self._steps_per_frame = max(1, int(steps))

    @Slot()
    def step_once(self):
        self._single_steps += 1

    @Slot()
    def reset(self):
        self._commands.append(("reset",))

    @Slot(float, float)
    def drop_probe(self, a, b):
        self._commands.append(("drop", a, b))

    @Slot(object, object)
    def restart(self, config, baseline):
        """A clean slate: ``config`` with the ``baseline`` config beside it (or None: no
        baseline), both from fresh weights; what was queued before is moot. A config
        whose data cannot be read leaves everything as it was."""
        try:
            sims = Simulation(config), None if baseline is None else Simulation(baseline)
        except ValueError:
            return
        self._pending, self._commands, self._single_steps = None, [], 0
        self.sim, self.baseline = sims
        self._taking.clear()
        self._changed()

    # The baseline's commands act at once, after what was sent before them: a pin takes the
    # run as the configs and commands sent before it left it.
    @Slot()
    def pin_baseline(self):
        """The live run, as it is now, becomes the baseline (a copy that trains on)."""
        self._apply_pending()
        self.baseline = copy.deepcopy(self.sim)
        self._changed()

    @Slot()
    def clear_baseline(self):
        self.baseline = None
        self._changed()

    def _changed(self):
        self._decision = None
        self._last_change = time.monotonic()
        self._send_now = True

    # --------------------------------------------------------- the tick
    def _tick(self):
        applied = changed = self._apply_pending()
        if self._playing:
            self._train(self._steps_per_frame, BUDGET)
            changed = True
        elif self._single_steps:
            self._train(self._single_steps, None)
            self._single_steps = 0
            changed = True
        changed = self._follow(not applied and time.monotonic() - self._last_change > REFINE_AFTER) or changed
        changed = self._roll_probe() or changed
        if changed or self._send_now:
            self._emit()

    def _runs(self):
        return [self.sim] if self.baseline is None else [self.sim, self.baseline]

    def _follow(self, resting):
        """A share of the surface each run needs: a new one where it is due (the network
        moved off it), or, ``resting`` (no change, no training step: paused, or frozen by a
        divergence), a finer one. True once a new surface is in place."""
        done = False
        for sim in self._runs():
            taking = self._taking.get(sim)
            if taking is None or taking[0] is not sim.landscape:
                due, surface = sim.surface_due(exact=resting), sim.landscape.surface
                if not due and not (resting and surface.resolution < FINE_RESOLUTION):
                    continue
                resolution, budget = (FINE_RESOLUTION, REFINE_BUDGET) if resting else (PLAYING_RESOLUTION, FOLLOW_BUDGET)
                taking = self._taking[sim] = (sim.landscape, sim.surface_taking(resolution, budget, exact=resting))
            if next(taking[1]):
                del self._taking[sim]
                done = True
            if resting:
                break                     # one run's share per tick: the live run's first
        return done

    def _roll_probe(self):
        probe = self.sim.landscape.probe
        if probe is None or probe.launched or probe.steps >= PROBE_STEPS:
            return False
        self.sim.roll_probe(1)
        return True

    def _emit(self):
        self._send_now = False
        now = time.monotonic()
        interval = max(DECISION_REFRESH, self._decision_seconds / DECISION_SHARE)
        if self._decision is None or now - self._decision_time >= interval:
            start = time.perf_counter()
            self._decision = [sim.decision_map() for sim in self._runs()]
            self._decision_seconds = time.perf_counter() - start
            self._decision_time = now
        halted, self._halted = self._halted, False
        decisions = self._decision + [None]
        self.frame_ready.emit(self._framer.frame(self.sim, decisions[0], self._rate, self._playing,
                                                 halted, self.baseline, decisions[1]))

    def _apply_pending(self):
        """The newest config, then the commands sent after it, in order."""
        config, self._pending = self._pending, None
        commands, self._commands = self._commands, []
        net = None if self.sim is None else self.sim.net
        if ("reset",) in commands:        # a fresh start: what was queued before it is moot
            commands = commands[len(commands) - commands[::-1].index(("reset",)):]
            self.sim = Simulation(config if config is not None else self.sim.config)
        elif config is not None:
            if self.sim is None:
                self.sim = Simulation(config)
            else:
                self.sim.apply(config)
        elif not commands:
            return False
        if self.baseline is not None and self.sim.net is not net:
            self.baseline.reset()         # the live run starts over: so does the baseline
        for _, a, b in commands:
            self.sim.drop_probe(a, b)
        self._decision = None             # the network or its data may be new
        self._last_change = time.monotonic()
        return True

    def _train(self, steps, budget):
        """Train up to ``steps`` steps (each run, live and baseline, one step at a time)
        until this thread has used ``budget`` seconds of CPU; pause playback when a
        divergence leaves no run training. A frozen run takes no steps: only its ball rolls."""
        cpu = time.thread_time()
        runs = self._runs()
        first_steps = [sim.step_count for sim in runs]
        frozen = [sim.diverged is not None for sim in runs]
        held = budget is not None and time.monotonic() < self._hold_until     # Step is never held
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
        now = time.perf_counter()
        if taken and not self._halted:       # steps per second of the clock, ticks' gaps included
            if self._trained_until is not None:
                rate = taken / (now - self._trained_until)
                self._rate = rate if self._rate == 0 else 0.8 * self._rate + 0.2 * rate
            self._trained_until = now
            self._last_change = time.monotonic()
        else:
            self._rate, self._trained_until = 0.0, None
