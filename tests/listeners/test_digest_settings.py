"""Who manages the digest, through the production app: workspace admins and owners, and
the people an admin names. Anyone else is refused (by command and in the Home tab's
modal, before it opens and again on submit) with the names of who can; every change is
announced in the digest channel (the old and the new one on a move) and kept in a history
that admins and managers can read.

People (the emulator's workspace): Ada (U0ADMIN) is an admin and owner; Maya (U0MANAGER)
and Theo (U0TEAMMATE) are not.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from bot.db.models import DigestSettingsChange
from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import everything
from tests.modals import settled_modal

ADA, MAYA, THEO = "U0ADMIN", "U0MANAGER", "U0TEAMMATE"
HIRING, GENERAL, RANDOM = "C0HIRING", "C0GENERAL", "C0RANDOM"


def reply(slack: SlackDriver, user: str, text: str, channel: str = HIRING) -> dict[str, Any]:
    """Run `/hire <text>` as `user` in `channel`; the ephemeral reply."""
    before = len(slack.state.ephemeral_for(user))
    assert slack.command(user, channel, "/hire", text).status == 200
    return wait_for(lambda: slack.state.ephemeral_for(user)[before:], message=text)[-1]


def hire(slack: SlackDriver, user: str, text: str, channel: str = HIRING) -> str:
    """The reply's text and blocks, as one string to search."""
    return everything(reply(slack, user, text, channel))


def posts_in(slack: SlackDriver, channel: str) -> list[str]:
    return [everything(m) for m in slack.state.messages_in(channel, include_ephemeral=False)]


def announcements(slack: SlackDriver, channel: str) -> list[str]:
    return [text for text in posts_in(slack, channel) if ":gear: Digest" in text]


def changes_kept(app: Runtime) -> int:
    with app.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(DigestSettingsChange)) or 0)


def name_maya(slack: SlackDriver) -> None:
    said = hire(slack, ADA, "digest managers @maya")
    assert "Digest managers changed from nobody to <@U0MANAGER>" in said


# -- by command ------------------------------------------------------------------------------


def test_anyone_else_is_refused_every_change_and_nothing_changes(
    slack: SlackDriver, app: Runtime
) -> None:
    for text in (
        "digest channel #random",
        "digest schedule friday 16:00 Europe/Berlin",
        "digest off",
        "digest quiet off",
    ):
        said = hire(slack, THEO, text)
        assert "Only workspace admins can change the digest." in said, text
    # Refused before anything was done for it: the bot did not join #random.
    assert not slack.state.calls_to("conversations.join")
    assert changes_kept(app) == 0
    # Viewing stays open to everyone, and shows nothing changed.
    preview = hire(slack, THEO, "digest")
    assert "no channel yet" in preview and "Mondays at 09:00 (UTC)" in preview


def test_an_admin_moves_the_digest_and_both_channels_are_told(slack: SlackDriver) -> None:
    said = hire(slack, ADA, "digest channel #general")
    assert "The digest will be posted in <#C0GENERAL>." in said
    assert (
        announcements(slack, GENERAL) == [announcements(slack, GENERAL)[0]]
        and "Digest channel set to <#C0GENERAL> by <@U0ADMIN>." in announcements(slack, GENERAL)[0]
    )
    # Typed in #hiring, about #random: the reply names #random, never "here".
    said = hire(slack, ADA, "digest channel #random", channel=HIRING)
    assert "The digest will be posted in <#C0RANDOM> instead of <#C0GENERAL>." in said
    assert "here" not in said
    assert "I announced the change in <#C0RANDOM> and <#C0GENERAL>." in said
    moved = "Digest channel changed from <#C0GENERAL> to <#C0RANDOM> by <@U0ADMIN>."
    assert moved in announcements(slack, RANDOM)[-1]
    assert moved in announcements(slack, GENERAL)[-1]
    assert announcements(slack, HIRING) == []  # where it was typed is not the digest channel
    said = hire(slack, ADA, "digest schedule friday 16:00 europe/berlin")
    assert "Digest moved from Mondays at 09:00 (UTC) to Fridays at 16:00 (Europe/Berlin)" in said
    assert "I announced the change in <#C0RANDOM>." in said
    assert (
        "Digest moved from Mondays at 09:00 (UTC) to Fridays at 16:00 (Europe/Berlin) by "
        "<@U0ADMIN>." in announcements(slack, RANDOM)[-1]
    )
    assert len(announcements(slack, GENERAL)) == 2  # the old channel hears no more


def test_turning_it_off_is_said_once_and_announced(slack: SlackDriver) -> None:
    hire(slack, ADA, "digest channel #general")
    said = hire(slack, ADA, "digest off")
    assert len(re.findall(r"\boff\b", said)) == 1, said
    assert "Digest turned off." in said and "`/hire digest on`" in said
    assert "Digest turned off by <@U0ADMIN>." in announcements(slack, GENERAL)[-1]
    said = hire(slack, ADA, "digest on")
    assert "Digest turned on." in said and "Posts to <#C0GENERAL>" in said
    # The same value again changes nothing and tells nobody.
    before = len(announcements(slack, GENERAL))
    assert "nothing changed" in hire(slack, ADA, "digest on")
    assert len(announcements(slack, GENERAL)) == before


