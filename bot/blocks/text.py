"""Making user text safe and short before it goes into a Slack message.

Slack treats `<…>` as control sequences (`<!channel>`, `<@U123>`, links) and `&` as the
start of an entity, so text a user typed is escaped before it is echoed: `&` first,
then `<` and `>`. Nothing else is HTML-encoded.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

ELLIPSIS = "…"
SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BLOCKS_PER_MESSAGE = 50
BLOCKS_PER_VIEW = 100


def escape(text: str) -> str:
    """Escape Slack's control characters in user-typed text (for mrkdwn and plain_text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean(text: str) -> str:
    """Drop control and invisible format characters and collapse whitespace."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\n\t":
            kept.append(" ")
        elif category in {"Cc", "Cs", "Co", "Cn"} or (category == "Cf" and char != "\u200d"):
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def truncate(text: str, limit: int) -> str:
    """Cut to at most `limit` characters, on a word boundary when one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.7:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def user_text(text: str, limit: int) -> str:
    """Clean, truncate, then escape: the one way user text enters a message.

    Truncation happens before escaping so an entity like `&amp;` is never cut in half;
    the limit leaves room for the escapes' extra characters.
    """
    shortened = truncate(clean(text), limit)
    escaped = escape(shortened)
    while len(escaped) > limit and shortened:
        shortened = truncate(shortened, max(1, len(shortened) - (len(escaped) - limit) - 1))
        escaped = escape(shortened)
    return escaped


def slack_date(at: datetime, *, with_time: bool = True) -> str:
    """A date Slack shows in each reader's own time zone (`23 Nov 2026 at 14:05` for one,
    `Yesterday at 09:05` for another); clients that can't show it read the UTC fallback."""
    at = at.astimezone(UTC)
    tokens = "{date_short_pretty} at {time}" if with_time else "{date_short_pretty}"
    fallback = f"{at.day} {at:%b %Y}" + (f" at {at:%H:%M} UTC" if with_time else "")
    return f"<!date^{int(at.timestamp())}^{tokens}|{fallback}>"
