"""Aggregation's reading of the change feed matches scoring's committed contract
(``openapi/scoring.yaml``): aggregation declares its own models (services never import
each other's code), so a change in the contract fails here until the consumer follows."""

import random
from datetime import date, datetime
from pathlib import Path
from typing import Any, get_args

import msgspec
import orjson
import pytest
import yaml

from services.aggregation.feed import contract
from services.aggregation.tests.feed_events import hef_payload

DOCUMENT = Path(__file__).resolve().parents[4] / "openapi" / "scoring.yaml"
SCHEMAS: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())["components"]["schemas"]

# Aggregation's model -> the contract's schema; exact: aggregation reads every field.
EXACT = {contract.FeedPage: "FeedPage", contract.FeedItem: "FeedItem",
         contract.FeedPayload: "FeedPayloadV1", contract.FeedAnswer: "FeedAnswer"}  # fmt: skip
# Parts of the scores aggregation reads (the rest it ignores).
PARTIAL = {contract.FeedScores: "FeedScores", contract.FeedScoreGroup: "FeedScoreGroup",
           contract.FeedBand: "FeedBand", contract.FeedCompleteness: "FeedCompleteness"}  # fmt: skip


Declared = Any  # a msgspec Struct, or a TypedDict


def _fields(model: Declared) -> set[str]:
    if isinstance(model, type) and issubclass(model, msgspec.Struct):
        return set(model.__struct_fields__)
    return set(model.__annotations__)


def _required(model: Declared) -> set[str]:
    if isinstance(model, type) and issubclass(model, msgspec.Struct):
        return {f.name for f in msgspec.structs.fields(model) if f.required}
    return set(model.__required_keys__)


@pytest.mark.parametrize(("model", "name"), list(EXACT.items()))
def test_aggregation_reads_every_field_the_contract_publishes(model: Declared, name: str) -> None:
    assert _fields(model) == set(SCHEMAS[name]["properties"])


@pytest.mark.parametrize(("model", "name"), list({**EXACT, **PARTIAL}.items()))
def test_what_aggregation_requires_the_contract_requires(model: Declared, name: str) -> None:
    required_here = _required(model)
    published = set(SCHEMAS[name]["properties"])
    assert _fields(model) <= published
    assert required_here <= set(SCHEMAS[name].get("required", []))


def test_the_event_types_and_schema_version_are_the_contracts() -> None:
    payload = SCHEMAS["FeedPayloadV1"]["properties"]
    assert payload["schema_version"]["const"] == 1
    assert set(payload["event"]["enum"]) == set(get_args(contract.FeedEventType))
    assert set(SCHEMAS["FeedItem"]["properties"]["event_type"]["enum"]) == set(
        get_args(contract.FeedEventType)
    )
    assert set(get_args(contract.FeedEventType)) > contract.PRESENT


def _page(**payload_changes: Any) -> bytes:
    payload = {**hef_payload(random.Random(5)), **payload_changes}
    item = {"cursor": "7.1", "event_type": payload["event"], "occurred_at": "2026-05-20T10:00:00Z",
            "payload": payload}  # fmt: skip
    return orjson.dumps({"events": [item], "next_cursor": "7.1", "remaining": 0})


def test_a_page_of_the_contracts_shape_is_read_with_later_fields_ignored() -> None:
    page = contract.parse_page(_page(added_in_a_later_version={"anything": 1}))
    payload = page.events[0].payload
    assert isinstance(payload.assessed_on, date)
    assert isinstance(payload.submitted_at, datetime)
    assert payload.scores is not None
    assert set(payload.scores.sections) == {"social", "biological", "communication",
                                               "behaviour", "provision"}  # fmt: skip


@pytest.mark.parametrize(
    "changes",
    [
        {"revision": "2"},  # a number as text
        {"schema_version": 2},  # another version of the payload
        {"event": "assessment.archived"},
        {"assessed_on": "20/05/2026"},
        {"team_code": None},
        {"answers": {"housing": {"code": "low", "value": "1"}}},
        {"answers": {"housing": {"value": 1}}},  # no code
        {"scores": {"sections": {}}},  # no overall
    ],
)
def test_an_event_not_of_the_contracts_shape_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(contract.FeedError):
        contract.parse_page(_page(**changes))


def test_an_event_missing_a_field_is_refused() -> None:
    raw = orjson.loads(_page())
    del raw["events"][0]["payload"]["sex"]
    with pytest.raises(contract.FeedError):
        contract.parse_page(orjson.dumps(raw))
