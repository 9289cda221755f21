"""BI access tokens over HTTP: an organisation or ICB administrator mints them (the secret
shown once), lists them, revokes them, and sees each request made with one."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Path, Query, Response

from services.aggregation.bi import store, tokens
from services.aggregation.bi.models import BiAccessToken
from services.aggregation.bi.reader import OrganisationAdmin, bi_router
from services.aggregation.bi.schemas import TokenCreate, TokenMinted, TokenRead, TokenUse
from services.common.auth import Principal
from services.common.database import Session
from services.common.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    problem_responses,
)
from services.common.input_rules import PlainText
from services.common.pagination import CursorPosition, Page, decode_cursor, encode_cursor

router = bi_router()
TOKENS_PAGE = 100
USES_PAGE = 200


class TokenPosition(CursorPosition):
    created_at: datetime
    id: PlainText


class UsePosition(CursorPosition):
    id: int


def _admins_organisation(principal: Principal) -> str:
    if principal.organisation_code is None:
        raise Forbidden("Your selected role names no organisation")
    return principal.organisation_code


def _status(token: BiAccessToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if token.expires_at <= now else "active"


def _token_read(token: BiAccessToken, last_used_at: datetime | None, now: datetime) -> TokenRead:
    return TokenRead(
        id=token.id,
        dataset=token.dataset,
        organisation_code=token.organisation_code,
        created_at=token.created_at,
        created_by=token.created_by,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        last_used_at=last_used_at,
        status=_status(token, now),
    )


@router.post(
    "/tokens",
    tags=["bi-tokens"],
    status_code=201,
    summary="Mint a BI access token for a dataset of the administrator's organisation (shown once)",
    responses=problem_responses(400),
)
async def mint_token(
    body: TokenCreate, principal: OrganisationAdmin, session: Session
) -> TokenMinted:
    organisation = _admins_organisation(principal)
    now = datetime.now(UTC)
    expires_at = body.expires_at or now + tokens.DEFAULT_LIFETIME
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at <= now:
        raise InvalidInput(
            "The expiry must be in the future",
            errors=[FieldProblem(field="body.expires_at", message="must be in the future")],
        )
    if expires_at > tokens.latest_expiry(now):
        raise InvalidInput(
            "A BI access token lasts at most 12 months; mint a new one before it expires",
            errors=[
                FieldProblem(field="body.expires_at", message="must be at most 12 months from now")
            ],
        )
    minted = tokens.mint()
    row = BiAccessToken(
        id=minted.id,
        secret_hash=minted.secret_hash,
        dataset=body.dataset,
        organisation_code=organisation,
        created_by=principal.subject,
        created_at=now,
        expires_at=expires_at,
    )
    await store.add(session, row)
    return TokenMinted(**_token_read(row, None, now).model_dump(), token=minted.token)


@router.get(
    "/tokens",
    tags=["bi-tokens"],
    summary="The BI access tokens of the administrator's organisation (never their secrets)",
)
async def list_tokens(
    principal: OrganisationAdmin,
    session: Session,
    cursor: Annotated[
        str | None, Query(description="From next_cursor of the previous page")
    ] = None,
) -> Page[TokenRead]:
    organisation = _admins_organisation(principal)
    position = decode_cursor(cursor, TokenPosition)
    after = (position.created_at, position.id) if position else None
    found = await store.listed(session, organisation, after=after, limit=TOKENS_PAGE + 1)
    now = datetime.now(UTC)
    items = [_token_read(f.token, f.last_used_at, now) for f in found[:TOKENS_PAGE]]
    next_cursor = None
    if len(found) > TOKENS_PAGE:
        last = found[TOKENS_PAGE - 1].token
        next_cursor = encode_cursor(TokenPosition(created_at=last.created_at, id=last.id))
    return Page[TokenRead](items=items, next_cursor=next_cursor)


TokenIdPath = Annotated[str, Path(pattern=r"^[a-z2-7]{12}$", description="The token's public id")]


@router.delete(
    "/tokens/{token_id}",
    tags=["bi-tokens"],
    status_code=204,
    summary="Revoke a BI access token (at once; it cannot be restored)",
    responses=problem_responses(404),
)
async def revoke_token(
    token_id: TokenIdPath, principal: OrganisationAdmin, session: Session
) -> Response:
    organisation = _admins_organisation(principal)
    revoked = await store.revoke(session, organisation, token_id, principal.subject)
    if revoked is None:
        raise NotFound("Your organisation has no BI access token with this id")
    return Response(status_code=204)


@router.get(
    "/tokens/{token_id}/uses",
    tags=["bi-tokens"],
    summary="Each request made with a BI access token, newest first",
    responses=problem_responses(404),
)
async def token_uses(
    token_id: TokenIdPath,
    principal: OrganisationAdmin,
    session: Session,
    cursor: Annotated[
        str | None, Query(description="From next_cursor of the previous page")
    ] = None,
) -> Page[TokenUse]:
    organisation = _admins_organisation(principal)
    token = await session.get(BiAccessToken, token_id)
    if token is None or token.organisation_code != organisation:
        raise NotFound("Your organisation has no BI access token with this id")
    position = decode_cursor(cursor, UsePosition)
    uses = await store.uses(
        session, token_id, before=position.id if position else None, limit=USES_PAGE + 1
    )
    items = [
        TokenUse(used_at=u.used_at, method=u.method, path=u.path, status=u.status)
        for u in uses[:USES_PAGE]
    ]
    next_cursor = None
    if len(uses) > USES_PAGE and uses[USES_PAGE - 1].id is not None:
        next_cursor = encode_cursor(UsePosition(id=uses[USES_PAGE - 1].id))
    return Page[TokenUse](items=items, next_cursor=next_cursor)
