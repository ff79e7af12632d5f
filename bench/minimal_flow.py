"""The least a Bolt app can do for an answer click: the floor for "click to next question".

On a `hire_answer:<option>` click it acks, then, on a small pool of its own, runs one
guarded UPDATE of its own table and makes the two Web API calls the product makes after
an answer: `chat.update` of the answered question and `chat.postMessage` of the next
question in the thread. Same server stack as the product (uvicorn + Starlette + Bolt),
signature verification on. It takes the channel and the messages' timestamps from the
click itself, as a careful small app would, so its only database work is the UPDATE.

    python -m bench.minimal_flow PORT     (SLACK_API_URL, SLACK_SIGNING_SECRET,
                                           BENCH_DATABASE_URL in the environment)
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import Engine, create_engine, event, text
from starlette.applications import Starlette

from bench.baseline_app import asgi, serve

log = logging.getLogger("bench.minimal_flow")

ANSWER_ACTION = "hire_answer"
PROMPTS = (
    "Where will this person spend most of their first month?",
    "Who decides what they build?",
    "How often does the team ship?",
    "What breaks first when traffic doubles?",
    "Who talks to customers?",
    "How big is the team in a year?",
)
OPTIONS = (("startup", "Early product"), ("scaleup", "Growing product"), ("platform", "Platform"))

MOVE_ON = text(
    "UPDATE bench_conversations SET current_step = current_step + 1, version = version + 1 "
    "WHERE id = :id AND current_step = :step"
)


def make_engine(database_url: str) -> Engine:
    """SQLite in WAL mode with a busy timeout (what any multi-threaded SQLite app needs), or
    PostgreSQL through psycopg 3 with SQLAlchemy's default pool."""
    if not database_url.startswith("sqlite"):
        return create_engine(database_url)
    engine = create_engine(database_url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    return engine


def seed(database_url: str, count: int) -> None:
    """Conversations 1..count, each waiting at its first question."""
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS bench_conversations (id INTEGER PRIMARY KEY, "
                "current_step INTEGER NOT NULL, version INTEGER NOT NULL)"
            )
        )
        connection.execute(text("DELETE FROM bench_conversations"))
        connection.execute(
            text("INSERT INTO bench_conversations (id, current_step, version) VALUES (:id, 0, 1)"),
            [{"id": conversation} for conversation in range(1, count + 1)],
        )
    engine.dispose()


def question_message(conversation: int, step: int) -> dict[str, Any]:
    """`text` and `blocks` of question `step`: a prompt and one button per option."""
    heading = f"Question {step + 1} of {len(PROMPTS)}"
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": label},
            "action_id": f"{ANSWER_ACTION}:{key}",
            "value": json.dumps({"c": conversation, "s": step, "o": key}),
        }
        for key, label in OPTIONS
    ]
    return {
        "text": f"{heading}: {PROMPTS[step]}",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{heading}* · {PROMPTS[step]}"},
            },
            {"type": "actions", "block_id": f"q:{conversation}:{step}", "elements": buttons},
        ],
    }


def answered_message(step: int, option: str, user: str) -> dict[str, Any]:
    label = dict(OPTIONS).get(option, option)
    line = f":white_check_mark: *Question {step + 1} of {len(PROMPTS)}* · {PROMPTS[step]}"
    return {
        "text": f"Question {step + 1}: {label}",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"{line}\n*{label}* — answered by <@{user}>"},
            }
        ],
    }


def build() -> Starlette:
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    app = App(
        client=WebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"], timeout=15),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )
    # The product's default after-ack pool has 4 threads too: the comparison is then about
    # the work each click does, not about how many clicks are worked on at once.
    after_ack = ThreadPoolExecutor(max_workers=4, thread_name_prefix="after-ack")

    def move_on(body: dict[str, Any], client: WebClient) -> None:
        value = json.loads(body["actions"][0]["value"])
        conversation, step, option = int(value["c"]), int(value["s"]), str(value["o"])
        channel, message, user = body["channel"]["id"], body["message"], body["user"]["id"]
        with engine.begin() as connection:
            moved = connection.execute(MOVE_ON, {"id": conversation, "step": step}).rowcount == 1
        if not moved:  # a second click, or another device's: the thread already moved on
            client.chat_postEphemeral(
                channel=channel,
                user=user,
                text="That question was already answered.",
                thread_ts=message.get("thread_ts"),
            )
            return
        client.chat_update(
            channel=channel, ts=message["ts"], **answered_message(step, option, user)
        )
        if step + 1 < len(PROMPTS):
            client.chat_postMessage(
                channel=channel,
                thread_ts=message["thread_ts"],
                **question_message(conversation, step + 1),
            )

    def guarded(body: dict[str, Any], client: WebClient) -> None:
        # An executor keeps a task's exception to itself; nobody waits on these futures.
        try:
            move_on(body, client)
        except Exception:
            log.exception("answer click failed")

    @app.action(re.compile(rf"^{ANSWER_ACTION}:"))
    def answer(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        after_ack.submit(guarded, body, client)

    return asgi(app)


if __name__ == "__main__":
    serve(build(), int(sys.argv[1]))
