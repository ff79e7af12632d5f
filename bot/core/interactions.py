"""What the bot's buttons and modals carry back to it: every action id and view callback id,
and one frozen dataclass for each kind of button value and modal private_metadata.

Why here, in the core, and importing nothing of the project: the blocks draw these values
and the Slack edge reads them back, so the vocabulary must sit below both (blocks import
core; the edge imports core) and above neither. Slack-free and SQL-free, it is the one
place both sides agree on, and mypy's strict check covers it.

On the wire a value is compact JSON with one-letter keys (button values are limited to 2000
characters, and buttons already posted in Slack carry today's keys, so they stay the wire
form); each dataclass field names its key with `wire`. A value is written by `encode` and
read by `parse`, the one strict reader:

- a field must have its declared type: an int is never a bool (`{"k": true}` is not
  check-in #1), a string is never a number;
- ints stay within their bounds (at most `MAX_VALUE_INT` either way, the ids from 1),
  strings within `MAX_VALUE_TEXT` characters and without NUL, the whole value within
  `MAX_VALUE_CHARS`;
- a required field must be there; `null` reads as absent; keys the dataclass does not name
  are ignored (older buttons carried some a value no longer needs);
- anything else (not JSON, not an object, too long) is `Stale`: out of date, or never drawn
  by this bot. The reader never raises.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from typing import Any, Self, TypeVar

# Button values hold ids, steps and option keys the bot drew; the bounds below are far past
# any real one and inside every database column (PostgreSQL INTEGER is 32-bit).
MAX_VALUE_CHARS = 2000  # Slack's own limit for a button's value
MAX_VALUE_INT = 2**31 - 1
MAX_VALUE_TEXT = 255


class ActionId(StrEnum):
    """Every action id the bot draws. Buttons of one kind that share a block add a suffix
    (`ActionId.HIRE_ANSWER.drawn("startup")` is "hire_answer:startup"): Slack wants action
    ids unique within a block, and the suffix says nothing the value does not."""

    # The hiring conversation, in its thread.
    HIRE_ANSWER = "hire_answer"  # + ":" + the option's key
    HIRE_BACK = "hire_back"
    HIRE_CANCEL = "hire_cancel"
    HIRE_ACCEPT = "hire_accept"
    HIRE_OVERRIDE = "hire_override"
    HIRE_NOT_HIRING = "hire_not_hiring"
    # "We can hire two" / "Only one opening" on the recommendation.
    HIRE_OPENINGS = "hire_openings"
    HIRE_CHANGE = "hire_change"
    HIRE_REOPEN = "hire_reopen"
    # An orphaned conversation restarted in the channel of the message clicked.
    HIRE_RESTART = "hire_restart"
    # `/hire Restart the payments platform`: a title that began with a command word.
    HIRE_START_TITLED = "hire_start_titled"
    HIRE_LIST_MORE = "hire_list_more"
    # Ask the team.
    VOICES_INVITE = "voices_invite"
    VOICES_REVEAL = "voices_reveal"
    VOICE_ANSWER = "voice_answer"  # + ":" + the option's key
    VOICE_BACK = "voice_back"
    # Did it hold up?
    CHECKIN_ANSWER = "checkin_answer"  # + ":" + the answer
    CHECKIN_NOTE = "checkin_note"
    # The Home tab.
    HOME_DIGEST_SETTINGS = "home_digest_settings"
    HOME_CANCEL = "home_cancel"
    HOME_RESTART = "home_restart"
    HOME_OPEN_THREAD = "home_open"  # a link: Slack opens it, the bot only acks
    # /role.
    ROLE_SHOW = "role_show"  # + ":" + the role's key
    ROLE_COMPARE = "role_compare"  # + ":" + the pair
    ROLE_MORE = "role_more"
    ROLE_LESS = "role_less"
    ROLE_SHARE = "role_share"
    ROLE_FIT_START = "role_fit_start"
    ROLE_FIT_ANSWER = "role_fit_answer"  # + ":yes" / ":no"
    ROLE_FIT_SHARE = "role_fit_share"

    def drawn(self, suffix: str | None = None) -> str:
        """The action id a button carries."""
        return self.value if suffix is None else f"{self.value}:{suffix}"

    @classmethod
    def read(cls, action_id: object) -> ActionId | None:
        """The action a drawn id names, its suffix dropped; None for one the bot never drew."""
        if not isinstance(action_id, str):
            return None
        try:
            return cls(action_id.partition(":")[0])
        except ValueError:
            return None


class CallbackId(StrEnum):
    """Every modal the bot opens, by the callback id its submission comes back with."""

    HIRE_OVERRIDE = "hire_override_submit"
    HIRE_CHANGE = "hire_change_submit"
    HIRE_REOPEN = "hire_reopen_submit"
    HIRE_NOT_HIRING = "hire_not_hiring_submit"
    VOICES_INVITE = "voices_invite_submit"
    CHECKIN_NOTE = "checkin_note_submit"
    HOME_CANCEL = "home_cancel_submit"
    DIGEST_SETTINGS = "digest_settings_submit"


# -- how a field travels ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Wire:
    key: str
    low: int
    high: int
    longest: int
    marker: int | str | None  # a flag: this on the wire when true, nothing when false


def wire(
    key: str,
    *,
    low: int = -MAX_VALUE_INT,
    high: int = MAX_VALUE_INT,
    longest: int = MAX_VALUE_TEXT,
    default: Any = MISSING,
) -> Any:
    """A field carried under `key`, an int within [low, high] or a string of at most
    `longest` characters; without a default it must be there."""
    spec = _Wire(key, max(low, -MAX_VALUE_INT), min(high, MAX_VALUE_INT), longest, None)
    return field(default=default, metadata={"wire": spec})


def flag(key: str, marker: int | str = 1) -> Any:
    """A yes/no field: `marker` under `key` when true, the key left out when false."""
    return field(default=False, metadata={"wire": _Wire(key, 0, 0, 0, marker)})


@dataclass(frozen=True)
class _Field:
    name: str
    wire: _Wire
    kind: type  # int, str or bool
    required: bool


# Each kind's fields, read once: the answer buttons are drawn and read on every click.
_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields_of(kind: type) -> tuple[_Field, ...]:
    if kind in _FIELDS:
        return _FIELDS[kind]
    hints = typing.get_type_hints(kind)
    found = []
    for item in fields(kind):
        spec = item.metadata["wire"]
        declared = hints[item.name]
        options = set(typing.get_args(declared)) - {type(None)}
        base = options.pop() if isinstance(declared, types.UnionType) else declared
        required = item.default is MISSING
        found.append(_Field(item.name, spec, base, required))
    _FIELDS[kind] = tuple(found)
    return _FIELDS[kind]


@dataclass(frozen=True)
class Stale:
    """A value `parse` refused: out of date, or never drawn by this bot. `why` is for the log."""

    why: str


@dataclass(frozen=True)
class Value:
    """A button value or a modal's private_metadata, as compact JSON with one-letter keys."""

    def encode(self) -> str:
        """The wire form: keys sorted, so the same value always reads the same."""
        drawn: dict[str, int | str] = {}
        for item in _fields_of(type(self)):
            value = getattr(self, item.name)
            if item.kind is bool:
                if value:
                    assert item.wire.marker is not None
                    drawn[item.wire.key] = item.wire.marker
            elif value is not None:
                drawn[item.wire.key] = value
        return json.dumps(drawn, separators=(",", ":"), sort_keys=True)

    @classmethod
    def _decode(cls, raw: object) -> Self | Stale:
        """The value `raw` holds, or why not (see the module's rules); `parse` is the way in."""
        if raw is None or raw == "":
            found: object = {}  # a button drawn without a value: only optional fields
        elif not isinstance(raw, str) or len(raw) > MAX_VALUE_CHARS:
            return Stale("not a string of at most 2000 characters")
        else:
            try:
                found = json.loads(raw)
            except (ValueError, RecursionError):
                return Stale("not JSON")
        if not isinstance(found, dict):
            return Stale("not a JSON object")
        read: dict[str, Any] = {}
        for item in _fields_of(cls):
            given = found.get(item.wire.key)
            if given is None:
                if item.required:
                    return Stale(f"{item.wire.key} is missing")
                continue
            if not _fits(item, given):
                return Stale(f"{item.wire.key} is not what this button drew")
            read[item.name] = True if item.kind is bool else given
        return cls(**read)