def test_quiet_weeks_are_worded_plainly(slack: SlackDriver) -> None:
    hire(slack, ADA, "digest channel #general")
    said = hire(slack, ADA, "digest quiet off")
    assert "Digest set to skip quiet weeks (no decisions, nothing waiting)." in said
    assert "skips quiet weeks (no decisions, nothing waiting)" in hire(slack, THEO, "digest")
    said = hire(slack, ADA, "digest quiet on")
    assert "Digest set to post even in quiet weeks (no decisions, nothing waiting)." in said
    assert "quiet week" in hire(slack, ADA, "digest quiet maybe")


def test_a_private_channel_the_bot_is_not_in_is_refused_clearly(
    slack: SlackDriver, app: Runtime
) -> None:
    with slack.state.lock:
        slack.state.channels["G0EXEC"] = {
            "id": "G0EXEC",
            "name": "exec-hiring",
            "team": "T0HIRING",
            "is_private": True,
            "is_im": False,
            "is_archived": False,
            "members": {ADA, MAYA},
        }
    said = hire(slack, ADA, "digest channel #exec-hiring")
    # Slack answers channel_not_found for a private channel the bot is not in.
    assert "I can't post in <#G0EXEC>:" in said and "private and I'm not in it" in said
    assert "/invite @hiring-bot" in said
    assert changes_kept(app) == 0
    assert "no channel yet" in hire(slack, ADA, "digest")


def test_only_admins_name_managers_and_a_manager_may_change_the_digest(
    slack: SlackDriver, app: Runtime
) -> None:
    hire(slack, ADA, "digest channel #general")
    # Maya is not a manager yet: she can neither name one nor change anything.
    assert "Only workspace admins can name digest managers." in hire(
        slack, MAYA, "digest managers @maya"
    )
    assert "Only workspace admins can change the digest." in hire(slack, MAYA, "digest off")
    name_maya(slack)
    assert (
        "Digest managers changed from nobody to <@U0MANAGER> by <@U0ADMIN>."
        in (announcements(slack, GENERAL)[-1])
    )
    # Now she may change the settings, but still not the managers.
    said = hire(slack, MAYA, "digest schedule tuesday 10:00")
    assert "Digest moved from Mondays at 09:00 (UTC) to Tuesdays at 10:00 (UTC)" in said
    assert "by <@U0MANAGER>" in announcements(slack, GENERAL)[-1]
    assert "Only workspace admins can name digest managers." in hire(
        slack, MAYA, "digest managers @theo"
    )
    # Theo is refused with the names of who can; anyone may see who manages it.
    assert "Only workspace admins and Maya Patel can change the digest." in hire(
        slack, THEO, "digest off"
    )
    assert "Digest managers: <@U0MANAGER>." in hire(slack, THEO, "digest managers")
    # An admin clears the list: Maya is refused again.
    said = hire(slack, ADA, "digest managers none")
    assert "Digest managers changed from <@U0MANAGER> to nobody" in said
    assert "Only workspace admins can change the digest." in hire(slack, MAYA, "digest off")
    assert "There are no digest managers" in hire(slack, MAYA, "digest managers")


def test_the_history_is_for_admins_and_managers(slack: SlackDriver) -> None:
    hire(slack, ADA, "digest channel #general")
    name_maya(slack)
    hire(slack, MAYA, "digest schedule friday 16:00 Europe/Berlin")
    for reader in (ADA, MAYA):
        history = reply(slack, reader, "digest history")
        assert "Digest settings: latest changes" in everything(history)
        sections = [b["text"]["text"] for b in history["blocks"] if b["type"] == "section"]
        lines = [line for text in sections for line in text.split("\n") if line.startswith("• ")]
        assert len(lines) == 3, history
        # Newest first, each a sentence with its date shown in the reader's time zone.
        assert lines[0].startswith(
            "• Digest moved from Mondays at 09:00 (UTC) to Fridays at 16:00 (Europe/Berlin) "
            "by <@U0MANAGER> on <!date^"
        )
        assert "Digest managers changed from nobody to <@U0MANAGER> by <@U0ADMIN> on" in lines[1]
        assert "Digest channel set to <#C0GENERAL> by <@U0ADMIN> on <!date^" in lines[2]
    refused = hire(slack, THEO, "digest history")
    assert "Only workspace admins and Maya Patel can read the digest's settings history." in (
        refused
    )
    assert "Digest moved" not in refused


# -- in the Home tab's modal ------------------------------------------------------------------


