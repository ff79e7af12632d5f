"""`./dev bench`: ack latency against bare Bolt, with and without a slow Slack, click to next
question against a minimal Bolt flow, /hire while another channel is rate limited against
the same /hire without, and digest cost.

Prints figures; asserts nothing about time. Every figure is measured in the same run as
its baseline, on this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench import minimal_flow
from bot.emulator import EmulatorServer, EmulatorState, SlackDriver, wait_for
from bot.emulator.driver import DriverResult
from bot.emulator.state import BOT_ID, BOT_USER_ID, SECOND_TEAM, TEAM_ID, Call
from tests.e2e.harness import BotProcess, free_port

HERE = Path(__file__).resolve().parent


WARMUP = 10
# The bot runs the code of the checkout this bench is in, not whichever one the environment's
# editable install points at: a before/after can then run from an exported commit.
THIS_CHECKOUT = {"PYTHONPATH": str(HERE.parent)}
Case = tuple[str, Callable[[SlackDriver, int], object]]


def spawn_load() -> subprocess.Popen[str]:
    """`bench/load.py` in a process of its own, talked to over its stdin and stdout."""
    return subprocess.Popen(
        [sys.executable, "-m", "bench.load"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE.parent,
    )


def start_measured_bot(
    emulator: EmulatorServer, database_url: str, workdir: Path, bot_env: dict[str, str]
) -> BotProcess:
    """The product under measurement: this checkout's `hiring-bot serve`, migrated, quiet,
    with the scheduler ticking rarely so it doesn't compete with the requests."""
    bot = BotProcess(
        database_url=database_url,
        api_url=emulator.api_url,
        workdir=workdir,
        extra_env={
            "LOG_LEVEL": "WARNING",
            "SCHEDULER_TICK_SECONDS": "60",
            **THIS_CHECKOUT,
            **bot_env,
        },
    )
    bot.migrate()
    bot.start()
    return bot


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class CapturingDriver(SlackDriver):
    """Builds exactly the requests Slack would send, and keeps them instead of sending them.

    `bench/load.py` sends them from a process of its own (see its docstring for why).
    """

    def __init__(self, emulator: EmulatorServer) -> None:
        super().__init__(emulator.state, "http://127.0.0.1:9", "", emulator.url)
        self.captured: list[list[str]] = []

    def post_signed(
        self,
        body: str,
        content_type: str,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> DriverResult:
        self.captured.append([content_type, body])
        return DriverResult(200, "")


def prepare(emulator: EmulatorServer, case: Case, indexes: range) -> list[list[str]]:
    capture = CapturingDriver(emulator)
    for index in indexes:
        case[1](capture, index)
    capture.close()
    return capture.captured


def run_load(url: str, secret: str, concurrency: int, requests: list[list[str]]) -> dict[str, Any]:
    """`bench/load.py`'s whole answer: latencies, statuses and when each request was sent."""
    job = {"url": url, "secret": secret, "concurrency": concurrency, "requests": requests}
    finished = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def send_load(
    url: str, secret: str, concurrency: int, requests: list[list[str]]
) -> dict[str, float]:
    result = run_load(url, secret, concurrency, requests)
    latencies = result["latencies_ms"]
    failed = {status: n for status, n in result["statuses"].items() if status != "200"}
    if failed:
        print(f"    !! {url}: non-200 answers {failed}")
    return {
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "rps": len(latencies) / result["elapsed_s"],
    }


def quiesce(emulator: EmulatorServer, quiet_for: float = 0.5, limit: float = 120.0) -> None:
    """Wait until the previous case's after-ack work has finished talking to Slack."""
    deadline = time.monotonic() + limit
    last, since = len(emulator.state.calls), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now_count = len(emulator.state.calls)
        if now_count != last:
            last, since = now_count, time.monotonic()
        elif time.monotonic() - since >= quiet_for:
            return


def start_baseline(api_url: str, secret: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "SLACK_API_URL": api_url, "SLACK_SIGNING_SECRET": secret}
    process = subprocess.Popen([sys.executable, str(HERE / "baseline_app.py"), str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _up(url), timeout=30, message="baseline app")
    return process, url


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def open_conversations(
    emulator: EmulatorServer, product: SlackDriver, count: int, used: set[str]
) -> list[dict[str, object]]:
    """`count` live conversations waiting at question 1, none of them clicked before."""

    def fresh() -> list[dict[str, object]]:
        return [
            m
            for m in emulator.state.messages_in("C0HIRING", include_ephemeral=False)
            if "Question 1 of 6" in m["text"] and m["ts"] not in used
        ]

    for index in range(max(0, count - len(fresh()))):
        product.command("U0MANAGER", "C0HIRING", "/hire", f"Bench opening {len(used)}-{index}")
    wait_for(lambda: len(fresh()) >= count, timeout=180, message="questions posted")
    questions = fresh()[:count]
    used.update(str(q["ts"]) for q in questions)
    return questions


ROW = "{:<28}{:>5}{:>9.1f}{:>9.1f}{:>9.1f}{:>8.0f}{:>10.1f}{:>10.1f}{:>7.2f}{:>7.2f}{:>9}"


def ack_latency(
    emulator: EmulatorServer,
    database_url: str,
    workdir: Path,
    count: int,
    label: str,
    concurrencies: list[int],
    case_names: set[str],
    bot_env: dict[str, str],
) -> None:
    bot = start_measured_bot(emulator, database_url, workdir, bot_env)
    baseline, baseline_url = start_baseline(emulator.api_url, bot.signing_secret)
    product = SlackDriver(emulator.state, bot.url, bot.signing_secret, emulator.url)
    emulator.emulator.driver = product
    used: set[str] = set()
    instant: dict[tuple[str, int], float] = {}
    try:
        for delay in (0.0, 2.0):
            print(f"\n[{label}] Slack answers every Web API call after {delay:.0f} s")
            print(
                f"{'request':<28}{'conc':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}"
                f"{'base p50':>10}{'base p99':>10}{'x p50':>7}{'x p99':>7}{'Δp99 ms':>9}"
            )
            for concurrency in concurrencies:
                emulator.state.set_global_delay(0.0)
                # Each measured click answers question 1 of a conversation nobody clicked yet.
                questions = open_conversations(emulator, product, WARMUP + count, used)
                emulator.state.set_global_delay(delay)
                cases: list[Case] = [
                    (
                        "/role product engineer",
                        lambda d, i: d.command(
                            "U0MANAGER", "C0HIRING", "/role", "product engineer"
                        ),
                    ),
                    (
                        "/hire <title>",
                        lambda d, i: d.command("U0MANAGER", "C0HIRING", "/hire", f"Role {i}"),
                    ),
                    (
                        "answer click (DB write)",
                        lambda d, i: d.click(
                            "U0MANAGER",
                            str(questions[i]["ts"]),
                            "hire_answer:startup",
                            channel="C0HIRING",
                            stale_copy=questions[i],
                        ),
                    ),
                ]
                for case in [c for c in cases if c[0].split()[0].strip("/") in case_names]:
                    warm_up = prepare(emulator, case, range(WARMUP))
                    measured = prepare(emulator, case, range(WARMUP, WARMUP + count))
                    send_load(baseline_url, bot.signing_secret, 2, warm_up)
                    send_load(bot.url, bot.signing_secret, 2, warm_up)
                    quiesce(emulator, quiet_for=delay + 0.5)
                    base = send_load(baseline_url, bot.signing_secret, concurrency, measured)
                    prod = send_load(bot.url, bot.signing_secret, concurrency, measured)
                    quiesce(emulator, quiet_for=delay + 0.5)
                    name = case[0]
                    if delay == 0.0:
                        instant[(name, concurrency)] = prod["p99"]
                        slower = "—"
                    else:
                        slower = f"{prod['p99'] - instant[(name, concurrency)]:+.1f}"
                    print(
                        ROW.format(
                            name,
                            concurrency,
                            prod["p50"],
                            prod["p95"],
                            prod["p99"],
                            prod["rps"],
                            base["p50"],
                            base["p99"],
                            prod["p50"] / base["p50"],
                            prod["p99"] / base["p99"],
                            slower,
                        ),
                        flush=True,
                    )
    finally:
        emulator.state.set_global_delay(0.0)
        baseline.terminate()
        bot.stop()


# -- click to next question ------------------------------------------------------------------

# The minimal flow's conversations live in another channel than the product's #hiring, so
# `open_conversations` never takes one of them for the product's.
MINIMAL_CHANNEL = "C0GENERAL"
# Clicks per reading of the product's SQL counters (after its own warm-up).
PROBE_CLICKS = 20


def think_seconds(concurrency: int) -> float:
    """How long each simulated person looks at a new question before clicking again.

    Alone, 50 ms: enough for the app to finish the rest of the previous click, so each click
    is timed by itself. Several people click as soon as the next question is there: with the
    pause too, the product ran near the knee of its queueing curve and the minimal flow far
    below its own, and the c=8 p50 ratio swung from 5x to 14x between runs; without it both
    run flat out, and the ratio says how much more work a click is (3.6x and 3.7x).
    """
    return 0.05 if concurrency == 1 else 0.0


def _no_one(thread: str) -> None:
    """Nobody to tell: no load process is waiting."""


class WatchedState(EmulatorState):
    """The emulator's state, also noting when a watched thread first gets a new message
    (`chat.postMessage`) and when a watched message is first edited (`chat.update`).

    The moment is the emulator's own record of the call, `Call.at`, taken as it arrives.
    `on_post` runs on the emulator's event loop: it must be quick (a line to a pipe).
    """

    def __init__(self) -> None:
        self.watched_threads: set[str] = set()
        self.watched_messages: set[str] = set()
        self.posted_at: dict[str, float] = {}
        self.updated_at: dict[str, float] = {}
        self.on_post: Callable[[str], None] = _no_one
        super().__init__()

    def watch(
        self, threads: Iterable[str], messages: Iterable[str], on_post: Callable[[str], None]
    ) -> None:
        with self.lock:
            self.watched_threads, self.watched_messages = set(threads), set(messages)
            self.posted_at, self.updated_at = {}, {}
            self.on_post = on_post

    def unwatch(self) -> None:
        with self.lock:
            self.watched_threads, self.watched_messages = set(), set()
            self.on_post = _no_one

    def record(self, call: Call) -> None:
        super().record(call)
        posted = None
        with self.lock:
            if call.method == "chat.postMessage":
                thread = str(call.args.get("thread_ts") or "")
                if thread in self.watched_threads and thread not in self.posted_at:
                    self.posted_at[thread] = call.at
                    posted = thread
            elif call.method == "chat.update":
                ts = str(call.args.get("ts") or "")
                if ts in self.watched_messages and ts not in self.updated_at:
                    self.updated_at[ts] = call.at
            notify = self.on_post
        if posted is not None:
            notify(posted)


@dataclass
class ClickRun:
    """One batch of clicks, each timed from the moment its signed request was sent."""

    ack_ms: list[float]
    to_update_ms: list[float]  # until the answered question's chat.update reached Slack
    to_question_ms: list[float]  # until the next question's chat.postMessage reached Slack
    missed: int  # clicks whose next question did not come within the load process's wait
    statuses: dict[str, int]
    cpu_ms_per_click: float = float("nan")  # the app process's CPU, its after-ack work included


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux); NaN where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # utime and stime are fields 14 and 15 of the file; the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def post_minimal_questions(state: EmulatorState, conversations: range) -> list[dict[str, Any]]:
    """For each of the minimal flow's conversations, a root message and its first question in
    the thread, as the bot would have posted them, so the clicks target real messages."""
    questions = []
    for conversation in conversations:
        root = state.add_message(
            channel=MINIMAL_CHANNEL,
            user=BOT_USER_ID,
            bot_id=BOT_ID,
            text=f"Hiring decision #{conversation} (minimal flow)",
        )
        question = state.add_message(
            channel=MINIMAL_CHANNEL,
            user=BOT_USER_ID,
            bot_id=BOT_ID,
            thread_ts=root["ts"],
            **minimal_flow.question_message(conversation, 0),
        )
        questions.append(copy.deepcopy(question))
    return questions


def prepare_clicks(emulator: EmulatorServer, questions: list[dict[str, Any]]) -> list[list[str]]:
    """The requests Slack sends when U0MANAGER, who started them, answers each question."""
    case: Case = (
        "answer click",
        lambda d, i: d.click(
            "U0MANAGER",
            str(questions[i]["ts"]),
            f"{minimal_flow.ANSWER_ACTION}:startup",
            channel=str(questions[i]["channel"]),
            stale_copy=questions[i],
        ),
    )
    return prepare(emulator, case, range(len(questions)))


def send_clicks(
    state: WatchedState,
    url: str,
    secret: str,
    concurrency: int,
    requests: list[list[str]],
    questions: list[dict[str, Any]],
) -> ClickRun:
    """`concurrency` people clicking through conversations in `bench/load.py`, each clicking
    again once the emulator has recorded the next question of their previous click (and
    they have looked at it for `think_seconds`)."""
    threads = [str(q["thread_ts"]) for q in questions]
    job = {
        "url": url,
        "secret": secret,
        "concurrency": concurrency,
        "requests": requests,
        "await": threads,
        "pause_s": think_seconds(concurrency),
    }
    load = spawn_load()
    assert load.stdin is not None and load.stdout is not None
    signals = load.stdin

    def arrived(thread: str) -> None:
        # A post after the load process finished (it gave up waiting) paces nobody.
        with contextlib.suppress(OSError, ValueError):
            signals.write(thread + "\n")
            signals.flush()

    state.watch(threads, [str(q["ts"]) for q in questions], arrived)
    try:
        signals.write(json.dumps(job) + "\n")
        signals.flush()
        result = json.loads(load.stdout.read())
        load.wait()
    finally:
        state.unwatch()
        with contextlib.suppress(OSError):
            signals.close()
    sent = result["sent_at"]
    with state.lock:
        posted, updated = dict(state.posted_at), dict(state.updated_at)
    to_question = [
        (posted[thread] - at) * 1000
        for thread, at in zip(threads, sent, strict=True)
        if at and thread in posted
    ]
    to_update = [
        (updated[str(q["ts"])] - at) * 1000
        for q, at in zip(questions, sent, strict=True)
        if at and str(q["ts"]) in updated
    ]
    return ClickRun(
        result["latencies_ms"], to_update, to_question, result["missed"], result["statuses"]
    )


def failed_posts(state: EmulatorState, questions: list[dict[str, Any]]) -> int:
    """Next-question posts Slack refused: they stopped the stopwatch without reaching anyone."""
    threads = {str(q["thread_ts"]) for q in questions}
    return sum(
        1
        for call in state.calls_to("chat.postMessage")
        if str(call.args.get("thread_ts") or "") in threads
        and not (call.response or {}).get("ok", False)
    )


def start_minimal(
    api_url: str, secret: str, database_url: str
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_API_URL": api_url,
        "SLACK_SIGNING_SECRET": secret,
        "BENCH_DATABASE_URL": database_url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.minimal_flow", str(port)], env=env, cwd=HERE.parent
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _up(url), timeout=30, message="minimal flow")
    return process, url


CLICK_HEADER = (
    f"{'case':<22}{'conc':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    f"{'base p50':>10}{'base p95':>10}{'base p99':>10}{'x p50':>7}{'x p95':>7}{'x p99':>7}"
)
CLICK_ROW = "{:<22}{:>5}{:>9.1f}{:>9.1f}{:>9.1f}{:>10.1f}{:>10.1f}{:>10.1f}{:>7.2f}{:>7.2f}{:>7.2f}"


def click_latency(
    emulator: EmulatorServer,
    database: Callable[[str], str],
    workdir: Path,
    count: int,
    label: str,
    concurrencies: list[int],
    bot_env: dict[str, str],
    rounds: int,
) -> None:
    """From sending a signed answer click to the next question reaching Slack, for the
    product and for the minimal flow, in the same run; then what one click costs the
    product in transactions, SQL statements and Web API calls.

    At each concurrency the two apps take turns, `rounds` batches of `count` clicks each, the
    one that goes first alternating: a batch at concurrency 8 lasts about a second, and one
    batch each let a passing slowdown of the machine fall on one app only (x p50 swung from
    1.3 to 2.2 between runs of the same commit). The figures pool every round's clicks; the
    x p50 of each round is printed beside them, so the spread is in the output."""
    state = emulator.state
    assert isinstance(state, WatchedState)
    # A clean Slack: messages left by earlier benchmarks would make every lookup slower.
    state.reset()
    per_batch = WARMUP + count
    per_level = per_batch * rounds
    product_database = database("click")
    bot = start_measured_bot(emulator, product_database, workdir, bot_env)
    minimal_database = database("minimal")
    minimal_flow.seed(minimal_database, per_level * len(concurrencies))
    minimal, minimal_url = start_minimal(emulator.api_url, bot.signing_secret, minimal_database)
    product = SlackDriver(state, bot.url, bot.signing_secret, emulator.url)
    emulator.emulator.driver = product
    used: set[str] = set()
    breakdown: list[tuple[str, int, ClickRun]] = []
    print(
        f"\n[{label}] click to next question: from sending the signed click to the emulator "
        "recording the next question's chat.postMessage in that thread"
    )
    print(
        "base = bench/minimal_flow.py (ack; one guarded UPDATE, chat.update, "
        "chat.postMessage on a 4-thread pool)"
    )
    print(
        f"conc 1: one person, {think_seconds(1) * 1000:.0f} ms on each new question before the "
        "next click; conc N: N people, each clicking as soon as the next question is there; "
        f"{rounds} rounds of {count} clicks per app, taking turns"
    )
    print(CLICK_HEADER + "  x p50 by round")
    try:
        first = 1
        for concurrency in concurrencies:
            # Every measured click answers question 1 of a conversation nobody clicked yet.
            questions = {
                "minimal": post_minimal_questions(state, range(first, first + per_level)),
                "product": open_conversations(emulator, product, per_level, used),
            }
            first += per_level
            assert bot.process is not None
            apps = {
                "minimal": (minimal_url, minimal.pid),
                "product": (bot.url, bot.process.pid),
            }
            runs: dict[str, list[ClickRun]] = {"minimal": [], "product": []}
            for turn in range(rounds):
                order = ("minimal", "product") if turn % 2 == 0 else ("product", "minimal")
                for name in order:
                    url, pid = apps[name]
                    asked = questions[name][turn * per_batch : (turn + 1) * per_batch]
                    run = _click_batch(
                        state, emulator, url, pid, bot.signing_secret, asked, concurrency
                    )
                    runs[name].append(run)
                    _report_problems(name, run, failed_posts(state, asked))
            pooled = {name: _pooled(batches) for name, batches in runs.items()}
            breakdown += [(name, concurrency, pooled[name]) for name in ("minimal", "product")]
            prod, base = pooled["product"].to_question_ms, pooled["minimal"].to_question_ms
            if not prod or not base:
                print(f"{'answer → next question':<22}{concurrency:>5}   no figures")
                continue
            figures = [percentile(prod, q) for q in (0.50, 0.95, 0.99)]
            baseline = [percentile(base, q) for q in (0.50, 0.95, 0.99)]
            by_round = [
                percentile(p.to_question_ms, 0.5) / percentile(b.to_question_ms, 0.5)
                for p, b in zip(runs["product"], runs["minimal"], strict=True)
                if p.to_question_ms and b.to_question_ms
            ]
            print(
                CLICK_ROW.format(
                    "answer → next question",
                    concurrency,
                    *figures,
                    *baseline,
                    *(p / b for p, b in zip(figures, baseline, strict=True)),
                )
                + "  "
                + " ".join(f"{x:.2f}" for x in by_round),
                flush=True,
            )
        print("\nwhere the time goes: p50 ms after sending the click until …, and the app's CPU")
        print(
            f"{'':<8}{'conc':>5}{'the ack':>10}{'chat.update':>13}{'chat.postMessage':>18}"
            f"{'CPU ms/click':>14}"
        )
        for name, concurrency, run in breakdown:
            marks = [run.ack_ms, run.to_update_ms, run.to_question_ms]
            p50s = [percentile(m, 0.5) if m else float("nan") for m in marks]
            print(
                f"{name:<8}{concurrency:>5}{p50s[0]:>10.1f}{p50s[1]:>13.1f}{p50s[2]:>18.1f}"
                f"{run.cpu_ms_per_click:>14.1f}"
            )
    finally:
        minimal.terminate()
        minimal.wait()
        bot.stop()
    click_costs(emulator, product_database, workdir, label, used, bot_env)


def _click_batch(
    state: WatchedState,
    emulator: EmulatorServer,
    url: str,
    pid: int,
    secret: str,
    asked: list[dict[str, Any]],
    concurrency: int,
) -> ClickRun:
    """A warm-up, then the measured clicks, each answering question 1 of `asked`, with the
    app's CPU per measured click."""
    requests = prepare_clicks(emulator, asked)
    send_clicks(state, url, secret, 2, requests[:WARMUP], asked[:WARMUP])
    quiesce(emulator)
    cpu_before = cpu_seconds(pid)
    run = send_clicks(state, url, secret, concurrency, requests[WARMUP:], asked[WARMUP:])
    # After the quiet spell, so the work a click does after its next question (the
    # product's last writes and root update) is in its CPU too.
    quiesce(emulator)
    run.cpu_ms_per_click = (cpu_seconds(pid) - cpu_before) * 1000 / (len(asked) - WARMUP)
    return run


def _report_problems(name: str, run: ClickRun, refused: int) -> None:
    problems = {s: n for s, n in run.statuses.items() if s != "200"}
    if run.missed or problems or refused:
        print(
            f"    !! {name}: {run.missed} clicks without a next question, "
            f"non-200 acks {problems}, {refused} next-question posts refused"
        )


def _pooled(batches: list[ClickRun]) -> ClickRun:
    """Every batch's clicks as one run; CPU per click is the batches' mean."""
    statuses: Counter[str] = Counter()
    for batch in batches:
        statuses.update(batch.statuses)
    return ClickRun(
        [ms for batch in batches for ms in batch.ack_ms],
        [ms for batch in batches for ms in batch.to_update_ms],
        [ms for batch in batches for ms in batch.to_question_ms],
        sum(batch.missed for batch in batches),
        dict(statuses),
        sum(batch.cpu_ms_per_click for batch in batches) / len(batches),
    )


def _counts_after(path: Path, readings: int) -> Counter[str] | None:
    try:
        counts = Counter(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None
    return counts if counts["readings"] > readings else None


def click_costs(
    emulator: EmulatorServer,
    database_url: str,
    workdir: Path,
    label: str,
    used: set[str],
    bot_env: dict[str, str],
) -> None:
    """Transactions, SQL statements and Web API calls per answer click, counted inside the
    product (bench/sql_probe.py) over PROBE_CLICKS clicks one at a time."""
    state = emulator.state
    assert isinstance(state, WatchedState)
    counts_file = workdir / "sql-counts.json"
    counts_file.unlink(missing_ok=True)  # an earlier probe's readings would look newer
    bot = BotProcess(
        database_url=database_url,
        api_url=emulator.api_url,
        workdir=workdir,
        command=[sys.executable, str(HERE / "sql_probe.py")],
        # No scheduler: its ticks would be counted as the clicks' statements.
        extra_env={
            "LOG_LEVEL": "WARNING",
            "SCHEDULER_ENABLED": "false",
            "BENCH_SQL_COUNTS": str(counts_file),
            **THIS_CHECKOUT,
            **bot_env,
        },
    )
    bot.start()
    driver = SlackDriver(state, bot.url, bot.signing_secret, emulator.url)
    emulator.emulator.driver = driver

    def reading() -> Counter[str]:
        assert bot.process is not None
        before = _counts_after(counts_file, -1) or Counter()
        bot.process.send_signal(signal.SIGUSR1)
        found = wait_for(
            lambda: _counts_after(counts_file, before["readings"]), message="SQL counts"
        )
        assert found is not None  # wait_for returns only something truthy
        return found

    try:
        asked = open_conversations(emulator, driver, WARMUP + PROBE_CLICKS, used)
        requests = prepare_clicks(emulator, asked)
        # Warm-up: first-use work (imports, caches, pool connections) is not a click's cost.
        send_clicks(state, bot.url, bot.signing_secret, 1, requests[:WARMUP], asked[:WARMUP])
        quiesce(emulator)
        before, calls_before = reading(), len(state.calls)
        run = send_clicks(state, bot.url, bot.signing_secret, 1, requests[WARMUP:], asked[WARMUP:])
        quiesce(emulator)
        after, calls = reading(), state.calls[calls_before:]
    finally:
        bot.stop()
    clicks = len(run.to_question_ms) or 1
    spent = after - before
    spent.pop("readings", None)
    web_api = Counter(call.method for call in calls)
    statements = sum(n for key, n in spent.items() if key.startswith("sql "))
    print(f"\n[{label}] one answer click inside the product (mean of {clicks}, one at a time)")
    print(
        f"transactions {spent['transactions'] / clicks:.1f} · SQL statements "
        f"{statements / clicks:.1f} ("
        + ", ".join(
            f"{key.removeprefix('sql ')} {n / clicks:.1f}"
            for key, n in sorted(spent.items())
            if key.startswith("sql ")
        )
        + f") · pool checkouts {spent['pool checkouts'] / clicks:.1f}"
    )
    print(
        f"time inside transactions {spent['us in transactions'] / clicks / 1000:.1f} ms, of which "
        f"{spent['us in statements'] / clicks / 1000:.1f} ms waiting on the database driver"
    )
    print(
        "Web API calls "
        + ", ".join(f"{method} {n / clicks:.1f}" for method, n in sorted(web_api.items()))
    )
    print("statements per click:")
    for key, n in sorted(spent.items(), key=lambda item: (-item[1], item[0])):
        if key.startswith("statement "):
            print(f"  {n / clicks:>4.1f}  {key.removeprefix('statement ')}")
    print("minimal flow, by construction: 1 transaction (1 UPDATE), chat.update + chat.postMessage")


# -- fair lanes: one channel rate limited, another channel's /hire ---------------------------

# How long Slack refuses every chat.postMessage in the loaded channel (the figure).
RATE_LIMIT_SECONDS = 20.0
# The loaded case's /hires are paced to end this long before the window closes, so each is
# timed while the other channel is still refused.
WINDOW_MARGIN_SECONDS = 3.0
# Multi-workspace (OAuth) mode, so a second workspace's /hire is measured by the same bot.
LANES_OAUTH_ENV = {
    "SLACK_BOT_TOKEN": "",
    "SLACK_CLIENT_ID": "111.222",
    "SLACK_CLIENT_SECRET": "bench-oauth-secret",
}


@dataclass(frozen=True)
class HireTarget:
    """A channel whose `/hire` is timed, and who types it there."""

    name: str
    user: str
    channel: str


# The first workspace's #hiring is the rate-limited channel; the same workspace's #general and
# the second workspace's #general are the ones that must not wait for it.
RATE_LIMITED = HireTarget("rate-limited #hiring", "U0MANAGER", "C0HIRING")
LANE_TARGETS = (
    HireTarget("same workspace, #general", "U0MANAGER", "C0GENERAL"),
    HireTarget("other workspace, #general", "U2MANAGER", "C2GENERAL"),
)


@dataclass
class HireTiming:
    """One `/hire`, in wall-clock seconds: the load process's `time.time()` and the
    emulator's `Call.at` read the same clock."""

    target: HireTarget
    sent_at: float
    acked_at: float  # the HTTP response to the command reached the load process
    first_call_at: float | None  # the first Web API call naming the channel, after sending
    root_at: float | None  # the root message's chat.postMessage
    question_at: float | None  # question 1's chat.postMessage in the root's thread


def hire_posts(calls: list[Call], channel: str, title: str) -> tuple[Call | None, Call | None]:
    """The accepted root message of `/hire <title>` in `channel`, and question 1 in its thread
    (each title is used once, so the root's text names its request)."""

    def accepted_post(call: Call) -> bool:
        return call.method == "chat.postMessage" and bool((call.response or {}).get("ok"))

    root = next(
        (
            c
            for c in calls
            if accepted_post(c)
            and c.args.get("channel") == channel
            and not c.args.get("thread_ts")
            and title in str(c.args.get("text", ""))
        ),
        None,
    )
    if root is None:
        return None, None
    root_ts = str((root.response or {}).get("ts"))
    question = next(
        (
            c
            for c in calls
            if accepted_post(c)
            and c.args.get("thread_ts") == root_ts
            and "Question 1 of" in str(c.args.get("text", ""))
        ),
        None,
    )
    return root, question


def prepare_hires(emulator: EmulatorServer, hires: list[tuple[HireTarget, str]]) -> list[list[str]]:
    case: Case = (
        "/hire",
        lambda d, i: d.command(hires[i][0].user, hires[i][0].channel, "/hire", hires[i][1]),
    )
    return prepare(emulator, case, range(len(hires)))


def send_paced_hires(
    emulator: EmulatorServer,
    url: str,
    secret: str,
    hires: list[tuple[HireTarget, str]],
    pause_s: float,
) -> list[HireTiming]:
    """Each `/hire <title>` sent by `bench/load.py`, one at a time: the next goes once the
    previous one's question 1 has reached Slack and `pause_s` has passed."""
    state = emulator.state
    mark = len(state.calls_to())
    job = {
        "url": url,
        "secret": secret,
        "concurrency": 1,
        "requests": prepare_hires(emulator, hires),
        "await": [title for _, title in hires],
        "pause_s": pause_s,
    }
    load = spawn_load()
    assert load.stdin is not None and load.stdout is not None
    signals = load.stdin

    def tell_arrivals() -> None:
        # Pacing only: the figures come from `Call.at` afterwards, so this poll's few
        # milliseconds are in none of them.
        told: set[str] = set()
        while load.poll() is None and len(told) < len(hires):
            calls = state.calls_to()[mark:]
            for target, title in hires:
                if title not in told and hire_posts(calls, target.channel, title)[1]:
                    told.add(title)
                    with contextlib.suppress(OSError, ValueError):
                        signals.write(title + "\n")
                        signals.flush()
            time.sleep(0.005)

    teller = threading.Thread(target=tell_arrivals, daemon=True)
    try:
        signals.write(json.dumps(job) + "\n")
        signals.flush()
        teller.start()
        result = json.loads(load.stdout.read())
        load.wait()
    finally:
        teller.join(timeout=5)
        with contextlib.suppress(OSError):
            signals.close()
    failed = {status: n for status, n in result["statuses"].items() if status != "200"}
    if failed or result["missed"]:
        print(f"    !! {result['missed']} /hire without question 1 in time, non-200 acks {failed}")
    calls = state.calls_to()[mark:]
    timings = []
    # One at a time, so the latencies come back in the order the requests were sent; a load
    # process that gave up sends none after that (sent_at 0).
    for (target, title), sent_at, ack_ms in zip(
        hires, result["sent_at"], result["latencies_ms"], strict=False
    ):
        if not sent_at:
            continue
        root, question = hire_posts(calls, target.channel, title)
        first = next(
            (c for c in calls if c.args.get("channel") == target.channel and c.at >= sent_at),
            None,
        )
        timings.append(
            HireTiming(
                target=target,
                sent_at=sent_at,
                acked_at=sent_at + ack_ms / 1000,
                first_call_at=first.at if first else None,
                root_at=root.at if root else None,
                question_at=question.at if question else None,
            )
        )
    return timings


def describe_pools(database_url: str, workers: int) -> str:
    """The after-ack pool and the database pool the bot runs with, read from the same code."""
    from bot.db.session import make_engine
    from bot.lanes import LaneExecutor

    lanes = LaneExecutor(workers)
    most_per_lane = lanes.most_per_lane
    lanes.shutdown()
    engine = make_engine(database_url)  # what bot/runtime.py builds for this URL
    pool = engine.pool
    size = pool.size() if hasattr(pool, "size") else "-"
    overflow = getattr(pool, "_max_overflow", "-")
    writers = " (SQLite: one writer at a time, BEGIN IMMEDIATE)" if "sqlite" in database_url else ""
    engine.dispose()
    return (
        f"after-ack pool {workers} threads (BACKGROUND_WORKERS), at most {most_per_lane} per "
        f"workspace+channel lane · database pool {type(pool).__name__} size {size}, "
        f"max overflow {overflow}{writers}"
    )


def _ms(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3
    return percentile(values, 0.5), percentile(values, 0.95), max(values)


LANE_HEADER = (
    f"{'/hire in':<27}{'case':<13}{'n':>3}{'root p50':>10}{'q1 p50':>8}{'q1 p95':>8}"
    f"{'q1 max':>8}{'ack p50':>9}{'wait p50':>10}{'wait p95':>10}{'wait max':>10}{'in 20s':>8}"
)
LANE_ROW = (
    "{:<27}{:<13}{:>3}{:>10.1f}{:>8.1f}{:>8.1f}{:>8.1f}{:>9.1f}{:>10.1f}{:>10.1f}{:>10.1f}{:>8}"
)


def lane_row(name: str, case: str, timings: list[HireTiming], window_ends: float | None) -> str:
    def since_sent(pick: Callable[[HireTiming], float | None]) -> list[float]:
        return [(at - t.sent_at) * 1000 for t in timings if (at := pick(t)) is not None]

    roots = since_sent(lambda t: t.root_at)
    questions = since_sent(lambda t: t.question_at)
    acks = [(t.acked_at - t.sent_at) * 1000 for t in timings]
    waits = [(t.first_call_at - t.acked_at) * 1000 for t in timings if t.first_call_at]
    inside = "-"
    if window_ends is not None:
        done = sum(1 for t in timings if t.question_at and t.question_at < window_ends)
        inside = f"{done}/{len(timings)}"
    return LANE_ROW.format(
        name,
        case,
        len(questions),
        _ms(roots)[0],
        *_ms(questions),
        _ms(acks)[0],
        *_ms(waits),
        inside,
    )


def lane_fairness(
    emulator: EmulatorServer,
    database_url: str,
    workdir: Path,
    repetitions: int,
    label: str,
    bot_env: dict[str, str],
) -> None:
    """`/hire` in another channel, and in another workspace, while one channel's posts are
    refused for RATE_LIMIT_SECONDS, against the same /hire with no fault, in the same run."""
    from bot.config import Settings

    state = emulator.state
    state.reset()  # one workspace and no OAuth app is what every other case expects after
    state.add_team(SECOND_TEAM)
    state.configure_oauth(
        LANES_OAUTH_ENV["SLACK_CLIENT_ID"], LANES_OAUTH_ENV["SLACK_CLIENT_SECRET"]
    )
    workers = int(bot_env.get("BACKGROUND_WORKERS", Settings.background_workers))
    bot = start_measured_bot(emulator, database_url, workdir, {**LANES_OAUTH_ENV, **bot_env})
    slack = emulator.attach(bot.url, bot.signing_secret)
    try:
        for team in (TEAM_ID, SECOND_TEAM.id):
            installed = slack.install(team)
            if installed.status != 200:
                print(f"    !! installing {team}: HTTP {installed.status}")
        # Warm-up: imports, caches (each channel's conversations.info) and pool connections.
        warm_up = [
            (t, f"Lane warm-up {t.channel} {i}")
            for t in (*LANE_TARGETS, RATE_LIMITED)
            for i in range(2)
        ]
        send_paced_hires(emulator, bot.url, bot.signing_secret, warm_up, 0.0)
        quiesce(emulator)

        def interleaved(case: str) -> list[tuple[HireTarget, str]]:
            return [
                (t, f"Lane {case} {i} {t.channel}")
                for i in range(repetitions)
                for t in LANE_TARGETS
            ]

        baseline_hires = interleaved("baseline")
        baseline = send_paced_hires(emulator, bot.url, bot.signing_secret, baseline_hires, 0.05)
        quiesce(emulator)

        # Slack refuses every post in #hiring for RATE_LIMIT_SECONDS (429 with Retry-After:
        # the rest of the window); the bot's Web API client sleeps that out in its thread.
        state.inject_fault(
            "chat.postMessage",
            "rate_limited_for",
            seconds=RATE_LIMIT_SECONDS,
            match={"channel": RATE_LIMITED.channel},
        )
        limit_began = time.time()
        window_ends = limit_began + RATE_LIMIT_SECONDS
        flood = [(RATE_LIMITED, f"Lane limited {i:03d}") for i in range(workers + 2)]
        mark = len(state.calls_to())
        flooded = run_load(bot.url, bot.signing_secret, len(flood), prepare_hires(emulator, flood))
        loaded_hires = interleaved("loaded")
        spread = RATE_LIMIT_SECONDS - WINDOW_MARGIN_SECONDS - (time.time() - limit_began)
        pause = max(0.05, spread / len(loaded_hires) - 0.05)
        loaded = send_paced_hires(emulator, bot.url, bot.signing_secret, loaded_hires, pause)
        wait_for(
            lambda: all(
                hire_posts(state.calls_to()[mark:], RATE_LIMITED.channel, title)[1]
                for _, title in flood
            ),
            timeout=RATE_LIMIT_SECONDS * 4,
            message="the rate-limited channel's questions, after the limit",
        )
        quiesce(emulator)
    finally:
        bot.stop()
    calls = state.calls_to()[mark:]
    refused = sum(
        1
        for c in calls
        if c.method == "chat.postMessage"
        and c.args.get("channel") == RATE_LIMITED.channel
        and c.status == 429
    )
    # When each of the rate-limited channel's /hires first tried to post, and when it got
    # through: whoever had a thread tried at once; the rest waited in their lane.
    tried: list[float] = []
    through: list[float] = []
    for (target, title), sent_at in zip(flood, flooded["sent_at"], strict=True):
        attempts = [
            c.at
            for c in calls
            if c.method == "chat.postMessage"
            and c.args.get("channel") == target.channel
            and title in str(c.args.get("text", ""))
        ]
        root, _ = hire_posts(calls, target.channel, title)
        tried.append(min(attempts) - sent_at if attempts else float("inf"))
        through.append(root.at - sent_at if root else float("inf"))
    state.reset()

    print(
        f"\n[{label}] fair lanes: /hire while {RATE_LIMITED.channel} is refused "
        f"(429, Retry-After) for {RATE_LIMIT_SECONDS:.0f} s; multi-workspace (OAuth) mode"
    )
    print(describe_pools(database_url, workers))
    print(
        f"{RATE_LIMITED.name}: {len(flood)} /hire at once (threads + 2), acks "
        f"{flooded['statuses']}, {refused} chat.postMessage refused with 429"
    )
    print(f"  first post attempt, s after sending: {' '.join(f'{s:.1f}' for s in sorted(tried))}")
    print(f"  root accepted, s after sending:      {' '.join(f'{s:.1f}' for s in sorted(through))}")
    print(
        "ms after sending the signed /hire: root = root message's chat.postMessage, q1 = "
        "question 1's; wait = ack (HTTP response) to the first Web API call naming the channel"
        f"; 'in 20s' = question 1 reached Slack while {RATE_LIMITED.channel} was still refused"
    )
    print(LANE_HEADER)
    for target in LANE_TARGETS:
        base = [t for t in baseline if t.target == target]
        load = [t for t in loaded if t.target == target]
        print(lane_row(target.name, "baseline", base, None))
        print(lane_row(target.name, "rate-limited", load, window_ends))
        before = _ms([(t.question_at - t.sent_at) * 1000 for t in base if t.question_at])
        during = _ms([(t.question_at - t.sent_at) * 1000 for t in load if t.question_at])
        ratios = " · ".join(
            f"{name} {d / b:.2f}"
            for name, d, b in zip(("p50", "p95", "max"), during, before, strict=True)
        )
        print(f"{'':<27}{'x q1':<13}{ratios}", flush=True)


def digest_cost(database_url: str, sizes: list[int], label: str) -> None:
    from sqlalchemy import insert

    from bot.core.visibility import Audience
    from bot.db.migrate import upgrade_to_head
    from bot.db.models import Decision, HiringConversation, Workspace
    from bot.db.session import make_engine, make_session_factory
    from bot.hiring.digest import DigestStore

    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    store = DigestStore(sessions)
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    workspaces = 1000
    with engine.begin() as connection:
        connection.execute(
            insert(Workspace),
            [
                {"team_id": f"T{i:05d}", "enterprise_id": "", "created_at": now}
                for i in range(workspaces)
            ],
        )
    print(f"\n[{label}] digest build for one workspace, 1,000 workspaces, decisions over two years")
    print(f"{'decisions':>10}{'build ms (median of 20)':>26}{'decisions in the week':>24}")
    made = 0
    first: float | None = None
    for size in sizes:
        rows = size - made
        batch = 20_000
        conv_id = made + 1
        while rows > 0:
            chunk = min(batch, rows)
            convs, decisions = [], []
            for offset in range(chunk):
                index = made + offset
                # A multiplicative hash spreads every workspace's decisions over two years.
                at = now - timedelta(seconds=(index * 2654435761) % (730 * 86400))
                convs.append(
                    {
                        "id": conv_id + offset,
                        "workspace_id": 1 + index % workspaces,
                        "title": f"Role {index}",
                        "started_by": "U1",
                        "channel_id": "C1",
                        "root_ts": f"{index}.000001",
                        "state": "decided",
                        "current_step": 6,
                        "version": 1,
                        "created_at": at,
                        "updated_at": at,
                        "last_activity_at": at,
                    }
                )
                decisions.append(
                    {
                        "workspace_id": 1 + index % workspaces,
                        "conversation_id": conv_id + offset,
                        "recommendation": "product_engineer",
                        "confidence": 0.5,
                        "recommendation_reasons": [],
                        "answers_snapshot": {},
                        "final_outcome": "product_engineer",
                        "decided_by": "U1",
                        "decided_at": at,
                    }
                )
            with engine.begin() as connection:
                connection.execute(insert(HiringConversation), convs)
                connection.execute(insert(Decision), decisions)
            made += chunk
            conv_id += chunk
            rows -= chunk
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        timings = []
        digest = None
        for _ in range(20):
            started = time.perf_counter()
            digest = store.build(
                1,
                now - timedelta(days=7),
                now,
                "https://acme.slack.com",
                audience=Audience.posted_in("C0HIRING"),
            )
            timings.append((time.perf_counter() - started) * 1000)
        assert digest is not None
        median = statistics.median(timings)
        first = first or median
        print(
            f"{size:>10,}{median:>26.2f}{digest.total:>24}   ({median / first:.2f}x the smallest)"
        )
    if engine.dialect.name == "postgresql":
        week = "decided_at >= now() - interval '7 days'"
        for sql in (
            f"SELECT * FROM decisions WHERE workspace_id = 1 AND {week}",
            "SELECT * FROM hiring_conversations WHERE workspace_id = 1 "
            "AND state IN ('in_progress', 'awaiting_decision') ORDER BY last_activity_at LIMIT 200",
        ):
            with engine.connect() as connection:
                plan = connection.exec_driver_sql(f"EXPLAIN (COSTS OFF) {sql}").scalars().all()
            print("plan for:", sql, *("    " + line for line in plan), sep="\n")
    engine.dispose()


def fan_out(
    emulator: EmulatorServer, database_url: str, workdir: Path, workspaces: int, label: str
) -> None:
    """Every workspace due at once; Slack answers each call after 50 ms."""
    import resource

    from sqlalchemy import insert

    from bot.db.migrate import upgrade_to_head
    from bot.db.models import DigestSettings, Workspace
    from bot.db.session import make_engine

    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    with engine.begin() as connection:
        connection.execute(
            insert(Workspace),
            [
                {"team_id": f"TF{i:05d}", "enterprise_id": "", "created_at": now}
                for i in range(workspaces)
            ],
        )
        connection.execute(
            insert(DigestSettings),
            [
                {
                    "workspace_id": i + 1,
                    "channel_id": f"CF{i:05d}",
                    "weekday": due.weekday(),
                    "hour": due.hour,
                    "minute": due.minute,
                    "timezone": "UTC",
                    "enabled": True,
                    "post_when_quiet": True,
                    "updated_at": now - timedelta(days=8),
                }
                for i in range(workspaces)
            ],
        )
    engine.dispose()
    emulator.state.reset()
    with emulator.state.lock:
        for i in range(workspaces):
            emulator.state.channels[f"CF{i:05d}"] = {
                "id": f"CF{i:05d}",
                "name": f"hiring-{i}",
                "is_private": False,
                "is_im": False,
                "is_archived": False,
                "members": {"U0BOT"},
            }
    emulator.state.set_global_delay(0.05)
    bot = BotProcess(
        database_url=database_url,
        api_url=emulator.api_url,
        workdir=workdir,
        extra_env={"LOG_LEVEL": "WARNING", **THIS_CHECKOUT},
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "digest"], env=bot.env(), cwd=workdir, check=True
    )
    elapsed = time.perf_counter() - started
    emulator.state.set_global_delay(0.0)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    posts = [c for c in emulator.state.calls_to("chat.postMessage")]
    per_channel: dict[str, list[float]] = {}
    for call in posts:
        per_channel.setdefault(str(call.args.get("channel")), []).append(call.at)
    busiest = max(len(v) for v in per_channel.values()) if per_channel else 0
    print(
        f"\n[{label}] digest fan-out: {workspaces} workspaces due at once, 50 ms per Web API call"
    )
    print(
        f"all posted in {elapsed:.1f} s · {len(posts)} chat.postMessage, {len(emulator.state.calls_to())} "
        f"Web API calls in all · peak RSS of the digest process {rss_mb:.0f} MB · at most {busiest} "
        f"message(s) per channel"
    )


# The texts that cost the most before the caps (a 4,000-character /role compare took 12.9 s
# of CPU before its ack); each is timed against an ordinary /role in the same run.
WORST_ROLE_TEXTS = {
    "compare a a a … (4,000 chars)": "compare " + "a " * 1996,
    "compare product engineer … ×235": "compare " + "product engineer " * 235,
    "4,000 × ʼ": "ʼ" * 4000,
}


def worst_input(emulator: EmulatorServer, database_url: str, workdir: Path, count: int) -> None:
    """Ack time of the most expensive /role texts next to an ordinary /role, one at a time."""
    bot = BotProcess(
        database_url=database_url,
        api_url=emulator.api_url,
        workdir=workdir,
        extra_env={"LOG_LEVEL": "WARNING", "SCHEDULER_ENABLED": "false", **THIS_CHECKOUT},
    )
    bot.migrate()
    bot.start()
    product = SlackDriver(emulator.state, bot.url, bot.signing_secret, emulator.url)
    emulator.emulator.driver = product

    def timed(text: str) -> tuple[list[float], set[int]]:
        times, statuses = [], set()
        for _ in range(count):
            started = time.perf_counter()
            result = product.command("U0MANAGER", "C0HIRING", "/role", text)
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(result.status)
        return times, statuses

    try:
        timed("product engineer")  # warm-up: content and cards load once per process
        base, _ = timed("product engineer")
        print(f"\nWorst /role texts, {count} sequential requests each (ack time)")
        print(f"{'text':<34}{'p50 ms':>9}{'max ms':>9}{'x p50':>7}  HTTP")
        print(f"{'/role product engineer':<34}{statistics.median(base):>9.1f}{max(base):>9.1f}")
        for name, text in WORST_ROLE_TEXTS.items():
            worst, statuses = timed(text)
            ratio = statistics.median(worst) / statistics.median(base)
            codes = ",".join(str(s) for s in sorted(statuses))
            print(
                f"{name:<34}{statistics.median(worst):>9.1f}{max(worst):>9.1f}{ratio:>7.1f}  {codes}"
            )
    finally:
        bot.stop()


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per case")
    parser.add_argument("--concurrency", default="1,8,32", help="concurrency levels for acks")
    parser.add_argument("--cases", default="role,hire,answer", help="ack cases to measure")
    parser.add_argument(
        "--click-concurrency", default="1,8", help="people clicking at once, click to next question"
    )
    parser.add_argument(
        "--click-rounds",
        type=int,
        default=3,
        help="batches per app at each click concurrency, the apps taking turns",
    )
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="decision counts for the digest cost"
    )
    parser.add_argument(
        "--only", choices=["ack", "click", "lanes", "digest", "fanout", "worst-input"], default=None
    )
    parser.add_argument(
        "--lane-repetitions",
        type=int,
        default=20,
        help="/hire per measured channel, with and without another channel rate limited",
    )
    parser.add_argument(
        "--sqlite-only", action="store_true", help="skip the runs on a throwaway PostgreSQL"
    )
    parser.add_argument(
        "--bot-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the measured bot, e.g. BACKGROUND_WORKERS=32 for a before/after",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    click_concurrencies = [int(c) for c in args.click_concurrency.split(",")]
    case_names = set(args.cases.split(","))
    bot_env = dict(item.split("=", 1) for item in args.bot_env)
    if bot_env:
        print(f"bot settings: {bot_env}")
    everything = {"ack", "click", "lanes", "digest", "fanout", "worst-input"}
    run = {args.only} if args.only else everything

    def run_on(database: Callable[[str], str], label: str) -> None:
        if "ack" in run:
            ack_latency(
                emulator,
                database("ack"),
                workdir,
                args.requests,
                label,
                concurrencies,
                case_names,
                bot_env,
            )
        if "click" in run:
            click_latency(
                emulator,
                database,
                workdir,
                args.requests,
                label,
                click_concurrencies,
                bot_env,
                args.click_rounds,
            )
        if "lanes" in run:
            lane_fairness(
                emulator, database("lanes"), workdir, args.lane_repetitions, label, bot_env
            )
        if "digest" in run:
            digest_cost(database("digest"), sizes, label)
        if "fanout" in run:
            fan_out(emulator, database("fanout"), workdir, 1000, label)
        if "worst-input" in run:
            worst_input(emulator, database("worst"), workdir, args.requests)

    # WatchedState: the click benchmark reads the moment each next question reached Slack.
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer(state=WatchedState()) as emulator:
        workdir = Path(tmp)
        run_on(lambda name: f"sqlite:///{workdir / name}.db", "SQLite")
        if args.sqlite_only:
            return 0
        from tests.pg import PostgresServer, find_bindir

        bindir = find_bindir()
        if bindir is None:
            print("PostgreSQL server binaries not found (Debian package postgresql): not measured")
            return 1
        server = PostgresServer(bindir)
        server.start()
        try:
            run_on(server.create_database, "PostgreSQL")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
