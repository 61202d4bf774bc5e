"""The process side of the lab's work beside the window: what runs in a process of its own
(the engine, a phase diagram, a data file's check) does it below the window's priority,
and a one-shot job sends back its result, or the one sentence of its refusal. Nothing here
imports Qt: those processes have none (ui/processes.py starts them and reads their answers).
"""
from __future__ import annotations

import os

NICENESS = 10        # Linux gives a process at niceness 10 a tenth of the share of one at 0


def in_background():
    """Lower this process's priority below the window's (where the system has priorities)."""
    if hasattr(os, "nice"):
        try:
            os.nice(NICENESS)
        except OSError:              # not allowed here: it runs as it is
            pass


def call(connection, function, arguments):
    """Run ``function(*arguments)`` below the window's priority and send (True, its result),
    or (False, the sentence of the ValueError it raised), on ``connection``."""
    in_background()
    try:
        outcome = True, function(*arguments)
    except ValueError as error:                 # a refusal: its one sentence is the message
        outcome = False, str(error)
    connection.send(outcome)
    connection.close()
