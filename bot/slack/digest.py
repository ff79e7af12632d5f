"""`/hire digest …` at the Slack edge: the preview, posting now, and the settings (through the
one settings desk, `bot.slack.digest_settings`). What to tell the person is returned."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import hire as hire_blocks
from bot.blocks.common import Message, context
from bot.blocks.digest import digest_message
from bot.blocks.text import user_text
from bot.core.actor import Actor
from bot.core.digest import current_period, next_due, parse_time, parse_timezone, parse_weekday
from bot.core.hire_command import Digest, DigestManagers
from bot.core.log_views import SettingsView
from bot.core.typed_text import from_slack
from bot.core.visibility import Audience
from bot.hiring.digest import DigestStore
from bot.hiring.log import DecisionLog
from bot.services import Services
from bot.slack.deliver import Delivery, post_problem
from bot.slack.digest_settings import DigestSettingsDesk, Said, settings_line
from bot.slack.links import workspace_url
from bot.slack.visibility import preview_audience

SCHEDULE_USAGE = (
    "`/hire digest schedule <weekday> <HH:MM> [<IANA time zone>]`, e.g. `monday 09:00 Europe/Paris`"
)


def _echo(typed: str) -> str:
    """What the user typed, safe to echo back."""
    return user_text(from_slack(typed), 40)


def _problem(text: str, hint: str | None = None) -> Message:
    return hire_blocks.problem_message(text, hint)


def _message(said: Said | Message) -> Message:
    return said if isinstance(said, Message) else Message(said.text)


class DigestDesk:
    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.client = client
        self.store = DigestStore(services.session_factory)
        self.settings_desk = DigestSettingsDesk(services, client)

    def handle(self, actor: Actor, asked: Digest | DigestManagers) -> Message:
        desk = self.settings_desk
        if isinstance(asked, DigestManagers):
            return _message(desk.managers(actor, asked))
        action, args = asked.action, asked.args
        if action == "preview":
            return self.preview(actor)
        if action == "now":
            return self.post_now(actor)
        if action in {"on", "off"}:
            return _message(desk.change(actor, enabled=action == "on"))
        if action == "quiet":
            value = args[0].lower() if args else ""
            if value not in {"on", "off"} or len(args) != 1:
                return _problem(
                    "Say `/hire digest quiet on` to post a digest even in a quiet week (no "
                    "decisions, nothing waiting), or `quiet off` to post nothing in such a week."
                )
            return _message(desk.change(actor, post_when_quiet=value == "on"))
        if action == "schedule":
            return self.set_schedule(actor, args)
        if action == "channel":
            return _message(desk.set_channel(actor, args[0]))
        assert action == "history"
        return _message(desk.history(actor))

    def _settings(self, actor: Actor) -> tuple[int, SettingsView]:
        workspace_id = self.settings_desk.workspace(actor)
        return workspace_id, self.store.settings(workspace_id)

    def preview(self, actor: Actor) -> Message:
        """This week's digest so far, as the digest channel would get it and no more than
        the reader may see."""
        workspace_id, settings = self._settings(actor)
        now = self.services.clock.now()
        schedule = settings.schedule
        digest = self.store.build(
            workspace_id,
            *current_period(schedule, now),
            workspace_url(self.client),
            audience=preview_audience(
                self.client,
                self.services.channels,
                DecisionLog(self.services.session_factory),
                workspace_id,
                actor.user,
                settings.channel_id,
            ),
            schedule=schedule,
            so_far=True,
        )
        message = digest_message(digest, now, preview=True)
        message.blocks.append(context(settings_line(settings, now)).to_dict())
        return message

    def set_schedule(self, actor: Actor, args: tuple[str, ...]) -> Message:
        if len(args) not in {2, 3}:
            return _problem("I need a weekday and a time.", SCHEDULE_USAGE)
        weekday, at = parse_weekday(args[0]), parse_time(args[1])
        if weekday is None:
            return _problem(f"“{_echo(args[0])}” is not a weekday.", SCHEDULE_USAGE)
        if at is None:
            return _problem(
                f"“{_echo(args[1])}” is not a time of day (HH:MM, 00:00–23:59).", SCHEDULE_USAGE
            )
        if len(args) == 3:
            zone = parse_timezone(args[2])
        else:
            zone = self._settings(actor)[1].schedule.timezone
        if zone is None:
            return _problem(
                f"“{_echo(args[2])}” is not a time zone I know.",
                "Use an IANA name such as `Europe/London`, `America/New_York` or `UTC`.",
            )
        said = self.settings_desk.change(
            actor, weekday=weekday, hour=at[0], minute=at[1], timezone=zone
        )
        return _message(said)

    def post_now(self, actor: Actor) -> Message:
        """The period in progress so far, posted now; its scheduled digest still covers the
        whole period and says this part was posted early (the rule is in bot.core.digest)."""
        workspace_id, settings = self._settings(actor)
        if not settings.channel_id:
            return _problem(
                "There's no digest channel yet.",
                "Choose one with `/hire digest channel #name`.",
            )
        now = self.services.clock.now()
        schedule = settings.schedule
        digest = self.store.build(
            workspace_id,
            *current_period(schedule, now),
            workspace_url(self.client),
            audience=Audience.posted_in(settings.channel_id),
            schedule=schedule,
            so_far=True,
        )
        try:
            ts = Delivery(self.client).post(settings.channel_id, digest_message(digest, now))
        except SlackApiError as error:
            code = str(error.response.get("error"))
            self.store.record_error(workspace_id, code, now)
            return _problem(f"I couldn't post the digest: {post_problem(code)}.")
        self.store.record_early_post(
            workspace_id, schedule, actor.user, now, settings.channel_id, ts
        )
        if settings.last_error:
            self.store.record_error(workspace_id, None, now)
        scheduled = next_due(schedule, now).astimezone(schedule.zone)
        return Message(
            f":mailbox: Posted this week's digest so far ({digest.label}) in "
            f"<#{settings.channel_id}>. The scheduled digest on {scheduled:%a %b %d %H:%M} "
            "will still cover the whole week and say that part of it was posted early."
        )
