"""The decision log, read from Slack: `/hire list`, `/hire show`, `/hire export` and the list's
"More" button. Each reader sees what they may (a private channel's decisions only by its
members); people are named once per request."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import hire as hire_blocks
from bot.blocks import log as log_blocks
from bot.blocks.common import Message
from bot.blocks.text import user_text
from bot.content.criteria import load_criteria
from bot.core.actor import Actor
from bot.core.hire_command import ListConversations
from bot.core.interactions import LogPageValue
from bot.core.log_views import thread_link
from bot.core.recommendation import recommend
from bot.core.typed_text import from_slack
from bot.core.visibility import Audience, private_count
from bot.hiring.conversations import Conversations
from bot.hiring.export import decisions_csv
from bot.hiring.log import LIST_STATES, DecisionLog
from bot.services import Services
from bot.slack.actor import workspace_of
from bot.slack.links import workspace_url
from bot.slack.people import Directory
from bot.slack.visibility import ChannelAccess, reader_audience

log = logging.getLogger(__name__)


def parse_date(text: str | None) -> datetime | str | None:
    """A YYYY-MM-DD date as the start of that day in UTC; the text itself if it isn't one."""
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return text


def _bad_date(text: str) -> Message:
    return hire_blocks.problem_message(
        f"“{user_text(from_slack(text), 40)}” is not a date I can read.",
        "Use YYYY-MM-DD, e.g. `since 2026-01-31`.",
    )


def _not_yours(conversation_id: int, audience: Audience) -> Message:
    """A decision in a private channel the reader is not in (or Slack won't say): its
    number only, never its title."""
    if audience.unchecked:
        problem = (
            f"Hiring decision #{conversation_id} is in a private channel, and I couldn't "
            f"check that you're in it (Slack said `{user_text(audience.unchecked, 40)}`)."
        )
        hint = "Try again in a minute."
    else:
        problem = f"Hiring decision #{conversation_id} is in a private channel you're not in."
        hint = "Only people in that channel can see it."
    return hire_blocks.problem_message(problem, hint)


def _left_out(hidden: int, unchecked: str | None) -> str:
    """What an export leaves out, counted: " 1 decision in a private channel is left out…"."""
    if not hidden:
        return ""
    if hidden == 1:
        said = f"{private_count(hidden)} is left out: only people in that channel can export it."
    else:
        said = (
            f"{private_count(hidden)} are left out: only people in those channels can export them."
        )
    if unchecked:
        said += (
            f" (I couldn't check which private channels you're in: Slack said "
            f"`{user_text(unchecked, 40)}`. Try again in a minute.)"
        )
    return " " + said[0].upper() + said[1:]


