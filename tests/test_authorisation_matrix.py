"""The authorisation matrix: every operation of the committed OpenAPI documents, called by
every kind of caller through the real gateway with a real token, answers with the status
written in `tests/authorisation_matrix.md`.

The table cannot fall behind the code: an operation without a row fails, and so does a row
for an operation that no longer exists. Requests are made valid (ids that exist, complete
bodies, the current ETag) so that a refusal comes from who is asking, not from what was
sent: the team's clinician gets 2xx, and everyone else is refused.

Writes that change what they touch (editing, submitting, deleting) get their own fresh
person or assessment for each caller, so all the calls can run at once and still answer
the same way every time. When the matrix differs, the whole observed matrix is written to
`var/authorisation-matrix.observed.md` to compare with the table.
"""

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from equitas_idp.demo import DemoUser
from equitas_stack.stack import Stack

from services.scoring.tests.api.board_helpers import (
    BoardWorld,
    assurance_answers,
    commission,
)
from services.scoring.tests.api.hef import all_rated
from tests.support.authorisation_table import (
    CALLERS,
    REPO,
    SERVICES,
    TABLE,
    Caller,
    operations,
    read_table,
    write_table,
)
from tests.support.fixtures import Tokens
from tests.support.world import ASSESSED_ON, World, build_world, next_nhs_number

OBSERVED = REPO / "var" / "authorisation-matrix.observed.md"
HEF_VERSION = "1.0.0-provisional"


# Callers who may see the world's person: the team's member and lead, and the administrator
# (who restores assessments and reads the audit log, which name records by id).
MAY_SEE_THE_PERSON = {"team", "lead", "admin"}

# --- Requests: how each operation is called so that only the caller decides the answer ----


@dataclass
class Call:
    path_params: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    content: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


Recipe = Callable[[World], Awaitable[Call]]


def _definition_text() -> Path:
    return next((REPO / "services/scoring/instruments/definitions/hef/standard").glob("*.yaml"))


async def _edit_person(w: World) -> Call:
    person = await w.new_person()
    return Call(
        {"person_id": person}, json={"given_name": "Robin"}, headers={"If-Match": w.etags[person]}
    )


async def _edit_draft(w: World) -> Call:
    draft = await w.new_assessment(submitted=False)
    return Call(
        {"assessment_id": draft},
        json={"notes": "Seen at home"},
        headers={"If-Match": w.etags[draft]},
    )


async def _delete_draft(w: World) -> Call:
    draft = await w.new_assessment(submitted=False)
    return Call(
        {"assessment_id": draft},
        params={"reason": "entered twice"},
        headers={"If-Match": w.etags[draft]},
    )


async def _submit_draft(w: World) -> Call:
    draft = await w.new_assessment(submitted=False, complete=True)
    return Call({"assessment_id": draft}, headers={"If-Match": w.etags[draft]})


async def _amend(w: World) -> Call:
    submitted = await w.new_assessment(submitted=True)
    return Call(
        {"assessment_id": submitted},
        json={"reason": "housing was misread", "responses": all_rated("moderate")},
        headers={"If-Match": w.etags[submitted]},
    )


async def _restore(w: World) -> Call:
    return Call({"assessment_id": await w.new_deleted_assessment()})


async def _discharge(w: World) -> Call:
    return Call({"person_id": await w.new_person()})


async def _revoke(w: World) -> Call:
    person = await w.new_break_glass()
    return Call({"code": w.other_team, "person_id": person}, json={"reason": "no longer needed"})


async def _bi_token(w: World) -> Call:
    """A BI access token of the administrator's organisation, minted for this call."""
    minted = await w.gateway.post(
        "/api/aggregation/bi/tokens",
        json={"dataset": "Matrix dataset"},
        headers=await w.tokens.headers("org.admin"),
    )
    assert minted.status_code == 201, minted.text
    return Call({"token_id": minted.json()["id"]})


async def _report_job(w: World, *, finished: bool = False) -> Call:
    """A report job of the team's lead (who may read the team's aggregates)."""
    lead = await w.tokens.headers("team.lead")
    created = await w.gateway.post(
        "/api/reporting/jobs", json={"report": "hef-summary", "format": "html"}, headers=lead
    )
    assert created.status_code == 202, created.text
    job = created.json()
    for _ in range(300):
        if not finished or job["status"] not in ("queued", "running"):
            break
        await asyncio.sleep(0.1)
        job = (await w.gateway.get(created.headers["location"], headers=lead)).json()
    return Call({"job_id": job["id"]})


