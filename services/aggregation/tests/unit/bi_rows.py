"""Tidy rows made up for the BI unit tests."""

from datetime import date

from services.aggregation.bi.table import TidyRow


def tidy_row(**changes: object) -> TidyRow:
    values: dict[str, object] = {
        "organisation_code": "EQA",
        "organisation_name": "Equitas Demo Trust A",
        "organisation_level": "trust",
        "period_type": "quarter",
        "period": "2026-Q2",
        "period_start": date(2026, 4, 1),
        "period_end": date(2026, 6, 30),
        "instrument": "hef",
        "breakdown": "imd_quintile",
        "breakdown_value": "1",
        "measure": "mean_overall_score",
        "value": 2.5,
        "lower_ci": 2.1,
        "upper_ci": 2.9,
        "denominator": 40,
        "suppressed": False,
    }
    values.update(changes)
    return TidyRow(**values)  # type: ignore[arg-type]


def suppressed_row(**changes: object) -> TidyRow:
    return tidy_row(value=None, lower_ci=None, upper_ci=None, denominator=None, suppressed=True,
                    **changes)  # fmt: skip
