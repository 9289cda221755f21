"""``equitas-ingest patients FILE.ndjson``: the initial load of an EPR's Patients
(``equitas-ingest generate`` writes synthetic ones to try it with: ``synthetic_patients``).

An EPR extract is NDJSON: one FHIR R4 UK Core Patient (JSON) per line. The loader posts
them to Equitas's FHIR endpoint through the gateway as ``batch`` Bundles (each entry
``POST Patient``: create, or update by NHS number), a few Bundles at a time, with the
EPR client's own client-credentials token (``private_key_jwt`` with ``--client``,
``--key-file`` and ``--kid``; ``services.common.client_credentials``). See docs/fhir.md.

- Each Bundle carries an ``Idempotency-Key`` of its own, the same on every retry of it, so
  a Bundle whose answer was lost (a timeout, a 503) is answered again as it was done.
- Resumable: ``--state FILE`` records the byte offset and line number after the last
  Bundle acknowledged *with every Bundle before it* (Bundles finish out of order). A rerun
  starts there; Bundles sent again are harmless, because re-sending a Patient changes
  nothing (idempotency rules in ingest_plan).
- ``--rejects FILE`` gets one JSON line per refused line: its line number, the reasons
  (OperationOutcome issues, or why it is not JSON) and the line as it was.
- Prints created / updated / unchanged / ignored-older / rejected counts, for this run
  (what the server answered) and, with a state file, for the whole load (what the load
  did to each line the first time: ``load_bookkeeping``). The progress bar counts
  Patients (lines of the file).

Exit status: 0 when the file was loaded (rejected lines included) or ``--max-batches``
was reached; 1 when the server or the network failed for good (rerun to resume); 2 for
bad arguments or a state file that belongs to another file.
"""

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from services.common.client_credentials import ClientCredentials, TokenRequestError, signing_key
from services.scoring.fhir import synthetic_patients
from services.scoring.fhir.extract_file import (
    Batch,
    Counts,
    Outcome,
    State,
    StateMismatch,
    read_batches,
    reject_record,
)
from services.scoring.fhir.load_bookkeeping import BatchResult, Bookkeeping, LineAnswer

__all__ = ["main"]

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
SCOPE = "patient:write"
OUTCOME_SYSTEM = "https://equitas.nhs.example/fhir/CodeSystem/ingest-outcome"
_RETRIES = 6  # per Bundle, for network failures and 409/429/502/503/504
# 409: the Bundle's Idempotency-Key is in use by its own earlier attempt, still running.
_RETRY_STATUSES = frozenset({409, 429, 502, 503, 504})


class LoadError(Exception):
    """The load cannot go on (the server refused a whole Bundle, or kept failing)."""


def _outcome_codes(outcome: Any) -> set[str]:
    issues = outcome.get("issue", []) if isinstance(outcome, dict) else []
    return {
        coding.get("code")
        for issue in issues
        for coding in issue.get("details", {}).get("coding", [])
        if coding.get("system") == OUTCOME_SYSTEM
    }


def _changed(response: dict[str, Any]) -> tuple[datetime | None, int | None]:
    """When the Patient last changed and its version, from an entry's response."""
    try:
        changed_at = datetime.fromisoformat(str(response["lastModified"]))
    except (KeyError, ValueError):
        changed_at = None
    version = str(response.get("location", "")).rpartition("/_history/")[2]
    return changed_at, int(version) if version.isdigit() else None


def classify(batch: Batch, response_bundle: dict[str, Any]) -> BatchResult:
    """Each line's outcome and the rejects, from a ``batch-response`` Bundle (entries in
    request order)."""
    entries = response_bundle.get("entry", [])
    if len(entries) != len(batch.entries):
        raise LoadError(f"the server answered {len(entries)} entries for {len(batch.entries)}")
    answers = [LineAnswer(int(reject["line"]), "rejected") for reject in batch.rejects]
    rejects = list(batch.rejects)
    for (line_number, raw), answered in zip(batch.entry_lines, entries, strict=True):
        response = answered.get("response", {})
        status = int(str(response.get("status", "0")).split(" ")[0] or 0)
        codes = _outcome_codes(response.get("outcome"))
        outcome: Outcome = "updated"
        if status == 201:
            outcome = "created"
        elif status == 200 and "ignored-older" in codes:
            outcome = "ignored_older"
        elif status == 200 and codes & {"unchanged", "exists"}:
            outcome = "unchanged"
        elif status != 200:
            outcome = "rejected"
            issues = response.get("outcome", {}).get("issue", [])
            rejects.append(
                reject_record(line_number, raw, issues or [{"diagnostics": str(response)}])
            )
        answers.append(LineAnswer(line_number, outcome, *_changed(response)))
    answers.sort(key=lambda answer: answer.line)
    rejects.sort(key=lambda reject: int(reject["line"]))
    return BatchResult(batch, answers, rejects)


