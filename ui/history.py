"""Undo and redo of the lab's settings, with no Qt (``History``).

A change is what a lecturer does to the run's settings: a control moved (a slider drag
is one change, however many values it passed), a remedy taken, a preset chosen or a
setup loaded (a clean slate). Undo goes back to the settings before it, redo forward
again. What is restored is the settings, not the weights trained since: a control's
change undone is a change of that control again (the run goes on), a clean slate undone
is the clean slate of the settings before it (config and baseline, fresh weights).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

from simulator.compare import difference, differing

MERGE = 1.0          # seconds: changes of the same controls this close are one (a drag)


@dataclass(frozen=True)
class Change:
    """One change: its kind (the LabState edit: ``set_config`` or ``restart``), the
    settings (config, baseline config) before and after it, the fields it changed and
    when it was last extended."""

    kind: str
    before: tuple
    after: tuple
    fields: tuple
    time: float

    def words(self, undo):
        """What undoing (or redoing) it does: 'depth 30 → 10'."""
        (start, _), (end, _) = (self.after, self.before) if undo else (self.before, self.after)
        said = difference(end, start)
        return "the preset or setup" if said == "the same config" else said


class History:
    """The changes made to ``state`` (a LabState), to undo and redo; ``changed()`` is called
    whenever what can be undone or redone changes."""

    def __init__(self, state, changed=lambda: None, clock=time.monotonic):
        self.state, self.changed, self.clock = state, changed, clock
        self._past, self._future = [], []
        self._settings = state.config, state.baseline
        self._going = False                   # an undo or a redo is being applied
        state.listen(self._heard)

    def _heard(self, edit, *arguments):
        before, after = self._settings, (self.state.config, self.state.baseline)
        self._settings = after
        if edit not in ("set_config", "restart") or self._going:
            return
        last = self._past[-1] if self._past else None
        fields = tuple(differing(after[0], before[0]))
        if (edit == "set_config" and last is not None and last.kind == edit and last.fields == fields
                and self.clock() - last.time < MERGE):
            self._past.pop()                  # the same drag: one change from where it began
            before, fields = last.before, tuple(differing(after[0], last.before[0]))
            if not fields:                    # dragged back to where it began: no change
                self.changed()
                return
        self._past.append(Change(edit, before, after, fields, self.clock()))
        self._future.clear()
        self.changed()

    # ------------------------------------------------------------ going back and forth
    def undo_words(self):
        """What Undo would do, or None: 'depth 30 → 10'."""
        return self._past[-1].words(undo=True) if self._past else None

    def redo_words(self):
        return self._future[-1].words(undo=False) if self._future else None

    def undo(self):
        """Back to the settings before the last change (nothing, if there is none)."""
        if self._past:
            change = self._past.pop()
            self._future.append(change)
            self._go(change.kind, change.before)

    def redo(self):
        """The last change undone, made again."""
        if self._future:
            change = self._future.pop()
            self._past.append(replace(change, time=float("-inf")))   # never extended
            self._go(change.kind, change.after)

    def _go(self, kind, settings):
        config, baseline = settings
        self._going = True
        try:
            if kind == "restart":
                self.state.restart(config, baseline)
            else:
                self.state.set_config(config)
        finally:
            self._going = False
        self.changed()
