"""Analyses' answers remembered by each worker until their dataset changes.

A dataset changes only when an import commits, and every reader gets the same
disclosure-controlled answer (access is checked before an answer is looked up), so an
answer is keyed by the dataset's generation (its latest committed import) and the query;
a new import makes a new generation and the old answers age out. A dashboard and a report
reading the same figures cost one computation.
"""

from collections import OrderedDict
from collections.abc import Hashable
from typing import TypeVar

from pydantic import BaseModel

Answer = TypeVar("Answer", bound=BaseModel)
ANSWERS_MAX = 256


class Answers:
    def __init__(self, size: int = ANSWERS_MAX) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, BaseModel] = OrderedDict()

    def get(self, key: Hashable, kind: type[Answer]) -> Answer | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        assert isinstance(found, kind)
        return found

    def put(self, key: Hashable, answer: Answer) -> Answer:
        self._entries[key] = answer
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return answer


ANSWERS = Answers()
