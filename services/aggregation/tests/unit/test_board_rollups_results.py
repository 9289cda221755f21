"""Board roll-ups without I/O (decision 0047): what is kept of an organisational feed event
(codes and numbers only), the last event of each assessment, and trusts side by side by
name, never by score. The feed shapes are checked against scoring's committed contract."""

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from services.aggregation.organisational import contract
from services.aggregation.organisational.apply import result_row
from services.aggregation.organisational.results import (
    NO_RANKING,
    BoardResult,
    last_of_each,
    maturity_side_by_side,
    name_order,
    result_of,
    scorecards_side_by_side,
    stored_result,
)

DOCUMENT = Path(__file__).resolve().parents[4] / "openapi" / "scoring.yaml"
SCHEMAS: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())["components"]["schemas"]
SUBMITTED = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def band(code: str, label: str = "A label") -> dict[str, str]:
    return {"code": code, "label": label}


def group(scores: dict[str, Any], bands: dict[str, Any]) -> dict[str, Any]:
    # As the engine writes it: labels, counted items and completeness beside the numbers.
    return {
        "scores": scores,
        "bands": bands,
        "counted_items": {"x": ["a"]},
        "completeness": {"complete": True, "rated": 6, "unanswered": 0},
    }


def maturity_scores(by_domain: dict[str, tuple[float, str]], overall: tuple[float, str]) -> Any:
    return {
        "instrument": "board-self-assessment",
        "sections": {
            d: group({"percent": s}, {"domain_maturity": band(lv)})
            for d, (s, lv) in by_domain.items()
        },
        "groupings": {},
        "overall": group({"percent": overall[0]}, {"overall_maturity": band(overall[1])}),
    }


def item(
    *,
    key: str,
    organisation: str,
    assessed_on: str = "2026-03-01",
    event: str = "assessment.submitted",
    instrument: str = "board-self-assessment",
    revision: int = 1,
    scores: Any = None,
    subject_type: str = "organisation",
    cursor: str = "1.1",
) -> contract.OrganisationalItem:
    return contract.OrganisationalItem.model_validate(
        {
            "cursor": cursor,
            "event_type": event,
            "occurred_at": SUBMITTED.isoformat(),
            "payload": {
                "schema_version": 1,
                "event": event,
                "subject_type": subject_type,
                "assessment_key": key,
                "project_key": None,
                "revision": revision,
                "organisation_code": organisation,
                "commissioner_code": "QZZ",
                "instrument": instrument,
                "variant": "standard",
                "instrument_version": "1.0.0-provisional",
                "episode_type": None,
                "assessed_on": assessed_on,
                "review_due_on": None,
                "submitted_at": SUBMITTED.isoformat(),
                "answers": {"ph_team": {"code": "planned", "value": 1}},
                "scores": scores,
            },
        }
    )


def self_assessment(key: str, organisation: str, percent: float, level: str, **kw: Any) -> Any:
    scores = maturity_scores(
        {"capacity": (percent, level), "data": (percent, level)}, (percent, level)
    )
    return item(key=key, organisation=organisation, scores=scores, **kw)


NAMES = {"EQA": "Equitas Demo Trust A", "EQB": "Equitas Demo Trust B", "EQC": "a trust"}


def test_only_codes_and_numbers_are_kept() -> None:
    scores = maturity_scores({"capacity": (50, "developing")}, (50, "developing"))
    scores["sections"]["capacity"]["scores"]["note"] = "free text"  # not a number
    scores["sections"]["capacity"]["scores"]["flag"] = True  # not a score
    scores["sections"]["capacity"]["bands"]["odd"] = band("Has Spaces")  # not a code
    scores["sections"]["Not A Code"] = group({"percent": 1}, {})
    kept = result_of(item(key="ak_1", organisation="EQA", scores=scores))
    assert kept is not None
    assert [s.code for s in kept.sections] == ["capacity"]
    assert kept.sections[0].scores == {"percent": 50.0}
    assert kept.sections[0].bands == {"domain_maturity": "developing"}
    assert kept.overall.bands == {"overall_maturity": "developing"}
    row = result_row(kept, SUBMITTED)
    for text in ("label", "A label", "planned"):  # no label, no answer
        assert text not in str(row)


