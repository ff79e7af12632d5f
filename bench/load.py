"""The load generator: sends prepared Slack requests and times each one, in a process of its own.

The emulator answers the bot's Web API calls inside the bench process. If the timing
threads lived there too, every Web API call the product makes after its ack would hold
the same GIL as the stopwatch, and the product would look slower than it is while the
baseline (which makes no calls) would not. So the bench prepares the request bodies, and
this process signs each one the moment it sends it (Slack's 5-minute window), sends them
at the asked concurrency and prints the latencies as JSON.

With `await`, each sender is a person clicking through a conversation: after a click it
waits until the bench says (one line on stdin, naming the request's thread) that the
emulator has recorded the next question, then reads it for `pause_s`, and only then clicks
again. The stopwatch for that is the emulator's own record (`Call.at`); `sent_at` gives the
other end, on the same wall clock.

stdin:  {"url": ..., "secret": ..., "concurrency": N, "requests": [[content_type, body], ...],
         "await": [thread_ts per request], "pause_s": s (both optional)} on one line,
        then thread_ts lines
stdout: {"latencies_ms": [...], "elapsed_s": s, "statuses": {"200": n, ...},
         "sent_at": [time.time() per request, 0 if never sent], "missed": n}
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

import httpx

from bot.emulator.signing import sign_request

# A click whose next question has not appeared by then counts as missed; after a few,
# the product is broken rather than slow, and waiting out every click would take minutes.
AWAIT_SECONDS = 10.0
GIVE_UP_AFTER_MISSES = 3


def run(
    url: str,
    secret: str,
    concurrency: int,
    requests: list[list[str]],
    awaited: list[str] | None = None,
    signals: TextIO | None = None,
    pause_s: float = 0.0,
) -> dict[str, object]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    sent_at = [0.0] * len(requests)
    arrived = {thread: threading.Event() for thread in awaited or []}
    missed: list[int] = []
    if awaited and signals is not None:

        def listen(stream: TextIO) -> None:
            for line in stream:
                if (event := arrived.get(line.strip())) is not None:
                    event.set()

        threading.Thread(target=listen, args=(signals,), daemon=True).start()

    with httpx.Client(timeout=30, limits=limits) as client:

        def send(index: int) -> None:
            if len(missed) >= GIVE_UP_AFTER_MISSES:
                return
            content_type, body = requests[index]
            headers = {"Content-Type": content_type, **sign_request(body, secret)}
            # Wall clock, not perf_counter: the emulator stamps Call.at with time.time().
            sent_at[index] = time.time()
            started = time.perf_counter()
            response = client.post(f"{url}/slack/events", content=body, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[str(response.status_code)] += 1
            if awaited and not arrived[awaited[index]].wait(AWAIT_SECONDS):
                missed.append(index)
            elif awaited:
                # A person's glance at the new question: the app's work after posting it
                # (last writes, other messages) is done before the next click, as it would be
                # between two real clicks seconds apart.
                time.sleep(pause_s)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(send, range(len(requests))))
        elapsed = time.perf_counter() - started
    return {
        "latencies_ms": latencies,
        "elapsed_s": elapsed,
        "statuses": dict(statuses),
        "sent_at": sent_at,
        "missed": len(missed),
    }


if __name__ == "__main__":
    # One line, so whatever follows on stdin stays for the listener.
    job = json.loads(sys.stdin.readline())
    result = run(
        job["url"],
        job["secret"],
        job["concurrency"],
        job["requests"],
        job.get("await"),
        sys.stdin,
        job.get("pause_s", 0.0),
    )
    json.dump(result, sys.stdout)
