"""Aggregation's reading of the change feed matches scoring's committed contract
(``openapi/scoring.yaml``): aggregation declares its own models (services never import
each other's code), so a change in the contract fails here until the consumer follows."""

from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import BaseModel

from services.aggregation.feed import contract

DOCUMENT = Path(__file__).resolve().parents[4] / "openapi" / "scoring.yaml"
SCHEMAS: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())["components"]["schemas"]

# Aggregation's model -> the contract's schema; exact: aggregation reads every field.
EXACT = {contract.FeedPage: "FeedPage", contract.FeedItem: "FeedItem",
         contract.FeedPayload: "FeedPayloadV1", contract.FeedAnswer: "FeedAnswer"}  # fmt: skip
# Parts of the scores aggregation reads (the rest it ignores).
PARTIAL = {contract.FeedScores: "FeedScores", contract.FeedScoreGroup: "FeedScoreGroup",
           contract.FeedBand: "FeedBand", contract.FeedCompleteness: "FeedCompleteness"}  # fmt: skip


def _fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


@pytest.mark.parametrize(("model", "name"), list(EXACT.items()))
def test_aggregation_reads_every_field_the_contract_publishes(
    model: type[BaseModel], name: str
) -> None:
    assert _fields(model) == set(SCHEMAS[name]["properties"])


@pytest.mark.parametrize(("model", "name"), list({**EXACT, **PARTIAL}.items()))
def test_what_aggregation_requires_the_contract_requires(model: type[BaseModel], name: str) -> None:
    required_here = {n for n, f in model.model_fields.items() if f.is_required()}
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