@pytest.mark.parametrize(
    ("instrument", "subject_type"),
    [("heat", "programme"), ("heat-audit", "programme"), ("hef", "organisation")],
)
def test_other_instruments_are_not_kept(instrument: str, subject_type: str) -> None:
    event = item(key="ak_1", organisation="EQA", instrument=instrument, subject_type=subject_type)
    assert result_of(event) is None


def test_the_last_event_of_each_assessment_in_a_page_wins() -> None:
    page = [
        self_assessment("ak_1", "EQA", 50, "developing"),
        self_assessment("ak_2", "EQB", 10, "emerging"),
        self_assessment("ak_1", "EQA", 80, "thriving", revision=2, event="assessment.amended"),
        self_assessment("ak_2", "EQB", 10, "emerging", event="assessment.deleted"),
    ]
    last = {r.assessment_key: r for r in last_of_each(page)}
    assert (last["ak_1"].revision, last["ak_1"].overall.level, last["ak_1"].present) == (
        2,
        "thriving",
        True,
    )
    assert last["ak_2"].present is False


def test_a_stored_row_reads_back_as_the_result_it_was_made_from() -> None:
    made = result_of(self_assessment("ak_1", "EQA", 50, "developing"))
    assert made is not None
    row = result_row(made, SUBMITTED)
    columns = ("assessment_key", "revision", "deleted", "instrument", "instrument_version",
               "organisation_code", "commissioner_code", "assessed_on", "submitted_at",
               "overall", "sections", "groupings")  # fmt: skip
    stored = dict(zip(columns, row[: len(columns)], strict=True))
    for c in ("overall", "sections", "groupings"):
        stored[c] = json.loads(str(stored[c]))
    assert stored_result(stored) == made


def _results(*items: contract.OrganisationalItem) -> list[BoardResult]:
    found = [result_of(i) for i in items]
    return [r for r in found if r is not None]


def test_trusts_side_by_side_by_name_never_by_score() -> None:
    # Ranked by score, C (thriving) would come first and A last; by name A, B, then the
    # unnamed one. Each year shows the latest of that year; a deleted one is left out.
    results = _results(
        self_assessment("ak_a1", "EQA", 10, "emerging", assessed_on="2025-02-01"),
        self_assessment("ak_a2", "EQA", 30, "developing", assessed_on="2025-11-30"),
        self_assessment("ak_a3", "EQA", 60, "maturing", assessed_on="2026-01-15"),
        self_assessment("ak_b1", "EQB", 55, "maturing", assessed_on="2026-02-01"),
        self_assessment("ak_c1", "EQC", 90, "thriving", assessed_on="2026-02-01"),
        self_assessment("ak_x1", "EQX", 95, "thriving", assessed_on="2026-02-01"),
        self_assessment("ak_b2", "EQB", 99, "thriving", event="assessment.deleted"),
    )
    view = maturity_side_by_side(results, NAMES, "QZZ")
    assert [o.organisation.code for o in view.organisations] == ["EQC", "EQA", "EQB", "EQX"]
    assert view.order == "organisation_name"
    assert view.caveats[0] == NO_RANKING
    assert view.icb == "QZZ"
    assert view.years == [2025, 2026]
    assert view.domains == ["capacity", "data"]
    eqa = view.organisations[1]
    assert [(y.year, y.assessed_on, y.overall.level, y.overall.score) for y in eqa.years] == [
        (2025, date(2025, 11, 30), "developing", 30.0),
        (2026, date(2026, 1, 15), "maturing", 60.0),
    ]
    assert [(d.domain, d.level) for d in eqa.years[1].domains] == [
        ("capacity", "maturing"),
        ("data", "maturing"),
    ]
    eqb = view.organisations[2]
    assert [y.overall.level for y in eqb.years] == ["maturing"]  # the deleted one is out
    assert view.organisations[3].organisation.name is None
    for shown in (view.model_dump(), eqa.model_dump()):
        assert "rank" not in shown  # no rank is given


