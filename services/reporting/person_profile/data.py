"""The person HEF profile's data function: everything from scoring, read with the caller's
own token (each read is audited there as an identifiable read), about this one person."""

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.common.errors import NotFound
from services.reporting.machinery.charts import bar_chart
from services.reporting.machinery.instruments import Definition, definition_of
from services.reporting.machinery.report import ReportDocument
from services.reporting.machinery.tables import NO_VALUE, Cell, Table, cell, long_date
from services.reporting.upstream import Upstream

INSTRUMENT = "hef"
SCORING = "/api/scoring"


@dataclass(frozen=True)
class ProfileRequest:
    person_id: uuid.UUID
    assessment_id: uuid.UUID | None
    caller_subject: str
    caller_name: str | None


def nhs_number(value: str | None) -> str:
    if not value:
        return "not recorded"
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 10 else value


def change_cell(now: float | None, then: float | None) -> Cell:
    """The change as a figure (for the CSV) and in words (lower is better for HEF)."""
    if now is None or then is None:
        return Cell(NO_VALUE)
    delta = now - then
    if delta == 0:
        return Cell("no change", 0)
    return Cell(f"{delta:+g} ({'less' if delta < 0 else 'more'} impact)", delta)


def _section_scores(scores: Mapping[str, Any] | None, section_id: str) -> Mapping[str, Any]:
    section = ((scores or {}).get("sections") or {}).get(section_id) or {}
    return section if isinstance(section, Mapping) else {}


def _total(scores: Mapping[str, Any] | None, section_id: str) -> int | float | None:
    value = _section_scores(scores, section_id).get("scores", {}).get("total")
    return value if isinstance(value, int | float) else None


async def build(upstream: Upstream, request: ProfileRequest) -> ReportDocument:
    person_path = f"{SCORING}/people/{request.person_id}"
    person, listing = await asyncio.gather(
        upstream.get("scoring", person_path), upstream.get("scoring", f"{person_path}/assessments")
    )
    submitted = [
        a
        for a in listing["assessments"]
        if a["instrument"] == INSTRUMENT and a["status"] == "submitted"
    ]
    if request.assessment_id is None:
        profiles = [p for p in listing["profiles"] if p["instrument"] == INSTRUMENT]
        if not profiles:
            raise NotFound("This person has no submitted HEF assessment to report on")
        latest = max(profiles, key=lambda p: p["latest"]["assessed_on"])["latest"]
        chosen_id = str(latest["id"])
    else:
        chosen_id = str(request.assessment_id)
    chosen = next((a for a in submitted if a["id"] == chosen_id), None)
    if chosen is None:
        raise NotFound("No submitted HEF assessment with that id for this person")
    # Scoring lists one instrument and variant in date order: the chosen one's history.
    history = [a for a in submitted if a["variant"] == chosen["variant"]]
    index = history.index(chosen)
    first = history[0] if index > 0 else None
    previous = history[index - 1] if index > 0 else None
    is_latest = index == len(history) - 1
    wanted = {chosen_id} | {a["id"] for a in (first, previous) if a is not None}
    reads = await asyncio.gather(
        *(upstream.get("scoring", f"{SCORING}/assessments/{a}") for a in sorted(wanted)),
        definition_of(upstream, INSTRUMENT, chosen["variant"], chosen["instrument_version"]),
    )
    definition: Definition = reads[-1]
    full: dict[str, Mapping[str, Any]] = {str(r["id"]): r for r in reads[:-1]}
    assessment = full[chosen_id]
    profile = next(
        (
            p
            for p in listing["profiles"]
            if p["instrument"] == INSTRUMENT and p["variant"] == chosen["variant"]
        ),
        None,
    )
    actions = profile["suggested_actions"] if (profile and is_latest) else None
    return _document(
        request,
        person,
        assessment,
        definition,
        first=full[first["id"]] if first else None,
        previous=full[previous["id"]] if previous else None,
        actions=actions,
        assessments_count=len(history),
    )


