"""``equitas-ingest patients``: an NDJSON extract loaded through the real gateway, resumed
after an interruption, with rejected lines and their reasons."""

import asyncio
import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from equitas_idp.get_token import DEMO_CLIENTS_DIR, load_demo_client_key
from equitas_stack.stack import Stack

from services.scoring.fhir.bulk_load import main
from services.scoring.tests.api.fhir_helpers import (
    fixture_json,
    people_with_number,
    scoring_db,
    with_nhs_number,
)

NhsNumbers = Any
# The EPR's own credentials, as a trust would give them (here the demo EPR's key).
CLIENT = "rio-epr-demo"
CREDENTIALS = [
    "--client", CLIENT,
    "--key-file", str(DEMO_CLIENTS_DIR / f"{CLIENT}.key.pem"),
    "--kid", load_demo_client_key(CLIENT).kid,
]  # fmt: skip


def _extract(path: Path, numbers: list[str]) -> list[str]:
    """An extract: a Patient per number, one line of broken JSON, one Patient refused by
    the server (bad NHS number), and a blank line. Returns the lines."""
    lines = []
    for i, number in enumerate(numbers):
        resource = with_nhs_number(fixture_json("patient-minimal.json"), number)
        resource["name"] = [{"family": f"Load{i}", "given": ["Ada"]}]
        lines.append(orjson.dumps(resource).decode())
    refused = copy.deepcopy(orjson.loads(lines[0]))
    refused["identifier"][0]["value"] = "9990000010"  # fails Modulus 11
    lines.insert(3, '{"resourceType": "Patient", "name": [')
    lines.insert(5, orjson.dumps(refused).decode())
    lines.insert(8, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


async def _ingest(*args: str) -> int:
    return await asyncio.to_thread(main, ["patients", *args, *CREDENTIALS, "--no-progress"])


async def test_load_resume_and_rejects(
    public_url: str, stack: Stack, nhs_number: NhsNumbers, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    numbers = [nhs_number() for _ in range(12)]
    extract = tmp_path / "extract.ndjson"
    _extract(extract, numbers)
    state, rejects = tmp_path / "state.json", tmp_path / "rejects.ndjson"
    common = ["--base-url", public_url, "--state", str(state), "--rejects", str(rejects)]

    # Interrupted after the first Bundle (3 Patients: lines 1-3).
    assert await _ingest(str(extract), *common, "--batch-size", "3", "--max-batches", "1") == 0
    first = orjson.loads(state.read_bytes())
    assert (first["line"], first["complete"]) == (3, False)
    assert first["counts"] == {
        "created": 3, "updated": 0, "unchanged": 0, "ignored_older": 0, "rejected": 0
    }  # fmt: skip
    async with scoring_db(stack) as conn:
        assert len(await people_with_number(conn, numbers[2])) == 1
        assert await people_with_number(conn, numbers[3]) == []
    assert "rerun to continue" in capsys.readouterr().out

    # The rerun carries on from line 4, with more Bundles in flight.
    common += ["--batch-size", "2", "--concurrency", "3"]
    assert await _ingest(str(extract), *common) == 0
    final = orjson.loads(state.read_bytes())
    assert final["complete"] is True
    assert final["counts"] == {
        "created": 12, "updated": 0, "unchanged": 0, "ignored_older": 0, "rejected": 2
    }  # fmt: skip
    printed = capsys.readouterr().out
    assert "This run: created 9 · updated 0 · unchanged 0 · ignored-older 0 · rejected 2" in printed
    async with scoring_db(stack) as conn:
        for i, number in enumerate(numbers):
            [row] = await people_with_number(conn, number)
            assert (row["ods_code"], row["family_name"], row["version"]) == ("EQA", f"Load{i}", 1)
    refused = [orjson.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["line"] for r in refused] == [4, 6]
    assert refused[0]["reasons"][0]["diagnostics"].startswith("Invalid JSON")
    assert refused[0]["text"] == '{"resourceType": "Patient", "name": ['
    assert refused[1]["reasons"][0]["expression"] == [
        "Bundle.entry[1].resource.identifier[0].value"
    ]
    assert "check_digit" in refused[1]["reasons"][0]["diagnostics"]

    # A finished load is not loaded again; a fresh load of the same file changes nothing.
    assert await _ingest(str(extract), *common) == 0
    assert "was loaded already" in capsys.readouterr().out
    again = ["--base-url", public_url, "--batch-size", "5"]
    assert await _ingest(str(extract), *again) == 0
    assert "created 0 · updated 0 · unchanged 12 · ignored-older 0 · rejected 2" in (
        capsys.readouterr().out
    )


async def test_state_of_another_file_is_refused(
    public_url: str, nhs_number: NhsNumbers, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    _extract(first, [nhs_number() for _ in range(3)])
    _extract(second, [nhs_number() for _ in range(3)])
    state = tmp_path / "state.json"
    args = ["--base-url", public_url, "--state", str(state), "--max-batches", "1"]
    assert await _ingest(str(first), *args, "--batch-size", "2") == 0
    assert await _ingest(str(second), *args) == 2


async def test_unreachable_server_fails_and_keeps_the_state(
    nhs_number: NhsNumbers, tmp_path: Path
) -> None:
    extract = tmp_path / "extract.ndjson"
    _extract(extract, [nhs_number() for _ in range(3)])
    state = tmp_path / "state.json"
    args = ["--base-url", "http://127.0.0.1:9", "--state", str(state)]
    assert await _ingest(str(extract), *args) == 1
    assert not state.exists()