# Service equity analysis: one dataset of trust EQA per world (imported, with a reference
# population and an action plan step), made by its administrator.
_EQUITY: dict[int, dict[str, str]] = {}
_EQUITY_LOCK = asyncio.Lock()
EQUITY = "/api/aggregation/equity"
EQUITY_CSV = "referral_date,appointments_offered,appointments_dna,sex\n2025-05-01,2,1,female\n"
EQUITY_STEP = {"stage": "focus", "action": "improve_recording", "owner_role": "Service manager"}


async def _equity(w: World) -> dict[str, str]:
    async with _EQUITY_LOCK:
        if id(w) not in _EQUITY:
            admin = await w.tokens.headers("org.admin")
            made = await w.gateway.post(
                f"{EQUITY}/datasets", json={"unit_code": "EQA", "title": "Matrix"}, headers=admin
            )
            dataset = made.json()["id"]
            imported = await w.gateway.post(
                f"{EQUITY}/datasets/{dataset}/files",
                content=EQUITY_CSV,
                headers=admin | {"Content-Type": "text/csv"},
            )
            reference = await w.gateway.post(
                f"{EQUITY}/reference-populations",
                json={
                    "title": "Matrix",
                    "dimension": "sex",
                    "counts": [{"area_code": "E01000001", "category": "female", "people": 50}],
                },
                headers=admin,
            )
            step = await w.gateway.post(
                f"{EQUITY}/datasets/{dataset}/steps", json=EQUITY_STEP, headers=admin
            )
            _EQUITY[id(w)] = {
                "dataset_id": str(dataset),
                "import_id": str(imported.json()["id"]),
                "reference": str(reference.json()["id"]),
                "step_id": str(step.json()["id"]),
            }
        return _EQUITY[id(w)]


def _equity_call(*path: str, **kwargs: Any) -> Recipe:
    async def recipe(w: World) -> Call:
        ids = await _equity(w)
        call = Call({p: ids[p] for p in path}, **kwargs)
        if "reference" in call.params:
            call.params = {"reference": ids["reference"]}
        return call

    return recipe


# Board tools and HEAT (services/scoring/organisational): records of trust EQA, one set per
# world; writes get a fresh record per caller.
_BOARD_WORLDS: dict[int, BoardWorld] = {}


def _board(w: World) -> BoardWorld:
    return _BOARD_WORLDS.setdefault(id(w), BoardWorld(w.gateway, w.tokens))


def _org_assessment(kind: str) -> Recipe:
    """A shared record (``self_assessment``, ``assurance``, ``heat``) or a fresh one."""

    async def recipe(w: World) -> Call:
        board = _board(w)
        if kind in {"self_assessment", "assurance", "heat"}:
            return Call({"assessment_id": await board.shared(kind)})
        return Call({"assessment_id": await getattr(board, f"fresh_{kind}")()})

    return recipe


async def _org_draft(w: World) -> Call:
    draft = await _board(w).fresh_draft()
    return Call(
        {"assessment_id": draft},
        json={"responses": {"ph_team": "in_place"}},
        headers={"If-Match": '"1"'},
    )


async def _org_delete(w: World) -> Call:
    draft = await _board(w).fresh_draft()
    return Call(
        {"assessment_id": draft}, params={"reason": "entered twice"}, headers={"If-Match": '"1"'}
    )


async def _org_submit(w: World) -> Call:
    draft = await _board(w).fresh_draft(complete=True)
    return Call({"assessment_id": draft}, headers={"If-Match": '"1"'})


async def _org_amend(w: World) -> Call:
    submitted = await _board(w).fresh_assurance()
    return Call(
        {"assessment_id": submitted},
        json={"reason": "k1 re-rated", "responses": assurance_answers("partly_assured")},
        headers={"If-Match": '"2"'},
    )


async def _project(w: World) -> Call:
    return Call({"project_id": await _board(w).shared("project")})


async def _project_edit(w: World) -> Call:
    return Call(
        {"project_id": await _board(w).fresh_project()},
        json={"name": "Renamed"},
        headers={"If-Match": '"1"'},
    )


async def _objective_edit(w: World) -> Call:
    return Call(
        {"objective_id": await _board(w).fresh_objective()},
        json={"status": "in_progress"},
        headers={"If-Match": '"1"'},
    )


async def _objective_action(w: World) -> Call:
    return Call(
        {"objective_id": await _board(w).shared("objective")},
        json={"description": "Name the lead", "owner": "Chair", "due_on": "2027-01-01"},
    )


