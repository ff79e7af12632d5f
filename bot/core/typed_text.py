"""Text as a person typed it, from the form Slack delivers it in. Pure.

Slack escapes `&`, `<` and `>` in command and message text and turns mentions into control
sequences; its length limits (4,000 characters for a slash command) count what the person
typed, so that is what we measure, store and match.
"""

from __future__ import annotations

import re

# C0/C1 control characters (NUL breaks PostgreSQL text) and lone surrogates (which cannot
# be encoded as UTF-8 for either database); newlines and tabs are kept.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def storable(text: str) -> str:
    """Text a person typed (in a modal, say) without the characters no database keeps.

    They are invisible anyway, so stripping them loses nothing a reader could see.
    """
    return _UNSTORABLE.sub("", text)


_MENTION = re.compile(r"<([@#!])([^<>|]*)(?:\|([^<>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^<>|]*)(?:\|([^<>]*))?>")


def from_slack(text: str) -> str:
    """What a person typed, from the form Slack delivers it in.

    Slack escapes `&`, `<` and `>` in command and message text and turns mentions into
    control sequences (`<@U123|maya>`, `<#C123|general>`, `<!here>`, `<https://…|label>`).
    We keep the readable form (`@maya`, `#general`, `@here`, the label) so it can be
    stored, matched and later escaped once on the way out — never twice.
    """

    def mention(match: re.Match[str]) -> str:
        sigil, ident, label = match.group(1), match.group(2), match.group(3)
        if sigil == "!":
            return "@" + (label or ident.split("^")[0])
        return sigil + (label or ident)

    text = _LINK.sub(lambda m: m.group(2) or m.group(1), storable(text))
    text = _MENTION.sub(mention, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