def _fits(item: _Field, given: object) -> bool:
    # type() rather than isinstance(): a JSON true is a bool, and bool is an int in Python.
    if item.kind is bool:
        return type(given) is type(item.wire.marker) and given == item.wire.marker
    if item.kind is int:
        return type(given) is int and item.wire.low <= given <= item.wire.high
    return type(given) is str and len(given) <= item.wire.longest and "\x00" not in given


V = TypeVar("V", bound=Value)


def parse(raw: object, kind: type[V]) -> V | Stale:
    """The one reader of button values and private_metadata: `kind` or `Stale`; never raises."""
    return kind._decode(raw)


# -- the hiring conversation ----------------------------------------------------------------


@dataclass(frozen=True)
class AnswerValue(Value):
    """An option of a question, drawn for the conversation's version (HIRE_ANSWER)."""

    conversation_id: int = wire("c", low=1)
    step: int = wire("s", low=0)
    option: str = wire("o")
    version: int = wire("v", low=0)


# The step of "change answers" on the recommendation: the one after the last question.
AFTER_LAST_STEP = -1


@dataclass(frozen=True)
class StepValue(Value):
    """Back or Cancel under a question (or the reminder), drawn for its step and version;
    back from the recommendation is drawn at `AFTER_LAST_STEP`, to the question `to_step`
    when one was picked (HIRE_BACK, HIRE_CANCEL)."""

    conversation_id: int = wire("c", low=1)
    step: int = wire("s", low=AFTER_LAST_STEP)
    version: int = wire("v", low=0)
    to_step: int | None = wire("t", low=0, default=None)