async def _heat_action(w: World) -> Call:
    return Call(
        {"assessment_id": await _board(w).shared("heat")},
        json={"description": "Interpreters", "owner": "Lead", "due_on": "2027-01-01"},
    )


async def _action_edit(w: World) -> Call:
    return Call(
        {"action_id": await _board(w).fresh_heat_action()},
        json={"status": "done"},
        headers={"If-Match": '"1"'},
    )


async def _static(call: Call) -> Call:
    return call


def _table(recipe: Recipe, table: str) -> Recipe:
    """A report's CSV: the report's own recipe and one of its tables."""

    async def with_table(w: World) -> Call:
        call = await recipe(w)
        call.path_params["table"] = table
        return call

    return with_table


def _fixed(**kwargs: Any) -> Recipe:
    return lambda _w: _static(Call(**kwargs))


# BI exports read rows the caller may see: the matrix asks for none (a period to come), so
# each cell checks who may read the table, not how fast the whole test store exports (24 at
# once took ~55 s each and held every connection of aggregation's pool).
_NO_ROWS = {"$filter": "period_start ge 2099-01-01"}
BI_EXPORT_RECIPES: dict[str, Recipe] = {
    f"GET /api/aggregation/bi/{path}": _fixed(params=_NO_ROWS)
    for path in (
        "tables/{table}",
        "tables/{table}.csv",
        "tables/{table}.json",
        "tables/{table}.parquet",
        "odata/{table}",
    )
}


# Reports on the board tools, HEAT and service equity (decisions 0039, 0040): each asks for
# the record its owning service's row is about; a CSV for one of the report's tables.
_REPORTS = (
    ("GET", "equity/datasets/{dataset_id}/service-equity", _equity_call("dataset_id"), "completeness"),
    ("GET", "organisational-assessments/{assessment_id}/board-self-assessment",
     _org_assessment("self_assessment"), "domains"),
    ("POST", "private/board-self-assessment", _fixed(json={"responses": {}}), "domains"),
    ("GET", "organisational-assessments/{assessment_id}/board-assurance-scorecard",
     _org_assessment("assurance"), "scorecard"),
    ("GET", "organisational-assessments/{assessment_id}/heat-summary", _org_assessment("heat"),
     "stages"),
)  # fmt: skip
REPORT_RECIPES: dict[str, Recipe] = {
    f"{method} /api/reporting/{path}{suffix}": (
        _table(recipe, table) if suffix.endswith(".csv") else recipe
    )
    for method, path, recipe, table in _REPORTS
    for suffix in (".pdf", ".html", "/{table}.csv")
}

