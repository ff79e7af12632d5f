"""Work after the ack, in lanes: one per workspace and channel, taking turns on a few threads.

A plain thread pool runs work in arrival order on whichever thread is free. When Slack rate
limits one channel (429 with Retry-After: 20), the Web API client sleeps out the wait in the
thread that made the call; four commands in that channel then hold all four threads, and an
unrelated `/hire` in another channel, or another workspace, waits behind them. Here each
lane runs one task at a time and lanes with work take turns, so a slow channel holds at most
one thread and waits alone; the other lanes carry on. Within a lane work keeps its order,
which is also the order Slack sent it in.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future
from typing import Any

_Task = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class LaneExecutor(Executor):
    def __init__(self, workers: int, thread_name_prefix: str = "after-ack") -> None:
        if workers < 1:
            raise ValueError("a LaneExecutor needs at least one thread")
        self.workers = workers
        self._changed = threading.Condition()
        self._lanes: dict[Hashable, deque[_Task]] = {}  # lanes with work queued or running
        self._ready: deque[Hashable] = deque()  # lanes with work, none of it running
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
        """Queue `fn` behind the lane's earlier work."""
        future: Future[Any] = Future()
        with self._changed:
            if self._shutdown:
                raise RuntimeError("cannot schedule new work after shutdown")
            queue = self._lanes.get(lane)
            if queue is None:  # idle lane: it joins the turn order
                queue = self._lanes[lane] = deque()
                self._ready.append(lane)
                self._changed.notify()
            queue.append((future, fn, args, kwargs))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No new work; what is queued still runs (unless cancelled), then the threads end."""
        with self._changed:
            self._shutdown = True
            if cancel_futures:
                for queue in self._lanes.values():
                    for future, *_ in queue:
                        future.cancel()
            self._changed.notify_all()
        if wait:
            for thread in self._threads:
                thread.join()

    def _work(self) -> None:
        while True:
            with self._changed:
                while not self._ready and not self._shutdown:
                    self._changed.wait()
                if not self._ready:
                    return  # shut down, and nothing left to run
                lane = self._ready.popleft()
                queue = self._lanes[lane]
                future, fn, args, kwargs = queue.popleft()
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args, **kwargs)
                except BaseException as error:  # the future carries it, as in a thread pool
                    future.set_exception(error)
                else:
                    future.set_result(result)
            with self._changed:
                if queue:  # the lane's next task waits for its turn behind the others
                    self._ready.append(lane)
                    self._changed.notify()
                else:
                    del self._lanes[lane]
