"""Parsing the text of `/hire …` into what the user asked for. Pure, never raises.

Every path is linear in the text and the text is capped, so no input can make the work
before the ack expensive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core.checkins import CheckinSetting, parse_checkin_setting
from bot.core.typed_text import from_slack

# Slack caps a command at 4,000 characters as the person typed them; it delivers them
# escaped (`&lt;`, `<!channel>`, `<@U…|name>`), which can be several times longer.
COMMAND_MAX = 4000
# Past this, the text did not come from Slack's command box, however it was escaped: the
# cap that keeps the work before the ack bounded whatever the input.
DELIVERED_MAX = 64_000
# Decision numbers are ASCII digits (str.isdigit() accepts "²" and "⑴", which int() refuses)
# and fit a 32-bit column with room to spare.
_DECISION_ID = re.compile(r"[0-9]{1,9}")

RESERVED = (
    "start",
    "list",
    "show",
    "export",
    "digest",
    "cancel",
    "restart",
    "checkin",
    "help",
)
LIST_FILTERS = ("open", "decided", "cancelled", "all")
CHECKIN_USAGE = "/hire checkin [after <days>|off|on], e.g. /hire checkin after 90"


@dataclass(frozen=True)
class Help:
    # `/hire help desk engineer`: help was asked for, but it may be a title (see Invalid).
    title: str | None = None


@dataclass(frozen=True)
class Start:
    title: str


@dataclass(frozen=True)
class ListConversations:
    filter: str = "all"
    user_id: str | None = None
    since: str | None = None
    # `@Maya Patel` typed without picking Slack's suggestion arrives as plain text: the
    # handler resolves the name against the workspace's people.
    user_name: str | None = None


@dataclass(frozen=True)
class Show:
    conversation_id: int


@dataclass(frozen=True)
class CancelConversation:
    conversation_id: int
    reason: str | None = None


@dataclass(frozen=True)
class RestartConversation:
    """`/hire restart <id>`: an orphaned conversation goes on in a new thread, here."""

    conversation_id: int


@dataclass(frozen=True)
class Export:
    since: str | None = None


@dataclass(frozen=True)
class Digest:
    action: str = "preview"  # preview | now | channel | schedule | on | off | quiet | history
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestManagers:
    """`/hire digest managers …`: with nobody named, show them; `none` clears the list;
    otherwise the people named replace it. Mentions picked from Slack's suggestions arrive
    as ids; a name typed without picking is kept as typed, for the handler to look up."""

    user_ids: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    clear: bool = False

    @property
    def show(self) -> bool:
        return not (self.user_ids or self.names or self.clear)


@dataclass(frozen=True)
class Invalid:
    """Something we understood the shape of but not the details: say what and how."""

    problem: str
    usage: str
    # The whole text, when it starts with a command word it does not fit: maybe a position
    # title (`/hire Restart the payments platform`), to offer starting one with exactly it.
    title: str | None = None


HireCommand = (
    Help
    | Start
    | ListConversations
    | Show
    | CancelConversation
    | RestartConversation
    | Export
    | Digest
    | DigestManagers
    | CheckinSetting
    | Invalid
)


def parse_decision_id(text: str) -> int | None:
    """A decision number as people type it (`12`, `#12`), or None."""
    ident = text.strip().removeprefix("#")
    return int(ident) if _DECISION_ID.fullmatch(ident) else None


def _decision_id(word: str, usage: str) -> int | Invalid:
    """The decision number a subcommand names, or what to say when it names none."""
    conversation_id = parse_decision_id(word)
    if conversation_id is not None:
        return conversation_id
    said = f"“{word[:40]}” is not a decision number" if word else "a decision number is missing"
    return Invalid(said, usage)


def parse_hire_command(text: str | None) -> HireCommand:
    """`text` as Slack delivers it (escaped, mentions as control sequences)."""
    text = text or ""
    if len(text) > DELIVERED_MAX or len(from_slack(text)) > COMMAND_MAX:
        return Invalid(
            f"that is longer than Slack's {COMMAND_MAX:,} characters", "/hire <position title>"
        )
    text = " ".join(text.split())
    if not text:
        return Help()
    first, _, rest = text.partition(" ")
    keyword = first.lower()
    if keyword not in RESERVED:
        return Start(title=text)
    if keyword == "start":
        if not rest:
            return Invalid("a title is missing", "/hire start <position title>")
        return Start(title=rest)
    parsed = _parse_subcommand(keyword, rest)
    if isinstance(parsed, Help) and rest:
        return Help(title=text)
    if isinstance(parsed, Invalid):
        return replace(parsed, title=text)
    return parsed


def _parse_subcommand(keyword: str, rest: str) -> HireCommand:
    if keyword == "help":
        return Help()
    if keyword == "show":
        found = _decision_id(rest, "/hire show <id>, e.g. /hire show 12")
        return found if isinstance(found, Invalid) else Show(conversation_id=found)
    if keyword == "cancel":
        number, _, reason = rest.partition(" ")
        found = _decision_id(
            number, "/hire cancel <id> [reason], e.g. /hire cancel 12 role filled internally"
        )
        if isinstance(found, Invalid):
            return found
        return CancelConversation(found, reason.strip() or None)
    if keyword == "checkin":
        setting = parse_checkin_setting(rest.split())
        if isinstance(setting, str):
            return Invalid(setting, CHECKIN_USAGE)
        return setting
    if keyword == "restart":
        found = _decision_id(rest, "/hire restart <id>, e.g. /hire restart 12")
        return found if isinstance(found, Invalid) else RestartConversation(found)
    if keyword == "list":
        return _parse_list(rest)
    if keyword == "export":
        return _parse_export(rest)
    return _parse_digest(rest)


def _parse_list(rest: str) -> HireCommand:
    words = rest.split()
    filter_, user_id, since, user_name = "all", None, None, None
    i = 0
    while i < len(words):
        word = words[i]
        lowered = word.lower()
        if lowered in LIST_FILTERS:
            filter_ = lowered
        elif word.startswith("<@") and word.endswith(">"):
            user_id, _, label = word[2:-1].partition("|")
            user_name = None
            rest_of_name = _name_words(words, i + 1)
            if rest_of_name and label:
                # Slack turned the `@maya` of `@maya Perez` into Maya Patel's mention (her
                # username is `maya`): the whole typed name says who was meant.
                user_id, user_name = None, " ".join([label, *rest_of_name])[:200]
                i += len(rest_of_name)
        elif word.startswith("@") and len(word) > 1:
            # A name runs until the next filter, `since` or mention: `@Maya Patel open`.
            rest_of_name = _name_words(words, i + 1)
            user_id, user_name = None, " ".join([word[1:], *rest_of_name])[:200]
            i += len(rest_of_name)
        elif lowered == "since" and i + 1 < len(words):
            since = words[i + 1]
            i += 1
        else:
            return Invalid(
                f"“{word[:40]}” is not a filter I know",
                "/hire list [open|decided|cancelled|all] [@person] [since YYYY-MM-DD]",
            )
        i += 1
    return ListConversations(filter=filter_, user_id=user_id, since=since, user_name=user_name)


def _name_words(words: list[str], start: int) -> list[str]:
    """The words from `start` that continue a person's name: up to the next filter,
    `since` or mention."""
    found = []
    for word in words[start:]:
        if word.lower() in LIST_FILTERS or word.lower() == "since" or word.startswith("@"):
            break
        if word.startswith("<@"):
            break
        found.append(word)
    return found


def _parse_export(rest: str) -> HireCommand:
    words = rest.split()
    if not words:
        return Export()
    if len(words) == 2 and words[0].lower() == "since":
        return Export(since=words[1])
    return Invalid(f"“{rest[:40]}” is not understood", "/hire export [since YYYY-MM-DD]")


def _parse_digest(rest: str) -> HireCommand:
    words = rest.split()
    if not words:
        return Digest("preview")
    action = words[0].lower()
    if action in {"now", "on", "off", "preview", "history"} and len(words) == 1:
        return Digest(action)
    if action == "managers":
        return _parse_managers(words[1:])
    if action in {"channel", "schedule", "quiet"} and len(words) > 1:
        return Digest(action, tuple(words[1:]))
    return Invalid(
        f"“{rest[:40]}” is not a digest setting",
        "/hire digest [now|on|off|channel #name|schedule <weekday> <HH:MM> [<tz>]|quiet on|off"
        "|managers [@name …|none]|history]",
    )


_MENTION = re.compile(r"<@([UW][A-Z0-9]{1,20})(?:\|[^<>]*)?>")
CLEAR_WORDS = ("none", "nobody")
MANAGERS_USAGE = "/hire digest managers @name @name … (or none to clear, or nothing to see them)"


def _parse_managers(words: list[str]) -> HireCommand:
    if len(words) == 1 and words[0].lower() in CLEAR_WORDS:
        return DigestManagers(clear=True)
    user_ids: list[str] = []
    names: list[list[str]] = []
    naming = False  # the last word began or continued a typed `@Name Surname`
    for raw in words:
        word = raw.strip(",")
        mention = _MENTION.fullmatch(word)
        if mention:
            user_ids.append(mention.group(1))
            naming = False
        elif word.startswith("@") and len(word) > 1:
            names.append([word[1:]])
            naming = True
        elif not word or word.lower() == "and":
            naming = False
        elif naming and not word.startswith(("<", "#")):
            names[-1].append(word)
        else:
            return Invalid(f"“{word[:40]}” is not a person: name each one with @", MANAGERS_USAGE)
    return DigestManagers(tuple(dict.fromkeys(user_ids)), tuple(" ".join(n)[:200] for n in names))
