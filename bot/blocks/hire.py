"""Block Kit for the guided hiring conversation: root message, questions, recommendation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import (
    OPEN_MEANS,
    OUTCOME_EMOJI,
    OUTCOME_LABELS,
    Message,
    actions,
    button,
    context,
    divider,
    encode_value,
    header,
    outcome_label,
    plain_actions,
    plain_button,
    plain_confirm,
    plain_context,
    plain_section,
    render,
    render_plain,
    section,
    status_label,
)
from bot.blocks.text import clean, slack_date, truncate, user_text
from bot.core.recommendation import BOTH, SLIGHT_LEAD, TOO_CLOSE, Flip, Reason, Recommendation

TITLE_IN_MESSAGES = 200  # the full title is stored; messages show a readable slice
NOTE_LIMIT = 500

ANSWER_ACTION = "hire_answer"  # + ":" + option key; Slack wants unique ids within a block
BACK_ACTION = "hire_back"
CANCEL_ACTION = "hire_cancel"
ACCEPT_ACTION = "hire_accept"
OVERRIDE_ACTION = "hire_override"
NOT_HIRING_ACTION = "hire_not_hiring"
OVERRIDE_CALLBACK = "hire_override_submit"
CHANGE_ACTION = "hire_change"
REOPEN_ACTION = "hire_reopen"
CHANGE_CALLBACK = "hire_change_submit"
REOPEN_CALLBACK = "hire_reopen_submit"
NOT_HIRING_CALLBACK = "hire_not_hiring_submit"
# An orphaned conversation, from a message (`/hire show`, the note to whoever found it):
# restarted in the channel the message is in. The Home tab's buttons are in bot.blocks.home.
RESTART_ACTION = "hire_restart"
# "Ask the team…" on question 1 and on the recommendation (see bot.blocks.voices).
ASK_TEAM_ACTION = "voices_invite"
# `/hire Restart the payments platform`: a title that starts with a command word it does not
# fit. The button starts a conversation with exactly that title, carried as its value.
START_TITLED_ACTION = "hire_start_titled"
TITLE_IN_BUTTON = 2000  # Slack's limit for a button's value
OVERRIDE_OUTCOME_BLOCK = "outcome"
OVERRIDE_REASON_BLOCK = "reason"


@dataclass(frozen=True)
class ConversationSummary:
    """What the root message shows; built by the listener from the stored conversation."""

    id: int
    title: str
    started_by: str
    state: str
    answered: int
    total_questions: int
    final_outcome: str | None = None
    decided_by: str | None = None
    cancelled_by: str | None = None


@dataclass(frozen=True)
class QuestionView:
    conversation_id: int
    step: int
    total: int
    prompt: str
    help: str | None
    options: Sequence[tuple[str, str]]  # (option key, label)
    can_go_back: bool
    version: int = 0  # the conversation's version these buttons are drawn for
    started_by: str = ""  # who may ask the team (with admins), named on "Ask the team…"


@dataclass(frozen=True)
class RecommendationView:
    conversation_id: int
    title: str
    recommendation: Recommendation  # the verdict, its margin, reasons and what would turn it
    summary: str | None = None  # one line on what the recommended role is
    version: int = 0
    started_by: str = ""  # who may decide (with admins): a modal is refused before it opens
    # (step, question, the answer given): "Change an answer…" offers each one.
    answers: Sequence[tuple[int, str, str]] = ()

    @property
    def outcome(self) -> str:
        return self.recommendation.outcome


def root_message(conv: ConversationSummary) -> Message:
    title = user_text(conv.title, TITLE_IN_MESSAGES)
    state = status_label(conv.state, conv.final_outcome)
    if conv.state == "decided" and conv.decided_by:
        state += f" by <@{conv.decided_by}>"
    elif conv.state == "cancelled" and conv.cancelled_by:
        state += f" by <@{conv.cancelled_by}>"
    blocks = [
        section(
            f":compass: *Hiring decision:* {title}\nStarted by <@{conv.started_by}> · #{conv.id}"
        ),
        context(state),
    ]
    if conv.state in {"in_progress", "awaiting_decision"}:
        blocks.append(context("The questions are in this thread :thread:"))
    fallback_state = status_label(conv.state, conv.final_outcome, plain=True)
    return render(blocks, f"Hiring decision #{conv.id}: {title} ({fallback_state})")


def question_message(q: QuestionView) -> Message:
    """Plain dicts (see `plain_section`): one of these goes out on every answer click."""
    numbers = ", ".join(str(i) for i in range(1, len(q.options) + 1))
    text = f"*Question {q.step + 1} of {q.total}* · {q.prompt}"
    if q.help:
        text += f"\n_{q.help}_"
    drawn = {"c": q.conversation_id, "s": q.step, "v": q.version}
    controls = []
    if q.can_go_back:
        controls.append(plain_button("← Back", BACK_ACTION, drawn))
    cancel_check = plain_confirm(
        "Cancel this conversation?",
        "The answers so far are kept in the log, marked cancelled.",
        "Cancel it",
        "Keep going",
    )
    controls.append(
        plain_button("Cancel", CANCEL_ACTION, drawn, style="danger", confirm=cancel_check)
    )
    if q.step == 0 and q.started_by:
        controls.append(ask_team_button(q.conversation_id, q.started_by))
    blocks = [
        plain_section(text),
        plain_actions(*answer_buttons(q), block_id=f"q:{q.conversation_id}:{q.step}"),
        plain_actions(*controls, block_id=f"qc:{q.conversation_id}:{q.step}"),
        plain_context(
            f"Click an option, or reply in this thread with its name or number ({numbers})."
        ),
    ]
    return render_plain(blocks, f"Question {q.step + 1} of {q.total}: {q.prompt}")


def ask_team_button(conversation_id: int, started_by: str) -> dict[str, Any]:
    """The starter asks teammates to answer too. It names the starter, so anyone else is
    told at once instead of filling in a form for nothing (the submission checks again)."""
    return plain_button("Ask the team…", ASK_TEAM_ACTION, {"c": conversation_id, "u": started_by})


def answer_buttons(q: QuestionView) -> list[dict[str, Any]]:
    """One button per option, each carrying the version of the question it was drawn for."""
    return [
        plain_button(
            label,
            f"{ANSWER_ACTION}:{key}",
            {"c": q.conversation_id, "s": q.step, "o": key, "v": q.version},
        )
        for key, label in q.options
    ]


def change_answer_control(rec: RecommendationView, value: Mapping[str, Any]) -> Any:
    """Pick the answer to change (the thread re-asks from that question on); a plain "back to
    the last question" button when the answers aren't known."""
    if not rec.answers:
        return button("← Change answers", BACK_ACTION, {**value, "s": -1})
    return StaticSelectElement(
        action_id=BACK_ACTION,
        placeholder=PlainTextObject(text="Change an answer…"),
        options=[
            Option(
                value=encode_value(
                    {"c": rec.conversation_id, "v": rec.version, "s": -1, "t": step}
                ),
                label=truncate(f"{step + 1}. {question} ({answer})", 75),
            )
            for step, question, answer in rec.answers
        ],
    )


