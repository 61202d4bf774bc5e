"""The process side of the lab's work beside the window: what runs in a process of its own
(the engine, a phase diagram, a data file's check, a paper card) does it below the
window's priority, and a job sends back what it yields as it goes, then its result, or the
one sentence of its refusal. Nothing here imports Qt: those processes have none
(ui/jobs.py starts them and reads their answers).
"""
from __future__ import annotations

import inspect
import os

NICENESS = 8         # Linux gives a process at niceness 8 a sixth of the share of one at 0
                     # (weights 172 : 1024)


def in_background():
    """Lower this process's priority below the window's (where the system has priorities)."""
    if hasattr(os, "nice"):
        try:
            os.nice(NICENESS)
        except OSError:              # not allowed here: it runs as it is
            pass


def call(connection, function, arguments):
    """Run ``function(*arguments)`` below the window's priority and send on ``connection``
    ("done", its result), or ("failed", the sentence of the ValueError it raised). Where
    it returns a generator, each thing it yields goes first, as ("each", thing), and its
    result is the generator's return value."""
    in_background()
    try:
        result = function(*arguments)
        if inspect.isgenerator(result):
            result = _sent_each(connection, result)
        outcome = "done", result
    except ValueError as error:                 # a refusal: its one sentence is the message
        outcome = "failed", str(error)
    connection.send(outcome)
    connection.close()


def _sent_each(connection, generator):
    """Send ("each", thing) for every thing ``generator`` yields; its return value."""
    while True:
        try:
            connection.send(("each", next(generator)))
        except StopIteration as end:
            return end.value
