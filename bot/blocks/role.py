"""Block Kit for `/role`: the role list, a role card, a comparison, the self-check.

Cards and comparisons open on a 20-second summary with a "More" button; the full text is
one click away and replaces the summary in place (the reply is the user's own ephemeral
message). On a copy shared in the channel, "More" answers the clicker alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import ButtonElement

from bot.blocks.common import (
    Message,
    actions,
    button,
    context,
    divider,
    fields_section,
    header,
    render,
    section,
)
from bot.blocks.text import user_text
from bot.content.roles import BulletList, Dimension, Role, RoleBook, Source
from bot.core.interactions import ActionId, SelfCheckStartValue
from bot.core.role_fit import FitProgress, FitReading, Strength, read_fit
from bot.core.role_lookup import CompareRoles, RoleButton, ShowRole

USAGE = (
    "`/role <name>` a role card · `/role compare <a> vs <b>` side by side · "
    "`/role fit` is product engineering right for you? · add `public` to post in the channel"
)

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _sources_line(sources: Sequence[Source]) -> str:
    unique = {s.url: s for s in sources}.values()
    return "Source: " + " · ".join(f"<{s.url}|{s.title}>" for s in unique)


# After a text that is our own guidance, where the articles say nothing: never cited.
OURS = "_(our guidance; the articles don't say)_"


def _ours(source: Source | None) -> str:
    return f" {OURS}" if source is None else ""


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def _in_words(count: int) -> str:
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def _answers(count: int) -> str:
    return f"{count} answer" if count == 1 else f"{count} answers"


def _view_button(
    label: str,
    action: ActionId,
    view: ShowRole | CompareRoles,
    *,
    suffix: str | None = None,
    on_shared_copy: bool = False,
    style: str | None = None,
) -> ButtonElement:
    """A button that shows `view`; its value says what, so one listener serves them all
    (several show buttons share a block: `suffix` keeps their ids apart)."""
    value = RoleButton(view, on_shared_copy).to_value()
    return button(label, action, value, suffix=suffix, style=style)


def role_view(
    book: RoleBook, view: ShowRole | CompareRoles, *, shared_by: str | None = None
) -> Message:
    """A card or a comparison, as a button or command asked for it."""
    if isinstance(view, ShowRole):
        return role_card(book, book.role(view.role), shared_by=shared_by, full=view.full)
    return comparison(
        book, book.role(view.first), book.role(view.second), shared_by=shared_by, full=view.full
    )


def role_list(book: RoleBook) -> Message:
    blocks: list[Any] = [header("Engineering roles")]
    for role in book.roles.values():
        blocks.append(
            section(
                f"{role.emoji} *{role.name}*\n{role.summary.text}",
                accessory=_view_button(
                    "Show card", ActionId.ROLE_SHOW, ShowRole(role.key), suffix=role.key
                ),
            )
        )
    blocks.append(
        actions(
            _view_button(
                "Compare product vs software",
                ActionId.ROLE_COMPARE,
                CompareRoles("product_engineer", "software_engineer"),
                suffix="pe:swe",
            ),
            button(
                "Is product engineering for me?", ActionId.ROLE_FIT_START, SelfCheckStartValue()
            ),
        )
    )
    blocks.append(context(_sources_line(list(book.sources.values()))))
    blocks.append(context(USAGE))
    names = ", ".join(r.name.lower() for r in book.roles.values())
    return render(blocks, f"Roles: {names}. Try /role product engineer.")


def _list_section(heading: str, items: BulletList) -> Any:
    return section(f"*{heading}*{_ours(items.source)}\n{_bullets(items.items)}")


def role_card(
    book: RoleBook, role: Role, *, shared_by: str | None = None, full: bool = False
) -> Message:
    """The 20-second summary (one line and three bullets), or with `full` the whole card."""
    if full:
        blocks: list[Any] = [
            header(f"{role.emoji} {role.name}"),
            section(f"_{role.summary.text}_{_ours(role.summary.source)}"),
            fields_section(
                [
                    f"*Focus and ownership*\n{role.focus.text}{_ours(role.focus.source)}",
                    f"*Where the time goes*\n{role.time.text}{_ours(role.time.source)}",
                ]
            ),
            _list_section("What they're like", role.characteristics),
            _list_section("Skills", role.skills),
            _list_section("Hire one when", role.when_to_hire),
            context(_sources_line(role.sources)),
        ]
    else:
        blocks = [
            header(f"{role.emoji} {role.name}"),
            section(
                f"_{role.summary.text}_{_ours(role.summary.source)}\n"
                f"{_bullets(role.brief.items)}{_ours(role.brief.source)}"
            ),
            context(_sources_line(role.brief_sources)),
        ]
    shown = ShowRole(role.key, full=full)  # "Share in channel" posts what the user sees
    if shared_by:
        blocks.append(context(f"Shared by <@{shared_by}> with `/role {role.name.lower()}`"))
        if not full:  # the channel copy opens privately for whoever wants the rest
            blocks.append(
                actions(
                    _view_button(
                        "More",
                        ActionId.ROLE_MORE,
                        ShowRole(role.key, full=True),
                        on_shared_copy=True,
                    )
                )
            )
    else:
        others = [r for r in book.roles.values() if r.key != role.key]
        blocks.append(
            actions(
                _view_button("Less", ActionId.ROLE_LESS, ShowRole(role.key))
                if full
                else _view_button("More", ActionId.ROLE_MORE, ShowRole(role.key, full=True)),
                _view_button("Share in channel", ActionId.ROLE_SHARE, shown, style="primary"),
                *[
                    _view_button(
                        f"Compare with {o.name.lower()}",
                        ActionId.ROLE_COMPARE,
                        CompareRoles(role.key, o.key),
                        suffix=o.key,
                    )
                    for o in others[:2]
                ],
            )
        )
    return render(blocks, f"{role.name}: {role.summary.text}")


def _value(dim: Dimension, role: str) -> str:
    """A comparison value; one that is our own guidance says so (it is not cited)."""
    return dim.values[role] + (" _(our guidance)_" if role in dim.ours else "")


def comparison(
    book: RoleBook,
    first: Role,
    second: Role,
    *,
    shared_by: str | None = None,
    full: bool = False,
) -> Message:
    """The short side-by-side (the dimensions roles.yaml picks), or with `full` all of them."""
    blocks: list[Any] = [
        header(f"{first.name} vs {second.name}"),
        section(book.comparison.shared),
        divider(),
    ]
    for dim in book.comparison.dimensions if full else book.comparison.brief:
        blocks.append(
            fields_section(
                [
                    f"*{dim.label}* · {first.emoji} {first.name}\n{_value(dim, first.key)}",
                    f"*{dim.label}* · {second.emoji} {second.name}\n{_value(dim, second.key)}",
                ]
            )
        )
    if full:
        blocks.append(
            section(
                f"*When to hire which*\n{first.emoji} *{first.name}:* "
                f"{first.when_to_hire.items[0]}{_ours(first.when_to_hire.source)}\n"
                f"{second.emoji} *{second.name}:* "
                f"{second.when_to_hire.items[0]}{_ours(second.when_to_hire.source)}"
            )
        )
        blocks.append(
            context(_sources_line([book.comparison.source, *first.sources, *second.sources]))
        )
    else:
        blocks.append(context(_sources_line([book.comparison.source])))
    shown = CompareRoles(first.key, second.key, full=full)
    if shared_by:
        blocks.append(context(f"Shared by <@{shared_by}>"))
        if not full:
            blocks.append(
                actions(
                    _view_button(
                        "More",
                        ActionId.ROLE_MORE,
                        CompareRoles(first.key, second.key, full=True),
                        on_shared_copy=True,
                    )
                )
            )
    else:
        blocks.append(
            actions(
                _view_button("Less", ActionId.ROLE_LESS, CompareRoles(first.key, second.key))
                if full
                else _view_button(
                    "More", ActionId.ROLE_MORE, CompareRoles(first.key, second.key, full=True)
                ),
                _view_button("Share in channel", ActionId.ROLE_SHARE, shown, style="primary"),
                _view_button(
                    f"{first.name} card", ActionId.ROLE_SHOW, ShowRole(first.key), suffix=first.key
                ),
                _view_button(
                    f"{second.name} card",
                    ActionId.ROLE_SHOW,
                    ShowRole(second.key),
                    suffix=second.key,
                ),
            )
        )
    return render(blocks, f"{first.name} vs {second.name}")


def unknown_role(book: RoleBook, typed: str, suggestions: Sequence[str], problem: str) -> Message:
    shown = user_text(typed, 80) if typed else ""
    if problem == "compare_needs_two":
        text = f":thinking_face: I need two different roles to compare, and I found fewer in “{shown}”."
    elif problem == "same_role":
        text = f":thinking_face: “{shown}” names the same role twice; pick two different roles."
    elif problem == "too_long":
        text = ":thinking_face: That's longer than any role name. Try a name such as `product engineer`."
    elif shown:
        text = f":thinking_face: I don't know a role called “{shown}”."
    else:
        text = ":thinking_face: I didn't catch a role name."
    roles = [book.roles[key] for key in suggestions if key in book.roles][:3]
    blocks: list[Any] = [section(text + ("\nDid you mean:" if roles else ""))]
    if roles:
        blocks.append(
            actions(
                *[
                    _view_button(
                        f"{r.emoji} {r.name}", ActionId.ROLE_SHOW, ShowRole(r.key), suffix=r.key
                    )
                    for r in roles
                ]
            )
        )
    blocks.append(context(USAGE))
    fallback = f"I don't know a role called “{shown}”." if problem == "unknown_role" else text
    if roles:
        fallback += " Did you mean " + " or ".join(r.name.lower() for r in roles) + "?"
    return render(blocks, fallback)


# -- the self-check -----------------------------------------------------------------------------


def fit_question(book: RoleBook, answers: str, *, public: bool = False) -> Message:
    """The next yes/no question; `answers` is the string of y/n given so far."""
    check = book.self_check
    total = len(check.questions)
    question = check.questions[len(answers)]
    step = len(answers) + 1
    blocks: list[Any] = []
    if not answers:
        intro = f"{_in_words(total).capitalize()} quick yes/no questions. {check.intro}"
        if public:
            intro += "\nYour answers stay with you; the result is posted in this channel."
        blocks.append(header("Is product engineering right for you?"))
        blocks.append(section(intro))
    blocks += [
        section(f"*{step} of {total}* · {question.text}"),
        actions(
            button(
                "Yes",
                ActionId.ROLE_FIT_ANSWER,
                FitProgress(answers + "y", public).to_value(),
                suffix="yes",
                style="primary",
            ),
            button(
                "No",
                ActionId.ROLE_FIT_ANSWER,
                FitProgress(answers + "n", public).to_value(),
                suffix="no",
            ),
        ),
        context(_sources_line([check.source])),
    ]
    return render(blocks, f"Self-check {step} of {total}: {question.text}")


def _fit_title(book: RoleBook, reading: FitReading) -> str:
    if reading.leader is None:
        return "You could go either way"
    side = book.self_check.sides[reading.leader]
    if reading.strength is Strength.ALL:
        return f"{side[0].upper()}{side[1:]} suits you"
    return f"Leaning towards {side}"


def _fit_tally(book: RoleBook, reading: FitReading) -> str:
    """How many answers point each way, in words that match how one-sided it is."""
    sides = book.self_check.sides
    ranked = sorted(sides, key=lambda k: -reading.counts[k])  # stable: a tie keeps yaml order
    top, other = ranked
    top_n, other_n = reading.counts[top], reading.counts[other]
    if reading.strength is Strength.ALL:
        return f"*All {_answers(top_n)}* point to {sides[top]}."
    if reading.strength is Strength.MOST:
        return (
            f"*{top_n} of {_answers(reading.total)}* point to {sides[top]}, "
            f"*{_answers(other_n)}* to {sides[other]}."
        )
    verb = "points" if top_n == 1 else "point"
    return (
        f"*{_answers(top_n)}* {verb} to {sides[top]} and *{_answers(other_n)}* to "
        f"{sides[other]}: too close to call."
    )


def _fit_lines(book: RoleBook, reading: FitReading) -> str:
    """Each answer marked with the role it points to, so a "yes" towards software
    engineering is never shown as a tick for product engineering."""
    lines = []
    for answer in reading.answers:
        towards = book.role(answer.towards)
        said = "Yes" if answer.said_yes else "No"
        side = book.self_check.sides[answer.towards]
        lines.append(f"{towards.emoji} *{said}* → {side} · _{answer.question}_")
    return "\n".join(lines)


def fit_result(book: RoleBook, answers: str, *, shared_by: str | None = None) -> Message:
    """The read-out: the tally, what it suggests, each answer's direction, the source."""
    check = book.self_check
    reading = read_fit(check, answers)
    title = _fit_title(book, reading)
    tally = _fit_tally(book, reading)
    blocks: list[Any] = [header(title)]
    if shared_by:
        blocks.append(context(f"<@{shared_by}>'s answers to the `/role fit` self-check"))
    blocks += [
        section(f"{tally}\n{check.results[reading.verdict]}"),
        section(_fit_lines(book, reading)),
        context(_sources_line([check.source])),
    ]
    if shared_by:
        blocks.append(
            actions(
                button(
                    "Take the self-check",
                    ActionId.ROLE_FIT_START,
                    SelfCheckStartValue(on_shared_copy=True),
                    style="primary",
                )
            )
        )
    else:
        blocks.append(
            actions(
                button(
                    "Share in channel",
                    ActionId.ROLE_FIT_SHARE,
                    FitProgress(answers).to_value(),
                    style="primary",
                ),
                *[
                    _view_button(
                        f"{book.role(side).name} card",
                        ActionId.ROLE_SHOW,
                        ShowRole(side),
                        suffix=side,
                    )
                    for side in check.sides
                ],
                button("Start over", ActionId.ROLE_FIT_START, SelfCheckStartValue()),
            )
        )
    plain_tally = tally.replace("*", "")
    return render(blocks, f"{title}. {plain_tally} {check.results[reading.verdict]}")


def shared_confirmation(channel_id: str) -> Message:
    return render(
        [context(f":white_check_mark: Shared in <#{channel_id}>.")], "Shared in the channel."
    )
