"""The board tools' submitted results as aggregation keeps them, and as an ICB reads them side
by side (issue 21, "Roll-ups"; decisions 0030 and 0047). Pure: no I/O.

Kept of each event: per domain or key line of enquiry, per priority and overall, the
engine's scores (numbers) and band codes. Nothing else: no answers, notes, labels or anyone's
id; a score id, band id or level that is not a plain code is dropped, so no text can ride in.

Read side by side, organisations are listed by name, then code, and nothing is sorted by a
score, a level or a rating: the issue asks for trusts side by side, not a league table.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from services.aggregation.organisational.contract import PRESENT, OrganisationalItem
from services.aggregation.organisational.schemas import (
    BoardMaturity,
    BoardScorecards,
    DomainMaturity,
    Maturity,
    MaturityYear,
    OrganisationMaturity,
    OrganisationRef,
    OrganisationScorecards,
    RatingRollUp,
    ScorecardRollUps,
)

SELF_ASSESSMENT = "board-self-assessment"
ASSURANCE = "board-assurance"
INSTRUMENTS = frozenset({SELF_ASSESSMENT, ASSURANCE})
# Where decision 0030 puts them in the engine's scores.
MATURITY_SCORE = "percent"
PRIORITY_GROUPING = "priority"
OVERALL = "overall"

_CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")

NO_RANKING = (
    "Organisations are listed by name, then ODS code, never by score, level or rating: this "
    "shows trusts side by side, it does not rank them."
)
MATURITY_CAVEATS = [
    NO_RANKING,
    "Each year shows the organisation's latest submitted board self-assessment with an "
    "assessment date in that calendar year; a deleted one is left out until it is restored.",
    "Levels are each board's own assessment against Equitas's provisional definition "
    "(decision 0030); they describe where a board is on its journey, not how well its trust "
    "performs.",
    "These figures are about organisations, not people: no small-number suppression applies.",
]
SCORECARD_CAVEATS = [
    NO_RANKING,
    "Every submitted board assurance scorecard is shown, oldest first; a deleted one is left "
    "out until it is restored.",
    "A roll-up is the lowest assessed rating of its cells (Equitas's provisional rule, "
    "decision 0030); cells rated 'not assessed' are counted but not rated.",
    "These figures are about organisations, not people: no small-number suppression applies.",
]


@dataclass(frozen=True)
class GroupResult:
    """One domain, key line of enquiry, priority or the whole: scores and band codes."""

    code: str
    scores: Mapping[str, float | None] = field(default_factory=dict)
    bands: Mapping[str, str] = field(default_factory=dict)

    @property
    def level(self) -> str | None:
        # Each group of the board tools has one band set (its maturity level or rating).
        return next(iter(self.bands.values()), None)

    def count(self, score_id: str) -> int:
        value = self.scores.get(score_id)
        return 0 if value is None else int(value)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "scores": dict(self.scores), "bands": dict(self.bands)}


@dataclass(frozen=True)
class BoardResult:
    assessment_key: str
    revision: int
    present: bool
    instrument: str
    instrument_version: str
    organisation_code: str
    commissioner_code: str | None
    assessed_on: date
    submitted_at: datetime | None
    overall: GroupResult
    sections: tuple[GroupResult, ...]
    groupings: Mapping[str, tuple[GroupResult, ...]]

    @property
    def year(self) -> int:
        # A calendar year, as scoring's progress view has it.
        return self.assessed_on.year


def _codes(*values: object) -> bool:
    return all(isinstance(v, str) and _CODE.fullmatch(v) for v in values)


def _number(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def group_of(code: str, raw: object) -> GroupResult:
    """A group from the engine's JSON (or as stored), keeping only codes and numbers."""
    if not isinstance(raw, Mapping):
        return GroupResult(code)
    scores = raw.get("scores")
    bands = raw.get("bands")
    kept_scores = {
        k: None if v is None else float(v)
        for k, v in (scores.items() if isinstance(scores, Mapping) else ())
        if _codes(k) and _number(v)
    }
    kept_bands: dict[str, str] = {}
    for k, band in bands.items() if isinstance(bands, Mapping) else ():
        level = band.get("code") if isinstance(band, Mapping) else band
        if isinstance(level, str) and _codes(k, level):  # a level's code, never its label
            kept_bands[k] = level
    return GroupResult(code, kept_scores, kept_bands)


def _groups(raw: object) -> tuple[GroupResult, ...]:
    if isinstance(raw, Mapping):  # the engine's {code: group}, in the definition's order
        pairs: Iterable[tuple[object, object]] = raw.items()
    elif isinstance(raw, list):  # as stored: [{"code": ...}, ...]
        pairs = ((g.get("code"), g) for g in raw if isinstance(g, Mapping))
    else:
        return ()
    return tuple(group_of(c, g) for c, g in pairs if isinstance(c, str) and _codes(c))


def _groupings(raw: object) -> dict[str, tuple[GroupResult, ...]]:
    if not isinstance(raw, Mapping):
        return {}
    return {k: _groups(v) for k, v in raw.items() if _codes(k)}


