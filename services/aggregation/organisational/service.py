"""The board roll-ups' use cases: what the caller asked for, checked against what they may
read, then the results side by side (decision 0047)."""

from dataclasses import dataclass
from datetime import date

import asyncpg

from services.aggregation.access.scope import ReaderScope
from services.aggregation.hierarchy import repository as hierarchy
from services.aggregation.hierarchy.rules import LEVEL_OF_KIND, Level
from services.aggregation.metrics.common import refuse
from services.aggregation.organisational import repository, results
from services.aggregation.organisational.results import BoardResult
from services.aggregation.organisational.schemas import BoardMaturity, BoardScorecards
from services.common.errors import FieldProblem, InvalidInput


@dataclass(frozen=True)
class Asked:
    icb: str | None = None
    organisation: str | None = None


async def _readable(
    conn: asyncpg.Connection, scope: ReaderScope, asked: Asked, instrument: str
) -> list[BoardResult]:
    organisations = scope.unit_codes
    # Above a trust, a result also counts where its recorded commissioner is the caller's
    # (what they commissioned at the time stays theirs, as for every aggregate: 0021).
    commissioners = organisations if scope.level is not Level.trust else []
    if asked.icb is not None:
        if not scope.may_roll_up_to(Level.icb):
            raise refuse("query.icb", "you read your own trust's board roll-ups only")
        if not scope.may_read_unit(asked.icb):
            raise refuse("query.icb", "not your organisation nor one under it")
        unit = await hierarchy.unit(conn, asked.icb)
        if unit is None or LEVEL_OF_KIND[unit.kind] is not Level.icb:
            message = "not an ICB in the organisation hierarchy"
            raise InvalidInput(
                f"query.icb: {message}", errors=[FieldProblem(field="query.icb", message=message)]
            )
        organisations = sorted(await hierarchy.units_under(conn, [asked.icb], date.today()))
        commissioners = [asked.icb]
    if asked.organisation is not None and not scope.may_read_unit(asked.organisation):
        raise refuse("query.organisation", "not your organisation nor one under it")
    return await repository.results(
        conn,
        instrument,
        organisations=organisations,
        commissioners=commissioners,
        organisation=asked.organisation,
    )


async def board_maturity(
    conn: asyncpg.Connection, scope: ReaderScope, asked: Asked
) -> BoardMaturity:
    found = await _readable(conn, scope, asked, results.SELF_ASSESSMENT)
    names = await repository.names(conn, [r.organisation_code for r in found])
    return results.maturity_side_by_side(found, names, asked.icb)


async def board_scorecards(
    conn: asyncpg.Connection, scope: ReaderScope, asked: Asked
) -> BoardScorecards:
    found = await _readable(conn, scope, asked, results.ASSURANCE)
    names = await repository.names(conn, [r.organisation_code for r in found])
    return results.scorecards_side_by_side(found, names, asked.icb)
