"""Block Kit for `/role`: the role list, a role card, a comparison, the self-check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
from bot.content.roles import Role, RoleBook, Source

SHOW_ACTION = "role_show"
SHARE_ACTION = "role_share"
COMPARE_ACTION = "role_compare"
FIT_START_ACTION = "role_fit_start"
FIT_ANSWER_ACTION = "role_fit_answer"  # + ":yes" / ":no"

USAGE = (
    "`/role <name>` a role card · `/role compare <a> vs <b>` side by side · "
    "`/role fit` is product engineering right for you? · add `public` to post in the channel"
)


def _sources_line(sources: Sequence[Source]) -> str:
    unique = {s.url: s for s in sources}.values()
    return "Source: " + " · ".join(f"<{s.url}|{s.title}>" for s in unique)


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def role_list(book: RoleBook) -> Message:
    blocks: list[Any] = [header("Engineering roles")]
    for role in book.roles.values():
        blocks.append(
            section(
                f"{role.emoji} *{role.name}*\n{role.summary.text}",
                accessory=button("Show card", f"{SHOW_ACTION}:{role.key}", {"r": role.key}),
            )
        )
    blocks.append(
        actions(
            button(
                "Compare product vs software",
                f"{COMPARE_ACTION}:pe:swe",
                {"a": "product_engineer", "b": "software_engineer"},
            ),
            button("Is product engineering for me?", FIT_START_ACTION, {}),
        )
    )
    blocks.append(context(USAGE))
    names = ", ".join(r.name.lower() for r in book.roles.values())
    return render(blocks, f"Roles: {names}. Try /role product engineer.")


def role_card(book: RoleBook, role: Role, *, shared_by: str | None = None) -> Message:
    others = [r for r in book.roles.values() if r.key != role.key]
    blocks: list[Any] = [
        header(f"{role.emoji} {role.name}"),
        section(f"_{role.summary.text}_"),
        fields_section(
            [
                f"*Focus and ownership*\n{role.focus.text}",
                f"*Where the time goes*\n{role.time.text}",
            ]
        ),
        section(f"*What they're like*\n{_bullets(role.characteristics.items)}"),
        section(f"*Skills*\n{_bullets(role.skills.items)}"),
        section(f"*Hire one when*\n{_bullets(role.when_to_hire.items)}"),
        context(_sources_line(role.sources)),
    ]
    if shared_by:
        blocks.append(context(f"Shared by <@{shared_by}> with `/role {role.name.lower()}`"))
    else:
        blocks.append(
            actions(
                button("Share in channel", SHARE_ACTION, {"r": role.key}, style="primary"),
                *[
                    button(
                        f"Compare with {o.name.lower()}",
                        f"{COMPARE_ACTION}:{o.key}",
                        {"a": role.key, "b": o.key},
                    )
                    for o in others[:2]
                ],
            )
        )
    return render(blocks, f"{role.name}: {role.summary.text}")


def comparison(
    book: RoleBook, first: Role, second: Role, *, shared_by: str | None = None
) -> Message:
    blocks: list[Any] = [
        header(f"{first.name} vs {second.name}"),
        section(book.comparison.shared),
        divider(),
    ]
    for dim in book.comparison.dimensions:
        blocks.append(
            fields_section(
                [
                    f"*{dim.label}* · {first.emoji} {first.name}\n{dim.values[first.key]}",
                    f"*{dim.label}* · {second.emoji} {second.name}\n{dim.values[second.key]}",
                ]
            )
        )
    blocks.append(
        section(
            f"*When to hire which*\n{first.emoji} *{first.name}:* {first.when_to_hire.items[0]}\n"
            f"{second.emoji} *{second.name}:* {second.when_to_hire.items[0]}"
        )
    )
    blocks.append(context(_sources_line([book.comparison.source, *first.sources, *second.sources])))
    if shared_by:
        blocks.append(context(f"Shared by <@{shared_by}>"))
    else:
        blocks.append(
            actions(
                button(
                    "Share in channel",
                    SHARE_ACTION,
                    {"a": first.key, "b": second.key},
                    style="primary",
                ),
                button(f"{first.name} card", f"{SHOW_ACTION}:{first.key}", {"r": first.key}),
                button(f"{second.name} card", f"{SHOW_ACTION}:{second.key}", {"r": second.key}),
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
                    button(f"{r.emoji} {r.name}", f"{SHOW_ACTION}:{r.key}", {"r": r.key})
                    for r in roles
                ]
            )
        )
    blocks.append(context(USAGE))
    fallback = f"I don't know a role called “{shown}”." if problem == "unknown_role" else text
    if roles:
        fallback += " Did you mean " + " or ".join(r.name.lower() for r in roles) + "?"
    return render(blocks, fallback)


def fit_question(book: RoleBook, answers: str) -> Message:
    """The next yes/no question; `answers` is the string of y/n given so far."""
    questions = book.self_check.questions
    question = questions[len(answers)]
    step = len(answers) + 1
    blocks: list[Any] = []
    if not answers:
        blocks.append(header("Is product engineering right for you?"))
        blocks.append(section(book.self_check.intro))
    blocks += [
        section(f"*{step} of {len(questions)}* · {question.text}"),
        actions(
            button("Yes", f"{FIT_ANSWER_ACTION}:yes", {"a": answers + "y"}, style="primary"),
            button("No", f"{FIT_ANSWER_ACTION}:no", {"a": answers + "n"}),
        ),
        context(_sources_line([book.self_check.source])),
    ]
    return render(blocks, f"Self-check {step} of {len(questions)}: {question.text}")


def fit_result(book: RoleBook, answers: str) -> Message:
    check = book.self_check
    votes: dict[str, int] = {}
    lines = []
    for question, answer in zip(check.questions, answers, strict=False):
        towards = question.yes_points_to if answer == "y" else question.no_points_to
        votes[towards] = votes.get(towards, 0) + 1
        lines.append(
            f"{'✅' if answer == 'y' else '➖'} {question.text} — *{'yes' if answer == 'y' else 'no'}*"
        )
    pe, swe = votes.get("product_engineer", 0), votes.get("software_engineer", 0)
    verdict = (
        "product_engineer" if pe - swe >= 2 else "software_engineer" if swe - pe >= 2 else "mixed"
    )
    title = {
        "product_engineer": "Product engineering suits you",
        "software_engineer": "Software engineering suits you",
        "mixed": "You could go either way",
    }[verdict]
    blocks: list[Any] = [
        header(title),
        section(check.results[verdict]),
        section(
            f"*Why:* {pe} answers point to product engineering, {swe} to software engineering.\n"
            + "\n".join(lines)
        ),
        context(_sources_line([check.source])),
        actions(
            button("Product engineer card", f"{SHOW_ACTION}:pe", {"r": "product_engineer"}),
            button("Software engineer card", f"{SHOW_ACTION}:swe", {"r": "software_engineer"}),
            button("Start over", FIT_START_ACTION, {}),
        ),
    ]
    return render(blocks, f"{title}. {check.results[verdict]}")


def shared_confirmation(channel_id: str) -> Message:
    return render(
        [context(f":white_check_mark: Shared in <#{channel_id}>.")], "Shared in the channel."
    )