# Operations whose request needs more than the world's ids in its path. An operation with a
# request body and no recipe here fails the test: say here how to call it.
RECIPES: dict[str, Callable[[World], Awaitable[Call]]] = {
    "POST /api/scoring/teams": lambda _w: _static(
        Call(json={"code": f"M-{uuid.uuid4().hex[:10].upper()}", "name": "Matrix team"})
    ),
    "PUT /api/scoring/teams/{code}/members/{subject}": lambda _w: _static(
        Call(
            {"subject": f"matrix-{uuid.uuid4().hex}"},
            json={"display_name": "Matrix member", "role": "member"},
        )
    ),
    "DELETE /api/scoring/teams/{code}/members/{subject}": lambda _w: _static(
        Call({"subject": f"matrix-{uuid.uuid4().hex}"})
    ),
    "POST /api/scoring/people": lambda w: _static(
        Call(
            json={
                "team_code": w.team,
                "nhs_number": next_nhs_number(),
                "given_name": "Alex",
                "family_name": "Matrix",
                "birth_date": "1988-02-03",
                "sex": "male",
            }
        )
    ),
    "PATCH /api/scoring/people/{person_id}": _edit_person,
    "POST /api/scoring/teams/{code}/caseload": lambda w: _static(
        Call(json={"person_id": w.person_id})
    ),
    "DELETE /api/scoring/teams/{code}/caseload/{person_id}": _discharge,
    "POST /api/scoring/teams/{code}/caseload/{person_id}/revoke": _revoke,
    "POST /api/scoring/people/{person_id}/assessments": _fixed(
        json={"episode_type": "review", "assessed_on": ASSESSED_ON, "responses": {}}
    ),
    "PATCH /api/scoring/assessments/{assessment_id}": _edit_draft,
    "DELETE /api/scoring/assessments/{assessment_id}": _delete_draft,
    "POST /api/scoring/assessments/{assessment_id}/submit": _submit_draft,
    "POST /api/scoring/assessments/{assessment_id}/amend": _amend,
    "POST /api/scoring/assessments/{assessment_id}/restore": _restore,
    # The organisation administrator may upload; an existing version is refused as a
    # conflict (409) rather than adding a version every run to the shared catalogue.
    "POST /api/scoring/instruments": lambda _w: _static(
        Call(content=_definition_text().read_text(), headers={"Content-Type": "application/yaml"})
    ),
    # A new team of the administrator's trust each call (the structure others read stays).
    "POST /api/aggregation/hierarchy/links": lambda _w: _static(
        Call(
            json={
                "child_code": f"M-{uuid.uuid4().hex[:10].upper()}",
                "parent_code": "EQA",
                "valid_from": "2020-04-01",
                "child_name": "Matrix team",
                "child_kind": "team",
            }
        )
    ),
    "POST /api/aggregation/bi/tokens": _fixed(json={"dataset": "Matrix dataset"}),
    "DELETE /api/aggregation/bi/tokens/{token_id}": _bi_token,
    "GET /api/aggregation/bi/tokens/{token_id}/uses": _bi_token,
    # Reports: the table names are the report's own; the commissioner pack names its ICB.
    "GET /api/reporting/people/{person_id}/hef-profile/{table}.csv": _fixed(
        path_params={"table": "profile"}
    ),
    "GET /api/reporting/hef-summary/{table}.csv": _fixed(path_params={"table": "headline"}),
    "GET /api/reporting/commissioner-pack.pdf": _fixed(params={"icb": "QZZ"}),
    "GET /api/reporting/commissioner-pack.html": _fixed(params={"icb": "QZZ"}),
    "GET /api/reporting/commissioner-pack/{table}.csv": _fixed(
        path_params={"table": "headline"}, params={"icb": "QZZ"}
    ),
    "POST /api/reporting/jobs": _fixed(json={"report": "hef-summary", "format": "html"}),
    "GET /api/reporting/jobs/{job_id}": _report_job,
    "GET /api/reporting/jobs/{job_id}/result": lambda w: _report_job(w, finished=True),
    "DELETE /api/reporting/jobs/{job_id}": _report_job,
    "POST /api/scoring/instruments/recompute-diff": _fixed(
        json={"instrument": "hef", "variant": "standard", "version": HEF_VERSION}
    ),
    # Service equity analysis (decision 0032).
    "POST /api/aggregation/equity/datasets": _fixed(json={"unit_code": "EQA", "title": "Matrix"}),
    "GET /api/aggregation/equity/datasets/{dataset_id}": _equity_call("dataset_id"),
    "POST /api/aggregation/equity/datasets/{dataset_id}/files": _equity_call(
        "dataset_id", content=EQUITY_CSV, headers={"Content-Type": "text/csv"}
    ),
    "POST /api/aggregation/equity/datasets/{dataset_id}/rows": _equity_call(
        "dataset_id", json={"rows": [{"referral_date": "2025-05-01", "sex": "male"}]}
    ),
    "GET /api/aggregation/equity/datasets/{dataset_id}/imports/{import_id}": _equity_call(
        "dataset_id", "import_id"
    ),
    "GET /api/aggregation/equity/datasets/{dataset_id}/imports": _equity_call("dataset_id"),
    "GET /api/aggregation/equity/datasets/{dataset_id}/engagement": _equity_call("dataset_id"),
    "GET /api/aggregation/equity/datasets/{dataset_id}/completeness": _equity_call("dataset_id"),
    "GET /api/aggregation/equity/datasets/{dataset_id}/representation": _equity_call(
        "dataset_id", params={"reference": ""}
    ),
    "GET /api/aggregation/equity/datasets/{dataset_id}/evaluation": _equity_call(
        "dataset_id", params={"intervention": "2025-05-01"}
    ),
    "GET /api/aggregation/equity/datasets/{dataset_id}/summary": _equity_call("dataset_id"),
    "POST /api/aggregation/equity/reference-populations": _fixed(
        json={
            "title": "Matrix",
            "dimension": "sex",
            "counts": [{"area_code": "E01000001", "category": "male", "people": 5}],
        }
    ),
    "GET /api/aggregation/equity/datasets/{dataset_id}/steps": _equity_call("dataset_id"),
    "POST /api/aggregation/equity/datasets/{dataset_id}/steps": _equity_call(
        "dataset_id", json=EQUITY_STEP
    ),
    "PUT /api/aggregation/equity/datasets/{dataset_id}/steps/{step_id}": _equity_call(
        "dataset_id", "step_id", json=EQUITY_STEP
    ),
    # The IMD lookup (decision 0046): a one-LSOA IoD2019 file, and a dataset's vintage unset.
    "PUT /api/aggregation/equity/imd-lookups/{vintage}": _fixed(
        path_params={"vintage": "IoD2019"},
        content="LSOA code (2011),Index of Multiple Deprivation (IMD) Decile\nE01000001,1\n",
        headers={"Content-Type": "text/csv"},
    ),
    "GET /api/aggregation/equity/datasets/{dataset_id}/imd-vintage": _equity_call("dataset_id"),
    "PUT /api/aggregation/equity/datasets/{dataset_id}/imd-vintage": _equity_call(
        "dataset_id", json={"imd_vintage": None}
    ),
    "POST /api/scoring/projects": _fixed(json={"name": "Matrix project"}),
    "GET /api/scoring/projects/{project_id}": _project,
    "PATCH /api/scoring/projects/{project_id}": _project_edit,
    "POST /api/scoring/organisational-assessments": _fixed(
        json={"instrument": "board-self-assessment", "assessed_on": ASSESSED_ON}
    ),
    "GET /api/scoring/organisational-assessments/{assessment_id}": _org_assessment(
        "self_assessment"
    ),
    "PATCH /api/scoring/organisational-assessments/{assessment_id}": _org_draft,
    "DELETE /api/scoring/organisational-assessments/{assessment_id}": _org_delete,
    "POST /api/scoring/organisational-assessments/{assessment_id}/submit": _org_submit,
    "POST /api/scoring/organisational-assessments/{assessment_id}/amend": _org_amend,
    "GET /api/scoring/organisational-assessments/{assessment_id}/revisions": _org_assessment(
        "self_assessment"
    ),
    "POST /api/scoring/organisational-assessments/{assessment_id}/restore": _org_assessment(
        "deleted"
    ),
    "GET /api/scoring/organisational-assessments/{assessment_id}/board-results": (
        _org_assessment("self_assessment")
    ),
    "GET /api/scoring/organisational-assessments/{assessment_id}/scorecard": _org_assessment(
        "assurance"
    ),
    "GET /api/scoring/organisational-assessments/{assessment_id}/stages": _org_assessment("heat"),
    "POST /api/scoring/organisational-assessments/{assessment_id}/actions": _heat_action,
    "POST /api/scoring/organisations/{ods_code}/objectives": _fixed(json={"ref": "6.1"}),
    "PATCH /api/scoring/objectives/{objective_id}": _objective_edit,
    "POST /api/scoring/objectives/{objective_id}/actions": _objective_action,
    "PATCH /api/scoring/actions/{action_id}": _action_edit,
    "POST /api/scoring/private/board-self-assessment": _fixed(json={"responses": {}}),
    **REPORT_RECIPES,
    **BI_EXPORT_RECIPES,
}


