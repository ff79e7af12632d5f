"""Block Kit for "Ask the team": the invite modal, the questions in an invitee's DM, the
round's line in the thread, and the one message that shows the team's answers.

Pure: `bot.core.voices` results in, messages out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextObject, UserMultiSelectElement
from slack_sdk.models.views import View

from bot.blocks import hire as hire_blocks
from bot.blocks.common import (
    OUTCOME_EMOJI,
    Message,
    actions,
    button,
    context,
    outcome_label,
    plain_actions,
    plain_button,
    plain_context,
    plain_section,
    render,
    render_plain,
    section,
)
from bot.blocks.text import user_text
from bot.content.criteria import Criteria
from bot.core.interactions import (
    ActionId,
    CallbackId,
    ConversationValue,
    VoiceAnswerValue,
    VoiceBackValue,
    metadata_for,
)
from bot.core.recommendation import BOTH, TOO_CLOSE, Recommendation, Verdict
from bot.core.voices import (
    MAX_INVITEES,
    Disagreement,
    NotInvited,
    RoundView,
    TeamVerdict,
    VoiceNotDone,
    VoiceView,
)

INVITEES_BLOCK = "invitees"
INVITEES_ELEMENT = "users"


def _title(title: str) -> str:
    return user_text(title, hire_blocks.TITLE_IN_MESSAGES)


def _people(users: Sequence[str]) -> str:
    names = [f"<@{u}>" for u in users]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def invite_modal(conversation_id: int) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=CallbackId.VOICES_INVITE.value,
        private_metadata=metadata_for(CallbackId.VOICES_INVITE, ConversationValue(conversation_id)),
        title=PlainTextObject(text="Ask the team"),
        submit=PlainTextObject(text="Ask them"),
        close=PlainTextObject(text="Back"),
        blocks=[
            section(
                "Each person you pick gets the same questions in a direct message from me. "
                "Their answers stay hidden until everyone has answered or you show them; "
                "then the thread shows each person's recommendation, the team's, and where "
                "you disagree most."
            ),
            InputBlock(
                block_id=INVITEES_BLOCK,
                label=PlainTextObject(text="Who should answer?"),
                hint=PlainTextObject(text=f"Up to {MAX_INVITEES} teammates."),
                element=UserMultiSelectElement(
                    action_id=INVITEES_ELEMENT,
                    placeholder=PlainTextObject(text="Pick teammates"),
                    max_selected_items=MAX_INVITEES,
                ),
            ),
        ],
    )
    return view.to_dict()


NOT_INVITED = {
    "starter": "you started this conversation, so your answers are the ones in the thread",
    "bot": "I can't answer the questions myself",
    "already": "already asked in this round",
    "full": f"a round has at most {MAX_INVITEES} teammates",
}


def not_invited(refused: Sequence[tuple[str, NotInvited]]) -> str:
    lines = [f"• <@{user}>: {NOT_INVITED[why]}." for user, why in refused]
    return ":information_source: Not invited:\n" + "\n".join(lines)


# -- the invitee's DM ------------------------------------------------------------------------
def dm_question(round_: RoundView, criteria: Criteria, voice: VoiceView, *, first: bool) -> Message:
    """The question `voice` is on. Every button carries the step and the voice's version it
    was drawn for, so once the invitee answered or went back it is stale."""
    voice_id, step, version = voice.id, voice.step, voice.version
    question = criteria.questions[step]
    total = len(criteria)
    blocks = []
    if first:
        blocks.append(
            plain_section(
                f":busts_in_silhouette: <@{round_.started_by}> would like your view on "
                f"*{_title(round_.title)}* (hiring decision #{round_.conversation_id}). "
                f"{total} short questions. Your answers stay private until everyone has "
                f"answered or <@{round_.started_by}> shows them in the thread."
            )
        )
    text = f"*Question {step + 1} of {total}* · {question.prompt}"
    if question.help:
        text += f"\n_{question.help}_"
    numbers = ", ".join(str(i) for i in range(1, len(question.options) + 1))
    blocks += [
        plain_section(text),
        plain_actions(
            *(
                plain_button(
                    option.label,
                    ActionId.VOICE_ANSWER,
                    VoiceAnswerValue(voice_id, step, option.key, version),
                    suffix=option.key,
                )
                for option in question.options
            ),
            block_id=f"vq:{voice_id}:{step}",
        ),
    ]
    how = f"Click an option, or reply here with its name or number ({numbers})"
    if step > 0:
        blocks.append(
            plain_actions(
                plain_button(
                    "Go back", ActionId.VOICE_BACK, VoiceBackValue(voice_id, step, version)
                ),
                block_id=f"vb:{voice_id}:{step}",
            )
        )
        how += ", or `back` to change your previous answer"
    blocks.append(plain_context(how + "."))
    return render_plain(blocks, f"Question {step + 1} of {total}: {question.prompt}")


def dm_answered(criteria: Criteria, step: int, option_key: str) -> Message:
    question = criteria.questions[step]
    option = question.option(option_key)
    label = option.label if option else option_key
    text = (
        f":white_check_mark: *Question {step + 1} of {len(criteria)}* · {question.prompt}\n"
        f"*{label}*"
    )
    return render_plain([plain_section(text)], f"Question {step + 1}: {label}")


def dm_left(criteria: Criteria, step: int) -> Message:
    """A question the invitee went back from: struck through, its buttons gone."""
    question = criteria.questions[step]
    text = (
        f"~Question {step + 1} of {len(criteria)} · {question.prompt}~\n"
        f":leftwards_arrow_with_hook: You went back to question {step} to change your answer."
    )
    return render_plain([plain_section(text)], f"Question {step + 1}: you went back")


def dm_help(criteria: Criteria, step: int) -> Message:
    """`help` typed in the DM: the question's options, and the words that work here."""
    question = criteria.questions[step]
    options = " · ".join(f"{i}. {o.label}" for i, o in enumerate(question.options, 1))
    text = (
        f":information_source: Question {step + 1} is “{question.prompt}”: click a button "
        f"above, or reply with an option's name or number — {options}."
    )
    if step > 0:
        text += " Reply `back` to go back to the previous question and change your answer."
    return Message(text=text)