def test_names_order_ignores_case_and_puts_the_unnamed_last() -> None:
    names = {"B": "beta", "A": "Alpha", "C": None, "D": "alpha"}
    assert name_order(["C", "B", "D", "A", "Z"], names) == ["A", "D", "B", "C", "Z"]


def _scorecard(key: str, organisation: str, assessed_on: str, weakest: str) -> Any:
    counts = {"assured": 4, "partly_assured": 1, "not_assured": 0, "not_assessed": 0}

    def rolled(band_id: str) -> dict[str, Any]:
        lowest = {"assured": 2, "partly_assured": 1, "not_assured": 0}[weakest]
        return group({"lowest": lowest, **counts}, {band_id: band(weakest)})

    scores = {
        "sections": {f"k{k}": rolled("kloe_rating") for k in range(1, 9)},
        "groupings": {"priority": {f"p{p}": rolled("priority_rating") for p in range(1, 6)}},
        "overall": rolled("overall_rating"),
    }
    return item(
        key=key,
        organisation=organisation,
        instrument="board-assurance",
        assessed_on=assessed_on,
        scores=scores,
    )


def test_scorecards_side_by_side_oldest_first() -> None:
    results = _results(
        _scorecard("ak_b1", "EQB", "2026-04-01", "assured"),
        _scorecard("ak_a2", "EQA", "2026-06-01", "partly_assured"),
        _scorecard("ak_a1", "EQA", "2025-06-01", "not_assured"),
        self_assessment("ak_s", "EQA", 50, "developing"),  # another instrument: not here
    )
    view = scorecards_side_by_side(results, NAMES, None)
    assert [o.organisation.code for o in view.organisations] == ["EQA", "EQB"]
    assert view.dates == [date(2025, 6, 1), date(2026, 4, 1), date(2026, 6, 1)]
    eqa = view.organisations[0].scorecards
    assert [(s.assessed_on, s.overall.rating) for s in eqa] == [
        (date(2025, 6, 1), "not_assured"),
        (date(2026, 6, 1), "partly_assured"),
    ]
    latest = eqa[1]
    assert [k.code for k in latest.key_lines_of_enquiry] == [f"k{k}" for k in range(1, 9)]
    assert [p.code for p in latest.priorities] == [f"p{p}" for p in range(1, 6)]
    assert latest.priorities[0].model_dump() == {
        "code": "p1",
        "rating": "partly_assured",
        "assured": 4,
        "partly_assured": 1,
        "not_assured": 0,
        "not_assessed": 0,
    }
    assert view.caveats[0] == NO_RANKING


# -- the feed as scoring's committed contract publishes it -----------------------------------

READ = {
    contract.OrganisationalPage: "OrganisationalFeedPage",
    contract.OrganisationalItem: "OrganisationalFeedItem",
    contract.OrganisationalPayload: "OrganisationalPayloadV1",
}


@pytest.mark.parametrize(("model", "name"), list(READ.items()))
def test_what_aggregation_reads_the_contract_publishes_and_requires(model: Any, name: str) -> None:
    published = SCHEMAS[name]
    assert set(model.model_fields) <= set(published["properties"])
    required = {n for n, f in model.model_fields.items() if f.is_required()}
    assert required <= set(published.get("required", []))


def test_the_event_types_and_schema_version_are_the_contracts() -> None:
    payload = SCHEMAS["OrganisationalPayloadV1"]["properties"]
    assert payload["schema_version"]["const"] == 1
    events = set(get_args(contract.OrganisationalEventType))
    assert set(payload["event"]["enum"]) == events
    assert set(SCHEMAS["OrganisationalFeedItem"]["properties"]["event_type"]["enum"]) == events
    assert events > contract.PRESENT
