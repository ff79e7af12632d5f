"""The workspaces that installed the app (OAuth): their tokens sealed at rest, and each
workspace's bot token fresh for every request and every job when Slack rotates it.

Token rotation (https://docs.slack.dev/authentication/using-token-rotation): with the app's
`token_rotation_enabled`, oauth.v2.access answers an expiring bot token (`xoxe.xoxb-…`),
`expires_in` (12 hours) and a refresh token (`xoxe-…`); oauth.v2.access with
`grant_type=refresh_token` trades the refresh token for a new pair. Without it Slack sends
neither and the token never expires, so whether a workspace's token rotates is read from its
row (a refresh token or not): the bot works with the setting on or off.

Several processes may refresh one workspace at once. Slack keeps a refresh token valid until
a token it was traded for is used, and only one of two pairs traded for the same refresh
token goes on working (slackapi/node-slack-sdk#2504). So a refreshed pair is stored only if
the row still holds the refresh token it was traded for (compare and swap), and is used only
once stored; a process that loses the race drops its own pair unused and takes the stored one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.context.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.web import SlackResponse
from sqlalchemy import Connection, Engine, RowMapping, Table, and_, select, update

from bot.core.clock import Clock
from bot.db.models import TOKEN_COLUMNS, slack_bots, slack_installations
from bot.token_cipher import SealedToken, TokenCipher, TokenKeyError

log = logging.getLogger(__name__)

# A token is refreshed when it has less than this left, so one handed to a request or a job
# outlives the work it does (and a few minutes of clock skew with Slack).
REFRESH_BEFORE_EXPIRY = timedelta(minutes=30)
# oauth.v2.access's answer for a refresh token Slack will never take again (an uninstall
# revoked it, or a newer pair has been used; slackapi/python-slack-sdk#1242): the workspace
# needs the app installed again.
DEAD_REFRESH_ERRORS = frozenset({"invalid_refresh_token"})


class InstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store on our migrated tables (bot.db.models), for Bolt's OAuth flow and
    its uninstall listeners. Its token columns seal and open with the process's keys, so no
    code path through it writes a token in plain while TOKEN_ENCRYPTION_KEY is set."""

    def __init__(self, *, client_id: str, engine: Engine, cipher: TokenCipher) -> None:
        super().__init__(
            client_id=client_id,
            engine=engine,
            installations_table_name=slack_installations.name,
            bots_table_name=slack_bots.name,
            logger=logging.getLogger("bot.installations.store"),
        )
        # slack_sdk queries through Table objects of its own; their token columns are the
        # only thing that differs from the schema's (plain text there, for Alembic).
        for table in (self.bots, self.installations):
            for name in TOKEN_COLUMNS:
                if name in table.c:
                    table.c[name].type = SealedToken(cipher)


@dataclass(frozen=True)
class BotToken:
    """A workspace's bot token, opened, as of the stored row it was read from."""

    row_id: int
    enterprise_id: str | None
    team_id: str | None
    token: str
    scopes: tuple[str, ...]
    # The refresh token as stored (sealed or not): what a refresh must still find there.
    stored_refresh_token: str | None
    expires_at: datetime | None  # None: a token that never expires (rotation off)

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at - now <= margin


