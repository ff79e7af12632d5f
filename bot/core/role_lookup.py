"""Understanding role names as people type them, and the `/role` grammar. Pure; never raises."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from bot.core.interactions import RoleViewValue

# Typos are forgiven down to this similarity (0..1) between what was typed and a known name.
TYPO_CUTOFF = 0.78
SUGGESTION_CUTOFF = 0.45
MAX_NAME_CHARS = 80
# The longest role name people type is three or four words; more is not a name. This
# caps the "try every split" search of `/role compare a b` so it stays linear and cheap.
MAX_NAME_WORDS = 6
# Slack caps command text at 4,000 characters; anything longer did not come from Slack.
MAX_COMMAND_CHARS = 4000


def normalise(text: str) -> str:
    """Lowercase; hyphens, underscores and punctuation become spaces; plurals and extra
    spaces go, so "Product-Engineers!" and "product engineer" are the same name."""
    text = text.lower()
    text = re.sub(r"[-_/.,:;!?'\"()\[\]{}*`~]+", " ", text)
    words = [
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in text.split()
    ]
    return " ".join(words)


@dataclass(frozen=True)
class NameIndex:
    """Every way of naming each role, normalised: name → role key."""

    names: Mapping[str, str]

    @classmethod
    def build(cls, roles: Iterable[tuple[str, str, Iterable[str]]]) -> NameIndex:
        names: dict[str, str] = {}
        for key, display_name, aliases in roles:
            for name in (key, display_name, *aliases):
                names[normalise(name)] = key
        return cls(names)


@dataclass(frozen=True)
class Match:
    role: str | None
    exact: bool = False
    suggestions: tuple[str, ...] = field(default_factory=tuple)


def find_role(index: NameIndex, text: str) -> Match:
    typed = normalise(text[: MAX_NAME_CHARS * 2])
    if not typed or len(typed) > MAX_NAME_CHARS:
        return Match(None, suggestions=_ranked(index, typed))
    if typed in index.names:
        return Match(index.names[typed], exact=True)
    close = difflib.get_close_matches(typed, list(index.names), n=1, cutoff=TYPO_CUTOFF)
    if close:
        return Match(index.names[close[0]])
    return Match(None, suggestions=_ranked(index, typed))


def _ranked(index: NameIndex, typed: str) -> tuple[str, ...]:
    """Role keys ordered by how close their closest name is; all roles when nothing is close."""
    best: dict[str, float] = {}
    for name, key in index.names.items():
        score = difflib.SequenceMatcher(None, typed, name).ratio() if typed else 0.0
        best[key] = max(best.get(key, 0.0), score)
    ordered = sorted(best, key=lambda k: -best[k])
    close = tuple(k for k in ordered if best[k] >= SUGGESTION_CUTOFF)
    return close or tuple(ordered)


# -- the /role grammar ------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRoles:
    pass


@dataclass(frozen=True)
class ShowRole:
    role: str
    public: bool = False
    full: bool = False  # the whole card rather than the 20-second summary it opens on


@dataclass(frozen=True)
class CompareRoles:
    first: str
    second: str
    public: bool = False
    full: bool = False  # every dimension rather than the short side-by-side


@dataclass(frozen=True)
class SelfCheck:
    public: bool = False  # the result is posted in the channel once the last answer is in


@dataclass(frozen=True)
class Unknown:
    """Not understood: what was typed (raw) and the closest roles to suggest."""

    typed: str
    suggestions: tuple[str, ...]
    problem: str = "unknown_role"  # unknown_role | compare_needs_two | same_role | too_long


RoleCommand = ListRoles | ShowRole | CompareRoles | SelfCheck | Unknown


def parse_role_command(index: NameIndex, text: str | None) -> RoleCommand:
    if len(text or "") > MAX_COMMAND_CHARS:
        return Unknown("", _all_roles(index), problem="too_long")
    raw = " ".join((text or "").split())
    if not raw or raw.lower() in {"help", "list", "roles", "all"}:
        return ListRoles()
    words = raw.split(" ")
    public = words[-1].lower() in {"public", "share"} and len(words) > 1
    if public:
        words = words[:-1]
    head = words[0].lower()
    if head in {"fit", "quiz", "self-check", "selfcheck"} and len(words) == 1:
        return SelfCheck(public)
    if head in {"compare", "vs", "versus"}:
        return _parse_compare(index, words[1:], public)
    body = " ".join(words)
    if re.search(r"\s(vs\.?|versus)\s", f" {body.lower()} "):
        return _parse_compare(index, words, public)
    match = find_role(index, body)
    if match.role is None:
        return Unknown(body, match.suggestions)
    return ShowRole(match.role, public)


def _parse_compare(index: NameIndex, words: list[str], public: bool) -> RoleCommand:
    lowered = [w.lower() for w in words]
    for separator in ("vs", "vs.", "versus", "and", "with"):
        if separator in lowered:
            at = lowered.index(separator)
            return _pair(index, " ".join(words[:at]), " ".join(words[at + 1 :]), public)
    # "compare product engineer software engineer": try every split, keep one that names two roles.
    if len(words) > 2 * MAX_NAME_WORDS:
        return Unknown(" ".join(words), _all_roles(index), problem="compare_needs_two")
    best: tuple[str, str] | None = None
    for at in range(1, len(words)):
        first = find_role(index, " ".join(words[:at]))
        second = find_role(index, " ".join(words[at:]))
        if first.role and second.role and first.role != second.role:
            if first.exact and second.exact:
                return CompareRoles(first.role, second.role, public)
            best = best or (first.role, second.role)
    if best:
        return CompareRoles(best[0], best[1], public)
    return Unknown(" ".join(words), _all_roles(index), problem="compare_needs_two")


def _pair(index: NameIndex, left: str, right: str, public: bool) -> RoleCommand:
    first, second = find_role(index, left), find_role(index, right)
    if first.role is None:
        return Unknown(left, first.suggestions)
    if second.role is None:
        return Unknown(right, second.suggestions)
    if first.role == second.role:
        return Unknown(f"{left} vs {right}", _all_roles(index), problem="same_role")
    return CompareRoles(first.role, second.role, public)


def _all_roles(index: NameIndex) -> tuple[str, ...]:
    return tuple(dict.fromkeys(index.names.values()))


# -- what a /role button carries ----------------------------------------------------------------


@dataclass(frozen=True)
class RoleButton:
    """The view a card or comparison button asks for, and whether it was clicked on a copy
    the whole channel sees (then the answer goes to the clicker alone, never over the copy).

    As a button value, a `RoleViewValue`. Values from older messages ({"r": ...}) parse.
    """

    view: ShowRole | CompareRoles
    on_shared_copy: bool = False

    def to_value(self) -> RoleViewValue:
        view = self.view
        if isinstance(view, ShowRole):
            return RoleViewValue(role=view.role, full=view.full, on_shared_copy=self.on_shared_copy)
        return RoleViewValue(
            first=view.first,
            second=view.second,
            full=view.full,
            on_shared_copy=self.on_shared_copy,
        )

    @classmethod
    def from_value(cls, value: RoleViewValue, known: Collection[str]) -> RoleButton | None:
        """None for anything this bot did not draw: unknown roles, a pair of one role."""
        role, first, second = value.role, value.first, value.second
        if role is not None and role in known:
            return cls(ShowRole(role, full=value.full), value.on_shared_copy)
        if first is not None and second is not None and first != second:
            if first not in known or second not in known:
                return None
            return cls(CompareRoles(first, second, full=value.full), value.on_shared_copy)
        return None