def not_hiring_modal(conversation_id: int, version: int) -> dict[str, Any]:
    """ "Not hiring now" is a decision like any other: it asks for a one-line reason."""
    return _reason_modal(
        NOT_HIRING_CALLBACK,
        conversation_id,
        version,
        title="Not hiring now",
        submit="Record decision",
        intro="Recording that you are *not hiring now*. Why, in a line?",
        reason=InputBlock(
            block_id=OVERRIDE_REASON_BLOCK,
            label=PlainTextObject(text="Why"),
            hint=PlainTextObject(text="Kept in the decision log with the decision."),
            element=PlainTextInputElement(
                action_id="value",
                min_length=3,
                max_length=1000,
                placeholder=PlainTextObject(text="e.g. budget frozen until Q2"),
            ),
        ),
    )


def _reason_modal(
    callback_id: str,
    conversation_id: int,
    version: int,
    *,
    title: str,
    submit: str,
    intro: str,
    reason: InputBlock,
) -> dict[str, Any]:
    """A modal that only asks why, drawn for the conversation's version."""
    view = View(
        type="modal",
        callback_id=callback_id,
        private_metadata=encode_value({"c": conversation_id, "v": version}),
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit),
        close=PlainTextObject(text="Back"),
        blocks=[section(intro), reason],
    )
    return view.to_dict()


