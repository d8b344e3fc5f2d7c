"""Writes for follow-up periods: a year's periods by the organisation's scheme, open and close,
the reporting deadline."""

import calendar
import datetime

from django.db import transaction

from core.versioning import Actor, save_validated
from planning.models import FollowUpPeriod, Organisation
from planning.models.schemes import SchemeRow, first_new_months, scheme_rows


def period_dates(year: int, row: SchemeRow) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a scheme period in a year."""
    start = datetime.date(year, row.first_month, 1)
    end = datetime.date(year, row.last_month, calendar.monthrange(year, row.last_month)[1])
    return start, end


def year_periods(organisation: Organisation, year: int) -> list[FollowUpPeriod]:
    """The year's periods by the organisation's scheme, in order, unsaved."""
    rows = scheme_rows(organisation)
    periods = []
    for position, (row, first_new) in enumerate(zip(rows, first_new_months(rows), strict=True)):
        starts_on, ends_on = period_dates(year, row)
        periods.append(
            FollowUpPeriod(
                organisation=organisation,
                year=year,
                kind=row.code,
                position=position,
                name_sv=row.name_sv,
                name_nb=row.name_nb,
                name_nn=row.name_nn,
                name_en=row.name_en,
                cumulative=row.cumulative,
                first_new_month=first_new,
                is_year_end=position == len(rows) - 1,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    return periods


@transaction.atomic
def periods_ensure_year(
    *, organisation: Organisation, year: int, actor: Actor
) -> list[FollowUpPeriod]:
    """Make sure the organisation has its follow-up periods for a year, by its scheme.

    Returns the year's periods in order; creates only those that are missing.
    """
    existing = {
        period.kind: period
        for period in FollowUpPeriod.objects.filter(organisation=organisation, year=year)
    }
    return [
        existing.get(period.kind) or save_validated(period, actor=actor)
        for period in year_periods(organisation, year)
    ]


@transaction.atomic
def period_set_open(*, period: FollowUpPeriod, is_open: bool, actor: Actor) -> FollowUpPeriod:
    """Open a follow-up period for reporting, or close it."""
    period.is_open = is_open
    return save_validated(period, actor=actor)


@transaction.atomic
def periods_create_year(
    *, organisation: Organisation, year: int, actor: Actor
) -> tuple[list[FollowUpPeriod], int]:
    """Create the year's follow-up periods; returns them and how many were new."""
    before = FollowUpPeriod.objects.filter(organisation=organisation, year=year).count()
    periods = periods_ensure_year(organisation=organisation, year=year, actor=actor)
    return periods, len(periods) - before


@transaction.atomic
def period_set_deadline(
    *, period: FollowUpPeriod, deadline: datetime.date | None, actor: Actor
) -> FollowUpPeriod:
    """Set (or clear) the last day for unit managers to report the period; reminders are sent
    before it and after it (`reports.reminders`). A deadline before the period starts is
    refused."""
    period.reporting_deadline = deadline
    return save_validated(period, actor=actor)
