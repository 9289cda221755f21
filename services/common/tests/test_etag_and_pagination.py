import pytest

from services.common.errors import PreconditionFailed, PreconditionRequired, field_path
from services.common.etag import check_if_match, etag_for


def test_etag_is_a_quoted_version() -> None:
    assert etag_for(7) == '"7"'


@pytest.mark.parametrize("header", ['"3"', 'W/"3"', '"1", "3"', "*"])
def test_if_match_accepts_the_current_version(header: str) -> None:
    check_if_match(header, 3)


def test_if_match_refuses_a_stale_version() -> None:
    with pytest.raises(PreconditionFailed, match='current version is "4"'):
        check_if_match('"3"', 4)


def test_if_match_is_required() -> None:
    with pytest.raises(PreconditionRequired):
        check_if_match(None, 1)


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "nhs_number"), "body.nhs_number"),
        (("body", "items", 2, "code"), "body.items[2].code"),
        (("header", "if-match"), "header.if-match"),
    ],
)
def test_field_paths_name_the_field(loc: tuple[str | int, ...], path: str) -> None:
    assert field_path(loc) == path
