"""A bounded number of requests admitted to costly work, per process; past it a quick 503
with ``Retry-After`` rather than a queue that grows until clients time out (reporting's
PDFs, aggregation's BI exports). Each user keeps its own limit on how many run at once."""

from collections.abc import Iterator
from contextlib import contextmanager

from services.common.errors import ServiceUnavailable


class Admission:
    """At most ``most`` requests hold a place at a time; the next is refused with ``busy``."""

    def __init__(self, most: int, busy: str, retry_after_s: int) -> None:
        self.most, self._busy, self._retry_after = most, busy, str(retry_after_s)
        self.admitted_now = 0

    @contextmanager
    def place(self) -> Iterator[None]:
        """Hold a place for one request, or 503 at once (the place is given back whatever
        happens)."""
        if self.admitted_now >= self.most:
            raise ServiceUnavailable(self._busy, headers={"Retry-After": self._retry_after})
        self.admitted_now += 1
        try:
            yield
        finally:
            self.admitted_now -= 1
