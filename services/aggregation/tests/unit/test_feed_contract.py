"""Aggregation's reading of the change feed matches scoring's committed contract
(``openapi/scoring.yaml``): aggregation declares its own models (services never import
each other's code), so a change in the contract fails here until the consumer follows."""

from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from services.aggregation.feed import contract

DOCUMENT = Path(__file__).resolve().parents[4] / "openapi" / "scoring.yaml"
SCHEMAS: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())["components"]["schemas"]

# Aggregation's model -> the contract's schema; exact: aggregation reads every field.
EXACT = {contract.FeedPage: "FeedPage", contract.FeedItem: "FeedItem",
         contract.FeedPayload: "FeedPayloadV1", contract.FeedAnswer: "FeedAnswer"}  # fmt: skip
# Parts of the scores aggregation reads (the rest it ignores).
PARTIAL = {contract.FeedScores: "FeedScores", contract.FeedScoreGroup: "FeedScoreGroup",
           contract.FeedBand: "FeedBand", contract.FeedCompleteness: "FeedCompleteness"}  # fmt: skip


Declared = Any  # a pydantic model, or a TypedDict


def _fields(model: Declared) -> set[str]:
    if hasattr(model, "model_fields"):
        return set(model.model_fields)
    return set(model.__annotations__)


def _required(model: Declared) -> set[str]:
    if hasattr(model, "model_fields"):
        return {n for n, f in model.model_fields.items() if f.is_required()}
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
