"""The vocabulary of button values and modal metadata (bot.core.interactions): every kind
survives the wire, the one parser refuses what the bot never drew (a bool for an int above
all) without ever raising, and the values buttons already posted in Slack still read."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import interactions
from bot.core.interactions import (
    MAX_VALUE_CHARS,
    MAX_VALUE_INT,
    MAX_VALUE_TEXT,
    METADATA_OF,
    VALUE_OF,
    ActionId,
    AnswerValue,
    CallbackId,
    CheckinAnswerValue,
    CheckinValue,
    ConversationValue,
    DecidedValue,
    DecisionForm,
    LogPageValue,
    NoValue,
    OpeningsValue,
    RoleViewValue,
    SelfCheckStartValue,
    SelfCheckValue,
    SettingsFormValue,
    Stale,
    StepValue,
    TitleValue,
    Value,
    VerdictValue,
    VoiceAnswerValue,
    VoiceBackValue,
    metadata_for,
    parse,
    value_for,
)

KINDS = sorted({*VALUE_OF.values(), *METADATA_OF.values()}, key=lambda kind: kind.__name__)
# Text a value may hold: no NUL (the parser refuses it: no database stores it).
TEXT = st.characters(codec="utf-8", exclude_characters="\x00")


def _fields(kind: type[Value]) -> list[tuple[dataclasses.Field[Any], Any]]:
    hints = typing.get_type_hints(kind)
    return [(item, hints[item.name]) for item in dataclasses.fields(kind)]


def _wire(item: dataclasses.Field[Any]) -> Any:
    return item.metadata["wire"]


def values_of(kind: type[Value]) -> st.SearchStrategy[Value]:
    """Any value of `kind` the bot could draw: every field within its bounds."""
    if kind is TitleValue:
        return st.builds(TitleValue, st.text(TEXT, min_size=1, max_size=MAX_VALUE_CHARS))
    drawn: dict[str, st.SearchStrategy[Any]] = {}
    for item, declared in _fields(kind):
        spec = _wire(item)
        base = next(t for t in typing.get_args(declared) or (declared,) if t is not type(None))
        if base is bool:
            strategy: st.SearchStrategy[Any] = st.booleans()
        elif base is int:
            strategy = st.integers(spec.low, spec.high)
        else:
            strategy = st.text(TEXT, max_size=spec.longest)
        if type(None) in typing.get_args(declared):
            strategy = st.none() | strategy
        drawn[item.name] = strategy
    return st.builds(kind, **drawn)


def int_keys(kind: type[Value]) -> list[str]:
    return [_wire(item).key for item, declared in _fields(kind) if int in _types(declared)]


def _types(declared: Any) -> tuple[Any, ...]:
    return typing.get_args(declared) or (declared,)


def test_every_value_kind_in_the_module_is_what_some_action_or_modal_carries() -> None:
    defined = {
        kind
        for kind in vars(interactions).values()
        if isinstance(kind, type) and issubclass(kind, Value) and kind is not Value
    }
    assert defined == set(KINDS)
    assert set(VALUE_OF) == set(ActionId) and set(METADATA_OF) == set(CallbackId)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
@given(data=st.data())
def test_every_kind_survives_the_wire(kind: type[Value], data: st.DataObject) -> None:
    value = data.draw(values_of(kind))
    encoded = value.encode()
    assert len(encoded) <= MAX_VALUE_CHARS  # Slack's limit for a button's value
    assert parse(encoded, kind) == value


@pytest.mark.parametrize("kind", [k for k in KINDS if int_keys(k)], ids=lambda k: k.__name__)
@given(data=st.data(), fake=st.sampled_from([True, False, "1", 1.0, [1], {"n": 1}]))
def test_an_int_is_never_a_bool_a_string_or_a_float(
    kind: type[Value], data: st.DataObject, fake: object
) -> None:
    drawn = json.loads(data.draw(values_of(kind)).encode())
    key = data.draw(st.sampled_from(int_keys(kind)))
    assert isinstance(parse(json.dumps({**drawn, key: fake}), kind), Stale)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ('{"a":"no","k":true,"v":0}', CheckinAnswerValue),  # once read as check-in #1
        ('{"k":1,"v":false}', CheckinValue),
        ('{"c":true,"o":"startup","s":0,"v":0}', AnswerValue),
        ('{"c":1,"n":true,"v":0}', OpeningsValue),
        ('{"a":"yyn","p":true}', SelfCheckValue),  # a flag is its marker, not any truth
        ('{"c":true}', SelfCheckStartValue),
        ('{"r":"product_engineer","v":true}', RoleViewValue),
    ],
)
def test_true_is_not_one(raw: str, kind: type[Value]) -> None:
    assert isinstance(parse(raw, kind), Stale)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (json.dumps({"c": MAX_VALUE_INT + 1, "v": 0}), DecisionForm),
        (json.dumps({"c": -MAX_VALUE_INT - 1, "v": 0}), DecisionForm),
        (json.dumps({"c": 10**30, "s": 0, "o": "startup", "v": 0}), AnswerValue),
        ('{"c":0,"v":0}', DecisionForm),  # ids start at 1
        ('{"c":1,"v":-1}', DecisionForm),
        ('{"c":1,"n":3,"v":0}', OpeningsValue),  # one opening or two
        ('{"c":1,"s":-2,"v":0}', StepValue),  # -1 is "after the last question", no further
        ('{"f":"all","o":-1}', LogPageValue),
        (json.dumps({"c": 1, "s": 0, "o": "x" * (MAX_VALUE_TEXT + 1), "v": 0}), AnswerValue),
        ('{"c":1,"s":0,"o":"start\\u0000up","v":0}', AnswerValue),
        (json.dumps({"c": 1, "v": 0, "pad": "x" * MAX_VALUE_CHARS}), DecisionForm),
        ("[]", DecisionForm),
        ("1", DecisionForm),
        ('"{}"', DecisionForm),
        ("null", DecisionForm),
        ("{", DecisionForm),
        ("NaN", DecisionForm),
        ("[" * 1000 + "]" * 1000, DecisionForm),
        ('{"c":1}', DecisionForm),  # a field it needs is missing
        ('{"c":1,"v":null}', DecisionForm),
        (b'{"c":1,"v":0}', DecisionForm),  # bytes are not what Slack sends
        ({"c": 1, "v": 0}, DecisionForm),
        (None, DecisionForm),
        ("", TitleValue),
        ("t" * (MAX_VALUE_CHARS + 1), TitleValue),
        (None, TitleValue),
    ],
)
def test_what_the_bot_never_drew_is_stale(raw: object, kind: type[Value]) -> None:
    assert isinstance(parse(raw, kind), Stale)


def test_the_bounds_themselves_are_allowed() -> None:
    assert parse(json.dumps({"c": MAX_VALUE_INT, "v": 0}), DecisionForm) == DecisionForm(
        MAX_VALUE_INT, 0
    )
    longest = "o" * MAX_VALUE_TEXT
    assert parse(AnswerValue(1, 0, longest, 0).encode(), AnswerValue) == AnswerValue(
        1, 0, longest, 0
    )
    # A link carries no value; a button drawn without one reads as its kind's defaults.
    assert parse(None, NoValue) == NoValue()
    assert parse("", SettingsFormValue) == SettingsFormValue()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=10,
)
KEYS = st.sampled_from([*"abcfknoprstuvw", "", "cc"])


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
@given(
    raw=st.one_of(
        st.text(max_size=MAX_VALUE_CHARS + 10),
        st.dictionaries(KEYS, JSON).map(json.dumps),
        JSON.map(json.dumps),
        JSON,
        st.binary(max_size=50),
    )
)
def test_the_parser_never_raises(kind: type[Value], raw: object) -> None:
    parsed = parse(raw, kind)
    assert isinstance(parsed, (kind, Stale))
    if isinstance(parsed, kind):  # what it accepts, it writes back the same
        assert parse(parsed.encode(), kind) == parsed


# -- values already posted in Slack --------------------------------------------------------------
# As main's code drew them (bot.blocks.common.encode_value at b345101), for each action and
# modal. Every one must read as its kind; most are still drawn byte for byte the same.
POSTED: list[tuple[ActionId | CallbackId, str, Value]] = [
    (ActionId.HIRE_ANSWER, '{"c":42,"o":"b2b","s":2,"v":9}', AnswerValue(42, 2, "b2b", 9)),
    (ActionId.HIRE_BACK, '{"c":42,"s":2,"v":9}', StepValue(42, 2, 9)),
    (ActionId.HIRE_BACK, '{"c":7,"s":-1,"t":0,"v":4}', StepValue(7, -1, 4, to_step=0)),
    (ActionId.HIRE_CANCEL, '{"c":7,"s":2,"v":3}', StepValue(7, 2, 3)),
    (
        ActionId.HIRE_ACCEPT,
        '{"c":7,"r":"product_engineer","u":"U1","v":4}',
        VerdictValue(7, 4, "product_engineer", "U1"),
    ),
    (
        ActionId.HIRE_OVERRIDE,
        '{"c":7,"r":"too_close","u":"U1","v":4}',
        VerdictValue(7, 4, "too_close", "U1"),
    ),
    (
        ActionId.HIRE_NOT_HIRING,
        '{"c":7,"r":"both","u":"U1","v":4}',
        VerdictValue(7, 4, "both", "U1"),
    ),
    (ActionId.HIRE_OPENINGS, '{"c":7,"n":2,"u":"U1","v":4}', OpeningsValue(7, 4, 2, "U1")),
    (ActionId.HIRE_OPENINGS, '{"c":7,"n":1,"u":"","v":5}', OpeningsValue(7, 5, 1, "")),
    (ActionId.HIRE_CHANGE, '{"c":7,"f":"both","u":"U1","v":5}', DecidedValue(7, 5, "both", "U1")),
    (ActionId.HIRE_REOPEN, '{"c":7,"f":"both","u":"U1","v":5}', DecidedValue(7, 5, "both", "U1")),
    (ActionId.HIRE_RESTART, '{"c":7}', ConversationValue(7)),
    (
        ActionId.HIRE_START_TITLED,
        "Restart the payments platform",
        TitleValue("Restart the payments platform"),
    ),
    (
        ActionId.HIRE_LIST_MORE,
        '{"f":"open","o":10,"s":"2026-01-31","u":"U1"}',
        LogPageValue("open", 10, "U1", "2026-01-31"),
    ),
    (ActionId.VOICES_INVITE, '{"c":7,"u":"U1"}', ConversationValue(7, "U1")),
    (ActionId.VOICES_REVEAL, '{"c":7,"u":"U1"}', ConversationValue(7, "U1")),
    (
        ActionId.VOICE_ANSWER,
        '{"o":"critical","s":1,"v":3,"w":5}',
        VoiceAnswerValue(5, 1, "critical", 3),
    ),
    (ActionId.VOICE_BACK, '{"s":1,"v":3,"w":5}', VoiceBackValue(5, 1, 3)),
    (ActionId.CHECKIN_ANSWER, '{"a":"partly","k":12,"v":2}', CheckinAnswerValue(12, 2, "partly")),
    (ActionId.CHECKIN_NOTE, '{"k":12,"v":2}', CheckinValue(12, 2)),
    (ActionId.HOME_DIGEST_SETTINGS, '{"v":1}', SettingsFormValue()),
    (ActionId.HOME_CANCEL, '{"c":7}', ConversationValue(7)),
    (ActionId.HOME_RESTART, '{"c":7}', ConversationValue(7)),
    (ActionId.ROLE_SHOW, '{"r":"product_engineer"}', RoleViewValue(role="product_engineer")),
    (
        ActionId.ROLE_COMPARE,
        '{"a":"product_engineer","b":"software_engineer"}',
        RoleViewValue(first="product_engineer", second="software_engineer"),
    ),
    (
        ActionId.ROLE_MORE,
        '{"a":"product_engineer","b":"software_engineer","c":1,"v":"full"}',
        RoleViewValue(
            first="product_engineer", second="software_engineer", full=True, on_shared_copy=True
        ),
    ),
    (ActionId.ROLE_LESS, '{"r":"product_engineer"}', RoleViewValue(role="product_engineer")),
    (
        ActionId.ROLE_SHARE,
        '{"r":"product_engineer","v":"full"}',
        RoleViewValue(role="product_engineer", full=True),
    ),
    (ActionId.ROLE_FIT_START, "{}", SelfCheckStartValue()),
    (ActionId.ROLE_FIT_START, '{"c":1}', SelfCheckStartValue(on_shared_copy=True)),
    (ActionId.ROLE_FIT_ANSWER, '{"a":"yny","p":1}', SelfCheckValue("yny", public=True)),
    (ActionId.ROLE_FIT_SHARE, '{"a":"yyyyy"}', SelfCheckValue("yyyyy")),
    (CallbackId.HIRE_OVERRIDE, '{"c":7,"v":3}', DecisionForm(7, 3)),
    (CallbackId.HIRE_CHANGE, '{"c":7,"v":3}', DecisionForm(7, 3)),
    (CallbackId.HIRE_REOPEN, '{"c":7,"v":3}', DecisionForm(7, 3)),
    (CallbackId.HIRE_NOT_HIRING, '{"c":7,"v":3}', DecisionForm(7, 3)),
    (CallbackId.VOICES_INVITE, '{"c":7}', ConversationValue(7)),
    (CallbackId.CHECKIN_NOTE, '{"k":12,"v":2}', CheckinValue(12, 2)),
    (CallbackId.HOME_CANCEL, '{"c":7}', ConversationValue(7)),
    (CallbackId.DIGEST_SETTINGS, '{"v":1}', SettingsFormValue()),
]
# Values main drew that this code draws differently, or no longer draws at all; they read.
POSTED_BEFORE: list[tuple[ActionId, str, Value]] = [
    # "← Change answers" carried the recommendation's whole value.
    (ActionId.HIRE_BACK, '{"c":7,"r":"both","s":-1,"u":"U1","v":4}', StepValue(7, -1, 4)),
    # `/hire list`'s More carried nulls for no person and no date.
    (ActionId.HIRE_LIST_MORE, '{"f":"all","o":10,"s":null,"u":null}', LogPageValue("all", 10)),
]


@pytest.mark.parametrize(("drawn_for", "raw", "expected"), POSTED, ids=lambda x: str(x)[:40])
def test_a_value_posted_by_the_previous_release_reads_and_is_drawn_the_same(
    drawn_for: ActionId | CallbackId, raw: str, expected: Value
) -> None:
    kind = VALUE_OF[drawn_for] if isinstance(drawn_for, ActionId) else METADATA_OF[drawn_for]
    assert parse(raw, kind) == expected
    if isinstance(drawn_for, ActionId):
        assert value_for(drawn_for, expected) == raw
    else:
        assert metadata_for(drawn_for, expected) == raw


@pytest.mark.parametrize(("action", "raw", "expected"), POSTED_BEFORE, ids=lambda x: str(x)[:40])
def test_a_value_drawn_differently_before_still_reads(
    action: ActionId, raw: str, expected: Value
) -> None:
    assert parse(raw, VALUE_OF[action]) == expected


def test_a_button_is_drawn_only_with_the_kind_its_action_carries() -> None:
    with pytest.raises(TypeError, match="hire_answer carries AnswerValue"):
        value_for(ActionId.HIRE_ANSWER, StepValue(1, 0, 0))
    with pytest.raises(TypeError, match="checkin_note_submit carries CheckinValue"):
        metadata_for(CallbackId.CHECKIN_NOTE, DecisionForm(1, 0))


@pytest.mark.parametrize("action", list(ActionId), ids=str)
def test_every_action_id_reads_back_with_or_without_its_suffix(action: ActionId) -> None:
    assert ActionId.read(action.drawn()) is action
    assert ActionId.read(action.drawn("startup")) is action
    assert ActionId.read(action.drawn("pe:swe")) is action
    assert len(action.drawn("x" * 40)) <= 255  # Slack's limit for an action id


@pytest.mark.parametrize("drawn", ["", "hire", "hire_answers:x", "home_open_12", None, 3])
def test_an_action_id_the_bot_never_drew_reads_as_none(drawn: object) -> None:
    assert ActionId.read(drawn) is None
