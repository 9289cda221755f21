"""Safe retries: ``Idempotency-Key`` on the POSTs that create something (decision 0019).

A client that timed out (or got a 503) cannot know whether its POST was done. Sent again
with the same ``Idempotency-Key`` header, the request is answered with the first answer
(same status, body and headers, plus ``Idempotent-Replayed: true``) and nothing is done
twice. The same key with a different request (method, path, query or body) is a 422 naming
the header; a request whose key another one is still using is a 409, to retry shortly.
Keys belong to the caller (a member of staff, or a system client) and are kept for
``KEEP_FOR`` after the first answer.

How: a route marked ``@idempotent`` (with a route class based on ``IdempotentRoute``)
takes the key when the header is there, and only then; without it nothing here runs beyond
one header lookup, which keeps the submit hot path as it was (decisions 0011, 0012). The
key is *claimed* as the first statement of the request's own transaction (a row in the
service's ``idempotency_key`` table, under a transaction-scoped advisory lock), and the
answer is stored in that row in the same transaction just before it commits. A request
that fails rolls back its claim with its work: only answers of requests that were done are
ever replayed, and a failed one can be retried with the same key.

The transaction is either the ORM session (``database.session_dependency`` calls the claim
when it begins) or, on a hand-written asyncpg path, ``keyed_transaction`` around the
route's writes.
"""

import hashlib
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import asyncpg
import orjson
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.database import ON_TRANSACTION
from services.common.direct import direct_connection
from services.common.errors import Conflict, FieldProblem, InvalidInput, problem_responses

HEADER = "Idempotency-Key"
FIELD = "header.idempotency-key"
KEEP_FOR = timedelta(hours=24)
# Printable ASCII without spaces (a UUID is the usual choice), as most APIs take.
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
# Headers of the first answer that a replay repeats (the others are the gateway's or
# describe this exchange: date, length, request id).
_KEPT_HEADERS = ("content-type", "etag", "location", "content-location", "vary", "last-modified")

# The key's lock (held to the end of the transaction; taken by another request in progress:
# not held), then the key claimed (a new row, or one past its time taken over), and the
# answer stored for it if it was claimed before. Casts: one text for asyncpg and SQLAlchemy.
_CLAIM = """
WITH lock AS (
    SELECT pg_try_advisory_xact_lock(
        hashtextextended(CAST($1 AS text) || ' ' || CAST($2 AS text), 19)
    ) AS held
),
claimed AS (
    INSERT INTO idempotency_key AS k (caller, idempotency_key, fingerprint, expires_at)
    SELECT $1, $2, CAST($3 AS bytea), now() + make_interval(secs => CAST($4 AS float8))
    FROM lock WHERE lock.held
    ON CONFLICT (caller, idempotency_key) DO UPDATE
        SET fingerprint = excluded.fingerprint, status = NULL, headers = NULL, body = NULL,
            created_at = now(), expires_at = excluded.expires_at
        WHERE k.expires_at < now()
    RETURNING true AS fresh
)
SELECT lock.held, (SELECT fresh FROM claimed) AS fresh, k.fingerprint, k.status, k.headers,
       k.body
FROM lock
LEFT JOIN idempotency_key k
  ON k.caller = $1 AND k.idempotency_key = $2 AND k.expires_at >= now() AND lock.held
"""
_STORE = """
UPDATE idempotency_key
SET status = CAST($3 AS integer), headers = CAST($4 AS jsonb), body = CAST($5 AS bytea)
WHERE caller = $1 AND idempotency_key = $2
"""
_PURGE = "DELETE FROM idempotency_key WHERE expires_at < now()"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_MARK = "__equitas_idempotent__"


def idempotent(endpoint: Endpoint) -> Endpoint:
    """Mark a route's endpoint as taking ``Idempotency-Key`` (its router's route class
    must be an ``IdempotentRoute``)."""
    setattr(endpoint, _MARK, True)
    return endpoint


class Replay(Exception):
    """The first answer, to send again: raised by the claim before anything is written."""

    def __init__(self, response: Response) -> None:
        super().__init__("replayed")
        self.response = response


@dataclass
class Keyed:
    """A request that carries an ``Idempotency-Key``."""

    request: Request
    key: str
    fingerprint: bytes
    session: AsyncSession | None = None
    stored: bool = False

    def caller(self) -> str:
        principal = getattr(self.request.state, "principal", None)
        if principal is None:  # routes verify the token before the transaction begins
            raise RuntimeError("an idempotent route must authenticate before its transaction")
        return f"{principal.kind}:{principal.client_id}:{principal.subject}"

    def _claim_args(self) -> tuple[object, ...]:
        return (self.caller(), self.key, self.fingerprint, KEEP_FOR.total_seconds())

    def _claimed(self, row: Any) -> None:
        """Go on (the key is ours now), or raise: 409, 422 or the first answer."""
        if not row["held"]:
            raise Conflict(
                "Another request with this Idempotency-Key is in progress; retry shortly",
                errors=[FieldProblem(field=FIELD, message="in use by a request in progress")],
                headers={"Retry-After": "1"},
            )
        if row["fresh"]:
            return
        if row["fingerprint"] is None:  # answered a moment ago, after this statement began
            raise Conflict(
                "A request with this Idempotency-Key has just been answered; retry to get "
                "its answer",
                errors=[FieldProblem(field=FIELD, message="just answered")],
                headers={"Retry-After": "1"},
            )
        if bytes(row["fingerprint"]) != self.fingerprint:
            raise InvalidInput(
                "This Idempotency-Key was used for a different request; use a new key for "
                "a new request",
                errors=[FieldProblem(field=FIELD, message="already used for another request")],
            )
        raise Replay(_replayed(row["status"], row["headers"], row["body"]))

    async def claim_in_session(self, session: AsyncSession) -> None:
        self.session = session
        statement = text(_numbered_as_named(_CLAIM, 4))
        names = ("p1", "p2", "p3", "p4")
        row = (
            (await session.execute(statement, dict(zip(names, self._claim_args(), strict=True))))
            .mappings()
            .one()
        )
        self._claimed(row)

    async def claim_on(self, connection: asyncpg.Connection) -> None:
        self._claimed(await connection.fetchrow(_CLAIM, *self._claim_args()))

    def _answer(self, response: Response) -> tuple[object, ...]:
        kept = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
        return (
            self.caller(),
            self.key,
            response.status_code,
            orjson.dumps(kept).decode(),
            bytes(response.body),
        )

    async def store_on(self, connection: asyncpg.Connection, response: Response) -> None:
        await connection.execute(_STORE, *self._answer(response))
        self.stored = True

    async def store_in_session(self, response: Response) -> None:
        if self.session is None:
            raise RuntimeError("an idempotent route must write in a transaction")
        names = ("p1", "p2", "p3", "p4", "p5")
        statement = text(_numbered_as_named(_STORE, 5))
        await self.session.execute(statement, dict(zip(names, self._answer(response), strict=True)))
        self.stored = True