def dm_done(round_: RoundView) -> str:
    return (
        f":tada: Thanks, that's all {_title(round_.title)} needed from you. Your answers stay "
        f"hidden until everyone has answered or <@{round_.started_by}> shows them; then "
        "they appear in the thread with everyone else's."
    )


def dm_read_as(typed: str, label: str) -> str:
    return f":ballot_box_with_check: I read “{user_text(typed, 100)}” as *{label}*."


def dm_unclear_message(criteria: Criteria, step: int) -> Message:
    return Message(text=dm_unclear(criteria, step))


def dm_unclear(criteria: Criteria, step: int) -> str:
    question = criteria.questions[step]
    options = " · ".join(f"{i}. {o.label}" for i, o in enumerate(question.options, 1))
    said = (
        f":thinking_face: I didn't catch that. Question {step + 1} is “{question.prompt}”: "
        f"click a button above, or reply with an option's name or number — {options}."
    )
    return said + (" Reply `back` to change your previous answer." if step > 0 else "")


def dm_reminder(round_: RoundView, step: int, total: int, *, asked_below: bool) -> str:
    """The one reminder; `asked_below` when the question comes with it (it never reached
    them), else it is the one already in the DM, above."""
    where = "here it is" if asked_below else "it's above"
    return (
        f":wave: A reminder: <@{round_.started_by}> is waiting for your view on "
        f"*{_title(round_.title)}* (hiring decision #{round_.conversation_id}). You're at "
        f"question {step + 1} of {total}, {where}."
    )


def voice_refusal(result: VoiceNotDone) -> str:
    """What an invitee (or someone else) is told when an answer changed nothing."""
    round_ = result.round
    if result.reason == "round_over" and round_ is not None:
        if round_.state == "revealed":
            return (
                f":information_source: The team's answers on *{_title(round_.title)}* were "
                "already shown in the thread, so this answer wasn't counted. Thanks all the same."
            )
        return (
            f":information_source: Asking the team about *{_title(round_.title)}* was closed "
            "(the conversation was cancelled or moved to a new thread), so nothing more is "
            "recorded here."
        )
    return {
        "not_found": ":information_source: I can't find that question any more.",
        "not_yours": ":lock: These questions were sent to someone else.",
        "already_answered": ":information_source: You've answered every question already; "
        "your answers are saved.",
        "stale": ":information_source: That question was already answered (or you went back "
        "from it). The newest question is the last one here.",
        "unknown_option": ":information_source: That button is from an older version of the "
        "questions. Use the newest question here.",
        "first_question": ":information_source: This is the first question, so there is "
        "nothing to go back to.",
    }.get(result.reason, ":information_source: Nothing was changed.")


