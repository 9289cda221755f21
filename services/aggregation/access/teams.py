"""The teams a member of staff leads, as scoring knows them (decision 0021).

Team membership is Equitas's own (kept by scoring), not in the token, so aggregation asks
scoring's ``GET /api/scoring/me`` with the caller's own token: scoring applies its rules
(only teams of the selected role's organisation) and nothing more is shared than the caller
could read themselves. Answers are remembered per token for ``teams_cache_s`` (60 s by
default, never past the token's expiry), so a dashboard's burst of requests costs one call,
and a lead who steps down is seen within a minute; "leads no team" is never remembered.
Concurrent first requests with one token share a single call (a dashboard opens with many at
once), so a burst never queues a call per request behind scoring.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from services.common.auth import Principal
from services.common.errors import ServiceUnavailable, Unauthorized

TEAMS_CACHE_MAX = 4096
SCORING_UNAVAILABLE = (
    "Your teams cannot be checked just now (scoring is unavailable); retry shortly"
)


@dataclass(frozen=True, slots=True)
class _Entry:
    teams: frozenset[str]
    until: float


class LeadTeams:
    def __init__(
        self,
        http: httpx.AsyncClient,
        scoring_url: str,
        ttl_s: float,
        *,
        clock: Callable[[], float] = time.time,
        max_entries: int = TEAMS_CACHE_MAX,
    ) -> None:
        self._http = http
        self._url = scoring_url.rstrip("/") + "/api/scoring/me"
        self._ttl = ttl_s
        self._clock = clock
        self._max = max_entries
        self._entries: dict[str, _Entry] = {}
        self._in_flight: dict[str, asyncio.Future[frozenset[str]]] = {}

    async def led_by(self, principal: Principal) -> frozenset[str]:
        now = self._clock()
        entry = self._entries.get(principal.token)
        if entry is not None and now < entry.until:
            return entry.teams
        teams = await self._ask_once(principal.token)
        expires = principal.claims.get("exp")
        until = now + self._ttl
        if isinstance(expires, int | float):
            until = min(until, float(expires))
        # A refusal is not remembered: someone just made a lead is let in at once.
        if self._ttl > 0 and teams:
            if len(self._entries) >= self._max:
                del self._entries[next(iter(self._entries))]
            self._entries[principal.token] = _Entry(teams, until)
        return teams

    async def _ask_once(self, token: str) -> frozenset[str]:
        pending = self._in_flight.get(token)
        if pending is not None:
            # shield: one waiter cancelled (its client went away) must not cancel the others'.
            return await asyncio.shield(pending)
        task = asyncio.ensure_future(self._ask(token))
        self._in_flight[token] = task
        task.add_done_callback(lambda _: self._in_flight.pop(token, None))
        return await asyncio.shield(task)

    async def _ask(self, token: str) -> frozenset[str]:
        try:
            response = await self._http.get(self._url, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(SCORING_UNAVAILABLE, headers={"Retry-After": "2"}) from exc
        if response.status_code == 401:
            raise Unauthorized("Scoring refused your token")
        if response.status_code != 200:
            raise ServiceUnavailable(SCORING_UNAVAILABLE, headers={"Retry-After": "2"})
        try:
            teams = response.json().get("teams", [])
            return frozenset(
                str(t["code"]) for t in teams if isinstance(t, dict) and t.get("role") == "lead"
            )
        except (ValueError, AttributeError, KeyError) as exc:
            raise ServiceUnavailable(SCORING_UNAVAILABLE, headers={"Retry-After": "2"}) from exc
