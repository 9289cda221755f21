"""``equitas-instruments``: check a definition file, or preview what a new version would change.

- ``validate FILE...`` prints OK or the ``DefinitionError`` for each file (variants are resolved
  against the shipped definitions and the other files given).
- ``diff NEW_FILE --assessments EXPORT.jsonl`` re-scores exported assessments (one
  ``StoredAssessment`` JSON object per line) with NEW_FILE and prints what would change; it
  writes nothing (instruments.md: a new version never silently changes a stored score).
- ``schema`` prints the definition JSON Schema (to regenerate ``definition.schema.json``).
"""

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from services.scoring.instruments.definition import InstrumentDefinition, definition_json_schema
from services.scoring.instruments.diff import (
    DiffReport,
    ExportFormatError,
    StoredAssessment,
    recompute_diff,
)
from services.scoring.instruments.errors import DefinitionError
from services.scoring.instruments.registry import (
    InstrumentRegistry,
    builtin_definitions,
    load_definition_file,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="equitas-instruments", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check definition files")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    diff = commands.add_parser("diff", help="preview re-scoring with a new definition version")
    diff.add_argument("new_file", type=Path, metavar="NEW_FILE")
    diff.add_argument("--assessments", type=Path, required=True, metavar="EXPORT.jsonl")
    commands.add_parser("schema", help="print the definition JSON Schema")
    return parser


def _registry_with(defns: list[InstrumentDefinition]) -> tuple[InstrumentRegistry, list[str]]:
    """Shipped definitions plus ``defns`` (bases before variants), a file replacing the shipped
    definition with the same key; returns the failures."""
    given = {d.key for d in defns}
    registry = InstrumentRegistry(d for d in builtin_definitions() if d.key not in given)
    failures: list[str] = []
    for defn in sorted(defns, key=lambda d: d.based_on is not None):
        try:
            registry.add(defn)
        except DefinitionError as exc:
            failures.append(f"{defn.label}: {exc}")
    return registry, failures


def _validate(console: Console, files: list[Path]) -> int:
    loaded: list[InstrumentDefinition] = []
    status = EXIT_OK
    for path in files:
        try:
            loaded.append(load_definition_file(path))
        except DefinitionError as exc:
            console.print(f"INVALID {exc}", markup=False)
            status = EXIT_INVALID
        except OSError as exc:
            console.print(f"INVALID {path}: {exc.strerror}", markup=False)
            status = EXIT_INVALID
    _, failures = _registry_with(loaded)
    for failure in failures:
        console.print(f"INVALID {failure}", markup=False)
        status = EXIT_INVALID
    if status == EXIT_OK:
        for defn in loaded:
            console.print(f"OK {defn.label}", markup=False)
    return status


def _read_export(path: Path) -> list[StoredAssessment]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                records.append(StoredAssessment.from_json(json.loads(line)))
            except (json.JSONDecodeError, ExportFormatError) as exc:
                raise ExportFormatError(f"{path}:{number}: {exc}") from None
    return records


def _print_report(console: Console, report: DiffReport) -> None:
    table = Table(
        title=f"Re-scoring with {report.instrument} {report.variant} {report.new_version}"
    )
    for column in ("assessment", "stored version", "what", "stored", "new"):
        table.add_column(column)
    for diff in report.changed:
        for difference in diff.differences:
            table.add_row(
                diff.assessment_id,
                diff.stored_version,
                difference.key,
                json.dumps(difference.stored),
                json.dumps(difference.recomputed),
            )
        for item_id in diff.removed_items:
            table.add_row(
                diff.assessment_id, diff.stored_version, f"item {item_id}", "answered", "removed"
            )
        for problem in diff.invalid_answers:
            table.add_row(
                diff.assessment_id, diff.stored_version, problem.field, "answered", "invalid"
            )
    console.print(table, soft_wrap=False)
    for skip in report.skipped:
        console.print(f"skipped {skip.assessment_id}: {skip.reason}", markup=False)
    console.print(
        f"{len(report.assessments)} assessments re-scored, {len(report.changed)} would change, "
        f"{len(report.skipped)} skipped. Nothing was written.",
        markup=False,
    )


def _diff(console: Console, new_file: Path, export: Path) -> int:
    try:
        defn = load_definition_file(new_file)
        if defn.based_on is not None:
            registry, failures = _registry_with([defn])
            if failures:
                console.print(f"INVALID {failures[0]}", markup=False)
                return EXIT_INVALID
            defn = registry.get(*defn.key)
        stored = _read_export(export)
    except DefinitionError as exc:
        console.print(f"INVALID {exc}", markup=False)
        return EXIT_INVALID
    except (ExportFormatError, OSError) as exc:
        console.print(f"cannot read assessments: {exc}", markup=False)
        return EXIT_USAGE
    _print_report(console, recompute_diff(defn, stored))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # soft_wrap: messages carry file paths that must stay copyable on one line.
    console = Console(highlight=False, soft_wrap=True)
    if args.command == "validate":
        return _validate(console, args.files)
    if args.command == "diff":
        return _diff(console, args.new_file, args.assessments)
    sys.stdout.write(json.dumps(definition_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
