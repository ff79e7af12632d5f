"""`/hire list|show|export` through the production app, read the way a person reads them:
names where a mention would not render, history as sentences dated for the reader, and a
CSV a spreadsheet and a person can both read."""

from __future__ import annotations

import copy
import csv
import io
import re
from typing import Any

from bot.core.recommendation import CLEAR_LEAD, MODERATE_LEAD, SLIGHT_LEAD, TOO_CLOSE_WORDS
from bot.emulator import SlackDriver, wait_for
from tests.e2e.test_hire import CHANNEL, everything
from tests.e2e.test_hire import start as start_conversation
from tests.e2e.test_log import decide


def hire(slack: SlackDriver, text: str, user: str = "U0MANAGER") -> dict[str, Any]:
    before = len(slack.state.ephemeral_for(user))
    slack.command(user, CHANNEL, "/hire", text)
    return wait_for(lambda: slack.state.ephemeral_for(user)[before:], message=text)[-1]


def header_of(message: dict[str, Any]) -> str:
    return str(next(b for b in message["blocks"] if b["type"] == "header")["text"]["text"])


def add_person(slack: SlackDriver, user_id: str, real_name: str, name: str) -> None:
    person = copy.deepcopy(slack.state.users["U0MANAGER"])
    person.update(id=user_id, real_name=real_name, name=name)
    slack.state.users[user_id] = person


def test_a_name_typed_without_picking_it_finds_the_person(slack: SlackDriver) -> None:
    start_conversation(slack, "Maya's role")
    start_conversation(slack, "Theo's role", user="U0TEAMMATE")
    # `@maya` is her username, so Slack sends it as a mention; the others need resolving.
    for typed in ("list @Maya Patel", "list open @maya patel", "list @maya", "list @MAYA  PATEL"):
        listing = hire(slack, typed)
        assert "Maya's role" in everything(listing), typed
        assert "Theo's role" not in everything(listing), typed
        # The header is plain text: it names her, never a raw mention.
        assert "by Maya Patel" in header_of(listing) and "<@" not in header_of(listing)
    assert "Theo's role" in everything(hire(slack, "list @theo all"))


def test_slack_reading_a_first_name_as_someone_else_is_undone(slack: SlackDriver) -> None:
    # Slack turns the `@maya` of `@Maya Perez` into a mention of Maya Patel (username
    # `maya`) and leaves "Perez" after it: the whole name typed says who was meant.
    add_person(slack, "U0PEREZ", "Maya Perez", "mperez")
    start_conversation(slack, "Maya Patel's role")
    listing = hire(slack, "list @Maya Perez")
    assert header_of(listing) == "Hiring decisions — all by Maya Perez"
    assert "Nothing here yet" in everything(listing)


def test_no_one_or_several_people_are_said_plainly(slack: SlackDriver) -> None:
    add_person(slack, "U0SAM1", "Sam Lee", "saml")
    add_person(slack, "U0SAM2", "Sam Lee", "slee")
    nobody = everything(hire(slack, "list @Maya Pattel"))
    assert "No one in this workspace is called “@maya Pattel”" in nobody
    several = everything(hire(slack, "list @Sam Lee"))
    assert "Several people match “@Sam Lee”" in several
    assert "<@U0SAM1>" in several and "<@U0SAM2>" in several
    nobody_at_all = everything(hire(slack, "list @Nobody Here"))
    assert "No one in this workspace is called “@Nobody Here”" in nobody_at_all


def test_the_header_name_is_asked_once_per_request(slack: SlackDriver) -> None:
    for index in range(3):
        start_conversation(slack, f"Role {index}")
    before = len(slack.state.calls_to("users.info"))
    listing = hire(slack, "list @maya")
    assert header_of(listing) == "Hiring decisions — all by Maya Patel"
    assert len(slack.state.calls_to("users.info")) - before <= 1


def test_a_long_title_ends_with_an_ellipsis_everywhere(slack: SlackDriver) -> None:
    title = "Senior engineer for the checkout team " * 10
    start_conversation(slack, title)
    listing = everything(hire(slack, "list"))
    assert "…*" in listing  # the row's bold title is cut with an ellipsis
    detail = hire(slack, "show 1")
    assert header_of(detail).endswith("…") and len(header_of(detail)) <= 150


def test_the_history_reads_as_sentences_in_the_readers_time_zone(slack: SlackDriver) -> None:
    decide(slack, "Senior engineer, checkout")
    detail = everything(hire(slack, "show 1"))
    assert re.search(
        r"Maya Patel recorded the decision: \*Product engineer\* — "
        r"<!date\^\d+\^\{date_short_pretty\} at \{time\}\|\d{1,2} \w{3} \d{4} at \d\d:\d\d UTC>",
        detail,
    ), detail
    assert "<@U0MANAGER>" not in detail.split("History")[1]  # people named, not raw ids
    # The list and the fields are dated for the reader too.
    assert "<!date^" in everything(hire(slack, "list"))


def test_the_export_names_people_and_dates_to_the_second(slack: SlackDriver) -> None:
    decide(slack, "Senior engineer, checkout")
    decide(slack, "Staff engineer, payments")
    before = len(slack.state.calls_to("users.info"))
    reply = hire(slack, "export")
    assert "Sent 2 decisions as a CSV file" in reply["text"]
    # Both rows are by the same person: asked about once for the whole export.
    assert len(slack.state.calls_to("users.info")) - before <= 1
    upload = wait_for(lambda: slack.state.files, message="the uploaded file")[-1]
    content = upload["content"].decode()
    header = content.splitlines()[0].split(",")
    assert header[:17] == [
        "decision_id",
        "title",
        "channel_id",
        "started_by",
        "started_at",
        "recommendation",
        "confidence",
        "final_outcome",
        "reason",
        "decided_by",
        "decided_at",
        "stage",
        "pace",
        "product",
        "team",
        "ownership",
        "work",
    ]
    assert header[17:19] == ["started_by_name", "decided_by_name"]
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [r["title"] for r in rows] == ["Senior engineer, checkout", "Staff engineer, payments"]
    for row in rows:
        assert row["started_by"] == "U0MANAGER" and row["started_by_name"] == "Maya Patel"
        assert row["decided_by_name"] == "Maya Patel"
        for column in ("started_at", "decided_at"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[column]), row[column]
        # The one wording the thread and `/hire show` use, never a number.
        assert row["confidence"] in {CLEAR_LEAD, MODERATE_LEAD, SLIGHT_LEAD, TOO_CLOSE_WORDS}


def test_an_empty_export_says_so_instead_of_sending_a_file(slack: SlackDriver) -> None:
    start_conversation(slack, "Still open")
    reply = hire(slack, "export")
    assert "No decisions to export yet" in reply["text"]
    assert not slack.state.files
    assert not slack.state.calls_to("conversations.open")
    later = hire(slack, "export since 2030-01-01")
    assert "No decisions to export yet since 2030-01-01" in later["text"]
