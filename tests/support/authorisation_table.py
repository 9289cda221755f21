"""The authorisation matrix's table (`tests/authorisation_matrix.md`): its columns (the demo
callers), reading and writing it, and the operations of the committed contracts it covers.
The matrix test checks every cell; the contract fuzzing aims its cases at callers the table
says are allowed."""

from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "tests" / "authorisation_matrix.md"
SERVICES = ("scoring", "aggregation", "reporting")


@dataclass(frozen=True)
class Caller:
    """A column of the table: a demo user (by username) or a system client with scopes."""

    user: str | None = None
    client: str | None = None
    scope: str = ""


# The columns of the table, in order. "team" and "lead" are the member and the lead of the
# world's team; "other-team" is a clinician of another team of the same trust.
CALLERS: dict[str, Caller] = {
    "team": Caller(user="clinician.a"),
    "lead": Caller(user="team.lead"),
    "other-team": Caller(user="clinician.b"),
    "other-trust": Caller(user="clinician.trustb"),
    "analyst": Caller(user="analyst"),
    "commissioner": Caller(user="commissioner"),
    "board": Caller(user="board.member"),
    "admin": Caller(user="org.admin"),
    "no-role": Caller(user="norole"),
    "rio": Caller(client="rio-epr-demo", scope="patient:write patient:read"),
    "systmone": Caller(client="systmone-epr-demo", scope="patient:write patient:read"),
    "powerbi": Caller(client="powerbi-demo", scope="aggregate:read"),
    "aggregation": Caller(client="aggregation-service", scope="feed:read"),
    "reporting": Caller(client="reporting-service", scope="report:render"),
    "no-token": Caller(),
}


def operations() -> list[str]:
    """Every operation of the committed contracts, as "METHOD /path"."""
    found = []
    for service in SERVICES:
        document = yaml.safe_load((REPO / "openapi" / f"{service}.yaml").read_text())
        for path, item in document["paths"].items():
            for method in item:
                if method in ("get", "put", "post", "delete", "patch", "head", "options"):
                    found.append(f"{method.upper()} {path}")
    return found


def read_table(text: str) -> dict[str, dict[str, int]]:
    """The markdown table whose header starts with "operation": the callers, then one row per
    operation (other tables and prose in the file are ignored)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| operation "))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        if not set(line) <= set("|-: "):
            rows.append([cell.strip().strip("`") for cell in line.strip().strip("|").split("|")])
    header, *body = rows
    assert header[1:] == list(CALLERS), f"columns must be {list(CALLERS)}"
    table: dict[str, dict[str, int]] = {}
    for operation, *statuses in body:
        assert operation not in table, f"two rows for {operation}"
        assert len(statuses) == len(CALLERS), f"{operation}: {len(statuses)} statuses"
        table[operation] = {c: int(s) for c, s in zip(CALLERS, statuses, strict=True)}
    return table


def write_table(table: dict[str, dict[str, int]]) -> str:
    width = max(len(op) for op in table) + 2
    head = "| " + "operation".ljust(width) + " | " + " | ".join(CALLERS) + " |"
    rule = "|" + "-" * (width + 2) + "|" + "|".join("-" * (len(c) + 2) for c in CALLERS) + "|"
    lines = [head, rule]
    for operation, statuses in table.items():
        cells = " | ".join(str(statuses[c]).ljust(len(c)) for c in CALLERS)
        lines.append(f"| {('`' + operation + '`').ljust(width)} | {cells} |")
    return "\n".join(lines) + "\n"