def result_of(item: OrganisationalItem) -> BoardResult | None:
    """What is kept of an event: None for anything but a board tool about an organisation."""
    p = item.payload
    if p.instrument not in INSTRUMENTS or p.subject_type != "organisation":
        return None
    scores: Mapping[str, Any] = p.scores or {}
    return BoardResult(
        assessment_key=p.assessment_key,
        revision=p.revision,
        present=item.event_type in PRESENT,
        instrument=p.instrument,
        instrument_version=p.instrument_version,
        organisation_code=p.organisation_code,
        commissioner_code=p.commissioner_code,
        assessed_on=p.assessed_on,
        submitted_at=p.submitted_at,
        overall=group_of(OVERALL, scores.get(OVERALL)),
        sections=_groups(scores.get("sections")),
        groupings=_groupings(scores.get("groupings")),
    )


def stored_result(row: Mapping[str, Any]) -> BoardResult:
    """A result from its stored row (JSON columns already decoded)."""
    return BoardResult(
        assessment_key=row["assessment_key"],
        revision=row["revision"],
        present=not row["deleted"],
        instrument=row["instrument"],
        instrument_version=row["instrument_version"],
        organisation_code=row["organisation_code"],
        commissioner_code=row["commissioner_code"],
        assessed_on=row["assessed_on"],
        submitted_at=row["submitted_at"],
        overall=group_of(OVERALL, row["overall"]),
        sections=_groups(row["sections"]),
        groupings=_groupings(row["groupings"]),
    )


def last_of_each(items: Iterable[OrganisationalItem]) -> list[BoardResult]:
    """Within a page, the last event of each board assessment: every event carries the
    whole assessment as of that change, so the last says how it stands."""
    last: dict[str, BoardResult] = {}
    for item in items:
        result = result_of(item)
        if result is not None:
            last[result.assessment_key] = result
    return list(last.values())


# -- side by side ---------------------------------------------------------------------------


def name_order(codes: Iterable[str], names: Mapping[str, str | None]) -> list[str]:
    """By name (case ignored; unnamed last), then code. Never by any figure."""
    return sorted(
        set(codes),
        key=lambda c: (names.get(c) is None, (names.get(c) or "").casefold(), c),
    )


NEVER = datetime.min.replace(tzinfo=UTC)


def _chronological(r: BoardResult) -> tuple[date, datetime, str]:
    return (r.assessed_on, r.submitted_at or NEVER, r.assessment_key)


def _by_organisation(
    results: Iterable[BoardResult], instrument: str
) -> dict[str, list[BoardResult]]:
    found: dict[str, list[BoardResult]] = {}
    for r in results:
        if r.present and r.instrument == instrument:
            found.setdefault(r.organisation_code, []).append(r)
    for rows in found.values():
        rows.sort(key=_chronological)  # oldest first
    return found


def _maturity_year(r: BoardResult) -> MaturityYear:
    return MaturityYear(
        year=r.year,
        assessed_on=r.assessed_on,
        instrument_version=r.instrument_version,
        overall=Maturity(score=r.overall.scores.get(MATURITY_SCORE), level=r.overall.level),
        domains=[
            DomainMaturity(domain=s.code, score=s.scores.get(MATURITY_SCORE), level=s.level)
            for s in r.sections
        ],
    )


def maturity_side_by_side(
    results: Iterable[BoardResult], names: Mapping[str, str | None], icb: str | None
) -> BoardMaturity:
    """Each organisation's latest self-assessment of each year, organisations by name."""
    by_org = _by_organisation(results, SELF_ASSESSMENT)
    organisations = []
    for code in name_order(by_org, names):
        latest: dict[int, BoardResult] = {}
        for r in by_org[code]:  # oldest first: the last of a year wins
            latest[r.year] = r
        organisations.append(
            OrganisationMaturity(
                organisation=OrganisationRef(code=code, name=names.get(code)),
                years=[_maturity_year(latest[y]) for y in sorted(latest)],
            )
        )
    chosen = [y for o in organisations for y in o.years]
    return BoardMaturity(
        icb=icb,
        order="organisation_name",
        years=sorted({y.year for y in chosen}),
        # In the definition's order (a later version's new domains after the others).
        domains=list(dict.fromkeys(d.domain for y in chosen for d in y.domains)),
        organisations=organisations,
        caveats=list(MATURITY_CAVEATS),
    )


def _roll_up(g: GroupResult) -> RatingRollUp:
    return RatingRollUp(
        code=g.code,
        rating=g.level,
        assured=g.count("assured"),
        partly_assured=g.count("partly_assured"),
        not_assured=g.count("not_assured"),
        not_assessed=g.count("not_assessed"),
    )


def _scorecard(r: BoardResult) -> ScorecardRollUps:
    return ScorecardRollUps(
        assessed_on=r.assessed_on,
        submitted_at=r.submitted_at,
        instrument_version=r.instrument_version,
        overall=_roll_up(r.overall),
        key_lines_of_enquiry=[_roll_up(s) for s in r.sections],
        priorities=[_roll_up(g) for g in r.groupings.get(PRIORITY_GROUPING, ())],
    )


def scorecards_side_by_side(
    results: Iterable[BoardResult], names: Mapping[str, str | None], icb: str | None
) -> BoardScorecards:
    """Every submitted scorecard's roll-ups per organisation, oldest first, by name."""
    by_org = _by_organisation(results, ASSURANCE)
    organisations = [
        OrganisationScorecards(
            organisation=OrganisationRef(code=code, name=names.get(code)),
            scorecards=[_scorecard(r) for r in by_org[code]],
        )
        for code in name_order(by_org, names)
    ]
    return BoardScorecards(
        icb=icb,
        order="organisation_name",
        dates=sorted({s.assessed_on for o in organisations for s in o.scorecards}),
        organisations=organisations,
        caveats=list(SCORECARD_CAVEATS),
    )
