"""The admission of BI exports: so many build at once, so many more wait, the rest are refused
at once with Retry-After; a place is given back however its export ends."""

import asyncio

import pytest

from services.aggregation.bi.admission import RETRY_AFTER_S, ExportAdmission
from services.common.errors import ServiceUnavailable


async def test_places_to_build_then_to_wait_then_a_refusal() -> None:
    exports = ExportAdmission(at_once=2, waiting=1)
    release = asyncio.Event()
    building: list[int] = []

    async def export(n: int) -> None:
        async with exports.admitted():
            building.append(n)
            await release.wait()

    tasks = [asyncio.create_task(export(n)) for n in range(3)]
    for _ in range(100):
        await asyncio.sleep(0)
    assert exports.admitted_now == 3
    assert building == [0, 1]  # the third waits its turn
    with pytest.raises(ServiceUnavailable) as refused:
        async with exports.admitted():
            pytest.fail("admitted past its places")
    assert refused.value.status == 503
    assert refused.value.headers == {"Retry-After": str(RETRY_AFTER_S)}
    release.set()
    await asyncio.gather(*tasks)
    assert building == [0, 1, 2]
    assert exports.admitted_now == 0


async def test_a_failed_or_cancelled_export_gives_its_place_back() -> None:
    exports = ExportAdmission(at_once=1, waiting=0)
    with pytest.raises(RuntimeError):
        async with exports.admitted():
            raise RuntimeError("the database went away")
    assert exports.admitted_now == 0
    started = asyncio.Event()

    async def slow() -> None:
        async with exports.admitted():
            started.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(slow())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert exports.admitted_now == 0
    async with exports.admitted():
        assert exports.admitted_now == 1


def test_at_least_one_place_to_build() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ExportAdmission(at_once=0, waiting=4)
