"""Checkpoints: work stops for a newer command, and lets the engine speak while it runs."""
import threading

import pytest

from simulator import pace


def test_a_checkpoint_speaks_once_its_interval_has_passed_and_never_within_its_own_words():
    said, passed = [], []

    def say():
        said.append(pace.passed())
        pace.checkpoint()                   # the words' own passes say nothing
    with pace.speaking(0.0, say):
        for _ in range(3):
            pace.checkpoint()
        passed.append(pace.passed())
    assert said == [1, 2, 3] and passed == [3]
    pace.checkpoint()                       # outside: nothing is said, nothing counted
    assert said == [1, 2, 3] and pace.passed() == 0


def test_the_engine_that_has_just_spoken_is_not_asked_to_speak_again_at_once():
    said = []
    with pace.speaking(3600.0, lambda: said.append(1)):
        pace.spoke()
        pace.checkpoint()
    assert said == []


def test_an_interruption_stops_the_work_even_while_it_speaks():
    interruption = threading.Event()

    def say():
        interruption.set()                  # a command came while the engine spoke
    with pace.interruptible(interruption), pace.speaking(0.0, say):
        with pytest.raises(pace.Abandoned):
            pace.checkpoint()               # speaks, then the next checkpoint stops
            pace.checkpoint()
