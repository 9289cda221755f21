"""The ``$filter`` subset BI tools send, parsed by a strict grammar into a predicate over
tidy rows. Nothing from the text is ever evaluated as code or built into SQL.

    filter     := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | "(" or ")" | comparison | membership | function
    comparison := property ("eq"|"ne"|"gt"|"ge"|"lt"|"le") literal
    membership := property "in" "(" literal ("," literal)* ")"
    function   := ("startswith"|"endswith"|"contains") "(" property "," string ")"
    literal    := 'text' (a quote doubled inside) | YYYY-MM-DD | true | false

Properties are the table's key columns, its period dates and ``suppressed``; each literal
must be of its property's type. Limits keep a hostile filter cheap to refuse: its length,
its tokens, its nesting, an ``in`` list's length and a text literal's length.

A parsed filter tests a row (``Condition.__call__``) and also decides what it can from a
row only partly known (``Condition.decide``: True, False, or None for "depends on the
rest", in Kleene's three-valued logic), so an export skips every part of a table none of
whose rows could match (``bi.plan``).
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from services.aggregation.bi.table import BY_NAME, KEY, TidyRow, Value
from services.common.input_rules import NOT_IN_TEXT_MESSAGE, text_problem

Predicate = Callable[[TidyRow], bool]
Known = Mapping[str, Value]  # the columns known of rows not yet computed
Decision = bool | None  # True: every such row matches; False: none does; None: it depends


@dataclass(frozen=True, slots=True)
class Condition:
    """A filter, or a part of one: ``test`` says whether a row matches; ``decide`` what can
    be said from some of its columns only."""

    test: Predicate
    decide: Callable[[Known], Decision]
    columns: frozenset[str]  # the columns it names
    text: str | None = None  # a whole filter: as it was sent

    def __call__(self, row: TidyRow) -> bool:
        return self.test(row)


def _on_column(name: str, holds: Callable[[Any], bool]) -> Condition:
    """A condition on one column's value: decided whenever that column is known."""
    return Condition(
        test=lambda row: holds(getattr(row, name)),
        decide=lambda known: holds(known[name]) if name in known else None,
        columns=frozenset({name}),
    )


def _columns(parts: Sequence[Condition]) -> frozenset[str]:
    return frozenset().union(*(p.columns for p in parts))


def _all_of(parts: Sequence[Condition]) -> Condition:
    def decide(known: Known) -> Decision:
        decisions = [p.decide(known) for p in parts]
        if False in decisions:
            return False
        return True if all(d is True for d in decisions) else None

    return Condition(lambda row: all(p.test(row) for p in parts), decide, _columns(parts))


def _any_of(parts: Sequence[Condition]) -> Condition:
    def decide(known: Known) -> Decision:
        decisions = [p.decide(known) for p in parts]
        if True in decisions:
            return True
        return False if all(d is False for d in decisions) else None

    return Condition(lambda row: any(p.test(row) for p in parts), decide, _columns(parts))


def _negated(inner: Condition) -> Condition:
    def decide(known: Known) -> Decision:
        decision = inner.decide(known)
        return None if decision is None else not decision

    return Condition(lambda row: not inner.test(row), decide, inner.columns)


FILTERABLE: tuple[str, ...] = (*KEY, "period_start", "period_end", "suppressed")
MAX_LENGTH = 4000
MAX_TOKENS = 1000
MAX_DEPTH = 32
MAX_IN = 500
MAX_TEXT = 256

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS = ("startswith", "endswith", "contains")


class FilterError(ValueError):
    """Why a filter is refused (never quoting it)."""


@dataclass(frozen=True)
class Token:
    kind: str  # "(", ")", ",", "text", "date", "number", "word"
    value: str
    position: int  # 1-based character position, for messages


