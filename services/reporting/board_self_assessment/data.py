"""The board self-assessment report's data functions: a stored assessment's results (read
with the caller's token: scoring decides who may), or a private session's, computed by
scoring's stateless endpoint from posted answers or the link's code. Either way the same
document: score and maturity level per domain and overall, the suggested objectives with
the priority ones marked, and each answer. The private one also carries the link that
reopens the answers, and nothing of it is kept anywhere."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.reporting.machinery.charts import alt_text, bar_chart
from services.reporting.machinery.instruments import Definition, definition_of
from services.reporting.machinery.organisational import (
    assessment_and_view,
    assessment_facts,
    provisional_caveat,
    words,
)
from services.reporting.machinery.report import ReportDocument
from services.reporting.machinery.tables import NO_VALUE, Cell, Table, cell, long_date
from services.reporting.upstream import Upstream

INSTRUMENT = "board-self-assessment"
PRIVATE = "/api/scoring/private/board-self-assessment"
TITLE = "Board self-assessment on health inequalities"
# The SPA's page that reopens a private session; the code travels in the fragment, which
# browsers never send to a server (decision 0031).
PRIVATE_PAGE = "/board/private#code="
SCORE = "Score (% of maximum)"


@dataclass(frozen=True)
class StoredRequest:
    assessment_id: uuid.UUID


@dataclass(frozen=True, repr=False)
class PrivateRequest:
    """Exactly one of ``responses`` and ``code`` (scoring says so when not). ``site`` is
    Equitas's public address, for the link."""

    responses: Mapping[str, str] | None
    code: str | None
    site: str

    def __repr__(self) -> str:  # never the answers, wherever a request is shown
        return "PrivateRequest(...)"


def regeneration_link(site: str, code: str) -> str:
    return f"{site.rstrip('/')}{PRIVATE_PAGE}{code}"


def _level(result: Mapping[str, Any]) -> str:
    level = result.get("maturity_level")
    return str(level["label"]) if isinstance(level, Mapping) else "no level (nothing answered)"


def domains_table(results: Mapping[str, Any]) -> Table:
    rows = []
    for d in [*results["domains"], results["overall"]]:
        score = d.get("score")
        rows.append(
            [
                Cell(str(d["title"])),
                cell(round(float(score), 1) if score is not None else None),
                Cell(_level(d)),
                cell(int(d["answered"])),
                cell(int(d["total"])),
            ]
        )
    return Table(
        id="domains",
        caption="Score and maturity level by domain",
        columns=("Domain", SCORE, "Maturity level", "Questions answered", "Questions"),
        rows=rows,
        notes=("The overall level is that of every answer together.",),
    )


def objectives_table(results: Mapping[str, Any], titles: Mapping[str, str]) -> Table:
    rows = [
        [
            Cell(str(o["text"])),
            Cell(str(o["ref"])),
            Cell(titles.get(str(o["domain"]), str(o["domain"]))),
            Cell(words(o.get("board_role")) or "The board"),
            Cell("Priority" if o.get("priority") else NO_VALUE),
        ]
        for o in results["suggested_objectives"]
    ]
    return Table(
        id="objectives",
        caption="Suggested objectives",
        columns=("Objective", "Number", "Domain", "Board role", "Priority for trusts starting out"),
        rows=rows,
        notes=(
            "Suggested from the objectives library for each domain's maturity level; the "
            "guide's priority objectives for trusts starting out come first, marked Priority.",
        ),
    )


def answers_table(definition: Definition, responses: Mapping[str, str]) -> Table:
    rows = [
        [
            Cell(text),
            Cell(title),
            Cell(definition.answer_label(item_id, responses.get(item_id)) or "not answered"),
        ]
        for _, title, items in definition.sections
        for item_id, text in items
    ]
    return Table(
        id="answers",
        caption="The answers",
        columns=("Question", "Domain", "Answer"),
        rows=rows,
    )


def document(
    results: Mapping[str, Any],
    responses: Mapping[str, str],
    definition: Definition,
    *,
    running_header: str,
    filename: str,
    facts: Sequence[tuple[str, str]],
    link: str | None,
) -> ReportDocument:
    titles = {section_id: title for section_id, title, _ in definition.sections}
    domains = domains_table(results)
    chart = bar_chart(
        domains,
        [SCORE],
        title="Score by domain (% of the maximum)",
        alt=alt_text(domains, [SCORE, "Maturity level"], "each domain's score, with its level"),
        maximum=100,
    )
    tables = [domains, objectives_table(results, titles), answers_table(definition, responses)]
    return ReportDocument(
        title=TITLE,
        running_header=running_header,
        filename=filename,
        tables=tables,
        charts=[chart],
        context={
            "facts": facts,
            "tables": {t.id: t for t in tables},
            "chart": chart,
            "link": link,
            "handling": "OFFICIAL",
        },
        caveats=[
            "The self-assessment describes the board's own view of where the trust is; it is "
            "for the board's development, not a comparison between trusts.",
            *provisional_caveat(definition),
        ],
    )


async def build_stored(upstream: Upstream, request: StoredRequest) -> ReportDocument:
    results, assessment, definition = await assessment_and_view(
        upstream, request.assessment_id, "board-results"
    )
    organisation = str(assessment["organisation_code"])
    on = str(assessment["assessed_on"])
    return document(
        results,
        assessment["responses"],
        definition,
        running_header=f"{organisation} · board self-assessment of {long_date(on)}",
        filename=f"board-self-assessment-{organisation}-{on}",
        facts=assessment_facts(assessment, definition),
        link=None,
    )


async def build_private(upstream: Upstream, request: PrivateRequest) -> ReportDocument:
    # Sent as given: scoring refuses both or neither (422 naming ``body``), as it would
    # the SPA.
    body: dict[str, Any] = {}
    if request.code is not None:
        body["code"] = request.code
    if request.responses is not None:
        body["responses"] = dict(request.responses)
    answer = await upstream.compute("scoring", PRIVATE, body)
    results = answer["results"]
    definition = await definition_of(
        upstream, INSTRUMENT, "standard", str(results["instrument_version"])
    )
    return document(
        results,
        answer["responses"],
        definition,
        running_header="Private board self-assessment · not stored by Equitas",
        filename="board-self-assessment-private",
        facts=[
            ("Kept by Equitas", "nothing: the link below holds the answers"),
            ("Instrument", f"{definition.title}, version {definition.version}"),
        ],
        link=regeneration_link(request.site, str(answer["code"])),
    )
