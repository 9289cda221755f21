"""A stack whose process is killed (a test run's timeout, kill -9 of `make run`) leaves no
service behind: orphaned services kept their ports and database connections, and once held
every connection the shared Postgres server had."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

CHILD = """
import sys, time
from pathlib import Path
from equitas_stack.stack import Stack, StackConfig

config = StackConfig.on_free_ports(database_url="unused", var_dir=Path(sys.argv[1]))
(config.var_dir / "log").mkdir(parents=True)
stack = Stack(config)
stack._spawn("probe", [sys.executable, "-c", "import time; time.sleep(120)"])
print(stack.processes["probe"].pid, flush=True)
time.sleep(120)
"""


def test_a_killed_stack_takes_its_services_with_it(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "var")],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert parent.stdout is not None
    service = psutil.Process(int(parent.stdout.readline()))
    assert service.is_running()
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while service.is_running() and service.status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the service outlived the stack that started it"
        time.sleep(0.1)
