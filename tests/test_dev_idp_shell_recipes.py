"""The shell recipes in ``deploy/dev-idp/README.md`` (openssl + curl: a client assertion
signed with RS256, and with ES256 converted from DER to JOSE) get tokens from the real
provider behind the gateway, run exactly as the README shows them."""

import asyncio
import re
import shutil
from pathlib import Path

import orjson
import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "deploy" / "dev-idp" / "README.md"


def _shell_blocks() -> dict[str, str]:
    """The README's ``sh`` blocks that post a client assertion, by signing algorithm."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    found = {}
    for block in blocks:
        algorithm = re.search(r'"alg":"(RS256|ES256)"', block)
        if algorithm and "client_assertion=" in block:
            found[algorithm[1]] = block
    return found


def test_the_readme_shows_both_algorithms() -> None:
    blocks = _shell_blocks()
    assert set(blocks) == {"RS256", "ES256"}
    assert "der_to_jose" in blocks["ES256"]


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("bash", "openssl", "curl", "xxd")),
    reason="the recipes need bash, openssl, curl and xxd",
)
@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
async def test_the_recipe_gets_a_token(algorithm: str, public_url: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "bash",
        "-euo",
        "pipefail",
        "-c",
        _shell_blocks()[algorithm],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "TOKEN_URL": f"{public_url}/idp/token"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    answer = orjson.loads(out)
    assert answer.get("token_type", "").lower() == "bearer", answer
    assert answer["access_token"].count(".") == 2