def open_settings(slack: SlackDriver, user: str) -> dict[str, Any]:
    slack.open_home(user)
    home = wait_for(lambda: slack.state.home_views.get(user), message="the Home tab")
    slack.state.modals.pop(user, None)
    slack.click_view(user, home["id"], "home_digest_settings")
    return settled_modal(slack.state, user)


def form(channel: str = GENERAL, enabled: str = "on", **more: Any) -> dict[str, Any]:
    return {
        "channel": {"value": channel},
        "weekday": {"value": "4"},
        "time": {"value": "16:30"},
        "timezone": {"value": "Europe/Paris"},
        "enabled": {"value": enabled},
        **more,
    }


def block_ids(view: dict[str, Any]) -> list[str]:
    return [block.get("block_id", "") for block in view["blocks"]]


def test_the_modal_is_refused_before_it_opens(slack: SlackDriver) -> None:
    modal = open_settings(slack, THEO)
    text = everything({"text": "", "blocks": modal["blocks"]})
    assert "Only workspace admins can change the digest." in text
    assert "submit" not in modal and "channel" not in block_ids(modal)


def test_an_admin_saves_the_modal_names_managers_and_it_is_announced(
    slack: SlackDriver, app: Runtime
) -> None:
    modal = open_settings(slack, ADA)
    assert "managers" in block_ids(modal)
    slack.submit_view(ADA, modal["id"], form(managers={"value": [MAYA]}))
    told = wait_for(lambda: announcements(slack, GENERAL), message="the announcement")[0]
    assert "Digest settings changed by <@U0ADMIN>: channel set to <#C0GENERAL>;" in told
    assert "moved from Mondays at 09:00 (UTC) to Fridays at 16:30 (Europe/Paris)" in told
    assert "managers changed from nobody to <@U0MANAGER>" in told
    assert changes_kept(app) == 1
    # Maya, now a manager, gets the form without the managers field, and may save it.
    modal = open_settings(slack, MAYA)
    assert "channel" in block_ids(modal) and "managers" not in block_ids(modal)
    slack.submit_view(MAYA, modal["id"], form(enabled="off"))
    wait_for(
        lambda: "Digest turned off by <@U0MANAGER>." in announcements(slack, GENERAL)[-1],
        message="Maya's change announced",
    )


def test_the_modal_is_refused_again_on_submit(slack: SlackDriver, app: Runtime) -> None:
    name_maya(slack)
    modal = open_settings(slack, MAYA)  # opened while she was a manager ...
    hire(slack, ADA, "digest managers none")  # ... who is one no longer
    changes = changes_kept(app)
    slack.submit_view(MAYA, modal["id"], form())
    told = wait_for(lambda: slack.state.messages_in("D0MANAGER"), message="a DM to Maya")
    assert "Only workspace admins can change the digest." in told[-1]["text"]
    assert changes_kept(app) == changes
    assert "no channel yet" in hire(slack, MAYA, "digest")
    assert announcements(slack, GENERAL) == []


def test_a_manager_cannot_slip_managers_into_the_modal(slack: SlackDriver, app: Runtime) -> None:
    name_maya(slack)
    modal = open_settings(slack, ADA)  # the admin's form has the managers field
    changes = changes_kept(app)
    # Submitted as Maya (a form that was never hers): naming managers is for admins.
    slack.state.modals[MAYA] = [modal]
    slack.submit_view(MAYA, modal["id"], form(managers={"value": [MAYA, THEO]}))
    told = wait_for(lambda: slack.state.messages_in("D0MANAGER"), message="a DM to Maya")
    assert "Only workspace admins can name digest managers." in told[-1]["text"]
    assert changes_kept(app) == changes
    assert "Digest managers: <@U0MANAGER>." in hire(slack, THEO, "digest managers")


def test_the_modal_offers_any_channel_and_checks_the_one_picked(
    slack: SlackDriver, app: Runtime
) -> None:
    """Slack's conversations menu lists every channel Ada can see: a public one the bot is
    not in (it joins, as for `/hire digest channel`), and a private one it is not in (it
    can't post there: she is told how to invite it, and nothing changes)."""
    slack.state.add_channel("C0EXEC", "exec", members=[ADA], is_private=True, bot_member=False)
    modal = open_settings(slack, ADA)
    slack.submit_view(ADA, modal["id"], form(channel="C0EXEC"))
    told = wait_for(lambda: slack.state.messages_in("D0ADMIN"), message="a DM to Ada")[-1]
    assert "I can't post in <#C0EXEC>" in told["text"] and "/invite @hiring-bot" in told["text"]
    assert "Nothing was changed." in told["text"] and changes_kept(app) == 0
    modal = open_settings(slack, ADA)
    slack.submit_view(ADA, modal["id"], form(channel=RANDOM))
    wait_for(lambda: announcements(slack, RANDOM), message="the announcement in #random")
    assert "U0BOT" in slack.state.channels[RANDOM]["members"]
