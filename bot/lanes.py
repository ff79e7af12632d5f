"""Work after the ack, in lanes: one per workspace and channel, taking turns on a few threads.

A plain thread pool runs work in arrival order on whichever thread is free. When one channel
is slow (Slack answering it slowly, or a rate limit's one-second wait, which the Web API
client sits out in the thread that made the call), work there could hold every thread and an
unrelated `/hire` in another channel, or another workspace, would wait behind it. Here lanes
with work take turns, and no lane may hold more than all threads but one: a channel that is
stuck waits with the threads it has, while the others carry on on the rest. A busy channel
alone still uses almost every thread (one channel with many conversations at once is the
common case). Within a lane, work starts in the order it came.

Longer rate limits are never slept out in a thread: the message stays owed and is queued for
later (`submit_later`), tried again in its lane once Slack's Retry-After has passed.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future
from typing import Any

_Task = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class _Lane:
    __slots__ = ("queue", "running", "waiting_turn")

    def __init__(self) -> None:
        self.queue: deque[_Task] = deque()
        self.running = 0
        self.waiting_turn = False  # in the turn order


class LaneExecutor(Executor):
    def __init__(self, workers: int, thread_name_prefix: str = "after-ack") -> None:
        if workers < 1:
            raise ValueError("a LaneExecutor needs at least one thread")
        self.workers = workers
        # All threads but one, so a stuck lane always leaves one for everyone else.
        self.most_per_lane = max(1, workers - 1)
        self._changed = threading.Condition()
        self._lanes: dict[Hashable, _Lane] = {}  # lanes with work queued or running
        self._turns: deque[Hashable] = deque()  # lanes that may start their next task
        self._shutdown = False
        self._threads = [
            threading.Thread(target=self._work, name=f"{thread_name_prefix}_{i}", daemon=True)
            for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()
        # Work queued for later: (when, order, lane, fn), released by one timer thread made
        # on demand, which waits on a condition of its own (never the workers').
        self._timer_changed = threading.Condition()
        self._later: list[tuple[float, int, Hashable, Callable[[], Any]]] = []
        self._later_order = itertools.count()
        self._timer: threading.Thread | None = None
        self._timer_stopped = False
        self._timer_prefix = thread_name_prefix

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Work that shares a lane with nothing else."""
        return self.submit_to(object(), fn, *args, **kwargs)

    def submit_to(
        self, lane: Hashable, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Future[Any]:
        """Queue `fn` in `lane`, behind the lane's earlier work."""
        future: Future[Any] = Future()
        with self._changed:
            if self._shutdown:
                raise RuntimeError("cannot schedule new work after shutdown")
            state = self._lanes.setdefault(lane, _Lane())
            state.queue.append((future, fn, args, kwargs))
            self._offer_turn(lane, state)
        return future

    def submit_later(self, delay: float, lane: Hashable, fn: Callable[[], Any]) -> None:
        """Queue `fn` in `lane` once `delay` seconds have passed; no thread waits meanwhile.
        Work still waiting at shutdown is dropped: it must be work that someone else picks
        up when it is not done (an owed message's lease lapses, and the scheduler has it)."""
        with self._timer_changed:
            if self._timer_stopped:
                return
            due = time.monotonic() + max(0.0, delay)
            heapq.heappush(self._later, (due, next(self._later_order), lane, fn))
            if self._timer is None:
                self._timer = threading.Thread(
                    target=self._release_later, name=f"{self._timer_prefix}-later", daemon=True
                )
                self._timer.start()
            self._timer_changed.notify()

    def _release_later(self) -> None:
        """The timer thread: hands work queued for later to its lane when it is due."""
        while True:
            with self._timer_changed:
                while not self._timer_stopped:
                    wait = self._later[0][0] - time.monotonic() if self._later else None
                    if wait is not None and wait <= 0:
                        break
                    self._timer_changed.wait(wait)
                if self._timer_stopped:
                    self._later.clear()
                    return
                _, _, lane, fn = heapq.heappop(self._later)
            try:
                self.submit_to(lane, fn)
            except RuntimeError:  # shut down meanwhile
                return

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No new work; what is queued still runs (unless cancelled), then the threads end.
        Work queued for later and not yet due is dropped (see `submit_later`)."""
        with self._timer_changed:
            self._timer_stopped = True
            self._timer_changed.notify_all()
        with self._changed:
            self._shutdown = True
            if cancel_futures:
                for state in self._lanes.values():
                    for future, *_ in state.queue:
                        future.cancel()
            self._changed.notify_all()
        if wait:
            for thread in self._threads:
                thread.join()

    def _offer_turn(self, lane: Hashable, state: _Lane) -> None:
        """Put the lane in the turn order if it has work and may start more (lock held)."""
        if state.queue and not state.waiting_turn and state.running < self.most_per_lane:
            state.waiting_turn = True
            self._turns.append(lane)
            self._changed.notify()

    def _work(self) -> None:
        while True:
            with self._changed:
                while not self._turns and not (self._shutdown and not self._lanes):
                    self._changed.wait()
                if not self._turns:
                    return  # shut down, and nothing left to run
                lane = self._turns.popleft()
                state = self._lanes[lane]
                state.waiting_turn = False
                future, fn, args, kwargs = state.queue.popleft()
                state.running += 1
                self._offer_turn(lane, state)  # its next task waits behind the other lanes
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args, **kwargs)
                except BaseException as error:  # the future carries it, as in a thread pool
                    future.set_exception(error)
                else:
                    future.set_result(result)
            with self._changed:
                state.running -= 1
                if not state.queue and not state.running:
                    del self._lanes[lane]
                    if self._shutdown:
                        self._changed.notify_all()
                else:
                    self._offer_turn(lane, state)
