"""Fixtures: a provider app per test (in-memory state), talked to through ASGI."""

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from equitas_idp.settings import IdpSettings
from idp_testkit import client_for, settings_for


@pytest.fixture(scope="session")
def shared_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generating RSA keys is slow, so tests that do not rotate keys share one folder."""
    return tmp_path_factory.mktemp("idp-keys")


@pytest.fixture
def make_settings(shared_keys_dir: Path) -> Callable[..., IdpSettings]:
    def make(**overrides: Any) -> IdpSettings:
        return settings_for(shared_keys_dir, **overrides)

    return make


@pytest.fixture
async def idp(make_settings: Callable[..., IdpSettings]) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(make_settings()) as client:
        yield client
