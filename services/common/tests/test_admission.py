"""Admission: places held and given back; past them a quick 503 with Retry-After."""

import pytest

from services.common.admission import Admission
from services.common.errors import ServiceUnavailable


def test_past_its_places_a_request_is_refused_and_a_place_is_given_back_whatever_happens() -> None:
    admission = Admission(1, "busy", retry_after_s=3)
    with admission.place():
        assert admission.admitted_now == 1
        with pytest.raises(ServiceUnavailable) as refused, admission.place():
            pass
        assert refused.value.headers == {"Retry-After": "3"}
    with pytest.raises(RuntimeError), admission.place():
        raise RuntimeError("the work failed")
    assert admission.admitted_now == 0