class BotTokens:
    """Each workspace's bot token, read afresh from the database every time (an uninstall
    or a refresh by any process counts at once), refreshed when it is about to expire."""

    def __init__(
        self,
        *,
        engine: Engine,
        cipher: TokenCipher,
        client_id: str,
        client_secret: str,
        client: WebClient,
        clock: Clock,
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        self.client_id = client_id
        self._client_secret = client_secret
        self.client = client  # calls oauth.v2.access; carries no token
        self.clock = clock

    # -- reading --------------------------------------------------------------------------
    def current(
        self, enterprise_id: str | None, team_id: str | None, *, org_wide: bool = False
    ) -> BotToken | None:
        """The workspace's bot token, refreshed first if it expires soon; None when the
        workspace has none (uninstalled, revoked). TokenKeyError when it is sealed with a key
        this process lacks."""
        found = self._latest(enterprise_id, None if org_wide else team_id)
        if found is None:
            return None
        if found.stored_refresh_token is None or not found.expires_within(
            REFRESH_BEFORE_EXPIRY, self.clock.now()
        ):
            return found
        return self._refresh(found)

    def for_team(self, team_id: str, enterprise_id: str | None) -> BotToken | None:
        """For work no request started: the workspace's own installation, else the
        organisation-wide one that covers it."""
        found = self.current(enterprise_id, team_id)
        if found is None and enterprise_id:
            found = self.current(enterprise_id, None, org_wide=True)
        return found

    def renew(self, refused: BotToken) -> BotToken | None:
        """Slack answered `token_expired` to `refused` (its clock runs ahead of ours, or the
        token lapsed while in use): the next token, refreshed now unless another process
        already did. None when there is none to be had."""
        found = self._latest(refused.enterprise_id, refused.team_id)
        if found is None or found.token != refused.token:
            return found
        if found.stored_refresh_token is None:
            return None  # a token that does not rotate cannot be renewed by us
        return self._refresh(found)

    def _latest(self, enterprise_id: str | None, team_id: str | None) -> BotToken | None:
        c = slack_bots.c
        query = (
            select(slack_bots)
            .where(
                c.client_id == self.client_id,
                c.enterprise_id == enterprise_id,
                c.team_id == team_id,
                c.bot_token.is_not(None),
            )
            .order_by(c.installed_at.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else self._opened(row)

    def _reread(self, row_id: int) -> BotToken | None:
        with self.engine.connect() as connection:
            row = (
                connection.execute(select(slack_bots).where(slack_bots.c.id == row_id))
                .mappings()
                .first()
            )
        return None if row is None or row["bot_token"] is None else self._opened(row)

    def _opened(self, row: RowMapping) -> BotToken:
        token = self.cipher.open(row["bot_token"])
        assert token is not None
        expires_at = row["bot_token_expires_at"]
        return BotToken(
            row_id=row["id"],
            enterprise_id=row["enterprise_id"],
            team_id=row["team_id"],
            token=token,
            scopes=tuple(s for s in (row["bot_scopes"] or "").split(",") if s),
            stored_refresh_token=row["bot_refresh_token"],
            expires_at=None if expires_at is None else expires_at.replace(tzinfo=UTC),
        )

    # -- refreshing -----------------------------------------------------------------------
    def _refresh(self, stale: BotToken) -> BotToken | None:
        team = stale.team_id or stale.enterprise_id
        try:
            answer = self.client.oauth_v2_access(
                client_id=self.client_id,
                client_secret=self._client_secret,
                grant_type="refresh_token",
                refresh_token=self.cipher.open(stale.stored_refresh_token),
            )
        except SlackApiError as error:
            return self._refresh_failed(stale, str(error.response.get("error")))
        now = self.clock.now()
        expires_at = now + timedelta(seconds=int(answer["expires_in"]))
        sealed = {
            "bot_token": self.cipher.seal(answer["access_token"]),
            "bot_refresh_token": self.cipher.seal(answer["refresh_token"]),
            "bot_token_expires_at": expires_at.replace(tzinfo=None),
        }
        with self.engine.begin() as connection:
            stored = self._swap(connection, slack_bots, stale, sealed)
            if stored:
                self._follow_installation(connection, stale, sealed)
        if not stored:
            # Another process refreshed first: its pair is the one in use; ours is dropped
            # unused, which leaves its pair valid.
            log.info("workspace %s: another process refreshed its bot token first", team)
            return self._reread(stale.row_id)
        log.info(
            "workspace %s: bot token refreshed, valid until %s", team, f"{expires_at:%H:%M} UTC"
        )
        return BotToken(
            row_id=stale.row_id,
            enterprise_id=stale.enterprise_id,
            team_id=stale.team_id,
            token=answer["access_token"],
            scopes=stale.scopes,
            stored_refresh_token=sealed["bot_refresh_token"],
            expires_at=expires_at,
        )

    def _swap(
        self, connection: Connection, table: Table, stale: BotToken, values: dict[str, Any]
    ) -> bool:
        result = connection.execute(
            update(table)
            .where(
                table.c.id == stale.row_id,
                table.c.bot_refresh_token == stale.stored_refresh_token,
            )
            .values(**values)
        )
        return result.rowcount == 1

    def _follow_installation(
        self, connection: Connection, stale: BotToken, values: dict[str, Any]
    ) -> None:
        """The installation row the bot row came from holds the same pair: keep it in step,
        so nothing read from it later offers a refresh token Slack has retired."""
        bot = connection.execute(
            select(slack_bots.c.installed_at).where(slack_bots.c.id == stale.row_id)
        ).scalar_one()
        i = slack_installations.c
        connection.execute(
            update(slack_installations)
            .where(
                i.client_id == self.client_id,
                i.enterprise_id == stale.enterprise_id,
                i.team_id == stale.team_id,
                i.installed_at == bot,
            )
            .values(**values)
        )

    def _refresh_failed(self, stale: BotToken, error: str) -> BotToken | None:
        team = stale.team_id or stale.enterprise_id
        now = self._reread(stale.row_id)
        if now is not None and now.stored_refresh_token != stale.stored_refresh_token:
            # Another process refreshed meanwhile (and may already have used its token,
            # which retires the refresh token we had).
            return now
        if error in DEAD_REFRESH_ERRORS:
            self.forget(stale.token, stale.enterprise_id, stale.team_id)
            log.warning(
                "workspace %s: Slack refused its refresh token (%s): its bot token was removed; "
                "the workspace is skipped until the app is installed again",
                team,
                error,
            )
            return None
        # Not the token's fault (rate limits, an outage, a wrong client secret): the current
        # token is still tried, and the next use refreshes again.
        log.warning("workspace %s: could not refresh its bot token: %s", team, error)
        return now

    # -- forgetting -----------------------------------------------------------------------
    def forget(self, token: str, enterprise_id: str | None, team_id: str | None) -> None:
        """Drop a bot token Slack has refused for good, by the token itself (sealed tokens
        differ each time they are sealed, so rows are compared opened), never the
        workspace's newer one: a reinstall since keeps its token."""
        with self.engine.begin() as connection:
            for table in (slack_bots, slack_installations):
                c = table.c
                rows = connection.execute(
                    select(c.id, c.bot_token).where(
                        and_(
                            c.client_id == self.client_id,
                            c.enterprise_id == enterprise_id,
                            (c.team_id == team_id) | c.team_id.is_(None),
                            c.bot_token.is_not(None),
                        )
                    )
                ).all()
                doomed = [row.id for row in rows if self._opens_to(row.bot_token, token)]
                if doomed:
                    connection.execute(table.delete().where(c.id.in_(doomed)))

    def _opens_to(self, stored: str, token: str) -> bool:
        try:
            return self.cipher.open(stored) == token
        except TokenKeyError:
            return False


class FreshTokenAuthorize(Authorize):
    """Bolt's authorize step for OAuth mode: the workspace's bot token from BotTokens (so a
    request gets a fresh one, as jobs do), checked with auth.test as Bolt's own does."""

    def __init__(self, tokens: BotTokens) -> None:
        super().__init__()
        self.tokens = tokens

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        try:
            found = self.tokens.current(
                enterprise_id, team_id, org_wide=bool(context.is_enterprise_install)
            )
        except TokenKeyError as error:
            log.error("workspace %s: %s", team_id or enterprise_id, error)
            return None
        if found is None:
            return None
        checked = self._checked(context, found)
        if checked == "token_expired":
            renewed = self.tokens.renew(found)
            if renewed is None or renewed.token == found.token:
                return None
            found, checked = renewed, self._checked(context, renewed)
        if isinstance(checked, str):
            log.debug("workspace %s: auth.test refused its bot token (%s)", team_id, checked)
            return None
        return AuthorizeResult.from_auth_test_response(
            auth_test_response=checked,
            user_auth_test_response=None,
            bot_token=found.token,
            user_token=None,
            bot_scopes=list(found.scopes),
            user_scopes=None,
        )

    @staticmethod
    def _checked(context: BoltContext, found: BotToken) -> SlackResponse | str:
        """auth.test's answer for the token, or Slack's error."""
        try:
            return context.client.auth_test(token=found.token)
        except SlackApiError as error:
            return str(error.response.get("error"))


@dataclass(frozen=True)
class Sealing:
    """What `seal_stored_tokens` did: rows rewritten, and values no configured key opens."""

    sealed: int
    unreadable: int


def seal_stored_tokens(engine: Engine, cipher: TokenCipher) -> Sealing:
    """Every stored token as the cipher writes it now: plain ones sealed once a key is set,
    ones sealed with an older key sealed again with the first. Each row is rewritten only if
    it still holds what was read (a refresh by a running replica meanwhile wins)."""
    sealed = unreadable = 0
    for table in (slack_bots, slack_installations):
        columns = [table.c[name] for name in TOKEN_COLUMNS if name in table.c]
        with engine.connect() as connection:
            rows = connection.execute(select(table.c.id, *columns)).mappings().all()
        for row in rows:
            try:
                opened = {c.name: cipher.open(row[c.name]) for c in columns}
            except TokenKeyError:
                unreadable += 1
                continue
            stale = {c.name: row[c.name] for c in columns if not cipher.is_current(row[c.name])}
            if not stale:
                continue
            fresh = {name: cipher.seal(opened[name]) for name in stale}
            with engine.begin() as connection:
                result = connection.execute(
                    update(table)
                    .where(table.c.id == row["id"], *(table.c[n] == v for n, v in stale.items()))
                    .values(**fresh)
                )
            sealed += result.rowcount
    if sealed:
        log.info("sealed the Slack tokens of %d stored rows with the first key", sealed)
    if unreadable:
        log.warning(
            "%d stored rows hold Slack tokens that no key in TOKEN_ENCRYPTION_KEY opens%s: "
            "their workspaces are skipped until the key is added or the app is installed again",
            unreadable,
            "" if cipher.enabled else " (it is not set)",
        )
    return Sealing(sealed, unreadable)


@dataclass(frozen=True)
class Installations:
    """OAuth mode's pieces: the store Bolt's OAuth flow writes, and fresh tokens for use."""

    store: InstallationStore
    tokens: BotTokens
    authorize: FreshTokenAuthorize


def build_installations(
    *,
    engine: Engine,
    cipher: TokenCipher,
    client_id: str,
    client_secret: str,
    client_factory: Callable[[], WebClient],
    clock: Clock,
) -> Installations:
    tokens = BotTokens(
        engine=engine,
        cipher=cipher,
        client_id=client_id,
        client_secret=client_secret,
        client=client_factory(),
        clock=clock,
    )
    store = InstallationStore(client_id=client_id, engine=engine, cipher=cipher)
    return Installations(store, tokens, FreshTokenAuthorize(tokens))