def _document(
    request: ProfileRequest,
    person: Mapping[str, Any],
    assessment: Mapping[str, Any],
    definition: Definition,
    *,
    first: Mapping[str, Any] | None,
    previous: Mapping[str, Any] | None,
    actions: Sequence[Mapping[str, Any]] | None,
    assessments_count: int,
) -> ReportDocument:
    name = f"{person['given_name']} {person['family_name']}"
    header = (
        f"{name} · NHS number {nhs_number(person.get('nhs_number'))} · "
        f"born {long_date(person.get('birth_date'))}"
    )
    scores = assessment.get("scores") or {}
    profile = _profile_table(definition, scores)
    indicators = _indicator_table(definition, assessment.get("responses") or {})
    change = _change_table(definition, assessment, first, previous)
    # One chart: the totals at each assessment (this one's bars are its profile); a first
    # assessment has nothing to compare, so its chart is the profile alone.
    if first is None:
        chart = bar_chart(
            profile,
            ["Total"],
            title="Impact by determinant (total of indicator ratings; lower is better)",
            alt=_alt_profile(profile),
        )
    else:
        series = [
            c for c in change.columns[1:4] if any(x.value is not None for x in change.column(c))
        ]
        chart = bar_chart(
            change,
            series,
            title="Determinant totals at the first, previous and this assessment (lower is better)",
            alt=_alt_change(change, series),
        )
    charts = [chart]
    tables = [profile, indicators, change]
    action_table = _actions_table(definition, actions) if actions is not None else None
    if action_table is not None:
        tables.append(action_table)
    # By name as their team lists them; a member of staff no team lists any more is not
    # named by an id that means nothing on paper.
    recorded_by = assessment.get("recorded_by_name") or (
        request.caller_name or "you"
        if assessment.get("created_by") == request.caller_subject
        else "a member of staff no longer in a team"
    )
    facts = [
        ("Name", name),
        ("NHS number", nhs_number(person.get("nhs_number"))),
        ("Date of birth", long_date(person.get("birth_date"))),
        ("Local identifier", person.get("local_id") or NO_VALUE),
        (
            "Instrument",
            f"{definition.title}, version {definition.version}"
            + (f" ({definition.status})" if definition.status else ""),
        ),
        ("Episode", str(assessment.get("episode_type", "")).replace("_", " ")),
        ("Assessed on", long_date(assessment.get("assessed_on"))),
        ("Recorded by", f"{recorded_by}, team {assessment.get('team_code')}"),
        ("Submitted", long_date(assessment.get("submitted_at"))),
        (
            "Revision",
            str(assessment.get("revision", 1))
            + (" (amended)" if int(assessment.get("revision", 1)) > 1 else ""),
        ),
        ("Assessments of this person", str(assessments_count)),
    ]
    return ReportDocument(
        title="Health Equalities Framework profile",
        running_header=header,
        filename=f"hef-profile-{assessment.get('assessed_on')}",
        tables=tables,
        charts=charts,
        context={
            "facts": facts,
            "profile": profile,
            "indicators": indicators,
            "change": change,
            "has_change": first is not None,
            "actions": action_table,
            "is_latest": actions is not None,
            "handling": "OFFICIAL-SENSITIVE: personal",
        },
        caveats=(
            "HEF measures exposure to the determinants of health inequalities, not the "
            "quality of care. Ratings: no impact 0, low 1, moderate 2, high 3; not assessed "
            "is left out of the totals. Lower is better.",
            "Change is descriptive: it shows what was recorded at each assessment and is not "
            "a validated measure of effect.",
        ),
    )


def _profile_table(definition: Definition, scores: Mapping[str, Any]) -> Table:
    rows: list[list[Cell]] = []
    for section_id, title, _ in definition.sections:
        s = _section_scores(scores, section_id)
        figures = s.get("scores", {})
        band = (s.get("bands", {}).get("impact") or {}).get("label")
        done = s.get("completeness", {})
        rows.append(
            [
                Cell(title),
                cell(figures.get("total")),
                cell(figures.get("highest")),
                cell(figures.get("moderate_or_high")),
                cell(band),
                cell(done.get("rated")),
                cell(done.get("not_assessed")),
            ]
        )
    return Table(
        id="profile",
        caption="Profile by determinant",
        columns=(
            "Determinant",
            "Total",
            "Highest rating",
            "Indicators at moderate or high",
            "Impact",
            "Rated",
            "Not assessed",
        ),
        rows=rows,
    )


def _indicator_table(definition: Definition, responses: Mapping[str, Any]) -> Table:
    rows = [
        [
            Cell(text),
            Cell(title),
            Cell(definition.options.get(str(responses.get(item_id)), NO_VALUE)),
        ]
        for _, title, items in definition.sections
        for item_id, text in items
        if item_id in responses
    ]
    return Table(
        id="indicators",
        caption="Indicator ratings",
        columns=("Indicator", "Determinant", "Rating"),
        rows=rows,
    )


def _change_table(
    definition: Definition,
    assessment: Mapping[str, Any],
    first: Mapping[str, Any] | None,
    previous: Mapping[str, Any] | None,
) -> Table:
    def label(a: Mapping[str, Any] | None, what: str) -> str:
        return f"{what} ({long_date(a.get('assessed_on'))})" if a else what

    columns = (
        "Determinant",
        label(first, "First"),
        label(previous, "Previous"),
        label(assessment, "This assessment"),
        "Change since first",
        "Change since previous",
    )
    rows = []
    for section_id, title, _ in definition.sections:
        now = _total(assessment.get("scores"), section_id)
        then = _total(first.get("scores"), section_id) if first else None
        before = _total(previous.get("scores"), section_id) if previous else None
        rows.append(
            [
                Cell(title),
                cell(then),
                cell(before),
                cell(now),
                change_cell(now, then),
                change_cell(now, before),
            ]
        )
    return Table(
        id="change",
        caption="Determinant totals at each assessment, and the change",
        columns=columns,
        rows=rows,
        notes=("Totals are the sum of the determinant's indicator ratings; lower is better.",),
    )


def _actions_table(definition: Definition, actions: Sequence[Mapping[str, Any]]) -> Table:
    rows = [
        [
            Cell(definition.item_text(str(a["item_id"])) if a.get("item_id") else "Determinant"),
            Cell(definition.section_title(str(a["section_id"]))),
            Cell(definition.options.get(str(a.get("rating")), str(a.get("rating", "")))),
            Cell(str(a["text"])),
            Cell("yes" if a.get("priority") else "no"),
        ]
        for a in actions
    ]
    return Table(
        id="actions",
        caption="Suggested actions",
        columns=("Indicator", "Determinant", "Rating", "Suggested action", "Priority"),
        rows=rows,
    )


def _alt_profile(profile: Table) -> str:
    parts = [f"{row[0].text} {row[1].text}" for row in profile.rows]
    return "Bar chart of the total impact score by determinant: " + "; ".join(parts) + "."


def _alt_change(change: Table, series: Sequence[str]) -> str:
    parts = []
    for row in change.rows:
        figures = ", ".join(
            f"{name.split(' (')[0].lower()} {row[list(change.columns).index(name)].text}"
            for name in series
        )
        parts.append(f"{row[0].text}: {figures}")
    return "Bar chart of determinant totals at each assessment. " + "; ".join(parts) + "."
