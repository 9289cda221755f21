"""The committed contract in openapi/ is what the code serves."""

from services.common.openapi_export import SERVICES, contract, drifted


def test_committed_openapi_matches_the_code() -> None:
    assert drifted() == [], "run `make openapi` and commit openapi/"


def test_every_operation_documents_problem_responses() -> None:
    import yaml

    for service in SERVICES:
        document = yaml.safe_load(contract(service))
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if "security" not in operation:
                    # Open to anyone (health, and the board self-assessment's private mode,
                    # which needs no login and stores nothing): never a 401.
                    assert path.endswith(("/healthz", "/readyz", "/private/board-self-assessment"))
                    continue
                assert "401" in operation["responses"], f"{service} {method} {path}"