def _problem(response: httpx.Response) -> str:
    try:
        issues = response.json().get("issue", [])
        return "; ".join(str(issue.get("diagnostics")) for issue in issues) or response.text[:300]
    except ValueError:
        return response.text[:300]


async def send(http: httpx.AsyncClient, batch: Batch) -> BatchResult:
    """Post one batch Bundle, retrying what is worth retrying (``http`` carries the
    client's token and renews it on a 401)."""
    if not batch.entries:
        return classify(batch, {})
    content = orjson.dumps({"resourceType": "Bundle", "type": "batch", "entry": batch.entries})
    headers = {
        "Content-Type": "application/fhir+json",
        "Accept": "application/fhir+json",
        # One key per Bundle, the same on each retry: an attempt that timed out but was done
        # is answered as it was (created stays created), never done twice.
        "Idempotency-Key": f"equitas-ingest-{uuid.uuid4()}",
    }
    for attempt in range(_RETRIES):
        try:
            response = await http.post("/fhir", content=content, headers=headers)
        except httpx.TransportError as error:
            if attempt == _RETRIES - 1:
                raise LoadError(f"could not reach the server: {error!r}") from error
            await asyncio.sleep(min(2**attempt, 30))
            continue
        if response.status_code == 200:
            return classify(batch, response.json())
        if response.status_code in _RETRY_STATUSES and attempt < _RETRIES - 1:
            retry_after = response.headers.get("retry-after", "")
            await asyncio.sleep(
                float(retry_after) if retry_after.isdigit() else min(2**attempt, 30)
            )
            continue
        raise LoadError(
            f"the server refused a Bundle ({response.status_code}): {_problem(response)}"
        )
    raise LoadError("the server kept failing")  # pragma: no cover - the loop raises first


@dataclass
class Options:
    path: Path
    base_url: str
    token_url: str
    client: str
    pem: bytes
    kid: str | None
    batch_size: int
    concurrency: int
    state_path: Path | None
    rejects_path: Path | None
    max_batches: int | None
    progress: bool


async def load(options: Options, state: State, console: Console) -> tuple[Counts, bool]:
    """Load from ``state`` on; returns this run's counts and whether the file is done."""
    limits = httpx.Limits(max_connections=options.concurrency + 1)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("Patients"),
        TimeRemainingColumn(),
    )
    progress = Progress(*columns, console=console, disable=not options.progress)
    credentials = ClientCredentials(
        options.token_url, options.client, options.pem, SCOPE, kid=options.kid
    )
    books = Bookkeeping(
        options.path,
        state,
        progress,
        state_path=options.state_path,
        rejects_path=options.rejects_path,
    )
    try:
        async with (
            credentials,
            httpx.AsyncClient(
                base_url=options.base_url, timeout=300, limits=limits, auth=credentials.auth()
            ) as http,
        ):
            await credentials.token()  # fail fast on bad credentials
            books.set_server_clock(await http.get("/fhir/metadata"))
            with progress:
                return books.run, await _send_all(http, options, state, books)
    finally:
        books.close()