@dataclass(frozen=True)
class VerdictValue(Value):
    """A button on the recommendation: the verdict it was drawn for (a contender on a near
    tie) and who may decide besides admins (HIRE_ACCEPT, HIRE_OVERRIDE, HIRE_NOT_HIRING)."""

    conversation_id: int = wire("c", low=1)
    version: int = wire("v", low=0)
    recommended: str = wire("r")
    started_by: str | None = wire("u", default=None)


@dataclass(frozen=True)
class OpeningsValue(Value):
    """How many people the team can hire, one or two (HIRE_OPENINGS)."""

    conversation_id: int = wire("c", low=1)
    version: int = wire("v", low=0)
    openings: int = wire("n", low=1, high=2)
    started_by: str | None = wire("u", default=None)


@dataclass(frozen=True)
class DecidedValue(Value):
    """A button on a recorded decision: the outcome decided (HIRE_CHANGE, HIRE_REOPEN)."""

    conversation_id: int = wire("c", low=1)
    version: int = wire("v", low=0)
    decided: str = wire("f")
    started_by: str | None = wire("u", default=None)


@dataclass(frozen=True)
class ConversationValue(Value):
    """A conversation, and who started it where the button is refused to others before its
    modal opens (HIRE_RESTART, HOME_CANCEL, HOME_RESTART, VOICES_INVITE, VOICES_REVEAL, and
    the Home cancel and invite modals)."""

    conversation_id: int = wire("c", low=1)
    started_by: str | None = wire("u", default=None)


@dataclass(frozen=True)
class DecisionForm(Value):
    """A decision modal, drawn for the conversation's version (the four HIRE_* modals)."""

    conversation_id: int = wire("c", low=1)
    version: int = wire("v", low=0)


@dataclass(frozen=True)
class TitleValue(Value):
    """The title to start a conversation with (HIRE_START_TITLED): as typed, so the raw text
    is the value, not JSON."""

    title: str

    def encode(self) -> str:
        return self.title

    @classmethod
    def _decode(cls, raw: object) -> TitleValue | Stale:
        if not isinstance(raw, str) or not 0 < len(raw) <= MAX_VALUE_CHARS:
            return Stale("not a title of 1 to 2000 characters")
        return cls(raw)


@dataclass(frozen=True)
class LogPageValue(Value):
    """The next page of `/hire list` (HIRE_LIST_MORE)."""

    filter: str = wire("f")
    offset: int = wire("o", low=0)
    user: str | None = wire("u", default=None)
    since: str | None = wire("s", default=None)


# -- Ask the team -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceAnswerValue(Value):
    """An option of a question in an invitee's DM; `version` is None on a button drawn before
    voices had versions, whose step alone guards it (VOICE_ANSWER)."""

    voice_id: int = wire("w", low=1)
    step: int = wire("s", low=0)
    option: str = wire("o")
    version: int | None = wire("v", low=0, default=None)


@dataclass(frozen=True)
class VoiceBackValue(Value):
    """ "Go back" in an invitee's DM (VOICE_BACK)."""

    voice_id: int = wire("w", low=1)
    step: int = wire("s", low=0)
    version: int = wire("v", low=0)


# -- Did it hold up? --------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinAnswerValue(Value):
    """An answer button of the check-in DM, drawn for the check-in's version (CHECKIN_ANSWER)."""

    checkin_id: int = wire("k", low=1)
    version: int = wire("v", low=0)
    answer: str = wire("a")


@dataclass(frozen=True)
class CheckinValue(Value):
    """A check-in drawn for its version: the note button and the note modal (CHECKIN_NOTE)."""

    checkin_id: int = wire("k", low=1)
    version: int = wire("v", low=0)


# -- the Home tab -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsFormValue(Value):
    """The digest settings button and modal: the form's version, for a later form to tell
    an old one (HOME_DIGEST_SETTINGS, DIGEST_SETTINGS)."""

    form_version: int = wire("v", low=1, default=1)