def options_reminder(q: QuestionView, lead: str) -> Message:
    """The current question's options as buttons, for someone whose reply wasn't understood,
    after `lead` (why they see this): Slack shows the blocks, not the text, when both come."""
    blocks = [
        plain_section(lead),
        plain_section(f"*Question {q.step + 1} of {q.total}* · {q.prompt}"),
        plain_actions(*answer_buttons(q), block_id=f"qr:{q.conversation_id}:{q.step}"),
    ]
    return render_plain(blocks, lead)


def answered_question_message(
    step: int, total: int, prompt: str, answer_label: str, answered_by: str
) -> Message:
    """Plain dicts (see `plain_section`): one of these goes out on every answer click."""
    text = (
        f":white_check_mark: *Question {step + 1} of {total}* · {prompt}\n"
        f"*{answer_label}* — answered by <@{answered_by}>"
    )
    fallback = f"Question {step + 1} of {total}: {prompt} — {answer_label}"
    return render_plain([plain_section(text)], fallback)


def superseded_question_message(step: int, total: int, prompt: str, note: str) -> Message:
    text = f"~Question {step + 1} of {total} · {prompt}~\n{note}"
    return render([section(text)], f"Question {step + 1} of {total}: {note}")


def recommendation_message(rec: RecommendationView, *, decided: bool = False) -> Message:
    verdict = rec.recommendation
    label = outcome_label(verdict.outcome)
    emoji = OUTCOME_EMOJI.get(verdict.outcome, "")
    title = user_text(rec.title, TITLE_IN_MESSAGES)
    if verdict.too_close:
        opening = (
            f"{emoji} For *{title}* the answers are *too close to call* between "
            f"{_joined(verdict.contenders)}. I won't pick one for you: here is what "
            "separates them."
        )
        fallback = f"too close to call between {_joined(verdict.contenders, bold=False)}"
    else:
        opening = f"{emoji} For *{title}* the answers point to *{label}* — a {verdict.lead}."
        fallback = f"{label} — {verdict.lead}"
    blocks: list[Any] = [
        header("Too close to call" if verdict.too_close else f"Recommendation: {label}"),
        section(opening + (f"\n{rec.summary}" if rec.summary else "")),
        section(how_close(verdict)),
        *[section(text) for text in reason_groups(verdict)],
    ]
    sources = sorted({r.source_url for r in verdict.reasons if r.source_url})
    if sources:
        blocks.append(
            context("Sources: " + " · ".join(f"<{url}|{_source_name(url)}>" for url in sources))
        )
    blocks.append(
        context(
            "Six multiple-choice answers point a direction; they can't know your team as you "
            "do. The call is yours."
        )
    )
    if not decided:
        # What the buttons were drawn for: a stale Accept never records a newer verdict.
        value = {
            "c": rec.conversation_id,
            "v": rec.version,
            "r": verdict.outcome,
            "u": rec.started_by,
        }
        blocks.append(divider())
        if verdict.too_close:
            # One button per contender, each in its own block (action ids are unique per
            # block): the person deciding breaks the tie, not the bot.
            blocks += [
                actions(
                    button(f"Decide: {outcome_label(key)}", ACCEPT_ACTION, {**value, "r": key}),
                    block_id=f"decide:{rec.conversation_id}:{key}",
                )
                for key in verdict.contenders
            ]
            first: list[Any] = []
        else:
            first = [button(f"Accept: {label}", ACCEPT_ACTION, value, style="primary")]
        blocks.append(
            actions(
                *first,
                button("Choose another outcome…", OVERRIDE_ACTION, value),
                button("Not hiring now…", NOT_HIRING_ACTION, value),
                change_answer_control(rec, value),
                *(
                    [
                        button(
                            "Ask the team…",
                            ASK_TEAM_ACTION,
                            {"c": rec.conversation_id, "u": rec.started_by},
                        )
                    ]
                    if rec.started_by
                    else []
                ),
                block_id=f"decide:{rec.conversation_id}",
            )
        )
    return render(blocks, f"Recommendation for #{rec.conversation_id}: {fallback}")