_TOKEN = re.compile(
    r"""(?P<space>[ ]+)
      |(?P<punct>[(),])
      |(?P<text>'(?:[^']|'')*')
      |(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9A-Za-z_:.-]))
      |(?P<number>[-+]?[0-9][0-9A-Za-z_.:+-]*)
      |(?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise FilterError(f"is longer than {MAX_LENGTH} characters")
    tokens: list[Token] = []
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise FilterError(f"unexpected character at position {at + 1}")
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "punct":
            tokens.append(Token(value, value, at + 1))
        elif kind != "space":
            tokens.append(Token(kind, value, at + 1))
        if len(tokens) > MAX_TOKENS:
            raise FilterError(f"has more than {MAX_TOKENS} terms")
        at = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise FilterError("ends too soon")
        self.at += 1
        return token

    def expect(self, kind: str) -> Token:
        token = self.take()
        if token.kind != kind:
            raise FilterError(f"expected {kind!r} at position {token.position}")
        return token

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.value == word

    def parse(self) -> Condition:
        predicate = self.disjunction(0)
        token = self.peek()
        if token is not None:
            raise FilterError(f"unexpected term at position {token.position}")
        return predicate

    def disjunction(self, depth: int) -> Condition:
        parts = [self.conjunction(depth)]
        while self.is_word("or"):
            self.take()
            parts.append(self.conjunction(depth))
        if len(parts) == 1:
            return parts[0]
        return _any_of(parts)

    def conjunction(self, depth: int) -> Condition:
        parts = [self.negation(depth)]
        while self.is_word("and"):
            self.take()
            parts.append(self.negation(depth))
        if len(parts) == 1:
            return parts[0]
        return _all_of(parts)

    def negation(self, depth: int) -> Condition:
        if depth > MAX_DEPTH:
            raise FilterError(f"nests deeper than {MAX_DEPTH} levels")
        token = self.take()
        if token.kind == "word" and token.value == "not":
            return _negated(self.negation(depth + 1))
        if token.kind == "(":
            inner = self.disjunction(depth + 1)
            self.expect(")")
            return inner
        if token.kind == "word" and token.value in FUNCTIONS:
            return self.function(token.value)
        if token.kind == "word":
            return self.condition(token)
        raise FilterError(f"expected a property at position {token.position}")

    def property(self, token: Token) -> str:
        if token.value not in FILTERABLE:
            raise FilterError(
                f"position {token.position} names no property that can be filtered on; "
                f"those are {', '.join(FILTERABLE)}"
            )
        return token.value

    def condition(self, token: Token) -> Condition:
        name = self.property(token)
        operator = self.take()
        if operator.kind == "word" and operator.value == "in":
            self.expect("(")
            values = {self.literal(name)}
            while self.peek() is not None and self.peek().kind == ",":  # type: ignore[union-attr]
                self.take()
                values.add(self.literal(name))
                if len(values) > MAX_IN:
                    raise FilterError(f"an 'in' list holds more than {MAX_IN} values")
            self.expect(")")
            return _on_column(name, lambda value: value in values)
        if operator.kind != "word" or operator.value not in COMPARISONS:
            raise FilterError(
                f"expected one of {', '.join(COMPARISONS)} or in at position {operator.position}"
            )
        if operator.value not in ("eq", "ne") and BY_NAME[name].kind == "boolean":
            raise FilterError(f"{name} can only be compared with eq or ne")
        literal = self.literal(name)
        return _compare(name, operator.value, literal)

    def function(self, function: str) -> Condition:
        self.expect("(")
        name = self.property(self.expect("word"))
        if BY_NAME[name].kind != "string":
            raise FilterError(f"{function} takes a text property")
        self.expect(",")
        text = self.literal(name)
        self.expect(")")
        assert isinstance(text, str)
        if function == "startswith":
            return _on_column(name, lambda value: str(value).startswith(text))
        if function == "endswith":
            return _on_column(name, lambda value: str(value).endswith(text))
        return _on_column(name, lambda value: text in str(value))

    def literal(self, name: str) -> Value:
        """The next literal, which must be of the type of property ``name``."""
        token = self.take()
        kind = BY_NAME[name].kind
        if kind == "string" and token.kind == "text":
            if len(token.value) - 2 > MAX_TEXT:
                raise FilterError(
                    f"the text at position {token.position} is over {MAX_TEXT} characters"
                )
            text = token.value[1:-1].replace("''", "'")
            if text_problem(text) is not None:
                raise FilterError(f"the text at position {token.position} {NOT_IN_TEXT_MESSAGE}")
            return text
        if kind == "date" and token.kind == "date":
            try:
                return date.fromisoformat(token.value)
            except ValueError:
                raise FilterError(f"position {token.position} is not a real date") from None
        if kind == "boolean" and token.kind == "word" and token.value in ("true", "false"):
            return token.value == "true"
        expected = {"string": "text in single quotes", "date": "a date (YYYY-MM-DD)",
                    "boolean": "true or false"}.get(kind, kind)  # fmt: skip
        raise FilterError(f"{name} is compared with {expected} (position {token.position})")


def _compare(name: str, operator: str, literal: Value) -> Condition:
    # Types were checked against the column when the literal was read.
    holds: dict[str, Callable[[Any], bool]] = {
        "eq": lambda value: value == literal,
        "ne": lambda value: value != literal,
        "gt": lambda value: value > literal,
        "ge": lambda value: value >= literal,
        "lt": lambda value: value < literal,
        "le": lambda value: value <= literal,
    }
    return _on_column(name, holds[operator])


def parse_filter(text: str) -> Condition:
    """The condition ``text`` states; ``FilterError`` when it is not one we accept."""
    tokens = tokenize(text)
    if not tokens:
        raise FilterError("is empty")
    return replace(_Parser(tokens).parse(), text=text)