# -- the thread ------------------------------------------------------------------------------
def round_message(round_: RoundView) -> Message:
    """The round's state in the thread, with the starter's *Show answers now* button."""
    asked = [v.user for v in round_.voices if v.status != "unreachable"]
    answered = len(round_.answered)
    lines = [
        f":busts_in_silhouette: *Asking the team* — {_people(asked)} "
        f"{'was' if len(asked) == 1 else 'were'} asked in a direct message "
        f"({answered} of {len(asked)} answered so far)."
        if asked
        else ":busts_in_silhouette: *Asking the team* — nobody could be asked yet."
    ]
    for voice in round_.voices:
        if voice.status == "unreachable":
            lines.append(
                f":warning: I couldn't send the questions to <@{voice.user}>: "
                f"{unreachable_words(voice.problem)}."
            )
    lines.append(
        "Answers stay hidden until everyone has answered, or until "
        f"<@{round_.started_by}> shows them."
        if round_.state == "open"
        else "The answers are shown further down this thread."
        if round_.state == "revealed"
        else "Closed before the answers were shown."
    )
    blocks: list[Any] = [section("\n".join(lines))]
    if round_.state == "open":
        value = ConversationValue(round_.conversation_id, round_.started_by)
        blocks.append(
            actions(
                button("Show answers now", ActionId.VOICES_REVEAL, value),
                block_id=f"voices:{round_.conversation_id}",
            )
        )
    return render(blocks, f"Asking the team about #{round_.conversation_id}")


UNREACHABLE = {
    "is_bot": "that's a bot, and bots can't answer",
    "deleted": "that account is deactivated",
    "cannot_dm_bot": "that's a bot, and bots can't answer",
    "user_not_found": "Slack doesn't know that person",
    "user_disabled": "that account is deactivated",
    "messages_tab_disabled": "they don't accept direct messages from apps",
    "cannot_dm": "they don't accept direct messages from apps",
    "missing_scope": "I'm missing the permission to send direct messages",
    "not_allowed_token_type": "I'm not allowed to send direct messages",
}


def unreachable_words(problem: str | None) -> str:
    return UNREACHABLE.get(problem or "", f"Slack said `{problem}`")


def _outcome_words(verdict: Verdict | Recommendation) -> str:
    """A verdict in a few words: "*Product engineer*", "*both*, software engineer first"."""
    if verdict.outcome == TOO_CLOSE:
        names = " / ".join(outcome_label(k) for k in verdict.contenders)
        return f"too close to call ({names})"
    if verdict.outcome == BOTH:
        if verdict.hire_first is None:
            return "*both*, which first too close to call"
        return f"*both*, {outcome_label(verdict.hire_first).lower()} first"
    return f"*{outcome_label(verdict.outcome)}*"


def _verdict_words(verdict: Verdict | Recommendation, lead: str) -> str:
    """With how sure, where it is one role: "*Product engineer* — clear lead"."""
    words = _outcome_words(verdict)
    return words if verdict.outcome in {TOO_CLOSE, BOTH} else f"{words} — {lead}"


def _team_words(team: TeamVerdict) -> str:
    combined = team.combined
    emoji = OUTCOME_EMOJI.get(combined.outcome, "")
    ranked = sorted(team.scores, key=lambda k: -team.scores[k])
    points = " · ".join(f"{outcome_label(k).lower()} {team.scores[k]}" for k in ranked)
    if combined.outcome == TOO_CLOSE:
        said = (
            f"the team is *too close to call* between "
            f"{' and '.join(outcome_label(k) for k in combined.contenders)}; the tie is yours "
            "to settle"
        )
    elif combined.outcome == BOTH:
        said = f"the team's points call for {_verdict_words(combined, team.lead)}"
    else:
        said = f"the team's points add up to {_verdict_words(combined, team.lead)}"
    return f"{emoji} *Together:* {said}. Every voice's points, each voice once: {points}."


def _discuss_line(row: Disagreement, picks: Mapping[str, Sequence[str]]) -> str:
    said = "; ".join(f"{_people(picks[key])}: {label}" for key, label, _ in row.agreement.chosen)
    if row.turns:
        ways = "; ".join(
            f"all “{label}” would make it {_outcome_words(verdict)}"
            for _, label, verdict in row.if_all
        )
        why = f"Settle this first: {ways}."
    else:
        why = "Worth a word, though any of these answers leaves the team's verdict as it is."
    return f"• *{row.agreement.prompt}* {said}. {why}"