class HireLogDesk:
    """Reads the log for one person, with their workspace's client."""

    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.client = client
        self.log = DecisionLog(services.session_factory)
        self.directory = Directory(client, services.people)

    def list(self, actor: Actor, asked: ListConversations) -> Message:
        """`/hire list [open|decided|…] [@person] [since …]`."""
        user_id = asked.user_id
        if asked.user_name is not None:
            found = self._resolve(asked.user_name)
            if isinstance(found, Message):
                return found
            user_id = found
        return self.page(actor, asked.filter, user_id, asked.since, 0)

    def more(self, actor: Actor, page: LogPageValue) -> Message:
        """The list's "More" button: the next page of the same list."""
        filter_ = page.filter if page.filter in LIST_STATES else "all"
        return self.page(actor, filter_, page.user or None, page.since, page.offset)

    def _resolve(self, typed: str) -> str | Message:
        """The one person a plain-text `@Name Surname` means; otherwise why not."""
        name = from_slack(typed)
        found = self.directory.find(name)
        shown = user_text(name, 80)
        if found is not None and len(found) == 1:
            return found[0].id
        if found is None:
            problem = f"I couldn't look up who “@{shown}” is: Slack didn't list the people here."
            hint = "Try again, or pick the person from Slack's suggestions as you type `@`."
        elif not found:
            problem = f"No one in this workspace is called “@{shown}”."
            hint = (
                "Check the spelling, or pick the person from Slack's suggestions as you type `@`."
            )
        else:
            listed = ", ".join(f"<@{p.id}>" for p in found[:10])
            more = f" and {len(found) - 10} more" if len(found) > 10 else ""
            problem = f"Several people match “@{shown}”: {listed}{more}."
            hint = "Type more of the name, or pick the person from Slack's suggestions."
        return hire_blocks.problem_message(problem, hint)

    def page(
        self,
        actor: Actor,
        filter_: str,
        user_id: str | None,
        since_text: str | None,
        offset: int,
    ) -> Message:
        since = parse_date(since_text)
        if isinstance(since, str):
            return _bad_date(since)
        workspace_id = workspace_of(self.services, actor.team)
        audience = self._audience(workspace_id, actor)
        page = self.log.page(
            workspace_id,
            filter_,
            user_id,
            since,
            offset,
            workspace_url=workspace_url(self.client),
            audience=audience,
        )
        person = self.directory.label(user_id) if user_id else None
        more = LogPageValue(filter_, offset + len(page.rows), user_id, since_text)
        return log_blocks.log_page(page, filter_, more, person, since_text)

    def show(self, actor: Actor, conversation_id: int) -> Message:
        """`/hire show <id>`: one decision in full, for those who can read its channel."""
        workspace_id = workspace_of(self.services, actor.team)
        criteria = load_criteria()
        snapshot = Conversations(self.services.session_factory, criteria).get_in(
            workspace_id, conversation_id
        )
        if snapshot is None or snapshot.root_ts is None:
            return hire_blocks.problem_message(
                f"There is no hiring decision #{conversation_id} in this workspace.",
                "`/hire list all` shows the ones there are.",
            )
        detail = self.log.detail(workspace_id, snapshot.id)
        if detail.private_channel:
            channel = snapshot.channel_id
            audience = ChannelAccess(self.client, self.services.channels).audience(
                actor.user, [(channel, snapshot.started_by)]
            )
            if not audience.sees(channel, private=True):
                return _not_yours(conversation_id, audience)
        texts = {q.key: (q.prompt, {o.key: o.label for o in q.options}) for q in criteria.questions}
        decision = snapshot.decision
        recommendation = decision.recommendation if decision else None
        confidence = decision.confidence if decision else None
        hire_first = None
        if (
            snapshot.state in {"awaiting_decision", "decided"}
            and len(snapshot.answers) == snapshot.total
        ):
            rec = recommend(criteria, snapshot.answer_map, snapshot.openings)
            if decision is None:
                recommendation, confidence = rec.outcome, rec.confidence
            if rec.outcome == recommendation:  # the order of "both" is not stored: recomputed
                hire_first = rec.hire_first
        # Each person named once per request (and briefly across requests): a few at most.
        names = {}
        for someone in dict.fromkeys(e.actor for e in detail.history if e.actor):
            person = self.directory.person(someone)
            if person is not None:
                names[someone] = person.label
        may_restart = snapshot.state == "orphaned" and actor.may_act_for(snapshot.started_by)
        return log_blocks.decision_detail(
            snapshot,
            texts,
            recommendation,
            confidence,
            detail.notes,
            detail.history,
            thread_link(workspace_url(self.client), snapshot.channel_id, snapshot.root_ts),
            names,
            may_restart,
            checkin=detail.checkin,
            team=detail.team,
            hire_first=hire_first,
        )

    def export(self, actor: Actor, since_text: str | None) -> Message:
        """`/hire export [since …]`: the log as a CSV file in a DM from the bot."""
        since = parse_date(since_text)
        if isinstance(since, str):
            return _bad_date(since)
        workspace_id = workspace_of(self.services, actor.team)
        audience = self._audience(workspace_id, actor)
        content, count = decisions_csv(
            self.services.session_factory,
            workspace_id,
            since,
            name_of=self.directory.label,
            audience=audience,
        )
        hidden = self.log.hidden_decisions(workspace_id, audience, since)
        if count == 0:
            return Message(
                ":information_source: No decisions to export yet"
                + (f" since {since_text}." if since_text else ".")
                + (
                    _left_out(hidden, audience.unchecked)
                    if hidden
                    else " Once a conversation ends in a decision, `/hire export` sends it as a "
                    "CSV file."
                )
            )
        stamp = self.services.clock.now().strftime("%Y-%m-%d")
        decisions = "1 decision" if count == 1 else f"{count} decisions"
        try:
            dm = self.client.conversations_open(users=actor.user)["channel"]["id"]
            self.client.files_upload_v2(
                channel=dm,
                filename=f"hiring-decisions-{stamp}.csv",
                title=f"Hiring decisions ({stamp})",
                content=content,
                initial_comment=f"Here is the decision log: {decisions}, oldest first."
                + _left_out(hidden, audience.unchecked),
            )
        except SlackApiError as error:
            log.warning("export upload failed: %s", error.response.get("error"))
            return Message(
                ":warning: Slack refused the file upload, so nothing was sent. Please try again."
            )
        return Message(
            f":inbox_tray: Sent {decisions} as a CSV file in a direct message from me."
            + _left_out(hidden, audience.unchecked)
        )

    def _audience(self, workspace_id: int, actor: Actor) -> Audience:
        return reader_audience(
            self.client, self.services.channels, self.log, workspace_id, actor.user
        )