def world_ids(w: World) -> dict[str, str]:
    """Path parameters by name: the world's team, person and submitted assessment."""
    return {
        "code": w.team,
        "person_id": w.person_id,
        "assessment_id": w.submitted_id,
        "instrument": "hef",
        "variant": "standard",
        "version": HEF_VERSION,
        "table": "measures",
        "ods_code": "EQA",
    }


async def prepare(w: World, operation: str, with_body: bool) -> Call:
    recipe = RECIPES.get(operation)
    if recipe is None:
        assert not with_body, f"{operation} takes a body: add a recipe to RECIPES"
        call = Call()
    else:
        call = await recipe(w)
    path = operation.split(" ", 1)[1]
    for name in [p.split("}")[0] for p in path.split("{")[1:]]:
        if name not in call.path_params:
            assert name in world_ids(w), f"{operation}: no value for {{{name}}}: add a recipe"
            call.path_params[name] = world_ids(w)[name]
    return call


# --- The tests -----------------------------------------------------------------------------


def test_every_operation_has_a_row_and_every_row_an_operation() -> None:
    table = read_table(TABLE.read_text())
    ops = operations()
    missing = [op for op in ops if op not in table]
    stale = [op for op in table if op not in ops]
    assert not missing, f"operations without a row in {TABLE.name}: {missing}"
    assert not stale, f"rows in {TABLE.name} for operations that no longer exist: {stale}"


