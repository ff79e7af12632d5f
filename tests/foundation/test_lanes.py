"""The after-ack executor: a slow lane waits alone, lanes take turns, a lane keeps its order."""

from __future__ import annotations

import threading
from concurrent.futures import CancelledError

import pytest

from bot.lanes import LaneExecutor


def test_a_blocked_lane_holds_one_thread_and_other_lanes_carry_on() -> None:
    # Four tasks of a rate-limited channel, two threads: a plain pool would give both
    # threads to that channel and the other channel's task would wait for the limit.
    pool = LaneExecutor(2)
    limit_over = threading.Event()
    slow = [pool.submit_to(("T1", "C_SLOW"), limit_over.wait, 30) for _ in range(4)]
    other = pool.submit_to(("T1", "C_OTHER"), lambda: "done")
    elsewhere = pool.submit_to(("T2", "C_SLOW"), lambda: "done")  # same id, other workspace
    assert other.result(timeout=10) == "done" and elsewhere.result(timeout=10) == "done"
    assert not any(f.done() for f in slow)
    limit_over.set()
    assert [f.result(timeout=10) for f in slow] == [True] * 4
    pool.shutdown()


def test_a_lane_keeps_one_thread_for_the_others_and_starts_its_work_in_order() -> None:
    pool = LaneExecutor(4)
    started: list[int] = []
    running = most = 0
    guard = threading.Lock()

    def step(i: int) -> None:
        nonlocal running, most
        with guard:
            started.append(i)
            running += 1
            most = max(most, running)
        threading.Event().wait(0.002)
        with guard:
            running -= 1

    futures = [pool.submit_to("lane", step, i) for i in range(60)]
    for future in futures:
        future.result(timeout=10)
    assert started == list(range(60))
    assert most == 3  # busy alone, it uses every thread but one
    pool.shutdown()


def test_a_busy_lane_and_a_stuck_one_still_leave_a_thread_to_everyone_else() -> None:
    pool = LaneExecutor(4)
    stuck = threading.Event()
    held = [pool.submit_to("rate-limited", stuck.wait, 30) for _ in range(10)]
    other = pool.submit_to("elsewhere", lambda: "done")
    assert other.result(timeout=10) == "done"
    assert not any(f.done() for f in held)
    stuck.set()
    assert all(f.result(timeout=10) for f in held)
    pool.shutdown()


def test_lanes_take_turns() -> None:
    pool = LaneExecutor(1)
    gate = threading.Event()
    order: list[str] = []
    pool.submit(gate.wait, 10)  # holds the one thread while the queue fills
    for i in range(5):
        pool.submit_to("busy", order.append, f"busy-{i}")
    pool.submit_to("quiet", order.append, "quiet")
    gate.set()
    pool.shutdown(wait=True)
    # The quiet lane's one task runs after the busy lane's first, not after all five.
    assert order.index("quiet") == 1


def test_failures_reach_the_future_and_shutdown_finishes_what_was_queued() -> None:
    pool = LaneExecutor(2)

    def fail() -> None:
        raise ValueError("no")

    failed = pool.submit_to("a", fail)
    after = pool.submit_to("a", lambda: 2)
    with pytest.raises(ValueError):
        failed.result(timeout=10)
    assert after.result(timeout=10) == 2  # a failure does not stop its lane
    gate = threading.Event()
    pool.submit_to("b", gate.wait, 10)
    queued = pool.submit_to("b", lambda: "ran")
    threading.Timer(0.05, gate.set).start()
    pool.shutdown(wait=True)
    assert queued.result(timeout=0) == "ran"
    with pytest.raises(RuntimeError):
        pool.submit(lambda: None)


def test_shutdown_can_cancel_what_has_not_started() -> None:
    pool = LaneExecutor(1)
    gate, started = threading.Event(), threading.Event()

    def hold() -> bool:
        started.set()
        return gate.wait(10)

    running = pool.submit(hold)
    assert started.wait(10)
    waiting = pool.submit_to("x", lambda: "never")
    threading.Timer(0.05, gate.set).start()
    pool.shutdown(wait=True, cancel_futures=True)
    assert running.result(timeout=0) is True
    with pytest.raises(CancelledError):
        waiting.result(timeout=0)


def test_work_for_later_joins_its_lane_when_due_and_holds_no_thread_meanwhile() -> None:
    """A message Slack rate limited is tried again after Retry-After: until then every
    thread is free for other work, and when it is due it queues behind its lane's work."""
    pool = LaneExecutor(1)  # one thread: a wait held in it would block everything
    order: list[str] = []
    done = threading.Event()
    pool.submit_later(0.3, ("T1", "C1"), lambda: (order.append("later"), done.set()))
    now = pool.submit_to(("T1", "C2"), lambda: order.append("now"))
    now.result(timeout=5)
    assert order == ["now"]  # ran at once, though the only thread had work queued for later
    assert done.wait(timeout=5)
    assert order == ["now", "later"]
    pool.shutdown()


def test_work_for_later_comes_out_in_time_order() -> None:
    pool = LaneExecutor(2)
    seen: list[int] = []
    finished = threading.Event()

    def record(i: int) -> None:
        seen.append(i)
        if len(seen) == 3:
            finished.set()

    for delay, i in ((0.3, 3), (0.1, 1), (0.2, 2)):
        pool.submit_later(delay, ("T1", "C1"), lambda i=i: record(i))
    assert finished.wait(timeout=5)
    assert seen == [1, 2, 3]
    pool.shutdown()


def test_work_for_later_not_yet_due_at_shutdown_is_dropped() -> None:
    pool = LaneExecutor(1)
    ran = threading.Event()
    pool.submit_later(60, ("T1", "C1"), ran.set)
    pool.shutdown()  # returns at once: nothing waits the minute out
    assert not ran.is_set()
    pool.submit_later(0, ("T1", "C1"), ran.set)  # after shutdown: refused quietly
    assert not ran.wait(timeout=0.2)
