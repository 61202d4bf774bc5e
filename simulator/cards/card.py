"""What a paper card is: the paper, its claim, and a measurement that runs step by step.

A card's ``run()`` is a generator. It yields ``Progress`` (the fraction done, what it is
doing now, and the result so far, so a window can draw the measurement as it grows) and
returns the final ``CardResult``::

    result = finish(card.run())                  # or, to watch it grow:
    for progress in card.run(): ...

Everything in a result is plain data (numbers, strings, NumPy arrays), so a result can be
pickled across processes, and the same card always gives the same result, bit for bit:
every seed is fixed in the card's settings.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Generator

import numpy as np

KINDS = ("paper", "lab", "law")


@dataclass(frozen=True)
class Series:
    """One curve or set of points: the paper's numbers, the lab's measurement, or a law.

    ``low``/``high``: a band around ``y`` (e.g. percentiles, or the spread over seeds).
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    kind: str
    low: np.ndarray | None = None
    high: np.ndarray | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind: unknown {self.kind!r}; allowed: {', '.join(KINDS)}")
        for name in ("x", "y", "low", "high"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, np.asarray(value, dtype=np.float64))


@dataclass(frozen=True)
class Heatmap:
    """A measured map: ``values[i, j]`` at (x[j], y[i]), cell centres; NaN: not measured."""

    x: np.ndarray
    y: np.ndarray
    values: np.ndarray
    label: str
    low: float
    high: float


@dataclass(frozen=True)
class Figure:
    """One plot of a card: axes, the series drawn on it, and an optional map under them."""

    title: str
    x_label: str
    y_label: str
    series: tuple = ()
    log_x: bool = False
    log_y: bool = False
    heatmap: Heatmap | None = None


@dataclass(frozen=True)
class CardResult:
    """What a card measured, beside what the paper says.

    ``paper``: the paper's numbers or law, with where they are quoted from; ``lab``: the
    lab's measurement in words; ``tolerance``: how close counts as reproducing it;
    ``holds``: the mark (None while the run is not complete); ``margin``: by how much it
    holds or fails; ``verdict``: one sentence; ``numbers``: the measured figures by name.
    """

    key: str
    paper: str
    lab: str
    tolerance: str
    holds: bool | None
    margin: str
    verdict: str
    figures: tuple
    numbers: dict = field(default_factory=dict)

    @property
    def complete(self):
        return self.holds is not None

    @property
    def mark(self):
        """'holds', 'does not hold', or 'measuring…'."""
        return {True: "holds", False: "does not hold", None: "measuring…"}[self.holds]


@dataclass(frozen=True)
class Progress:
    """A step of a card's run: ``fraction`` done (0 … 1), ``doing`` now, the result so far."""

    fraction: float
    doing: str
    result: CardResult


@dataclass(frozen=True)
class Card:
    """A paper and the lab's measurement of its claim.

    ``settings`` are the card's fixed settings (a frozen dataclass of the card's own);
    ``quick`` the same at a size for tests; ``setup`` says them in words, seeds included.
    ``seconds``: the full run's time measured on the lab's 2-core machine.
    """

    key: str
    title: str
    authors: str
    year: int
    venue: str
    where: str
    claim: str
    setup: str
    measure: Callable[[Any], Generator]
    settings: Any
    quick: Any
    seconds: float

    @property
    def citation(self):
        return f"{self.authors} ({self.year}), {self.venue}, {self.where}"

    def run(self, settings=None):
        """The measurement as a generator of Progress, returning the CardResult."""
        return self.measure(self.settings if settings is None else settings)

    def quick_run(self):
        return self.run(self.quick)


def finish(run):
    """Drive a card's run to its end and return the final CardResult."""
    while True:
        try:
            next(run)
        except StopIteration as stop:
            return stop.value


def pending(key, paper, tolerance, figures, lab="measuring…", numbers=None):
    """A result still growing: no mark yet."""
    return CardResult(key, paper, lab, tolerance, None, "", "", tuple(figures), dict(numbers or {}))


def settle(partial, lab, holds, margin, verdict, numbers=None):
    """The final result: ``partial`` with the lab's words, the mark, margin and verdict."""
    return replace(partial, lab=lab, holds=bool(holds), margin=margin, verdict=verdict,
                   numbers=dict(numbers or partial.numbers))