def team_message(round_: RoundView, team: TeamVerdict, criteria: Criteria) -> Message:
    """ONE message that fits on a screen: each voice's verdict, the team's (the sum of
    everyone's points), and the two disagreements that matter. When the team's verdict is
    not what most voices got on their own, it says so first. Every answer, question by
    question, is in `/hire show`."""
    voices = len(team.voices)
    missing = round_.waiting_for
    blocks: list[Any] = []
    if team.against_most:
        agreeing = team.agreeing_voices
        blocks.append(
            section(
                f":warning: *The team's verdict is not what most of you got on your own:* "
                f"{agreeing} of {voices} {'voice' if voices == 1 else 'voices'} "
                f"{'gets' if agreeing == 1 else 'get'} it from their own answers. It is what "
                "everyone's points add up to, so talk it through before deciding."
            )
        )
    opening = (
        f":busts_in_silhouette: *The team's view on {_title(round_.title)}* "
        f"(#{round_.conversation_id}) — {voices} {'voice' if voices == 1 else 'voices'}."
    )
    if missing:
        opening += f" Shown before {_people(missing)} answered; their answers aren't counted."
    if round_.starter_answers is None:
        opening += (
            f" <@{round_.started_by}>'s own answers in the thread weren't complete yet, so "
            "they aren't counted either."
        )
    each = [
        f"• <@{v.user}>: {_verdict_words(v.recommendation, v.recommendation.lead)}"
        for v in team.voices
    ]
    blocks += [
        section(opening + "\n" + "\n".join(each)),
        section(_team_words(team)),
    ]
    if team.to_discuss:
        picks: dict[str, dict[str, list[str]]] = {}
        for voice in team.voices:
            for question_key, option_key in voice.answers.items():
                picks.setdefault(question_key, {}).setdefault(option_key, []).append(voice.user)
        lines = [_discuss_line(row, picks[row.question_key]) for row in team.to_discuss]
        blocks.append(section("\n".join(["*The disagreements that matter most*", *lines])))
    else:
        blocks.append(section("*Where the team disagrees:* nowhere — every answer matches."))
    blocks.append(
        context(
            f"Everyone's answers: `/hire show {round_.conversation_id}`. "
            "The decision is still made with the buttons on the recommendation, by "
            f"<@{round_.started_by}> or a workspace admin."
        )
    )
    fallback = (
        f"The team's view on #{round_.conversation_id}: "
        f"{_verdict_words(team.combined, team.lead).replace('*', '')} ({voices} voices)"
    )
    return render(blocks, fallback)


def no_voices_message(round_: RoundView) -> Message:
    return render(
        [
            section(
                f":busts_in_silhouette: *The team's view on {_title(round_.title)}* "
                f"(#{round_.conversation_id}): nobody has answered every question yet, so "
                "there is nothing to show."
            )
        ],
        f"The team's view on #{round_.conversation_id}: no answers",
    )


STATUS_WORDS = {
    "invited": "not answered yet",
    "answering": "answering",
    "unreachable": "couldn't be reached",
}


def team_record(
    round_: RoundView, question_texts: Mapping[str, tuple[str, Mapping[str, str]]]
) -> str:
    """`/hire show`: every voice of the round. Answers are shown once the round is revealed
    (before that they are hidden from everyone, as in the thread)."""
    counted = len(round_.counted()) if round_.state == "revealed" else None
    state = {
        "open": "answers hidden until everyone has answered or the starter shows them",
        "revealed": f"shown in the thread, decided with {counted} voices",
        "closed": "closed before the answers were shown",
    }[round_.state]
    lines = [f"*Ask the team* — {state}"]
    for voice in round_.voices:
        if voice.status == "answered" and round_.state == "revealed":
            answers = voice.answers or {}
            given = [
                labels.get(answers[key], answers[key])
                for key, (_, labels) in question_texts.items()
                if key in answers
            ]
            lines.append(f"• <@{voice.user}>: " + " · ".join(given))
        elif voice.status == "answered":
            lines.append(f"• <@{voice.user}>: answered")
        else:
            lines.append(f"• <@{voice.user}>: {STATUS_WORDS.get(voice.status, voice.status)}")
    return "\n".join(lines)
