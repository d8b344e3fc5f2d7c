"""Deadlines as tests write them: a month of a plan's year, stored as its last day."""

import datetime

from goals.deadlines import last_day


def month_end(month: int, year: int = 2023) -> datetime.date:
    """The deadline "by the end of `month`" of `year` (most test plans are of 2023)."""
    return last_day(year, month)
