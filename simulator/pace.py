"""Work that can be abandoned, and that lets the engine speak while it runs: the newest
change wins, at once, and the window hears from the engine however long a piece of work is.

The engine computes in one thread while a second one reads the window's commands. Long
work calls ``checkpoint()`` between its pieces: between two layers of a forward or
backward pass, two layers' weights being drawn, two rows of a surface.

* When a command makes the work under way moot (a new config, a reset, a preset), the
  reader sets the interruption, and the work stops at its next checkpoint (Abandoned).
  So no piece of work runs longer than one layer's products after the lecturer has moved
  on, however large the network (depth 100 × 256 on 4,096 samples: a layer's product is
  about 0.5 GFLOP, where a whole step is 160).
* Within ``speaking(interval, say)``, a checkpoint reached ``interval`` seconds after the
  engine last spoke calls ``say()``: the engine sends a Frame of the last step it finished,
  or how far the work has come, so the window keeps its frame rate and hears progress
  while a heavy network's step or first gradient takes seconds. ``spoke()`` says the engine
  has just sent something; ``say`` runs with speaking off, so its own passes stay silent;
  ``passed()`` counts the checkpoints passed, so progress can be told.

Outside ``interruptible`` and ``speaking`` (a headless picture, the tests) a checkpoint
costs two global look-ups and never stops anything. Code that can be abandoned leaves its
object as it was before it began (the Simulation restores itself; a surface is installed
only once whole).
"""
from __future__ import annotations

import time
from contextlib import contextmanager

_interruption = None          # the threading.Event that stops work at a checkpoint, if any
_speaker = None               # the _Speaker that checkpoints let speak, if any


class Abandoned(Exception):
    """The work under way was stopped at a checkpoint: a newer command made it moot."""


class _Speaker:
    def __init__(self, interval, say):
        self.interval, self.say = interval, say
        self.due = time.monotonic() + interval
        self.passed = 0                           # checkpoints passed: how far work has come
        self.speaking = False                     # say() runs: its own checkpoints are silent


def checkpoint():
    """Stop here (raise Abandoned) if the work under way has been interrupted; let the
    engine speak if it has been silent for its interval."""
    if _interruption is not None and _interruption.is_set():
        raise Abandoned
    speaker = _speaker
    if speaker is not None and not speaker.speaking:
        speaker.passed += 1
        if time.monotonic() >= speaker.due:
            _speak(speaker)


def _speak(speaker):
    speaker.speaking = True
    try:
        speaker.say()
    finally:
        speaker.due = time.monotonic() + speaker.interval
        speaker.speaking = False


def passed():
    """How many checkpoints the work has passed while speaking (0 outside): how far it has
    come."""
    return 0 if _speaker is None else _speaker.passed


def spoke():
    """The engine has just sent something: the next word is due an interval from now."""
    if _speaker is not None:
        _speaker.due = time.monotonic() + _speaker.interval


@contextmanager
def interruptible(event):
    """Within, ``checkpoint()`` raises Abandoned once ``event`` (a threading.Event) is set."""
    global _interruption
    before, _interruption = _interruption, event
    try:
        yield
    finally:
        _interruption = before


@contextmanager
def speaking(interval, say):
    """Within, a checkpoint reached ``interval`` seconds after the engine last spoke (or
    after entering) calls ``say()``."""
    global _speaker
    before, _speaker = _speaker, _Speaker(interval, say)
    try:
        yield
    finally:
        _speaker = before
