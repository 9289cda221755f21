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
    ScoringSettings(
        environment="production",
        pseudonymisation_key="x" * 40,
        allow_synthetic_reference_data=True,
    )


def test_reference_files_come_as_a_pair() -> None:
    with pytest.raises(ValidationError, match="both EQUITAS_IMD_FILE and EQUITAS_POSTCODE_FILE"):
        ScoringSettings(imd_file="/data/imd.csv")
    with pytest.raises(ValidationError, match="both EQUITAS_IMD_FILE and EQUITAS_POSTCODE_FILE"):
        ScoringSettings(postcode_file="/data/nspl.csv")


def test_production_refuses_the_synthetic_reference_data_unless_told_it_is_a_trial() -> None:
    key = "x" * 40
    with pytest.raises(ValidationError, match="official IoD File 7"):
        ScoringSettings(environment="production", pseudonymisation_key=key)
    ScoringSettings(
        environment="production", pseudonymisation_key=key, allow_synthetic_reference_data=True
    )
    ScoringSettings(
        environment="production",
        pseudonymisation_key=key,
        imd_file="/data/imd.csv",
        postcode_file="/data/nspl.csv",
    )
    ScoringSettings(environment="test")  # demos and tests run on the samples


def test_production_services_refuse_the_demo_role_mapping() -> None:
    demo = ServiceSettings(environment="production")  # migrations need no mapping
    with pytest.raises(ValueError, match="EQUITAS_ROLE_PERMISSIONS"):
        demo.require_role_mapping()
    ServiceSettings(environment="development").require_role_mapping()
    trust = ServiceSettings(
        environment="production", role_permissions={"S8000:G8000:R8000": ["person:read"]}
    )
    trust.require_role_mapping()


def test_each_service_has_its_own_database() -> None:
    settings = ServiceSettings()
    assert settings.database_name_for("scoring") != settings.database_name_for("aggregation")
