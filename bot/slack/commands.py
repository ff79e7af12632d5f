"""What `/hire` answers in its own ack, needing nothing but the text: its usage, or what was
not understood (with the offer to start a conversation with that title, if it could be one).
Everything else is carried out by the desks after the ack."""

from __future__ import annotations

from bot.blocks import hire as hire_blocks
from bot.blocks.common import Message
from bot.blocks.text import user_text
from bot.core.hire_command import Help, HireCommand, Invalid
from bot.core.typed_text import from_slack


def _typed(text: str | None) -> str | None:
    return from_slack(text) if text else None


def answer_at_once(parsed: HireCommand) -> Message | None:
    """The ack's answer for help or a command not understood; None for anything else."""
    if isinstance(parsed, Help):
        return hire_blocks.hire_help_message(_typed(parsed.title))
    if isinstance(parsed, Invalid):
        return hire_blocks.problem_message(
            f"I didn't understand that: {user_text(from_slack(parsed.problem), 200)}.",
            f"Usage: `{parsed.usage}` · `/hire help` for more",
            start_title=_typed(parsed.title),
        )
    return None
