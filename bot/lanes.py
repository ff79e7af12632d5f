"""Work after the ack, in lanes: one per workspace and channel, taking turns on a few threads.

A plain thread pool runs work in arrival order on whichever thread is free. When Slack rate
limits one channel (429 with Retry-After: 20), the Web API client sleeps out the wait in the
thread that made the call; four commands in that channel then hold all four threads, and an
unrelated `/hire` in another channel, or another workspace, waits behind them. Here lanes
with work take turns, and no lane may hold more than all threads but one: a channel that is
stuck waits with the threads it has, while the others carry on on the rest. A busy channel
alone still uses almost every thread (one channel with many conversations at once is the
common case). Within a lane, work starts in the order it came.
"""

from __future__ import annotations

import threading
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

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No new work; what is queued still runs (unless cancelled), then the threads end."""
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
