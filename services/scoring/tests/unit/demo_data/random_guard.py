"""Fail a test that touches the module-level random generator (after ehrql's
``random_should_not_be_used``): synthetic data must come from seeded ``random.Random``."""

import random
from collections.abc import Iterator

import pytest

_MODULE_FUNCTIONS = (
    "random",
    "randint",
    "randrange",
    "choice",
    "choices",
    "sample",
    "shuffle",
    "uniform",
    "gauss",
    "normalvariate",
    "lognormvariate",
    "expovariate",
    "triangular",
    "betavariate",
    "gammavariate",
    "paretovariate",
    "weibullvariate",
    "vonmisesvariate",
    "getrandbits",
    "randbytes",
    "seed",
    "getstate",
    "setstate",
)


@pytest.fixture(autouse=True, scope="module")
def random_should_not_be_used() -> Iterator[None]:
    """Module-scoped so it is in place before module-scoped data fixtures are built."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the module-level random generator was used; seed a Random")

    with pytest.MonkeyPatch.context() as patch:
        for name in _MODULE_FUNCTIONS:
            patch.setattr(random, name, forbidden)
        yield
