"""Writes for follow-up periods: a year's periods by the organisation's scheme, open and close,
the reporting deadline."""

import datetime

from django.db import transaction

from core.versioning import Actor, save_validated
from planning.models import FollowUpPeriod, Organisation


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
    periods = []
    for kind in FollowUpPeriod.kinds_for(organisation.follow_up_scheme):
        period = existing.get(kind)
        if period is None:
            starts_on, ends_on = FollowUpPeriod.default_dates(year, kind)
            period = save_validated(
                FollowUpPeriod(
                    organisation=organisation,
                    year=year,
                    kind=kind,
                    starts_on=starts_on,
                    ends_on=ends_on,
                ),
                actor=actor,
            )
        periods.append(period)
    return periods


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
