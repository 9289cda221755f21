"""Services never import development tooling: every module under ``services/`` imports in a
Python that sees only ``services/``, as the service image copies it
(deploy/containers/Dockerfile.service), so the development IdP (``equitas_idp``, with its
committed private keys) and the ``make run`` supervisor (``equitas_stack``) are out of reach.

Tests are left out (they drive the whole stack, so they may use both), and so are Alembic's
migration scripts (Alembic runs them from their files; they are not modules to import).
"""

import json
import subprocess
import sys
from pathlib import Path

from equitas_stack.stack import REPO

# Runs in the child: drop the repository from the path (the editable install's .pth puts
# the root, deploy/ and deploy/dev-idp/ there), put a folder holding only services/ in its
# place, then import every module it is given on stdin.
_CHILD = """
import importlib, importlib.util, json, sys
from pathlib import Path

repo, image = Path(sys.argv[1]), sys.argv[2]
def in_repo_code(entry):
    path = Path(entry or ".").resolve()
    return path == repo or path.is_relative_to(repo / "deploy")
sys.path[:] = [image] + [entry for entry in sys.path if not in_repo_code(entry)]
reachable = [n for n in ("equitas_idp", "equitas_stack", "deploy") if importlib.util.find_spec(n)]
failures = {}
for name in json.load(sys.stdin):
    try:
        module = importlib.import_module(name)
    except Exception as error:
        failures[name] = repr(error)
        continue
    if not Path(module.__file__).is_relative_to(image):
        failures[name] = f"imported from {module.__file__}, not from the image's services/"
print(json.dumps({"reachable": reachable, "failures": failures}))
"""


def _service_modules() -> list[str]:
    names = []
    for path in sorted((REPO / "services").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_service_module_imports_without_deploy(tmp_path: Path) -> None:
    image = tmp_path / "app"
    image.mkdir()
    (image / "services").symlink_to(REPO / "services", target_is_directory=True)
    modules = _service_modules()
    assert "services.scoring.demo_data.seed" in modules
    assert "services.scoring.fhir.bulk_load" in modules
    child = subprocess.run(
        [sys.executable, "-I", "-c", _CHILD, str(REPO), str(image)],
        input=json.dumps(modules),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["reachable"] == [], "the child could still import development tooling"
    assert result["failures"] == {}
