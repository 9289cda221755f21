"""Log lines never carry an exception's message (SQL parameters, input values), and every
logger, uvicorn's and httpx's included, writes through the one formatter."""

import json
import logging
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import DBAPIError

from services.common.observability import (
    JsonFormatter,
    TextFormatter,
    configure_logging,
    scrubbed_exception,
)

MARKER = "Zqmarkername"


class FakeDriverError(Exception):
    """Stands in for asyncpg's errors: a message quoting the value, and a SQLSTATE."""

    sqlstate = "22021"


def _database_failure() -> DBAPIError:
    try:
        try:
            raise FakeDriverError(f"invalid byte sequence near '{MARKER}'")
        except FakeDriverError as driver:
            raise DBAPIError(
                "SELECT * FROM person WHERE family_name LIKE $1", (f"%{MARKER}%",), driver
            ) from driver
    except DBAPIError as wrapped:
        return wrapped


def test_an_exception_is_logged_as_types_and_frames_only() -> None:
    failure = _database_failure()
    assert MARKER in str(failure)  # what used to be logged
    text = scrubbed_exception((type(failure), failure, failure.__traceback__))
    assert MARKER not in text
    assert "family_name" not in text  # nor the statement
    assert "FakeDriverError [SQLSTATE 22021]" in text
    assert text.rstrip().endswith("sqlalchemy.exc.DBAPIError")
    assert "test_observability.py" in text
    assert "_database_failure" in text


def test_the_json_formatter_scrubs_exceptions() -> None:
    failure = _database_failure()
    record = logging.LogRecord(
        "equitas.errors", logging.ERROR, __file__, 1, "unexpected error", None,
        (type(failure), failure, failure.__traceback__),
    )  # fmt: skip
    entry = json.loads(JsonFormatter("scoring").format(record))
    assert entry["message"] == "unexpected error"
    assert "DBAPIError" in entry["exception"]
    assert MARKER not in json.dumps(entry)


def test_the_text_formatter_scrubs_exceptions_even_if_another_formatted_them_first() -> None:
    failure = _database_failure()
    record = logging.LogRecord(
        "equitas.errors", logging.ERROR, __file__, 1, "unexpected error", None,
        (type(failure), failure, failure.__traceback__),
    )  # fmt: skip
    assert MARKER in logging.Formatter().format(record)  # caches the whole text
    text = TextFormatter("%(levelname)s %(message)s").format(record)
    assert "DBAPIError" in text
    assert MARKER not in text


@pytest.fixture
def restored_logging() -> Iterator[None]:
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "httpcore")
    saved = {
        name: (
            logging.getLogger(name).handlers[:],
            logging.getLogger(name).level,
            logging.getLogger(name).propagate,
            logging.getLogger(name).disabled,
        )
        for name in names
    }
    try:
        yield
    finally:
        for name, (handlers, level, propagate, disabled) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
            logger.disabled = disabled


@pytest.mark.usefixtures("restored_logging")
def test_every_logger_writes_through_the_service_handler() -> None:
    logging.getLogger("uvicorn").addHandler(logging.StreamHandler(sys.stderr))
    configure_logging("scoring", "INFO", json_output=True)
    root = logging.getLogger()
    assert len(root.handlers) == 1
    assert isinstance(root.handlers[0].formatter, JsonFormatter)
    for name in ("uvicorn", "uvicorn.error"):
        assert logging.getLogger(name).handlers == []
        assert logging.getLogger(name).propagate
    # httpx would log each outbound URL (ids, query strings) at INFO.
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert logging.getLogger("httpx").isEnabledFor(logging.WARNING)
