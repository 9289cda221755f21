"""fhirpy, a maintained FHIR client, against the gateway as an EPR would use it, with the
demo RiO client's token: create, read, search (following next links), update by id (with
and without a version), history (issue 17 item 7)."""

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fhirpy import AsyncFHIRClient
from fhirpy.base.exceptions import MultipleResourcesFound, OperationOutcome

from tests.support.fixtures import Tokens

NHS = "https://fhir.nhs.uk/Id/nhs-number"


async def _client(public_url: str, tokens: Tokens) -> AsyncFHIRClient:
    token = await tokens.system("rio-epr-demo", "patient:write patient:read")
    return AsyncFHIRClient(f"{public_url}/fhir", authorization=f"Bearer {token}")


def _patient_data(number: str) -> dict[str, Any]:
    return {
        "identifier": [{"system": NHS, "value": number}],
        "name": [{"use": "official", "family": "Adeyemi", "given": ["Tola"]}],
        "gender": "female",
        "birthDate": "1991-10-02",
        "telecom": [{"system": "phone", "value": "0113 496 0999", "use": "mobile"}],
    }


async def test_an_epr_works_with_fhirpy(
    public_url: str, tokens: Tokens, nhs_number: Callable[[], str]
) -> None:
    client = await _client(public_url, tokens)
    number = nhs_number()
    created = client.resource("Patient", **_patient_data(number))
    await created.save()  # POST Patient
    assert created.id is not None
    assert created["meta"]["versionId"] == "1"

    read = await client.reference("Patient", created.id).to_resource()  # GET Patient/{id}
    assert read["telecom"] == _patient_data(number)["telecom"]  # as sent

    found = await client.resources("Patient").search(identifier=f"{NHS}|{number}").fetch_all()
    assert [patient.id for patient in found] == [created.id]

    read["name"][0]["family"] = "Adeyemi-Cole"
    await read.save()  # PUT Patient/{id}, as fhirpy updates
    assert read["meta"]["versionId"] == "2"
    again = await client.reference("Patient", created.id).to_resource()
    assert again["name"][0]["family"] == "Adeyemi-Cole"

    history = await client.execute(f"Patient/{created.id}/_history", method="get")
    assert history["type"] == "history"
    assert [entry["resource"]["meta"]["versionId"] for entry in history["entry"]] == ["2", "1"]

    # Version-aware: a stale If-Match is refused (fhirpy reports 412 as this error).
    stale = copy.deepcopy(dict(read))
    stale_client = AsyncFHIRClient(
        f"{public_url}/fhir",
        authorization=client.authorization,
        extra_headers={"If-Match": 'W/"1"'},
    )
    with pytest.raises(MultipleResourcesFound):
        await stale_client.resource("Patient", **stale).save()

    # Paging: fhirpy follows the Bundle's next links.
    for _ in range(4):
        await client.resource("Patient", **_patient_data(nhs_number())).save()
    seen: list[str] = []
    async for patient in client.resources("Patient").limit(2):
        seen.append(patient.id)
        if len(seen) == 5:
            break
    assert len(seen) == 5
    assert len(set(seen)) == 5

    # What is not offered is refused with an OperationOutcome (405).
    with pytest.raises(OperationOutcome):
        await client.execute(f"Patient/{created.id}", method="delete")