def _role(key: str) -> str:
    """A role as it reads mid-sentence: "software engineer"."""
    return outcome_label(key).lower()


def _points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


def _joined(keys: Sequence[str], *, bold: bool = True) -> str:
    names = [f"*{_role(k)}*" if bold else _role(k) for k in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def contribution(weights: Mapping[str, int]) -> str:
    """The points one answer gives, most first: "+3 product engineer, +1 growth engineer"."""
    values = set(weights.values())
    if len(values) == 1:
        (only,) = values
        return f"+{only} to every role" if only else "no points to any role"
    ranked = sorted((k for k in weights if weights[k]), key=lambda k: -weights[k])
    return ", ".join(f"+{weights[k]} {_role(k)}" for k in ranked)


def reason_line(reason: Reason) -> str:
    """One answer, which way it leans (or that it leans nowhere) and the points it gives."""
    if reason.towards is None:
        shared = len(set(reason.weights.values())) > 1
        stance = "neutral, no single role ahead" if shared else "neutral"
    else:
        stance = f"leans {_role(reason.towards)}"
    return (
        f"• {reason.question} *{reason.answer}* — {stance} "
        f"({contribution(reason.weights)}). {reason.reason}"
    )


def reason_groups(verdict: Recommendation) -> list[str]:
    """The answers grouped by what they did to this verdict, one section's text per group."""
    groups: list[tuple[str, list[Reason]]] = []
    if verdict.too_close:
        leaning_roles = [k for k in verdict.scores if any(r.towards == k for r in verdict.reasons)]
        roles = [*verdict.contenders, *(k for k in leaning_roles if k not in verdict.contenders)]
        groups += [
            (f"*Towards {_role(k)}*", [r for r in verdict.reasons if r.towards == k]) for k in roles
        ]
    else:
        groups.append(
            (
                f"*Why {_joined(verdict.contenders, bold=False)}*",
                [r for r in verdict.reasons if r.supports],
            )
        )
        groups.append(
            (
                "*Pulling the other way*",
                [r for r in verdict.reasons if not r.supports and not r.neutral],
            )
        )
    groups.append(
        ("*Neutral* — these favour no one role", [r for r in verdict.reasons if r.neutral])
    )
    return [
        "\n".join([heading, *(reason_line(r) for r in reasons)])
        for heading, reasons in groups
        if reasons
    ]


def how_close(verdict: Recommendation) -> str:
    """The scores, the margin in plain words, and the smallest change of one answer that
    would turn the verdict (for a tie: that would settle it each way)."""
    ranked = sorted(verdict.scores, key=lambda k: -verdict.scores[k])
    points = " · ".join(f"{_role(k)} {verdict.scores[k]}" for k in ranked)
    lines = [f"*Points:* {points} (each answer gives each role 0 to 3)."]
    scores = verdict.scores
    if verdict.too_close:
        tied = _joined(verdict.contenders, bold=False)
        lines.append(
            f"{tied.capitalize()} tie on {_points(scores[verdict.contenders[0]])} each — "
            f"{verdict.lead}."
        )
    elif verdict.outcome == BOTH:
        pe, swe = verdict.contenders
        gap = abs(scores[pe] - scores[swe])
        apart = "level" if gap == 0 else f"only {_points(gap)} apart"
        lines.append(
            f"Product and software engineer are {apart}, close enough that the team needs "
            f"both, and both are ahead of growth engineer by at least {_points(verdict.margin)}"
            f" — a {verdict.lead}" + (": nearly a tie." if verdict.lead == SLIGHT_LEAD else ".")
        )
    else:
        assert verdict.runner_up is not None
        lines.append(
            f"{outcome_label(verdict.outcome)} is {_points(verdict.margin)} ahead of "
            f"{_role(verdict.runner_up)} — a {verdict.lead}"
            + (": nearly a tie." if verdict.lead == SLIGHT_LEAD else ".")
        )
    if verdict.outnumbered:
        lines.append(
            f"More answers lean away from this ({verdict.leaning_against}) than towards it "
            f"({verdict.leaning_for}), but the verdict follows the points, not the count: "
            "every answer gives every role some points, and "
            + (
                "product and software engineer still both end above growth engineer."
                if verdict.outcome == BOTH
                else f"{_role(verdict.outcome)} still ends with the most."
            )
        )
    if verdict.too_close:
        lines.append("*What would settle it* (the smallest change of one answer, each way):")
        lines += [f"• {_turn(flip)}" for flip in verdict.settles]
    elif verdict.flip is None:
        lines.append(
            "*What would change it:* no change to one answer alone; it would take two or more."
        )
    else:
        lines.append(
            f"*What would change it:* {_turn(verdict.flip)} "
            "No smaller change of one answer turns it."
        )
    return "\n".join(lines)


def _turn(flip: Flip) -> str:
    """ "If the team were small and multi-skilled (not “Larger team of specialists”), this
    would be Product engineer." """
    result = (
        "it would be too close to call"
        if flip.verdict == TOO_CLOSE
        else f"this would be *{outcome_label(flip.verdict)}*"
    )
    return f"If {flip.condition} (not “{flip.from_answer}”), {result}."


def decision_recorded_message(
    rec: RecommendationView, final_outcome: str, decided_by: str, reason: str | None, at: datetime
) -> Message:
    """The recommendation message once decided: same reasons, no buttons, the outcome on top."""
    base = recommendation_message(rec, decided=True)
    summary = f"{status_label('decided', final_outcome)} — by <@{decided_by}>, {slack_date(at)}"
    if final_outcome != rec.outcome and reason:
        summary += f"\n>Reason: {user_text(reason, NOTE_LIMIT)}"
    value = {
        "c": rec.conversation_id,
        "v": rec.version,
        "f": final_outcome,
        "u": rec.started_by,
    }
    controls = actions(
        button("Change decision…", CHANGE_ACTION, value),
        button("Reopen…", REOPEN_ACTION, value),
        block_id=f"decided:{rec.conversation_id}",
    )
    blocks = [*base.blocks, divider().to_dict(), section(summary).to_dict(), controls.to_dict()]
    return Message(text=status_label("decided", final_outcome, plain=True), blocks=blocks)


def override_modal(
    conversation_id: int, version: int, recommended: str, *, changing_from: str | None = None
) -> dict[str, Any]:
    """Choose an outcome other than `recommended` (or, when changing, other than the current).

    Built from the clicked button alone, so it opens at once (a trigger_id lives 3 seconds);
    it carries the version it was drawn for, so a stale submission changes nothing."""
    excluded = changing_from or recommended
    choices = [key for key in OUTCOME_LABELS if key != excluded]
    if changing_from:
        intro = (
            f"The recorded decision is *{outcome_label(changing_from)}*. What is it now, and why?"
        )
    elif recommended == TOO_CLOSE:
        intro = "The answers were too close to call. What did you decide, and why?"
    else:
        intro = (
            f"The bot recommended *{outcome_label(recommended)}*. "
            "What did you decide instead, and why?"
        )
    view = View(
        type="modal",
        callback_id=CHANGE_CALLBACK if changing_from else OVERRIDE_CALLBACK,
        private_metadata=encode_value({"c": conversation_id, "v": version}),
        title=PlainTextObject(
            text="Change the decision" if changing_from else "Record another outcome"
        ),
        submit=PlainTextObject(text="Save decision" if changing_from else "Record decision"),
        close=PlainTextObject(text="Back"),
        blocks=[
            section(intro),
            InputBlock(
                block_id=OVERRIDE_OUTCOME_BLOCK,
                label=PlainTextObject(text="Decision"),
                element=StaticSelectElement(
                    action_id="value",
                    placeholder=PlainTextObject(text="Choose an outcome"),
                    options=[Option(value=key, label=outcome_label(key)[:75]) for key in choices],
                ),
            ),
            InputBlock(
                block_id=OVERRIDE_REASON_BLOCK,
                label=PlainTextObject(text="Why"),
                hint=PlainTextObject(text="Kept in the decision log with the decision."),
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=True,
                    min_length=3,
                    max_length=1000,
                    placeholder=PlainTextObject(text="e.g. the team already has a strong PM"),
                ),
            ),
        ],
    )
    return view.to_dict()