@dataclass(frozen=True)
class NoValue(Value):
    """A link button carries nothing (HOME_OPEN_THREAD)."""


# -- /role ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleViewValue(Value):
    """A card (`role`) or a comparison (`first`, `second`), in full or not, and whether the
    button is on a copy the whole channel sees (ROLE_SHOW, ROLE_COMPARE, ROLE_MORE,
    ROLE_LESS, ROLE_SHARE). Which roles are real is for the reader to check."""

    role: str | None = wire("r", default=None)
    first: str | None = wire("a", default=None)
    second: str | None = wire("b", default=None)
    full: bool = flag("v", marker="full")
    on_shared_copy: bool = flag("c")


@dataclass(frozen=True)
class SelfCheckValue(Value):
    """The self-check's answers so far ("yyn") and whether its result goes to the channel
    (ROLE_FIT_ANSWER, ROLE_FIT_SHARE)."""

    answers: str = wire("a")
    public: bool = flag("p")


@dataclass(frozen=True)
class SelfCheckStartValue(Value):
    """The self-check's first question, from a shared result or from the clicker's own
    message (ROLE_FIT_START)."""

    on_shared_copy: bool = flag("c")


# What each action's buttons carry, and each modal's private_metadata: the blocks draw only
# these, and the edge reads each click and submission as its action's or callback's kind.
VALUE_OF: dict[ActionId, type[Value]] = {
    ActionId.HIRE_ANSWER: AnswerValue,
    ActionId.HIRE_BACK: StepValue,
    ActionId.HIRE_CANCEL: StepValue,
    ActionId.HIRE_ACCEPT: VerdictValue,
    ActionId.HIRE_OVERRIDE: VerdictValue,
    ActionId.HIRE_NOT_HIRING: VerdictValue,
    ActionId.HIRE_OPENINGS: OpeningsValue,
    ActionId.HIRE_CHANGE: DecidedValue,
    ActionId.HIRE_REOPEN: DecidedValue,
    ActionId.HIRE_RESTART: ConversationValue,
    ActionId.HIRE_START_TITLED: TitleValue,
    ActionId.HIRE_LIST_MORE: LogPageValue,
    ActionId.VOICES_INVITE: ConversationValue,
    ActionId.VOICES_REVEAL: ConversationValue,
    ActionId.VOICE_ANSWER: VoiceAnswerValue,
    ActionId.VOICE_BACK: VoiceBackValue,
    ActionId.CHECKIN_ANSWER: CheckinAnswerValue,
    ActionId.CHECKIN_NOTE: CheckinValue,
    ActionId.HOME_DIGEST_SETTINGS: SettingsFormValue,
    ActionId.HOME_CANCEL: ConversationValue,
    ActionId.HOME_RESTART: ConversationValue,
    ActionId.HOME_OPEN_THREAD: NoValue,
    ActionId.ROLE_SHOW: RoleViewValue,
    ActionId.ROLE_COMPARE: RoleViewValue,
    ActionId.ROLE_MORE: RoleViewValue,
    ActionId.ROLE_LESS: RoleViewValue,
    ActionId.ROLE_SHARE: RoleViewValue,
    ActionId.ROLE_FIT_START: SelfCheckStartValue,
    ActionId.ROLE_FIT_ANSWER: SelfCheckValue,
    ActionId.ROLE_FIT_SHARE: SelfCheckValue,
}
METADATA_OF: dict[CallbackId, type[Value]] = {
    CallbackId.HIRE_OVERRIDE: DecisionForm,
    CallbackId.HIRE_CHANGE: DecisionForm,
    CallbackId.HIRE_REOPEN: DecisionForm,
    CallbackId.HIRE_NOT_HIRING: DecisionForm,
    CallbackId.VOICES_INVITE: ConversationValue,
    CallbackId.CHECKIN_NOTE: CheckinValue,
    CallbackId.HOME_CANCEL: ConversationValue,
    CallbackId.DIGEST_SETTINGS: SettingsFormValue,
}


def value_for(action: ActionId, value: Value) -> str:
    """`value` encoded for a button of `action`, which must be the kind that action carries:
    a button the edge would read as stale is a bug caught where it is drawn."""
    return _encoded_as(VALUE_OF[action], value, action)


def metadata_for(callback: CallbackId, value: Value) -> str:
    """`value` encoded as the private_metadata of a `callback` modal (see `value_for`)."""
    return _encoded_as(METADATA_OF[callback], value, callback)


def _encoded_as(kind: type[Value], value: Value, drawn_for: str) -> str:
    if not isinstance(value, kind):
        raise TypeError(f"{drawn_for} carries {kind.__name__}, not {type(value).__name__}")
    return value.encode()
