"""BI access tokens in the database: minting, listing, revoking, checking one presented by
a BI tool, and recording each use."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from services.aggregation.bi import tokens
from services.aggregation.bi.models import BiAccessToken, BiTokenUse
from services.common.auth import Principal
from services.common.errors import Unauthorized
from services.common.permissions import Permission

log = logging.getLogger("equitas.bi")

CLIENT_ID = "bi-access-token"
NOT_VALID = "The BI access token is not valid (unknown, expired or revoked); ask your administrator for a new one"


@dataclass(frozen=True)
class TokenListed:
    token: BiAccessToken
    last_used_at: datetime | None


async def add(session: AsyncSession, row: BiAccessToken) -> None:
    session.add(row)
    await session.flush()


async def listed(
    session: AsyncSession, organisation: str, *, after: tuple[datetime, str] | None, limit: int
) -> list[TokenListed]:
    """Tokens of ``organisation``, newest first, with when each was last used."""
    last_used = (
        select(func.max(BiTokenUse.used_at))
        .where(col(BiTokenUse.token_id) == col(BiAccessToken.id))
        .scalar_subquery()
    )
    query = select(BiAccessToken, last_used).where(
        col(BiAccessToken.organisation_code) == organisation
    )
    if after is not None:
        created, token_id = after
        query = query.where(
            (col(BiAccessToken.created_at) < created)
            | ((col(BiAccessToken.created_at) == created) & (col(BiAccessToken.id) < token_id))
        )
    query = query.order_by(col(BiAccessToken.created_at).desc(), col(BiAccessToken.id).desc())
    result = await session.execute(query.limit(limit))
    return [TokenListed(token, used) for token, used in result.all()]


async def revoke(
    session: AsyncSession, organisation: str, token_id: str, by: str
) -> BiAccessToken | None:
    """Revoke a token of ``organisation`` (revoking it again changes nothing)."""
    found = await session.get(BiAccessToken, token_id)
    if found is None or found.organisation_code != organisation:
        return None
    if found.revoked_at is None:
        await session.execute(
            update(BiAccessToken)
            .where(col(BiAccessToken.id) == token_id)
            .values(revoked_at=datetime.now(UTC), revoked_by=by)
        )
        await session.refresh(found)
    return found


async def uses(
    session: AsyncSession, token_id: str, *, before: int | None, limit: int
) -> list[BiTokenUse]:
    """A token's uses, newest first."""
    query = select(BiTokenUse).where(col(BiTokenUse.token_id) == token_id)
    if before is not None:
        query = query.where(col(BiTokenUse.id) < before)
    result = await session.execute(query.order_by(col(BiTokenUse.id).desc()).limit(limit))
    return list(result.scalars())


async def verify_presented(request: Request, presented: str) -> Principal | None:
    """``OwnCredentialVerifier`` for the BI routes: the caller a BI access token stands for.

    The token's id is kept on the request so its use is recorded whatever the outcome
    (``BiRoute``); a string that is not shaped like one of ours is left to the JWT check."""
    if not tokens.is_ours(presented):
        return None
    parts = tokens.split(presented)
    if parts is None:
        raise Unauthorized(NOT_VALID)
    token_id, secret = parts
    engine: AsyncEngine = request.app.state.engine
    async with engine.connect() as connection:
        found = (
            await connection.execute(select(BiAccessToken).where(col(BiAccessToken.id) == token_id))
        ).first()
    if found is None:
        raise Unauthorized(NOT_VALID)
    request.state.bi_token_id = token_id
    token = BiAccessToken.model_validate(found._mapping)
    if (
        not tokens.secret_matches(secret, token.secret_hash)
        or token.revoked_at is not None
        or token.expires_at <= datetime.now(UTC)
    ):
        raise Unauthorized(NOT_VALID)
    scope = Permission.aggregate_read
    return Principal(
        subject=f"bi-token:{token.id}",
        kind="system",
        client_id=CLIENT_ID,
        name=token.dataset,
        organisation_code=token.organisation_code,
        organisation_name=None,
        role_code=None,
        role_name=None,
        scopes=frozenset({scope.value}),
        permissions=frozenset({scope}),
        token="",  # never forwarded: it works on these routes only
    )


async def record_use(
    engine: AsyncEngine, token_id: str, method: str, path: str, status: int
) -> None:
    """One use of a token, in a transaction of its own (a refused request writes nothing
    else, but its attempt is still evidence)."""
    async with engine.begin() as connection:
        await connection.execute(
            insert(BiTokenUse).values(
                token_id=token_id,
                used_at=datetime.now(UTC),
                method=method[:8],
                path=path[:256],
                status=status,
            )
        )
