"""Block Kit for the guided hiring conversation: root message, questions, recommendation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
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
from bot.core.interactions import (
    AFTER_LAST_STEP,
    ActionId,
    AnswerValue,
    CallbackId,
    ConversationValue,
    DecidedValue,
    DecisionForm,
    OpeningsValue,
    StepValue,
    TitleValue,
    VerdictValue,
    metadata_for,
    value_for,
)
from bot.core.recommendation import (
    BOTH,
    GROWTH,
    PRODUCT,
    SLIGHT_LEAD,
    SOFTWARE,
    TOO_CLOSE,
    Flip,
    Reason,
    Recommendation,
)

TITLE_IN_MESSAGES = 200  # the full title is stored; messages show a readable slice
NOTE_LIMIT = 500

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
    drawn = StepValue(q.conversation_id, q.step, q.version)
    controls = []
    if q.can_go_back:
        controls.append(plain_button("← Back", ActionId.HIRE_BACK, drawn))
    cancel_check = plain_confirm(
        "Cancel this conversation?",
        "The answers so far are kept in the log, marked cancelled.",
        "Cancel it",
        "Keep going",
    )
    controls.append(
        plain_button("Cancel", ActionId.HIRE_CANCEL, drawn, style="danger", confirm=cancel_check)
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
    return plain_button(
        "Ask the team…", ActionId.VOICES_INVITE, ConversationValue(conversation_id, started_by)
    )


def answer_buttons(q: QuestionView) -> list[dict[str, Any]]:
    """One button per option, each carrying the version of the question it was drawn for."""
    return [
        plain_button(
            label,
            ActionId.HIRE_ANSWER,
            AnswerValue(q.conversation_id, q.step, key, q.version),
            suffix=key,
        )
        for key, label in q.options
    ]


def change_answer_control(rec: RecommendationView) -> Any:
    """Pick the answer to change (the thread re-asks from that question on); a plain "back to
    the last question" button when the answers aren't known."""
    back = StepValue(rec.conversation_id, AFTER_LAST_STEP, rec.version)
    if not rec.answers:
        return button("← Change answers", ActionId.HIRE_BACK, back)
    return StaticSelectElement(
        action_id=ActionId.HIRE_BACK.drawn(),
        placeholder=PlainTextObject(text="Change an answer…"),
        options=[
            Option(
                value=value_for(ActionId.HIRE_BACK, replace(back, to_step=step)),
                label=truncate(f"{step + 1}. {question} ({answer})", 75),
            )
            for step, question, answer in rec.answers
        ],
    )


