"""What the lab is doing, in one place, with no Qt: the live run's config, the baseline's
config, whether it plays and how fast, the panels' view choices and what the panels on
screen need computed (``LabState``).

The controls, the lecture tools and the window edit it; the engine's proxy follows it
(each edit that is a command of the engine's is sent, in the order made); saved setups
and the status bar read it. An edit made anywhere (a setup loaded, a remedy, a config the
engine refused) reaches every listener, the controls as much as the engine.
"""
from __future__ import annotations

STEPS_PER_FRAME = 5           # training steps per frame at the start


class LabState:
    """The lab's state, and the listeners told of every edit as ``(edit, *arguments)``: the
    engine's command for it where there is one (``set_config``, ``restart``,
    ``set_playing``, ``set_steps_per_frame``, ``step_once``, ``reset``, ``drop_probe``,
    ``pin_baseline``, ``clear_baseline``, ``set_needs``), else ``running`` (the config the
    engine runs on, after it refused one) or ``set_view``."""

    def __init__(self, config, baseline=None, view=None, needs=frozenset()):
        self.config = config
        self.baseline = baseline              # the baseline's config, or None
        self.playing = False
        self.steps_per_frame = STEPS_PER_FRAME
        self.view = dict(view or {})          # the window's view choices (a saved setup's "view")
        self.needs = frozenset(needs)         # what the Frames carry beyond the Snapshot
        self._listeners = []

    def listen(self, listener):
        """Call ``listener(edit, *arguments)`` after every edit from now on."""
        self._listeners.append(listener)

    def _tell(self, *edit):
        for listener in self._listeners:
            listener(*edit)

    # ------------------------------------------------------------ the run
    def set_config(self, config):
        """The live run goes on with ``config`` (the engine keeps its weights where it can)."""
        if config != self.config:
            self.config = config
            self._tell("set_config", config)

    def restart(self, config, baseline=None):
        """A clean slate: ``config`` beside the ``baseline`` config (None: none), both from
        fresh weights (a preset, a setup)."""
        self.config, self.baseline = config, baseline
        self._tell("restart", config, baseline)

    def running(self, config):
        """The engine refused the config sent and runs on ``config`` (None: the defaults
        at the start): shown, not sent."""
        self.config = config
        self._tell("running", config)

    def reset(self):
        self._tell("reset")

    def step_once(self):
        self._tell("step_once")

    def drop_probe(self, a, b):
        self._tell("drop_probe", a, b)

    def pin_baseline(self):
        """The live run, as it is, becomes the baseline."""
        self.baseline = self.config
        self._tell("pin_baseline")

    def clear_baseline(self):
        self.baseline = None
        self._tell("clear_baseline")

    # ------------------------------------------------------------ how it plays
    def set_playing(self, playing):
        if playing != self.playing:
            self.playing = playing
            self._tell("set_playing", playing)

    def set_steps_per_frame(self, steps):
        if steps != self.steps_per_frame:
            self.steps_per_frame = steps
            self._tell("set_steps_per_frame", steps)

    # ------------------------------------------------------------ what is shown
    def set_view(self, view):
        """Some view choices changed (a theme, a panel's scale): ``view`` holds them."""
        changed = {key: value for key, value in view.items() if self.view.get(key) != value}
        if changed:
            self.view.update(changed)
            self._tell("set_view", changed)

    def set_needs(self, needs):
        """What the panels on screen need the Frames to carry (``Panel.needs``)."""
        needs = frozenset(needs)
        if needs != self.needs:
            self.needs = needs
            self._tell("set_needs", needs)