def _source_name(url: str) -> str:
    if "product-engineer-vs-software-engineer" in url:
        return "Product engineer vs software engineer"
    if "what-is-a-product-engineer" in url:
        return "What is a product engineer"
    return url


def hire_help_message(start_title: str | None = None) -> Message:
    usage = "\n".join(
        [
            "`/hire <position>` — start a guided decision, e.g. `/hire Senior engineer, checkout`",
            "`/hire start <position>` — the same, for titles that begin with a command word",
            "`/hire list [open|decided|cancelled|all]` — recent conversations and decisions "
            f"(open: {OPEN_MEANS})",
            "`/hire show <id>` — one decision in full",
            "`/hire cancel <id> [reason]` — close a conversation (its starter or an admin)",
            "`/hire restart <id>` — carry on here a conversation whose thread was deleted, "
            "with its answers so far (its starter or an admin)",
            "`/hire export` — the decision log as a CSV file",
            "`/hire digest` — preview this week's digest · `/hire digest now` — post it",
            "`/hire digest channel #name` · `/hire digest schedule monday 09:00 Europe/Paris`"
            " · `/hire digest on|off` — where and when it is posted",
            "`/hire digest quiet on|off` — in a quiet week (no decisions, nothing waiting): "
            "`on` still posts a digest, `off` posts nothing",
            "`/hire digest managers @name …` — who besides workspace admins may change the "
            "digest (admins name them; `none` clears the list) · `/hire digest history` — "
            "recent changes to its settings",
            "`/hire checkin after <days>` · `/hire checkin off` — how long after a decision "
            "its decider is asked whether it held up (default 90 days; admins and digest "
            "managers) · `/hire checkin` — the setting",
        ]
    )
    blocks = [
        section(
            ":compass: *Decide which engineer to hire, in a thread.*\n"
            "I ask six short questions about your company and the role — stage, pace, product, "
            "team, ownership and the work itself — then recommend a product engineer, a "
            "software engineer, a growth engineer, or both, and record what you decide."
        ),
        section(usage),
        context(
            "Want the background first? Try `/role product engineer` or `/role compare pe vs swe`."
        ),
        *title_offer(start_title),
    ]
    return render(blocks, "How to use /hire")