async def _token_headers(tokens: Tokens, caller: Caller) -> dict[str, str]:
    if caller.user:
        return await tokens.headers(caller.user)
    if caller.client:
        return {"Authorization": f"Bearer {await tokens.system(caller.client, caller.scope)}"}
    return {}


async def test_every_caller_gets_the_status_the_table_says(
    gateway: httpx.AsyncClient, tokens: Tokens, demo_users: dict[str, DemoUser], stack: Stack
) -> None:
    # The demo ICB commissions trust EQA (as in the demo IdP), so it reads EQA's board records.
    await commission(stack.database_url, stack.config.database_prefix, "EQA", "QZZ")
    table = read_table(TABLE.read_text())
    ops = [op for op in operations() if op in table]
    with_body = {op for op in ops if _takes_body(op)}
    world = await build_world(gateway, tokens, demo_users)
    headers = dict(
        zip(
            CALLERS,
            await asyncio.gather(*(_token_headers(tokens, c) for c in CALLERS.values())),
            strict=True,
        )
    )
    cells = [(op, who) for op in ops for who in CALLERS]
    # Prepare first (fresh resources are made by the team's clinician), then call: a refused
    # caller's request is exactly as valid as the accepted one's.
    calls = await asyncio.gather(*(prepare(world, op, op in with_body) for op, _ in cells))
    limit = asyncio.Semaphore(24)
    # BI exports compute the whole table before filtering (8-9 s each on the test store):
    # more than a few at once hold every connection of aggregation's pool, and the next
    # waits out the pool's 30 s and gets a 503 (noted for the BI exports to bound).
    exports = asyncio.Semaphore(4)

    async def send(cell: tuple[str, str], call: Call) -> httpx.Response:
        operation, who = cell
        method, path = operation.split(" ", 1)
        url = path.format(**call.path_params)
        bounded = exports if operation in BI_EXPORT_RECIPES else contextlib.nullcontext()
        async with bounded, limit:
            return await gateway.request(
                method,
                url,
                params=call.params,
                json=call.json,
                content=call.content,
                headers={**call.headers, **headers[who]},
                # Statuses, not speed: 24 at a time, a report or a large protected table
                # queued behind others can take longer than the client's usual 30 s.
                timeout=180,
            )

    responses = await asyncio.gather(
        *(send(cell, call) for cell, call in zip(cells, calls, strict=True))
    )
    secrets = await _identifiers(world)
    observed: dict[str, dict[str, int]] = {op: {} for op in ops}
    wrong = []
    for (operation, who), response in zip(cells, responses, strict=True):
        observed[operation][who] = response.status_code
        expected = table[operation][who]
        if response.status_code != expected:
            wrong.append(
                f"{operation} as {who}: expected {expected}, got {response.status_code} "
                f"{response.text[:160]}"
            )
        asked = str(response.request.url) + response.request.content.decode(errors="replace")
        leaked = [
            s
            for s in secrets
            if who not in MAY_SEE_THE_PERSON and s in response.text and s not in asked
        ]
        if leaked:
            wrong.append(f"{operation} as {who}: the answer names the world's person {leaked}")
    if wrong:
        OBSERVED.parent.mkdir(parents=True, exist_ok=True)
        OBSERVED.write_text(write_table(observed))
    assert not wrong, f"{len(wrong)} cells differ (whole matrix in {OBSERVED}):\n" + "\n".join(
        wrong
    )


async def _identifiers(world: World) -> list[str]:
    """What identifies the world's person: their id, NHS number and family name, and their
    assessments' ids (an answer may repeat an id the caller sent, never one they did not)."""
    person = await world.gateway.get(
        f"/api/scoring/people/{world.person_id}", headers=await world.tokens.headers("clinician.a")
    )
    assert person.status_code == 200, person.text
    found = person.json()
    return [
        world.person_id,
        found["nhs_number"],
        found["family_name"],
        world.submitted_id,
        world.draft_id,
    ]


def _takes_body(operation: str) -> bool:
    method, path = operation.split(" ", 1)
    for service in SERVICES:
        document = yaml.safe_load((REPO / "openapi" / f"{service}.yaml").read_text())
        item = document["paths"].get(path, {}).get(method.lower())
        if item is not None:
            return "requestBody" in item
    return False


@pytest.mark.parametrize("text", [write_table({"GET /x": dict.fromkeys(CALLERS, 200)})])
def test_the_table_format_reads_back(text: str) -> None:
    assert read_table(text) == {"GET /x": dict.fromkeys(CALLERS, 200)}
