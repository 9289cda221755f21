"""What each fault test measured, for `make faults` (``var/bench/faults.json``).

A test calls ``record`` once its assertions have passed; the file then holds one entry per
fault whose test passed, with its figures. Without ``EQUITAS_FAULTS_REPORT`` (a plain
`make test`) nothing is written.
"""

import json
import os
import time
from pathlib import Path
from typing import Any


def record(fault: str, figures: dict[str, Any]) -> None:
    target = os.environ.get("EQUITAS_FAULTS_REPORT")
    if not target:
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    report[fault] = {
        "survived": True,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **figures,
    }
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
