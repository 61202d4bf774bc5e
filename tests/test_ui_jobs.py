"""The one way off the UI thread (``ui.jobs``) and the one way on it (``ui.chores``): what a
job returns or refuses comes back on the UI thread; pieces run one per pass, in order, not
before their time (issue 25)."""
import os
import threading
import time

import pytest
from PySide6.QtCore import QObject

from simulator.jobs import NICENESS
from ui.chores import chores
from ui.jobs import Jobs
from ui.widgets import Throttle


@pytest.fixture
def owner(qtbot):
    """A QObject whose jobs and chores end with the test."""
    o = QObject()
    yield o
    chores().forget(o)
    for jobs in o.findChildren(Jobs):
        jobs.cancel()


def refuse(sentence):
    raise ValueError(sentence)


def test_a_process_job_answers_on_the_ui_thread_below_the_windows_priority(qtbot, owner):
    """Where the lab's processes outnumber the cores the window waited for one (a gap of
    109 ms held 46 ms of its own work): they run at a lower priority."""
    got = []
    Jobs(owner).run(os.nice, 0, done=lambda result: got.append((result, threading.current_thread())))
    qtbot.waitUntil(lambda: len(got) == 1, timeout=10000)
    assert got == [(os.nice(0) + NICENESS, threading.main_thread())]


def test_a_refusal_comes_back_as_its_sentence_and_a_crash_in_one_sentence(qtbot, owner):
    jobs, failed = Jobs(owner), []
    jobs.run(refuse, "no such file", failed=failed.append)
    jobs.run(os._exit, 3, failed=failed.append)
    qtbot.waitUntil(lambda: len(failed) == 2, timeout=10000)
    assert sorted(failed) == ["no such file", "the computation stopped (exit code 3)"]


def counted(n, refusal=None):
    """Yields 0 … n-1 with this process's id, returns their sum (or refuses, at the end)."""
    for k in range(n):
        yield k, os.getpid()
    if refusal:
        raise ValueError(refusal)
    return n * (n - 1) // 2


def test_what_a_process_yields_comes_back_in_order_before_its_result(qtbot, owner):
    """A paper card's run grows its figures as it measures: each Progress is drawn."""
    jobs, each, done, failed = Jobs(owner), [], [], []
    jobs.run(counted, 50, each=each.append, done=done.append)
    jobs.run(counted, 3, "the card stopped", each=each.append, failed=failed.append)
    qtbot.waitUntil(lambda: bool(done and failed), timeout=30000)
    mine = [k for k, pid in each if pid != os.getpid()]
    assert len(mine) == len(each) == 53
    assert [k for k in mine if k >= 3] == list(range(3, 50))     # in order, each once
    assert done == [sum(range(50))] and failed == ["the card stopped"]


def test_a_cancelled_job_ends_at_once_and_never_answers(qtbot, owner):
    jobs, answered = Jobs(owner), []
    job = jobs.run(time.sleep, 30, done=answered.append, failed=answered.append)
    jobs.cancel()
    assert not job.process.is_alive()
    qtbot.wait(200)
    assert answered == []


def test_thread_jobs_run_in_order_off_the_ui_thread_and_answer_on_it(qtbot, owner):
    jobs, ran, answered = Jobs(owner), [], []

    def work(k):
        ran.append((k, threading.current_thread() is threading.main_thread()))
        return k

    for k in range(20):
        jobs.run(work, k, done=lambda k: answered.append((k, threading.current_thread())), process=False)
    jobs.run(refuse, "cannot write", failed=lambda s: answered.append((s, threading.current_thread())),
             process=False)
    assert jobs.wait(10)                           # and every answer delivered on return
    assert ran == [(k, False) for k in range(20)]
    assert answered == [(k, threading.main_thread()) for k in range(20)] + [
        ("cannot write", threading.main_thread())]


def test_a_fault_in_a_thread_job_is_raised_on_the_ui_thread(qtbot, owner):
    jobs = Jobs(owner)
    with qtbot.capture_exceptions() as caught:
        jobs.run(lambda: 1 / 0, process=False)
        jobs.wait(10)
    assert [kind for kind, *_ in caught] == [ZeroDivisionError]


def test_a_piece_runs_no_sooner_than_asked_and_in_order_among_those_due(qtbot, owner):
    ran = []
    start = time.monotonic()
    chores().add(owner, "late", lambda: ran.append(("late", time.monotonic() - start)), after=0.15)
    chores().add(owner, "now", lambda: ran.append(("now", time.monotonic() - start)))
    qtbot.waitUntil(lambda: len(ran) == 2, timeout=5000)
    assert [name for name, _ in ran] == ["now", "late"]
    assert ran[1][1] >= 0.15


def test_a_throttle_draws_at_once_then_the_newest_once_its_interval_has_passed(qtbot, owner):
    drawn = []
    throttle = Throttle(lambda item: drawn.append((item, time.monotonic())), 0.2, owner)
    start = time.monotonic()
    for k in range(5):
        throttle.submit(k)
    assert [item for item, _ in drawn] == [0]           # the first at once
    qtbot.waitUntil(lambda: len(drawn) == 2, timeout=5000)
    assert drawn[1][0] == 4 and drawn[1][1] - start >= 0.2   # the newest, not before its time
    qtbot.wait(300)
    assert len(drawn) == 2                               # nothing more to draw: no more draws