def _numbered_as_named(sql: str, count: int) -> str:
    # One statement text for both drivers: asyncpg's $n, SQLAlchemy's :pn.
    for number in range(count, 0, -1):
        sql = sql.replace(f"${number}", f":p{number}")
    return sql


def _replayed(status: int, headers: str | dict[str, str], body: bytes) -> Response:
    kept = orjson.loads(headers) if isinstance(headers, str) else dict(headers)
    return Response(
        content=bytes(body),
        status_code=status,
        headers={**kept, "Idempotent-Replayed": "true"},
    )


def keyed(request: Request) -> Keyed | None:
    keyed_request: Keyed | None = request.scope.get(_SCOPE_KEY)
    return keyed_request


_SCOPE_KEY = "equitas.idempotency"


async def _keyed_from(request: Request, key: str) -> Keyed:
    if _KEY.fullmatch(key) is None:
        raise InvalidInput(
            errors=[
                FieldProblem(
                    field=FIELD,
                    message="1 to 255 printable ASCII characters without spaces (e.g. a UUID)",
                )
            ]
        )
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(await request.body())
    found = Keyed(request, key, digest.digest())
    request.scope[_SCOPE_KEY] = found

    async def claim(session: AsyncSession) -> None:
        await found.claim_in_session(session)

    request.scope[ON_TRANSACTION] = claim
    return found


class keyed_transaction:
    """For a route that writes on a plain asyncpg connection: with an ``Idempotency-Key``,
    the claim, its writes and the stored answer are one transaction; without, nothing
    changes (each statement commits on its own, no BEGIN/COMMIT: decision 0011). Yields
    ``keep(response)``, to call with the answer before leaving the block. A class, not a
    generator: it is on the hot path of recording assessments."""

    __slots__ = ("_connection", "_found", "_transaction")

    def __init__(self, request: Request, connection: asyncpg.Connection) -> None:
        self._found = keyed(request)
        self._connection = connection
        self._transaction: Any = None

    async def __aenter__(self) -> Callable[[Response], Awaitable[None]]:
        if self._found is None:
            return _keep_nothing
        self._transaction = self._connection.transaction()
        await self._transaction.start()
        try:
            await self._found.claim_on(self._connection)
        except BaseException:
            await self._transaction.rollback()
            raise
        return self._keep

    async def _keep(self, response: Response) -> None:
        assert self._found is not None
        await self._found.store_on(self._connection, response)

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._transaction is None:
            return
        if kind is None:
            await self._transaction.commit()
        else:
            await self._transaction.rollback()


async def _keep_nothing(response: Response) -> None:
    return None


class IdempotentRoute(APIRoute):
    """A route class under which ``@idempotent`` endpoints take ``Idempotency-Key``: it is
    documented in the contract (the header, 409 and 422), and taken when sent."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        self.idempotent = bool(getattr(endpoint, _MARK, False))
        if self.idempotent:
            kwargs["responses"] = {**problem_responses(409, 422), **(kwargs.get("responses") or {})}
            extra = dict(kwargs.get("openapi_extra") or {})
            extra["parameters"] = [*extra.get("parameters", []), _HEADER_PARAMETER]
            kwargs["openapi_extra"] = extra
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        if not self.idempotent:
            return handle

        async def with_key(request: Request) -> Response:
            key = request.headers.get("idempotency-key")
            if key is None:
                return await handle(request)
            found = await _keyed_from(request, key)
            try:
                response = await handle(request)
            except Replay as replay:  # claimed by another request before: nothing written
                return replay.response
            if not found.stored:
                # Still in the request's transaction: the session commits after this.
                await found.store_in_session(response)
            return response

        return with_key


_HEADER_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: a request sent again with the same key (yours alone, kept "
        "24 hours) gets the first answer again (with Idempotent-Replayed: true) and "
        "nothing is done twice. The same key with a different request is 422; while a "
        "request with the key is in progress, 409. Use a new key (e.g. a UUID) for each "
        "new request."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


async def purge_expired_keys(app: FastAPI) -> None:
    """A start-up hook: delete keys past their time (a claim ignores them anyway)."""
    async with direct_connection(app.state.engine) as connection:
        await connection.execute(_PURGE)
