"""Integrator tooling (issue 17, item 6): ``equitas-ingest generate`` makes test Patients
the server accepts, the progress bar counts Patients, and after a crash the whole-load
summary says what the load really did."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from equitas_idp.get_token import DEMO_CLIENTS_DIR, load_demo_client_key
from equitas_stack.stack import Stack
from fhir.resources.R4B.patient import Patient
from rich.progress import Progress

from services.scoring.fhir.bulk_load import main
from services.scoring.fhir.extract_file import Batch, InDoubt, State
from services.scoring.fhir.load_bookkeeping import BatchResult, Bookkeeping, LineAnswer
from services.scoring.people.nhs_number import is_valid_nhs_number
from services.scoring.tests.api.fhir_helpers import (
    NHS_SYSTEM,
    fixture_json,
    people_with_number,
    scoring_db,
    with_nhs_number,
)

CLIENT = "rio-epr-demo"
CREDENTIALS = [
    "--client", CLIENT,
    "--key-file", str(DEMO_CLIENTS_DIR / f"{CLIENT}.key.pem"),
    "--kid", load_demo_client_key(CLIENT).kid,
]  # fmt: skip
NhsNumbers = Any


def _numbers(path: Path) -> list[str]:
    return [
        next(i["value"] for i in orjson.loads(line)["identifier"] if i["system"] == NHS_SYSTEM)
        for line in path.read_bytes().splitlines()
    ]


def test_generate_writes_uk_core_patients_with_test_range_nhs_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "patients.ndjson"
    assert main(["generate", "--count", "300", "--out", str(out), "--seed", "7"]) == 0
    assert "Wrote 300 synthetic Patients" in capsys.readouterr().out
    lines = out.read_bytes().splitlines()
    assert len(lines) == 300
    numbers = _numbers(out)
    assert len(set(numbers)) == 300
    assert all(n.startswith("999") and is_valid_nhs_number(n) for n in numbers)
    for line in lines[:20]:
        resource = orjson.loads(line)
        Patient.model_validate(resource)
        assert resource["meta"]["profile"] == [
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
        ]
    again = tmp_path / "again.ndjson"
    assert main(["generate", "--count", "300", "--out", str(again), "--seed", "7"]) == 0
    assert again.read_bytes() == out.read_bytes()  # the same seed, the same Patients
    with pytest.raises(SystemExit):
        main(["generate", "--count", "0", "--out", str(again)])


async def _ingest(*args: str) -> int:
    return await asyncio.to_thread(main, ["patients", *args, *CREDENTIALS, "--no-progress"])


async def test_generated_patients_load_through_the_gateway(
    public_url: str, stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extract = tmp_path / "generated.ndjson"
    # A seed of its own, so that other tests' people do not share these numbers.
    seed = str(int(datetime.now(UTC).timestamp() * 1000) % 1_000_000_007)
    assert main(["generate", "--count", "40", "--out", str(extract), "--seed", seed]) == 0
    args = ["--base-url", public_url, "--batch-size", "15", "--state", str(tmp_path / "s.json")]
    assert await _ingest(str(extract), *args) == 0
    printed = capsys.readouterr().out
    assert "Whole load: created 40 · updated 0 · unchanged 0 · ignored-older 0 · rejected 0" in (
        printed
    )
    async with scoring_db(stack) as conn:
        for number in _numbers(extract)[:5]:
            assert [row["ods_code"] for row in await people_with_number(conn, number)] == ["EQA"]


async def test_after_a_crash_the_whole_load_counts_what_was_really_created(
    public_url: str, nhs_number: NhsNumbers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = [nhs_number() for _ in range(9)]
    lines = []
    for i, number in enumerate(numbers):
        resource = with_nhs_number(fixture_json("patient-minimal.json"), number)
        resource["name"] = [{"family": f"Crash{i}", "given": ["Ada"]}]
        lines.append(orjson.dumps(resource) + b"\n")
    extract = tmp_path / "extract.ndjson"
    # Line 1 was loaded before, by an earlier load: it really is unchanged.
    extract.write_bytes(lines[0])
    assert await _ingest(str(extract), "--base-url", public_url) == 0
    extract.write_bytes(b"".join(lines))
    crashed_at = datetime.now(UTC)

    # The crashed run: Bundles of 3; the first (lines 1-3) was written by the server but
    # its answer lost; the second (lines 4-6) answered before it. Then the process died:
    # nothing is acknowledged. (Made here by loading lines 1-6 and writing the state the
    # crashed run would have left.)
    six = tmp_path / "six.ndjson"
    six.write_bytes(b"".join(lines[:6]))
    assert await _ingest(str(six), "--base-url", public_url, "--batch-size", "3") == 0
    state = State.start(extract)
    state.outcomes = {"4": "created", "5": "created", "6": "created"}
    state.in_doubt = [InDoubt(first_line=1, last_line=3, sent_after=crashed_at.isoformat())]
    state_file = tmp_path / "state.json"
    state.save(state_file)
    capsys.readouterr()

    args = ["--base-url", public_url, "--batch-size", "3", "--state", str(state_file)]
    assert await _ingest(str(extract), *args) == 0
    printed = capsys.readouterr().out
    # What the server answered this time, and what the load did.
    assert "This run: created 3 · updated 0 · unchanged 6 · ignored-older 0" in printed
    assert "Whole load: created 8 · updated 0 · unchanged 1 · ignored-older 0" in printed
    final = orjson.loads(state_file.read_bytes())
    assert (final["outcomes"], final["in_doubt"], final["complete"]) == ({}, [], True)


def test_the_progress_bar_counts_patients(tmp_path: Path) -> None:
    extract = tmp_path / "extract.ndjson"
    extract.write_bytes(b"{}\n" * 2500 + b"{}")  # the last line without a newline counts
    progress = Progress(disable=True)
    books = Bookkeeping(extract, State.start(extract), progress, state_path=None, rejects_path=None)
    [task] = progress.tasks
    assert (task.total, task.completed) == (2501, 0)
    # The second Bundle answers first: the bar moves by its Patients at once.
    second = Batch(1, end_offset=6000, end_line=2000, first_line=1001)
    answers = [LineAnswer(line, "created") for line in range(1001, 2001)]
    books.answered(BatchResult(second, answers, []))
    assert task.completed == 1000
    assert books.state.line == 0  # not acknowledged: the first Bundle is still out
    first = Batch(0, end_offset=3000, end_line=1000, first_line=1)
    books.answered(BatchResult(first, [LineAnswer(n, "created") for n in range(1, 1001)], []))
    assert (task.completed, books.state.line, books.state.counts.created) == (2000, 2000, 2000)
    books.close()
