import pytest
from pydantic import ValidationError

from services.common.settings import ServiceSettings
from services.scoring.settings import ScoringSettings


def test_weak_algorithms_are_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="must not include"):
        ServiceSettings(oidc_allowed_algorithms=["RS256", "none"])
    with pytest.raises(ValidationError, match="must not include"):
        ServiceSettings(oidc_allowed_algorithms=["HS256"])


def test_production_refuses_the_development_pseudonymisation_key() -> None:
    with pytest.raises(ValidationError, match="EQUITAS_PSEUDONYMISATION_KEY"):
        ScoringSettings(environment="production")
    ScoringSettings(environment="production", pseudonymisation_key="x" * 40)


def test_each_service_has_its_own_database() -> None:
    settings = ServiceSettings()
    assert settings.database_name_for("scoring") != settings.database_name_for("aggregation")