def not_hiring_modal(conversation_id: int, version: int) -> dict[str, Any]:
    """ "Not hiring now" is a decision like any other: it asks for a one-line reason."""
    return _reason_modal(
        CallbackId.HIRE_NOT_HIRING,
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
    callback: CallbackId,
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
        callback_id=callback.value,
        private_metadata=metadata_for(callback, DecisionForm(conversation_id, version)),
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


def job_line(verdict: Recommendation) -> str:
    """The job as it was answered, in one line under the verdict: it restates the answers
    about the job, so it can never contradict them."""
    said = [r.said for r in verdict.reasons if r.about == "job" and r.said]
    return f"_The job as answered: someone who {', and '.join(said)}._" if said else ""


def _opening(rec: RecommendationView) -> tuple[str, str]:
    """The verdict in a sentence, and the same in plain words for the notification."""
    verdict = rec.recommendation
    emoji = OUTCOME_EMOJI.get(verdict.outcome, "")
    title = user_text(rec.title, TITLE_IN_MESSAGES)
    if verdict.too_close:
        return (
            f"{emoji} For *{title}* the answers are *too close to call* between "
            f"{_joined(verdict.contenders)}. I won't pick one for you: here is what "
            "separates them.",
            f"too close to call between {_joined(verdict.contenders, bold=False)}",
        )
    if verdict.outcome == BOTH:
        first, second = verdict.contenders
        if verdict.hire_first is None:
            return (
                f"{emoji} For *{title}*, with more than one opening, the answers point to "
                f"*both* a {_role(first)} and a {_role(second)}; which to hire first is "
                "too close to call.",
                f"both a {_role(first)} and a {_role(second)} (which first: too close to call)",
            )
        return (
            f"{emoji} For *{title}*, with more than one opening, the answers point to *both*: "
            f"hire a *{_role(first)}* first, then a *{_role(second)}*.",
            f"both: a {_role(first)} first, then a {_role(second)}",
        )
    label = outcome_label(verdict.outcome)
    return (
        f"{emoji} For *{title}* the answers point to *{label}* — a {verdict.lead}.",
        f"{label} — {verdict.lead}",
    )


def recommendation_message(rec: RecommendationView, *, decided: bool = False) -> Message:
    verdict = rec.recommendation
    opening, fallback = _opening(rec)
    job = job_line(verdict)
    headline = "Both" if verdict.outcome == BOTH else outcome_label(verdict.outcome)
    blocks: list[Any] = [
        header("Too close to call" if verdict.too_close else f"Recommendation: {headline}"),
        section(opening + (f"\n{job}" if job else "")),
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
        value = VerdictValue(rec.conversation_id, rec.version, verdict.outcome, rec.started_by)
        blocks.append(divider())
        if verdict.too_close:
            # One button per contender, each in its own block (action ids are unique per
            # block): the person deciding breaks the tie, not the bot.
            blocks += [
                actions(
                    button(
                        f"Decide: {outcome_label(key)}",
                        ActionId.HIRE_ACCEPT,
                        replace(value, recommended=key),
                    ),
                    block_id=f"decide:{rec.conversation_id}:{key}",
                )
                for key in verdict.contenders
            ]
            first: list[Any] = []
        else:
            first = [button(f"Accept: {headline}", ActionId.HIRE_ACCEPT, value, style="primary")]
        blocks.append(
            actions(
                *first,
                *openings_button(rec),
                button("Choose another outcome…", ActionId.HIRE_OVERRIDE, value),
                button("Not hiring now…", ActionId.HIRE_NOT_HIRING, value),
                change_answer_control(rec),
                *(
                    [
                        button(
                            "Ask the team…",
                            ActionId.VOICES_INVITE,
                            ConversationValue(rec.conversation_id, rec.started_by),
                        )
                    ]
                    if rec.started_by
                    else []
                ),
                block_id=f"decide:{rec.conversation_id}",
            )
        )
    return render(blocks, f"Recommendation for #{rec.conversation_id}: {fallback}")


def openings_button(rec: RecommendationView) -> list[Any]:
    """ "We can hire two" where two openings would make it both (the runner-up is close);
    "Only one opening" to take that back. Each is drawn for the conversation's version, so
    a stale or second click records nothing."""
    verdict = rec.recommendation

    def offer(label: str, openings: int) -> list[Any]:
        value = OpeningsValue(rec.conversation_id, rec.version, openings, rec.started_by)
        return [button(label, ActionId.HIRE_OPENINGS, value)]

    if verdict.openings >= 2:
        return offer("Only one opening", 1)
    if verdict.both_if_two_openings:
        return offer("We can hire two", 2)
    return []


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
    """One answer, which way it leans (or that it leans nowhere), the points it gives, and
    why; a reason that is our own judgement, not the articles', says so."""
    stance = "neutral" if reason.towards is None else f"leans {_role(reason.towards)}"
    ours = "" if reason.source_url else " _(our judgement)_"
    return (
        f"• {reason.question} *{reason.answer}* — {stance} "
        f"({contribution(reason.weights)}). {reason.reason}{ours}"
    )


NEUTRAL_HEADING = "*Neutral* — these give every role the same points"


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
    groups.append((NEUTRAL_HEADING, [r for r in verdict.reasons if r.neutral]))
    return [
        "\n".join([heading, *(reason_line(r) for r in reasons)])
        for heading, reasons in groups
        if reasons
    ]


def _lead_sentence(verdict: Recommendation) -> str:
    """The gap that decides the verdict, in points and in the one wording."""
    scores = verdict.scores
    nearly = ": nearly a tie." if verdict.lead == SLIGHT_LEAD else "."
    if verdict.too_close:
        tied = _joined(verdict.contenders, bold=False)
        return (
            f"{tied.capitalize()} tie on {_points(scores[verdict.contenders[0]])} each — "
            f"{verdict.lead}."
        )
    if verdict.outcome == BOTH:
        first, second = verdict.contenders
        behind = scores[second] - scores[GROWTH]
        if verdict.hire_first is None:
            return (
                f"Product and software engineer are level, {_points(behind)} ahead of growth "
                "engineer: the team needs both, and which to hire first is too close to call."
            )
        return (
            f"{outcome_label(first)} is {_points(verdict.margin)} ahead of {_role(second)}, and "
            f"{_role(second)} is {_points(behind)} ahead of growth engineer: nearer the top "
            "than the bottom, so with more than one opening the team needs both, "
            f"{_role(first)} first — a {verdict.lead}" + nearly
        )
    assert verdict.runner_up is not None
    return (
        f"{outcome_label(verdict.outcome)} is {_points(verdict.margin)} ahead of "
        f"{_role(verdict.runner_up)} — a {verdict.lead}" + nearly
    )


def _openings_sentence(verdict: Recommendation) -> str | None:
    """What the number of openings does to this verdict, where it matters."""
    if verdict.both_if_two_openings:
        return (
            "That is for one opening. If the team can hire more than one person, the answers "
            "call for both a product and a software engineer: *We can hire two* below says so."
        )
    if verdict.openings >= 2 and verdict.outcome != BOTH:
        scores = verdict.scores
        low, high = sorted((PRODUCT, SOFTWARE), key=lambda k: scores[k])
        why = (
            "growth engineer leads"
            if scores[GROWTH] >= scores[high]
            else f"{_role(low)} is nearer growth engineer than {_role(high)}"
        )
        return (
            "You said the team can hire more than one person, but the answers still point to "
            f"one kind: {why}."
        )
    return None


def how_close(verdict: Recommendation) -> str:
    """The scores, the margin in plain words, and the smallest change of one answer that
    would turn the verdict (for a near tie: that would settle it each way)."""
    ranked = sorted(verdict.scores, key=lambda k: -verdict.scores[k])
    points = " · ".join(f"{_role(k)} {verdict.scores[k]}" for k in ranked)
    lines = [
        f"*Points:* {points} (each answer gives a role 0 to 3; the two answers about the job "
        "itself weigh most).",
        _lead_sentence(verdict),
    ]
    openings = _openings_sentence(verdict)
    if openings:
        lines.append(openings)
    if verdict.outnumbered:
        lines.append(
            f"More answers lean away from this ({verdict.leaning_against}) than towards it "
            f"({verdict.leaning_for}), but the verdict follows the points, not the count: "
            "the answers about the job itself carry more points than those about the company."
        )
    if verdict.too_close:
        lines.append("*What would settle it* (the smallest change of one answer, each way):")
        lines += [f"• {_turn(flip)}" for flip in verdict.settles]
        return "\n".join(lines)
    if verdict.flip is None:
        lines.append(
            "*What would change it:* no change to one answer alone; it would take two or more."
        )
    else:
        lines.append(
            f"*What would change it:* {_turn(verdict.flip)} "
            "No smaller change of one answer turns it."
        )
    # A near tie: which way each doubt points (what "would change it" says is not repeated).
    settles = [flip for flip in verdict.settles if flip != verdict.flip]
    if settles:
        lines.append("*Which way it could still go* (the smallest change of one answer, each way):")
        lines += [f"• {_settle(flip)}" for flip in settles]
    return "\n".join(lines)


def _result(flip: Flip) -> str:
    if flip.verdict == TOO_CLOSE:
        return "it would be too close to call"
    if flip.verdict == BOTH:
        if flip.hire_first is None:
            return "it would be *both*, with which first too close to call"
        return f"it would be *both*, with *{_role(flip.hire_first)}* first"
    return f"this would be *{outcome_label(flip.verdict)}*"


def _turn(flip: Flip) -> str:
    """ "If the team were small and multi-skilled (not “Larger team of specialists”), this
    would be *Product engineer*." """
    return f"If {flip.condition} (not “{flip.from_answer}”), {_result(flip)}."


def _settle(flip: Flip) -> str:
    """One way a near tie could settle: the role it would put ahead, and by how much."""
    if_ = f"if {flip.condition} (not “{flip.from_answer}”)"
    if flip.verdict == BOTH and flip.hire_first is not None:
        first = _role(flip.hire_first)
        return f"Towards {first} first: {if_}, it would be *both*, with *{first}* first."
    role = _role(flip.verdict)
    return f"Towards {role}: {if_}, {role} would lead by {_points(flip.margin)}."


def decision_recorded_message(
    rec: RecommendationView, final_outcome: str, decided_by: str, reason: str | None, at: datetime
) -> Message:
    """The recommendation message once decided: same reasons, no buttons, the outcome on top."""
    base = recommendation_message(rec, decided=True)
    summary = f"{status_label('decided', final_outcome)} — by <@{decided_by}>, {slack_date(at)}"
    if final_outcome != rec.outcome and reason:
        summary += f"\n>Reason: {user_text(reason, NOTE_LIMIT)}"
    value = DecidedValue(rec.conversation_id, rec.version, final_outcome, rec.started_by)
    controls = actions(
        button("Change decision…", ActionId.HIRE_CHANGE, value),
        button("Reopen…", ActionId.HIRE_REOPEN, value),
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
    callback = CallbackId.HIRE_CHANGE if changing_from else CallbackId.HIRE_OVERRIDE
    view = View(
        type="modal",
        callback_id=callback.value,
        private_metadata=metadata_for(callback, DecisionForm(conversation_id, version)),
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
            "team, ownership and the work itself — then recommend one kind of engineer "
            "(product, software or growth) and record what you decide. If you can hire more "
            "than one person, say so on the recommendation: it can then point to both a "
            "product and a software engineer, and say which to hire first."
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
        actions(button(f"Start “{title}”", ActionId.HIRE_START_TITLED, TitleValue(title))),
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
                ActionId.HIRE_CANCEL,
                StepValue(conversation_id, step, version),
                style="danger",
            )
        ),
    ]
    return render(blocks, f"Reminder: hiring decision #{conversation_id} is waiting for you")


def reopen_modal(conversation_id: int, version: int, current: str) -> dict[str, Any]:
    return _reason_modal(
        CallbackId.HIRE_REOPEN,
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


def openings_note_message(text: str) -> Message:
    """The thread's line when the starter says how many people the team can hire."""
    return render([section(text)], text)


def history_note_message(text: str, reason: str) -> Message:
    return render([section(f"{text}\n>{user_text(reason, NOTE_LIMIT)}")], text)


def restart_button(conversation_id: int) -> Any:
    """ "Restart in a new thread", in the channel of the message it is on."""
    return button(
        "Restart in a new thread", ActionId.HIRE_RESTART, ConversationValue(conversation_id)
    )


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
