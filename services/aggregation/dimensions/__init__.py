"""The dimensions of a fact, derived from what the feed says (pure: no I/O).

Periods follow the NHS financial year (1 April to 31 March); quarters are the calendar
quarters, which are the financial year's too (April-June is Q1). IMD quintile 1 holds
deciles 1 and 2 (the most deprived fifth); Core20 is the most deprived 20% of
neighbourhoods nationally, i.e. IMD deciles 1-2 (NHS England, Core20PLUS5). Ethnic group
keeps "not stated" (asked, chose not to say: code Z) apart from "not known" (code 99, or
no category recorded), as completeness reports count them separately.
"""

from datetime import date

__all__ = [
    "ETHNIC_GROUPS",
    "NOT_KNOWN",
    "core20",
    "ethnic_group",
    "financial_year",
    "imd_quintile",
    "month_start",
    "quarter_start",
]

NOT_KNOWN = "not_known"
ETHNIC_GROUPS = (
    "white",
    "mixed",
    "asian_or_asian_british",
    "black_or_black_british",
    "other",
    "not_stated",
    NOT_KNOWN,
)


def month_start(day: date) -> date:
    return day.replace(day=1)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def financial_year(day: date) -> int:
    """The calendar year in which the day's NHS financial year starts: 2027-03-31 -> 2026."""
    return day.year if day.month >= 4 else day.year - 1


def imd_quintile(decile: int | None) -> int | None:
    return None if decile is None else (decile + 1) // 2


def core20(decile: int | None) -> bool | None:
    return None if decile is None else decile <= 2


def ethnic_group(group: str | None) -> str:
    """The feed's group, with no category recorded counted as not known."""
    return group if group in ETHNIC_GROUPS else NOT_KNOWN
