"""Rate limits come from the environment, with defaults per environment (decision 0043)."""

import pytest

from services.common.auth import Principal
from services.common.rate_limit import ClientLimits
from services.common.settings import Environment, ServiceSettings
from services.common.token_bucket import RateLimit


def test_production_limits_people_and_systems_apart() -> None:
    staff, systems = ServiceSettings(environment=Environment.production).rate_limits()
    assert staff == RateLimit(per_s=20, burst=200)
    assert systems == RateLimit(per_s=200, burst=2000)


@pytest.mark.parametrize("environment", [Environment.development, Environment.test])
def test_development_and_test_limits_are_far_above_any_benchmark(
    environment: Environment,
) -> None:
    for limit in ServiceSettings(environment=environment).rate_limits():
        assert limit.per_s >= 10_000
        assert limit.burst >= 100_000


def test_limits_are_read_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EQUITAS_ENVIRONMENT", "production")
    monkeypatch.setenv("EQUITAS_RATE_LIMIT_STAFF", '{"per_s": 5, "burst": 50}')
    monkeypatch.setenv("EQUITAS_RATE_LIMIT_CLIENTS", '{"rio-epr": {"per_s": 400, "burst": 5000}}')
    settings = ServiceSettings()
    assert settings.rate_limits() == (
        RateLimit(per_s=5, burst=50),
        RateLimit(per_s=200, burst=2000),
    )
    assert settings.rate_limit_clients == {"rio-epr": RateLimit(per_s=400, burst=5000)}


def _principal(kind: str, subject: str, client_id: str) -> Principal:
    return Principal(
        subject=subject,
        kind=kind,  # type: ignore[arg-type]
        client_id=client_id,
        name=None,
        organisation_code=None,
        organisation_name=None,
        role_code=None,
        role_name=None,
        scopes=frozenset(),
        permissions=frozenset(),
        token="",
    )


def test_a_client_is_a_person_by_subject_or_a_system_by_client_id() -> None:
    staff, systems, own = (RateLimit(per_s=n, burst=n) for n in (1, 2, 3))
    limits = ClientLimits(staff, systems, {"rio-epr": own, "person-9": own})
    # Every member of staff signs in through the SPA's client: the subject tells them apart.
    assert limits.for_principal(_principal("user", "person-1", "equitas-spa")) == (
        "user:person-1",
        staff,
    )
    assert limits.for_principal(_principal("user", "person-9", "equitas-spa"))[1] == own
    assert limits.for_principal(_principal("system", "rio-epr", "rio-epr")) == (
        "system:rio-epr",
        own,
    )
    key, limit = limits.for_credential(b"Basic c2VjcmV0")
    assert limit == systems
    assert key.startswith("credential:")
    assert "c2VjcmV0" not in key
