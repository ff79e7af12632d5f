"""Slack's token rotation, as the emulator plays it for an app that turned it on.

What Slack documents (https://docs.slack.dev/authentication/using-token-rotation): with the
app's `token_rotation_enabled`, oauth.v2.access answers an access token that expires after
12 hours (`xoxe.xoxb-…`, `expires_in`) and a refresh token (`xoxe-…`); oauth.v2.access with
`grant_type=refresh_token` trades a refresh token for a new pair, and the refresh token traded
is then revoked. A call with an expired token is refused with `token_expired`.

What apps have seen (slackapi/node-slack-sdk#2504, two processes refreshing at once): the
traded refresh token stays valid until a token it was traded for is used, so trading it twice
gives two pairs; once one pair is in use, the other no longer works. Modelled so: the first
use of an access token (or refresh token) traded for refresh token R retires R and revokes
every other pair traded for R.

Expiry is measured on the emulator's clock, which tests move forward.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

TOKEN_LIFETIME = timedelta(hours=12)


@dataclass
class RefreshGrant:
    """A refresh token: whose it is, what it grants, and what it was traded for."""

    team: str
    scope: str
    parent: str | None  # the refresh token this one was traded for (None: an OAuth code)
    retired: bool = False


@dataclass
class ExpiringToken:
    """An access token issued with token rotation on."""

    team: str
    expires_at: datetime
    refresh_token: str  # issued with it, as a pair
    parent: str | None


@dataclass
class Rotation:
    """Every expiring token and refresh token issued, and which pairs a use retired."""

    lifetime: timedelta = TOKEN_LIFETIME
    grants: dict[str, RefreshGrant] = field(default_factory=dict)
    expiring: dict[str, ExpiringToken] = field(default_factory=dict)
    # Access tokens that stopped working before they expired (their pair lost, an uninstall).
    revoked: set[str] = field(default_factory=set)

    def issue(
        self, team: str, scope: str, now: datetime, parent: str | None = None
    ) -> dict[str, object]:
        """A new pair for `team`: the token fields of oauth.v2.access's answer."""
        # Shaped like Slack's: xoxe.xoxb-1-<secret> and xoxe-1-<secret>.
        access = f"xoxe.xoxb-1-{secrets.token_urlsafe(40)}"
        refresh = f"xoxe-1-{secrets.token_urlsafe(40)}"
        self.grants[refresh] = RefreshGrant(team, scope, parent)
        self.expiring[access] = ExpiringToken(team, now + self.lifetime, refresh, parent)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": int(self.lifetime.total_seconds()),
        }

    def trade(self, refresh_token: str, now: datetime) -> tuple[RefreshGrant, dict[str, object]]:
        """oauth.v2.access with grant_type=refresh_token; KeyError for one Slack won't take."""
        grant = self.grants.get(refresh_token)
        if grant is None or grant.retired:
            raise KeyError("invalid_refresh_token")
        self.used(refresh_token, is_refresh=True)
        return grant, self.issue(grant.team, grant.scope, now, parent=refresh_token)

    def used(self, token: str, *, is_refresh: bool = False) -> None:
        """A token was used: the refresh token it was traded for retires, and every other
        pair traded for that one stops working."""
        if is_refresh:
            parent = self.grants[token].parent if token in self.grants else None
            mine = token
        else:
            issued = self.expiring.get(token)
            parent, mine = (issued.parent, issued.refresh_token) if issued else (None, "")
        if parent is None or self.grants[parent].retired:
            return
        self.grants[parent].retired = True
        for access, other in self.expiring.items():
            if other.parent == parent and other.refresh_token != mine:
                self.grants[other.refresh_token].retired = True
                self.revoked.add(access)

    def expired(self, token: str, now: datetime) -> bool:
        issued = self.expiring.get(token)
        return issued is not None and issued.expires_at <= now

    def retire_team(self, team: str) -> None:
        """An uninstall: every token of the team stops working."""
        for grant in self.grants.values():
            if grant.team == team:
                grant.retired = True
        self.revoked.update(a for a, issued in self.expiring.items() if issued.team == team)
