"""Re-scoring stored assessments with a new definition version, and the command line."""

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from services.scoring.instruments.cli import main
from services.scoring.instruments.definition import InstrumentDefinition
from services.scoring.instruments.diff import (
    ExportFormatError,
    StoredAssessment,
    flatten_scores,
    recompute_diff,
)
from services.scoring.instruments.engine import score
from services.scoring.instruments.registry import (
    DEFINITIONS_DIR,
    SCHEMA_PATH,
    load_definition_text,
)
from services.scoring.tests.unit.instruments.hef_ratings import all_rated

STANDARD = DEFINITIONS_DIR / "hef" / "standard" / "1.0.0-provisional.yaml"
EASY_READ = DEFINITIONS_DIR / "hef" / "easy-read" / "1.0.0-provisional.yaml"


def modified_hef_text() -> str:
    """Version 1.1.0-provisional: moderate scores 3 and high 5, and no income indicator."""
    text = STANDARD.read_text(encoding="utf-8")
    text = text.replace("version: 1.0.0-provisional", "version: 1.1.0-provisional", 1)
    text = text.replace("\n        value: 3\n", "\n        value: 5\n")
    text = text.replace("\n        value: 2\n", "\n        value: 3\n")
    text, removed = re.subn(
        r"      - id: income\n.*?(?=      - id: daytime_activity)", "", text, flags=re.S
    )
    assert removed == 1
    return text


@pytest.fixture
def modified_hef() -> InstrumentDefinition:
    return load_definition_text(modified_hef_text(), source_name="new.yaml")


def stored(
    hef: InstrumentDefinition, assessment_id: str, responses: dict[str, str]
) -> StoredAssessment:
    return StoredAssessment(
        id=assessment_id,
        instrument="hef",
        variant="standard",
        instrument_version=hef.version,
        responses=responses,
        scores=score(hef, responses).as_dict(),
    )


def _without_income(responses: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in responses.items() if k != "income"}


def test_recompute_diff_reports_changes_and_leaves_inputs_alone(
    hef: InstrumentDefinition, modified_hef: InstrumentDefinition
) -> None:
    # a-1: housing high, income moderate, the rest none. Stored (0-3 scale): social total
    # 3+2 = 5, highest 3, 2 at moderate or high. New (high = 5, no income): social total 5,
    # highest 5, 1 at moderate or high (threshold still 2); overall total 5, count 1.
    a1 = stored(hef, "a-1", {**all_rated("none"), "housing": "high", "income": "moderate"})
    # a-2: nothing at moderate or high and income unanswered: identical under both versions.
    a2 = stored(hef, "a-2", _without_income(all_rated("low")))
    a3 = StoredAssessment("a-3", "hef", "easy-read", "1.0.0-provisional", {}, {})
    a4 = stored(hef, "a-4", _without_income(all_rated("none")))
    a4 = StoredAssessment(
        a4.id,
        "hef",
        "standard",
        a4.instrument_version,
        {**a4.responses, "pain": "severe"},
        a4.scores,
    )
    inputs = [a1, a2, a3, a4]
    before = copy.deepcopy(inputs)
    defn_before = modified_hef.model_dump()

    report = recompute_diff(modified_hef, inputs)

    assert inputs == before
    assert modified_hef.model_dump() == defn_before
    assert (report.instrument, report.variant, report.new_version) == (
        "hef",
        "standard",
        "1.1.0-provisional",
    )
    by_id = {a.assessment_id: a for a in report.assessments}
    assert [(d.key, d.stored, d.recomputed) for d in by_id["a-1"].differences] == [
        ("sections.social.scores.highest", 3, 5),
        ("sections.social.scores.moderate_or_high", 2, 1),
        ("overall.scores.moderate_or_high", 2, 1),
    ]
    assert by_id["a-1"].removed_items == ("income",)
    assert by_id["a-1"].changed is True
    assert by_id["a-2"].changed is False
    assert by_id["a-2"].differences == ()
    assert [(p.field, p.message) for p in by_id["a-4"].invalid_answers] == [
        ("responses.pain", "'severe' is no longer an answer for 'pain'")
    ]
    assert [a.assessment_id for a in report.changed] == ["a-1", "a-4"]
    assert [(s.assessment_id, s.reason) for s in report.skipped] == [
        ("a-3", "is hef easy-read, not hef standard")
    ]
    assert json.loads(json.dumps(report.as_dict()))["assessments"][0]["removed_items"] == ["income"]


