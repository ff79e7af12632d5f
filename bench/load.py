"""The load generator: sends prepared Slack requests and times each one, in a process of its own.

The emulator answers the bot's Web API calls inside the bench process. If the timing
threads lived there too, every Web API call the product makes after its ack would hold
the same GIL as the stopwatch, and the product would look slower than it is while the
baseline (which makes no calls) would not. So the bench prepares the request bodies, and
this process signs each one the moment it sends it (Slack's 5-minute window), sends them
at the asked concurrency and prints the latencies as JSON.

stdin:  {"url": ..., "secret": ..., "concurrency": N, "requests": [[content_type, body], ...]}
stdout: {"latencies_ms": [...], "elapsed_s": s, "statuses": {"200": n, ...}}
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx

from bot.emulator.signing import sign_request


def run(url: str, secret: str, concurrency: int, requests: list[list[str]]) -> dict[str, object]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    with httpx.Client(timeout=30, limits=limits) as client:

        def send(request: list[str]) -> None:
            content_type, body = request
            headers = {"Content-Type": content_type, **sign_request(body, secret)}
            started = time.perf_counter()
            response = client.post(f"{url}/slack/events", content=body, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[str(response.status_code)] += 1

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(send, requests))
        elapsed = time.perf_counter() - started
    return {"latencies_ms": latencies, "elapsed_s": elapsed, "statuses": dict(statuses)}


if __name__ == "__main__":
    job = json.load(sys.stdin)
    json.dump(run(job["url"], job["secret"], job["concurrency"], job["requests"]), sys.stdout)
