"""The pandas example of docs/bi.md, run as written against the test system (client
credentials with powerbi-demo's development key)."""

import asyncio
import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
from equitas_stack.stack import REPO

DOC = REPO / "docs" / "bi.md"
KEY = REPO / "deploy" / "dev-idp" / "clients" / "powerbi-demo.key.pem"


def example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) == 1
    return str(blocks[0])


async def test_the_pandas_example_runs_as_written(public_url: str) -> None:
    code = example()
    assert 'EQUITAS = "https://equitas.example.nhs.uk"' in code
    code = code.replace('"https://equitas.example.nhs.uk"', repr(public_url))
    code = code.replace('"powerbi-demo.key.pem"', repr(str(Path(KEY))))
    scope: dict[str, Any] = {}
    printed = io.StringIO()

    def run() -> None:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(DOC), "exec"), scope)  # noqa: S102 - our own document

    await asyncio.to_thread(run)
    measures = scope["measures"]
    assert isinstance(measures, pd.DataFrame)
    assert list(measures.columns)[:3] == ["organisation_code", "organisation_name",
                                          "organisation_level"]  # fmt: skip
    assert set(measures.period_type) <= {"quarter"}
    assert set(measures.breakdown) <= {"imd_quintile"}
