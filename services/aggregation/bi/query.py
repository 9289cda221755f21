"""The query options BI callers send (OData system query options, also accepted by the plain
tables): read strictly, and each wrong one answered with a 400 problem naming the option.

Messages never quote what was sent (it ends up in responses and may be logged); they say
where (a character position) and what is allowed."""

from collections.abc import Mapping
from dataclasses import dataclass

from services.aggregation.bi.filter import Condition, FilterError, parse_filter
from services.aggregation.bi.table import COLUMN_NAMES
from services.common.errors import FieldProblem, ProblemError
from services.common.input_rules import INTEGER_MAX, whole_number


class QueryOptionError(ProblemError):
    status, title, slug = 400, "A query option is not understood", "query-option"

    def __init__(self, option: str, message: str) -> None:
        super().__init__(
            f"{option}: {message}",
            errors=[FieldProblem(field=f"query.{option}", message=message)],
        )


# What we answer and what we accept without acting on (format and metadata preferences
# some clients send; ``$format`` other than JSON is refused).
SUPPORTED = frozenset(
    {"$filter", "$select", "$orderby", "$top", "$skip", "$count", "$skiptoken", "$format"}
)
MAX_SELECT = 64
MAX_ORDERBY = 16
MAX_PAGE = 5000


@dataclass(frozen=True)
class Options:
    predicate: Condition | None
    select: tuple[str, ...]
    orderby: tuple[tuple[str, bool], ...]  # (column, descending), most significant first
    top: int | None
    skip: int
    count: bool
    skiptoken: str | None


def check_known(query: Mapping[str, str], *, allowed: frozenset[str] = SUPPORTED) -> None:
    """Any ``$`` option we do not support is an error (OData: a service must not ignore a
    system query option it does not understand). Custom options (no ``$``) are ignored."""
    for name in query:
        if name.startswith("$") and name not in allowed:
            raise QueryOptionError(
                "query", f"this query option is not supported; use {', '.join(sorted(allowed))}"
            )


def parse_select(text: str | None) -> tuple[str, ...]:
    if text is None:
        return COLUMN_NAMES
    names = [part.strip() for part in text.split(",")]
    if len(names) > MAX_SELECT:
        raise QueryOptionError("$select", f"name at most {MAX_SELECT} properties")
    if names == ["*"]:
        return COLUMN_NAMES
    chosen: list[str] = []
    for position, name in enumerate(names, start=1):
        if name not in COLUMN_NAMES:
            raise QueryOptionError(
                "$select",
                f"item {position} is not a property of the table; "
                f"properties are {', '.join(COLUMN_NAMES)}",
            )
        if name not in chosen:
            chosen.append(name)
    # Served in the table's order, whatever order they were named in.
    return tuple(n for n in COLUMN_NAMES if n in chosen)


def parse_orderby(text: str | None) -> tuple[tuple[str, bool], ...]:
    """``name [asc|desc], ...`` (as Power Query folds a sort)."""
    if text is None:
        return ()
    items = text.split(",")
    if len(items) > MAX_ORDERBY:
        raise QueryOptionError("$orderby", f"name at most {MAX_ORDERBY} properties")
    order: list[tuple[str, bool]] = []
    for position, item in enumerate(items, start=1):
        words = item.split()
        if not 1 <= len(words) <= 2 or words[0] not in COLUMN_NAMES:
            raise QueryOptionError(
                "$orderby",
                f"item {position} is not a property of the table, optionally followed by "
                f"asc or desc; properties are {', '.join(COLUMN_NAMES)}",
            )
        direction = words[1] if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise QueryOptionError("$orderby", f"item {position}: the direction is asc or desc")
        if words[0] not in (name for name, _ in order):
            order.append((words[0], direction == "desc"))
    return tuple(order)


def parse_whole(option: str, text: str | None, *, maximum: int = INTEGER_MAX) -> int | None:
    if text is None:
        return None
    number = whole_number(text.strip(), maximum=maximum)
    if number is None:
        raise QueryOptionError(option, f"must be a whole number from 0 to {maximum}")
    return number


def parse_count(text: str | None) -> bool:
    if text is None or text == "false":
        return False
    if text == "true":
        return True
    raise QueryOptionError("$count", "must be true or false")


def parse_format(text: str | None) -> None:
    if text is not None and text.split(";")[0].strip().lower() not in ("json", "application/json"):
        raise QueryOptionError("$format", "only json is offered here")


def filter_option(text: str | None) -> Condition | None:
    if text is None:
        return None
    try:
        return parse_filter(text)
    except FilterError as exc:
        raise QueryOptionError("$filter", str(exc)) from None


def parse_options(query: Mapping[str, str]) -> Options:
    check_known(query)
    parse_format(query.get("$format"))
    return Options(
        predicate=filter_option(query.get("$filter")),
        select=parse_select(query.get("$select")),
        orderby=parse_orderby(query.get("$orderby")),
        top=parse_whole("$top", query.get("$top")),
        skip=parse_whole("$skip", query.get("$skip")) or 0,
        count=parse_count(query.get("$count")),
        skiptoken=query.get("$skiptoken"),
    )