def test_band_changes_are_reported_by_code(hef: InstrumentDefinition) -> None:
    # Raising the "high" band to 4 moves a highest rating of 3 from high to moderate.
    text = STANDARD.read_text(encoding="utf-8").replace(
        "        at_least: 3\n", "        at_least: 4\n"
    )
    new = load_definition_text(
        text.replace("version: 1.0.0-provisional", "version: 1.0.1", 1), source_name="x"
    )
    report = recompute_diff(new, [stored(hef, "b-1", {"housing": "high"})])
    assert [(d.key, d.stored, d.recomputed) for d in report.assessments[0].differences] == [
        ("sections.social.bands.impact", "high", "moderate")
    ]


def test_flatten_scores(hef: InstrumentDefinition) -> None:
    flat = flatten_scores(score(hef, {"housing": "low"}).as_dict())
    assert flat["sections.social.scores.total"] == 1
    assert flat["sections.social.bands.impact"] == "low"
    assert flat["sections.biological.bands.impact"] is None
    assert flat["overall.scores.total"] == 1
    assert flatten_scores({}) == {}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        pytest.param([], "each record must be a JSON object", id="not-object"),
        pytest.param(
            {"id": "x"}, "missing field(s): instrument, variant, instrument_version", id="fields"
        ),
        pytest.param(
            {
                "id": "x",
                "instrument": "hef",
                "variant": "standard",
                "instrument_version": "1",
                "responses": [],
            },
            "responses and scores must be JSON objects",
            id="responses-list",
        ),
    ],
)
def test_stored_assessment_from_json_rejects(record: Any, message: str) -> None:
    with pytest.raises(ExportFormatError, match=re.escape(message)):
        StoredAssessment.from_json(record)


# --- command line -------------------------------------------------------------------------


def test_cli_validate_shipped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(STANDARD), str(EASY_READ)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "OK hef standard 1.0.0-provisional",
        "OK hef easy-read 1.0.0-provisional",
    ]


def test_cli_validate_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        STANDARD.read_text(encoding="utf-8").replace("title: Health", "titel: Health", 1)
    )
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"INVALID {broken}: $.titel: unknown field; allowed here: format_version," in out


def test_cli_validate_new_variant_against_shipped_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variant = tmp_path / "variant.yaml"
    text = EASY_READ.read_text(encoding="utf-8").replace("variant: easy-read", "variant: diet-only")
    variant.write_text(text.replace("  - housing\n", "  - garden\n"))
    assert main(["validate", str(variant)]) == 1
    assert "$.include_items[0]: 'garden' is not in hef standard" in capsys.readouterr().out
    variant.write_text(text)
    assert main(["validate", str(variant)]) == 0
    assert capsys.readouterr().out.strip() == "OK hef diet-only 1.0.0-provisional"


def test_cli_diff(
    tmp_path: Path,
    hef: InstrumentDefinition,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # rich fits the table to the terminal width
    new_file = tmp_path / "new.yaml"
    new_file.write_text(modified_hef_text())
    export = tmp_path / "export.jsonl"
    records = [
        stored(hef, "a-1", {**all_rated("none"), "housing": "high"}),
        stored(hef, "a-2", _without_income(all_rated("low"))),
    ]
    export.write_text("\n".join(json.dumps(r.as_dict()) for r in records) + "\n\n")
    assert main(["diff", str(new_file), "--assessments", str(export)]) == 0
    out = capsys.readouterr().out
    assert "a-1" in out
    assert "a-2" not in out
    assert "sections.social.scores.highest" in out
    assert "2 assessments re-scored, 1 would change, 0 skipped. Nothing was written." in out
    assert json.loads(export.read_text().splitlines()[0]) == records[0].as_dict()


def test_cli_diff_bad_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "export.jsonl"
    export.write_text('{"id": "a"}\nnot json\n')
    assert main(["diff", str(STANDARD), "--assessments", str(export)]) == 2
    assert f"cannot read assessments: {export}:1: missing field(s)" in capsys.readouterr().out


def test_cli_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(
        SCHEMA_PATH.read_text(encoding="utf-8")
    )