def problem_message(
    problem: str, hint: str | None = None, *, start_title: str | None = None
) -> Message:
    """A short, friendly ephemeral answer when we could not do what was asked; with
    `start_title`, the offer to start a conversation with it (see `title_offer`)."""
    text = f":thinking_face: {problem}"
    blocks: list[Any] = [section(text)]
    if hint:
        blocks.append(context(hint))
    return render([*blocks, *title_offer(start_title)], problem)


def title_offer(title: str | None) -> list[Any]:
    """The text (as typed) started with a command word it did not fit, so it may have been a
    position title: a button starts a conversation with exactly it (one too long for a
    button's value is pointed to `/hire start`). Nothing without a title."""
    title = clean(title or "")
    if not title:
        return []
    shown = user_text(title, TITLE_IN_MESSAGES)
    if len(title) > TITLE_IN_BUTTON:
        return [context(f"For a hiring decision titled *{shown}*, use `/hire start <title>`.")]
    return [
        section(f"Or did you mean a hiring decision for *{shown}*?"),
        actions(button(f"Start “{title}”", START_TITLED_ACTION, title)),
    ]


def superseded_recommendation_message(note: str) -> Message:
    return render([section(f"~Recommendation~\n{note}")], "Recommendation withdrawn")


def decision_note_message(conversation_id: int, outcome: str, decided_by: str) -> Message:
    text = (
        f":white_check_mark: Decided by <@{decided_by}>: *{outcome}*. "
        f"It's in the log as #{conversation_id} (`/hire show {conversation_id}`)."
    )
    return render([section(text)], f"Decided: {outcome}")


