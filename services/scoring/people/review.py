"""When a person's next review falls due (decision 0025).

Pure: takes the person's latest submitted assessment and the assessing team's interval.
A review falls due a team-chosen number of months after the last submitted assessment
(team settings ``review_interval_months``; six months where the team has not chosen, the
interval the demo learning-disability teams use). Nothing is due after a discharge
assessment, nor before the first assessment has been submitted (the referral is due,
not a review).
"""

import calendar
from datetime import date
from typing import Any

DEFAULT_REVIEW_INTERVAL_MONTHS = 6
MAX_REVIEW_INTERVAL_MONTHS = 60
DISCHARGE = "discharge"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Aug + 6
    months is 28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_interval_months(team_settings: dict[str, Any]) -> int:
    """The team's chosen interval, or the default when unset or not a whole number of
    months between 1 and 60."""
    chosen = team_settings.get("review_interval_months")
    if isinstance(chosen, bool) or not isinstance(chosen, int):
        return DEFAULT_REVIEW_INTERVAL_MONTHS
    if 1 <= chosen <= MAX_REVIEW_INTERVAL_MONTHS:
        return chosen
    return DEFAULT_REVIEW_INTERVAL_MONTHS


def review_due(
    last_submitted_on: date | None, last_submitted_episode: str | None, interval_months: int
) -> date | None:
    if last_submitted_on is None or last_submitted_episode == DISCHARGE:
        return None
    return add_months(last_submitted_on, interval_months)