async def _send_all(
    http: httpx.AsyncClient, options: Options, state: State, books: Bookkeeping
) -> bool:
    """Send the Bundles from ``state`` on, ``options.concurrency`` at a time; whether the
    end of the file was reached."""
    in_flight: set[asyncio.Task[BatchResult]] = set()

    async def settle(wait_for_all: bool) -> None:
        nonlocal in_flight
        finished, in_flight = await asyncio.wait(
            in_flight,
            return_when=asyncio.ALL_COMPLETED if wait_for_all else asyncio.FIRST_COMPLETED,
        )
        for finished_task in sorted(finished, key=lambda task: task.result().batch.number):
            books.answered(finished_task.result())  # a LoadError stops the load

    reached_end = True
    try:
        for batch in read_batches(options.path, state, options.batch_size):
            if options.max_batches is not None and batch.number >= options.max_batches:
                reached_end = False
                break
            while len(in_flight) >= options.concurrency:
                await settle(False)
            books.sending(batch)
            in_flight.add(asyncio.create_task(send(http, batch)))
        while in_flight:
            await settle(True)
    finally:
        for unfinished in in_flight:
            unfinished.cancel()
    return reached_end


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="equitas-ingest", description="Load FHIR Patients into Equitas through its gateway."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    patients = commands.add_parser("patients", help="load an NDJSON file of UK Core Patients")
    patients.add_argument("file", type=Path, help="NDJSON: one Patient (JSON) per line")
    patients.add_argument("--base-url", default=DEFAULT_BASE_URL, help="the Equitas gateway")
    patients.add_argument("--token-url", help="default: <base-url>/idp/token")
    patients.add_argument("--client", required=True, help="your system's OAuth client id")
    patients.add_argument(
        "--key-file", type=Path, required=True, help="its private key (PEM: RSA or P-256)"
    )
    patients.add_argument(
        "--kid", help="the key's id in your registered JWKS (needed when it has more than one)"
    )
    patients.add_argument("--batch-size", type=int, default=1000, help="Patients per Bundle")
    patients.add_argument("--concurrency", type=int, default=2, help="Bundles in flight")
    patients.add_argument("--state", type=Path, help="resume file (created if missing)")
    patients.add_argument("--rejects", type=Path, help="NDJSON file of refused lines")
    patients.add_argument("--max-batches", type=int, help="stop after this many Bundles")
    patients.add_argument("--no-progress", action="store_true", help="no progress bar")
    synthetic = commands.add_parser(
        "generate", help="write synthetic UK Core Patients (test-range NHS numbers) to load"
    )
    synthetic_patients.add_arguments(synthetic)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "generate":
        if not 1 <= args.count <= synthetic_patients.MAX_COUNT:
            parser.error(f"--count must be from 1 to {synthetic_patients.MAX_COUNT:,}")
        written = synthetic_patients.generate(args.count, args.out, args.seed)
        print(f"Wrote {written:,} synthetic Patients to {args.out}")
        return 0
    if args.batch_size < 1 or args.concurrency < 1 or (args.max_batches or 1) < 1:
        parser.error("--batch-size, --concurrency and --max-batches must be at least 1")
    if not args.file.is_file():
        parser.error(f"{args.file} is not a file")
    console = Console(stderr=True)
    try:
        pem = args.key_file.read_bytes()
        signing_key(pem)
    except (OSError, ValueError) as error:
        parser.error(f"cannot use the client key {args.key_file}: {error}")
    base_url = args.base_url.rstrip("/")
    try:
        if args.state is not None and args.state.exists():
            state = State.load(args.state, args.file)
        else:
            state = State.start(args.file)
    except (StateMismatch, ValueError, TypeError) as error:
        print(f"equitas-ingest: {error}", file=sys.stderr)
        return 2
    if state.complete:
        print(f"{args.file} was loaded already: {state.counts.line()}")
        return 0
    options = Options(
        path=args.file,
        base_url=base_url,
        token_url=args.token_url or f"{base_url}/idp/token",
        client=args.client,
        pem=pem,
        kid=args.kid,
        batch_size=args.batch_size,
        concurrency=args.concurrency,
        state_path=args.state,
        rejects_path=args.rejects,
        max_batches=args.max_batches,
        progress=not args.no_progress,
    )
    started = time.monotonic()
    try:
        run, finished = asyncio.run(load(options, state, console))
    except (LoadError, TokenRequestError, httpx.HTTPError) as error:
        print(f"equitas-ingest: {error}", file=sys.stderr)
        if args.state is not None:
            print(f"Progress is saved in {args.state}: rerun to resume.", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    if finished:
        state.complete = True
        if args.state is not None:
            state.save(args.state)
    loaded = run.created + run.updated + run.unchanged + run.ignored_older + run.rejected
    rate = loaded / elapsed if elapsed > 0 else 0.0
    print(f"This run: {run.line()} ({loaded:,} lines in {elapsed:.1f} s, {rate:,.0f}/s)")
    if args.state is not None:
        print(f"Whole load: {state.counts.line()} (to line {state.line:,})")
    if not finished:
        print(f"Stopped after {args.max_batches} Bundles; rerun to continue.")
    if run.rejected and args.rejects is not None:
        print(f"Rejected lines and their reasons: {args.rejects}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
