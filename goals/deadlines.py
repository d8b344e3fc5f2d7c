"""An activity's deadline: a day ("15 maj 2026") or a month ("maj 2026"), as a date.

A month deadline is stored as the month's last day with the precision "month"; a day deadline
as that day with the precision "day". This module reads a deadline as people write it (in
Swedish, Norwegian or English, or as ISO "2026-05" / "2026-05-15") and writes it back, in the
active language for pages and as ISO for files.
"""

import calendar
import datetime
import re
from functools import cache, lru_cache

from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

LANGUAGES = ("sv", "nb", "nn", "en")
# Month names as documents write them besides the translations ("sept", "okt.", "mars").
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
EXTRA_MONTH_WORDS = {"sept": 9, "sep": 9, "mars": 3, "mai": 5, "okt": 10, "des": 12, "dec": 12}


class Precision(models.TextChoices):
    DAY = "day", gettext_lazy("Day")
    MONTH = "month", gettext_lazy("Month")


def last_day(year: int, month: int) -> datetime.date:
    """The last day of a month: 2026-02-28, 2028-02-29."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def is_last_day(day: datetime.date) -> bool:
    return day == last_day(day.year, day.month)


def deadline_text(due_on: datetime.date, precision: str) -> str:
    """The deadline in the active language: "maj 2026", "15 maj 2026", "May 15, 2026"."""
    return _deadline_text(due_on, str(precision), translation.get_language())


# A plan's hundreds of activities share a few dozen deadlines: each is written once per language.
@lru_cache(maxsize=2048)
def _deadline_text(due_on: datetime.date, precision: str, language: str | None) -> str:
    if precision == Precision.MONTH:
        return formats.date_format(due_on, "YEAR_MONTH_FORMAT")
    return formats.date_format(due_on, "DATE_FORMAT")


def timing_text(ongoing: bool, due_on: datetime.date | None, precision: str) -> str:
    """ "Ongoing", "maj 2026" or "15 maj 2026", in the active language: an activity's timing."""
    if ongoing or due_on is None:
        return str(_("Ongoing"))
    return deadline_text(due_on, precision)


def deadline_code(due_on: datetime.date | None, precision: str) -> str:
    """The deadline as a file writes it: "2026-05" for a month, "2026-05-15" for a day."""
    if due_on is None:
        return ""
    if precision == Precision.MONTH:
        return f"{due_on.year:04d}-{due_on.month:02d}"
    return due_on.isoformat()


def moved_by_years(due_on: datetime.date, precision: str, years: int) -> datetime.date:
    """The same deadline `years` later (a plan rolled over): a month stays its last day."""
    if precision == Precision.MONTH:
        return last_day(due_on.year + years, due_on.month)
    day = min(due_on.day, calendar.monthrange(due_on.year + years, due_on.month)[1])
    return due_on.replace(year=due_on.year + years, day=day)


@cache
def month_words() -> dict[str, int]:
    """Month names in every language, their three-letter abbreviations and numbers -> month."""
    words: dict[str, int] = {str(number): number for number in range(1, 13)}
    words.update({f"{number:02d}": number for number in range(1, 10)})
    words.update(EXTRA_MONTH_WORDS)
    for language in LANGUAGES:
        with translation.override(language):
            for number, english in enumerate(ENGLISH_MONTHS, start=1):
                for name in (pgettext("month name", english), _(english)):
                    name = name.casefold()
                    words.setdefault(name, number)
                    words.setdefault(name[:3], number)
    return words


def _month(word: str) -> int | None:
    return month_words().get(word.casefold().rstrip("."))


ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
NUMERIC_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")  # 15.05.2026, 15/5/2026
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.?\s+(\S+?)\.?,?\s+(\d{4})$")  # 15 maj 2026, 15. mai 2026
MONTH_DAY_YEAR = re.compile(r"^(\S+?)\.?\s+(\d{1,2}),?\s+(\d{4})$")  # May 15, 2026
MONTH_YEAR = re.compile(r"^(\S+?)\.?\s+(\d{4})$")  # maj 2026, May 2026


def _day(year: str | int, month: int | None, day: str | int) -> tuple[datetime.date, str] | None:
    try:
        return datetime.date(int(year), month, int(day)), Precision.DAY
    except (TypeError, ValueError):
        return None


def _read(text: str, first_year: int | None) -> tuple[datetime.date, str] | None:
    if match := ISO_DAY.match(text):
        return _day(match[1], int(match[2]), match[3])
    if match := NUMERIC_DAY.match(text):
        return _day(match[3], int(match[2]), match[1])
    if match := ISO_MONTH.match(text):
        month, year = int(match[2]), int(match[1])
    elif match := DAY_MONTH_YEAR.match(text):
        return _day(match[3], _month(match[2]), match[1])
    elif match := MONTH_DAY_YEAR.match(text):
        return _day(match[3], _month(match[1]), match[2])
    elif match := MONTH_YEAR.match(text):
        month, year = _month(match[1]), int(match[2])
    else:
        # The old form: a month alone ("maj", "5") is that month in the plan's first year.
        month, year = _month(text), first_year
    if not month or not 1 <= month <= 12 or not year or not 1900 <= year <= 9999:
        return None
    return last_day(year, month), Precision.MONTH


def parse_deadline(value: object, first_year: int | None = None) -> tuple[datetime.date, str]:
    """(due_on, precision) from "2026-05-31", "2026-05", "15 maj 2026", "maj 2026", "mai 2026",
    "May 2026", "May 15, 2026", "15.05.2026", a date, or a month alone ("maj", "5": that month
    in `first_year`, the plan's first year). ValueError with a message in the active language
    for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date(), Precision.DAY
    if isinstance(value, datetime.date):
        return value, Precision.DAY
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value or "").replace("\u00a0", " ").split()).casefold()
    found = _read(text, first_year) if text else None
    if found is None:
        raise ValueError(
            _(
                "“%(value)s” is not a deadline. Write a month (e.g. %(month)s) or a day "
                "(e.g. %(day)s)."
            )
            % {
                "value": str(value or "").strip(),
                "month": deadline_text(datetime.date(2026, 5, 31), Precision.MONTH),
                "day": deadline_text(datetime.date(2026, 5, 15), Precision.DAY),
            }
        )
    return found


def overdue_text(due_on: datetime.date) -> str:
    """ "Overdue since 31 May 2026" (a month's deadline: its last day), in the active language."""
    return _overdue_text(due_on, translation.get_language())


@lru_cache(maxsize=2048)
def _overdue_text(due_on: datetime.date, language: str | None) -> str:
    return _("Overdue since %(date)s") % {"date": formats.date_format(due_on, "DATE_FORMAT")}
