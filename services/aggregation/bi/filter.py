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
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from services.aggregation.bi.table import BY_NAME, KEY, TidyRow, Value
from services.common.input_rules import NOT_IN_TEXT_MESSAGE, text_problem

Predicate = Callable[[TidyRow], bool]

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

    def parse(self) -> Predicate:
        predicate = self.disjunction(0)
        token = self.peek()
        if token is not None:
            raise FilterError(f"unexpected term at position {token.position}")
        return predicate

    def disjunction(self, depth: int) -> Predicate:
        parts = [self.conjunction(depth)]
        while self.is_word("or"):
            self.take()
            parts.append(self.conjunction(depth))
        if len(parts) == 1:
            return parts[0]
        return lambda row: any(p(row) for p in parts)

    def conjunction(self, depth: int) -> Predicate:
        parts = [self.negation(depth)]
        while self.is_word("and"):
            self.take()
            parts.append(self.negation(depth))
        if len(parts) == 1:
            return parts[0]
        return lambda row: all(p(row) for p in parts)

    def negation(self, depth: int) -> Predicate:
        if depth > MAX_DEPTH:
            raise FilterError(f"nests deeper than {MAX_DEPTH} levels")
        token = self.take()
        if token.kind == "word" and token.value == "not":
            inner = self.negation(depth + 1)
            return lambda row: not inner(row)
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

    def condition(self, token: Token) -> Predicate:
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
            return lambda row: getattr(row, name) in values
        if operator.kind != "word" or operator.value not in COMPARISONS:
            raise FilterError(
                f"expected one of {', '.join(COMPARISONS)} or in at position {operator.position}"
            )
        if operator.value not in ("eq", "ne") and BY_NAME[name].kind == "boolean":
            raise FilterError(f"{name} can only be compared with eq or ne")
        literal = self.literal(name)
        return _compare(name, operator.value, literal)

    def function(self, function: str) -> Predicate:
        self.expect("(")
        name = self.property(self.expect("word"))
        if BY_NAME[name].kind != "string":
            raise FilterError(f"{function} takes a text property")
        self.expect(",")
        text = self.literal(name)
        self.expect(")")
        assert isinstance(text, str)
        if function == "startswith":
            return lambda row: str(getattr(row, name)).startswith(text)
        if function == "endswith":
            return lambda row: str(getattr(row, name)).endswith(text)
        return lambda row: text in str(getattr(row, name))

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


def _compare(name: str, operator: str, literal: Value) -> Predicate:
    if operator == "eq":
        return lambda row: getattr(row, name) == literal
    if operator == "ne":
        return lambda row: getattr(row, name) != literal
    if operator == "gt":
        return lambda row: getattr(row, name) > literal
    if operator == "ge":
        return lambda row: getattr(row, name) >= literal
    if operator == "lt":
        return lambda row: getattr(row, name) < literal
    return lambda row: getattr(row, name) <= literal


def parse_filter(text: str) -> Predicate:
    """The predicate ``text`` states; ``FilterError`` when it is not one we accept."""
    tokens = tokenize(text)
    if not tokens:
        raise FilterError("is empty")
    return _Parser(tokens).parse()
