"""PDF admission: a bounded number drawn and waiting; past that a quick 503, never a queue
that grows until clients time out."""

import asyncio

import pytest

from services.common.errors import ServiceUnavailable
from services.reporting.machinery.render import PdfRenders

PAGE = '<html lang="en-GB"><head><title>T</title></head><body><p>Page</p></body></html>'


async def _request(renders: PdfRenders) -> bytes:
    with renders.admitted():
        return await renders.draw(PAGE)


async def test_past_the_places_a_request_is_refused_at_once_and_the_rest_are_drawn() -> None:
    renders = PdfRenders(at_once=1, waiting=1)
    answers = await asyncio.gather(*(_request(renders) for _ in range(4)), return_exceptions=True)
    drawn = [a for a in answers if isinstance(a, bytes)]
    refused = [a for a in answers if isinstance(a, ServiceUnavailable)]
    assert len(drawn) == 2
    assert all(pdf.startswith(b"%PDF-") for pdf in drawn)
    assert len(refused) == 2
    assert refused[0].headers == {"Retry-After": "2"}


async def test_places_are_given_back_whatever_happens() -> None:
    renders = PdfRenders(at_once=1, waiting=0)
    with pytest.raises(RuntimeError), renders.admitted():
        raise RuntimeError("the upstream failed")
    assert (await _request(renders)).startswith(b"%PDF-")
