"""The decision log's words, pure: who a typed name means, history as sentences, dates
Slack shows in the reader's time zone, cut titles, and the export's dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot.blocks.common import outcome_label
from bot.blocks.log import history_line
from bot.blocks.text import ELLIPSIS, slack_date, user_text
from bot.core.log_views import EventRow
from bot.core.people import Person, match_people
from bot.hiring.export import iso_utc

MAYA = Person("U1", "Maya Patel", "maya", "maya")
PEREZ = Person("U2", "Maya Perez", "", "mperez")
THEO = Person("U3", "Theo Nguyen", "Theo", "theo")
PEOPLE = (MAYA, PEREZ, THEO)
AT = datetime(2026, 11, 23, 14, 5, 9, 123456, tzinfo=UTC)


def test_a_typed_name_matches_any_of_a_persons_names_ignoring_case() -> None:
    assert match_people("@maya PATEL", PEOPLE) == (MAYA,)
    assert match_people("Maya  Perez", PEOPLE) == (PEREZ,)
    assert match_people("theo", PEOPLE) == (THEO,)  # display name and username
    assert match_people("mperez", PEOPLE) == (PEREZ,)


def test_an_exact_name_wins_over_first_names_and_several_are_all_returned() -> None:
    assert match_people("maya", PEOPLE) == (MAYA,)  # Maya Patel's username
    assert match_people("Maya", (PEREZ, THEO, Person("U4", "Maya Lin"))) == (
        PEREZ,
        Person("U4", "Maya Lin"),
    )
    assert match_people("Ma", PEOPLE) == ()  # whole words only
    assert match_people("@", PEOPLE) == ()


def test_a_person_is_shown_by_the_name_people_know() -> None:
    assert MAYA.label == "Maya Patel"
    assert Person("U9", display_name="sam").label == "sam"
    assert Person("U9").label == "U9"


def test_slack_dates_render_in_the_readers_zone_with_a_utc_fallback() -> None:
    paris = AT.astimezone(timezone(timedelta(hours=1)))
    expected = "<!date^1795442709^{date_short_pretty} at {time}|23 Nov 2026 at 14:05 UTC>"
    assert slack_date(AT) == slack_date(paris) == expected
    assert slack_date(AT, with_time=False) == "<!date^1795442709^{date_short_pretty}|23 Nov 2026>"


def test_history_lines_are_sentences() -> None:
    def line(kind: str, was: str | None, now: str | None, reason: str | None) -> str:
        return history_line(EventRow(kind, was, now, reason, "U1", AT))

    when = slack_date(AT)
    assert line("recorded", "product_engineer", "product_engineer", "Small team <b>") == (
        f"• <@U1> recorded the decision: *Product engineer*: “Small team &lt;b&gt;” — {when}"
    )
    assert line("recorded", "product_engineer", "both", None) == (
        f"• <@U1> recorded the decision: *{outcome_label('both')}* (the recommendation was "
        f"*Product engineer*) — {when}"
    )
    assert line("changed", "product_engineer", "both", None) == (
        f"• <@U1> changed the decision from *Product engineer* to *{outcome_label('both')}* "
        f"— {when}"
    )
    assert line("reopened", "both", None, "Budget") == (
        f"• <@U1> reopened the decision, setting aside *{outcome_label('both')}*: “Budget” — {when}"
    )
    assert line("cancelled", None, None, None) == f"• Cancelled by <@U1> — {when}"


def test_history_names_people_and_questions_and_says_where_threads_went() -> None:
    questions = {"team": ("Team size", {"large": "Larger team of specialists"})}
    names = {"U1": "Ada Lovelace", "U3": "Theo <Nguyen>"}
    when = slack_date(AT)

    def line(event: EventRow) -> str:
        return history_line(event, questions, names)

    answered = EventRow("answered", None, None, None, "U1", AT, "team", "large")
    assert line(answered) == (
        f"• Ada Lovelace answered *Team size*: Larger team of specialists — {when}"
    )
    changed = EventRow("changed", "product_engineer", "software_engineer", "depth", "U3", AT)
    assert line(changed) == (
        "• Theo &lt;Nguyen&gt; changed the decision from *Product engineer* to *Software "
        f"engineer*: “depth” — {when}"
    )
    back = EventRow("went_back", None, None, None, "U1", AT, "team")
    assert "Ada Lovelace went back to *Team size*" in line(back)
    assert line(EventRow("orphaned", None, None, "thread deleted", "", AT, channel_id="C1")) == (
        f"• Orphaned: thread deleted — {when}"
    )
    assert line(EventRow("orphaned", None, None, "thread deleted", "U1", AT)) == (
        f"• Orphaned: thread deleted (found when Ada Lovelace acted) — {when}"
    )
    restarted = EventRow("restarted", None, None, None, "U1", AT, channel_id="C2")
    assert line(restarted) == f"• Restarted in a new thread in <#C2> by Ada Lovelace — {when}"
    started = EventRow("started", None, None, None, "U9", AT, channel_id="C1")
    assert line(started) == f"• <@U9> started it in <#C1> — {when}"  # Slack didn't say


def test_a_cut_title_ends_with_an_ellipsis() -> None:
    cut = user_text("word " * 100, 120)
    assert cut.endswith(ELLIPSIS) and len(cut) <= 120


def test_export_dates_are_iso_utc_to_the_second() -> None:
    assert iso_utc(AT) == "2026-11-23T14:05:09Z"
    assert iso_utc(AT.astimezone(timezone(timedelta(hours=-5)))) == "2026-11-23T14:05:09Z"