def nudge_message(
    conversation_id: int,
    started_by: str,
    step: int,
    total: int,
    prompt: str | None,
    version: int,
) -> Message:
    if prompt:
        waiting = f"question {step + 1} of {total}: *{prompt}*"
        action = "Answer it above with a button, or reply here with the option's name or number."
    else:
        waiting = "your decision on the recommendation above"
        action = "Accept it, choose another outcome, or mark it not hiring now."
    blocks = [
        section(
            f":wave: <@{started_by}>, this hiring decision is still waiting on {waiting}\n{action}"
        ),
        actions(
            button(
                "Cancel this conversation",
                CANCEL_ACTION,
                {"c": conversation_id, "s": step, "v": version},
                style="danger",
            )
        ),
    ]
    return render(blocks, f"Reminder: hiring decision #{conversation_id} is waiting for you")


def reopen_modal(conversation_id: int, version: int, current: str) -> dict[str, Any]:
    return _reason_modal(
        REOPEN_CALLBACK,
        conversation_id,
        version,
        title="Reopen the decision",
        submit="Reopen",
        intro=f"This was decided as *{outcome_label(current)}*. "
        "Reopening brings back the choice; the history keeps it.",
        reason=InputBlock(
            block_id=OVERRIDE_REASON_BLOCK,
            label=PlainTextObject(text="Why reopen it?"),
            element=PlainTextInputElement(
                action_id="value", multiline=True, min_length=3, max_length=1000
            ),
        ),
    )


def history_note_message(text: str, reason: str) -> Message:
    return render([section(f"{text}\n>{user_text(reason, NOTE_LIMIT)}")], text)


def restart_button(conversation_id: int) -> Any:
    """ "Restart in a new thread", in the channel of the message it is on."""
    return button("Restart in a new thread", RESTART_ACTION, {"c": conversation_id})


def orphaned_message(conversation_id: int, cause: str, *, may_restart: bool) -> Message:
    """What whoever found a conversation's thread gone is told, with the way on."""
    lost = (
        "its channel is gone (or I was removed from it)"
        if cause == "channel"
        else ("its thread was deleted")
    )
    text = (
        f":warning: Hiring decision #{conversation_id} can't go on where it was: {lost}. "
        "Its answers so far are kept."
    )
    how = (
        f"Restart it in a new thread here, or type `/hire restart {conversation_id}` in the "
        "channel where it should go on."
        if may_restart
        else "Its starter or a workspace admin can restart it in a new thread "
        f"(`/hire restart {conversation_id}`)."
    )
    blocks: list[Any] = [section(f"{text}\n{how}")]
    if may_restart:
        blocks.append(actions(restart_button(conversation_id)))
    return render(blocks, f"{text} {how}")


def restarted_message(restarted_by: str, answers: Sequence[tuple[str, str]], total: int) -> Message:
    """The first reply of a restarted conversation's new thread: why it is here, and the
    answers it carried over (prompt, answer)."""
    lines = [
        f":recycle: <@{restarted_by}> restarted this conversation here: its first thread was "
        "deleted."
    ]
    if answers:
        lines.append(f"*Answers so far* ({len(answers)} of {total}):")
        lines += [f"• {prompt} *{label}*" for prompt, label in answers]
    else:
        lines.append("No question had been answered yet.")
    return render([section("\n".join(lines))], "Restarted in a new thread")
