"""Who a typed name means: the people of a workspace matched against `@Maya Patel`.

Slack sends a mention picked from its autocomplete as `<@U123|maya>`; a name typed without
picking arrives as plain text. Pure: the Slack edge lists the people, this decides.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    id: str
    real_name: str = ""
    display_name: str = ""
    name: str = ""  # the legacy username (`maya`)

    @property
    def label(self) -> str:
        """The name to show where a mention would not render (headers, files)."""
        return self.real_name or self.display_name or self.name or self.id

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.real_name, self.display_name, self.name) if n)


def normalised(name: str) -> str:
    """Case and spacing ignored, and the `@` people type in front."""
    return " ".join(name.removeprefix("@").split()).casefold()


def match_people(typed: str, people: list[Person] | tuple[Person, ...]) -> tuple[Person, ...]:
    """Everyone one of whose names is exactly what was typed; failing that, everyone whose
    name begins with it as whole words (`@Maya` finds Maya Patel). May be several, or none."""
    wanted = normalised(typed)
    if not wanted:
        return ()
    exact = tuple(p for p in people if wanted in {normalised(n) for n in p.names})
    if exact:
        return exact
    return tuple(p for p in people if any(normalised(n).startswith(wanted + " ") for n in p.names))
