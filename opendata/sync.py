"""Open-data syncs: a plan's indicator values from its open-data sources, written as
measurements. Nothing here knows a source: each is a registered `opendata.sources.base.Source`
(`indicators.links.link_sources()`), which fetches; this module writes, the same for all.

`source_sync` fetches everything from one source first, outside any transaction, then writes it
in one transaction: every value lands or none does. A failure (the service down, a garbage
answer, a value that cannot be saved) records a failed `SyncRun` with the reason after the
rollback and changes nothing else; the next sync starts over. Call it outside a transaction, or
the failed run is rolled back with the caller's. `plan_opendata_sync` syncs a plan from every
source any of its indicators links to (`Indicator.open_data`).

For each linked indicator and each of the plan's years the source has figures for, a sync writes
what the source fetched (see each source's module):
- the organisation's value, total and by gender where the source divides it, as a measurement
  of the year-end follow-up period (the year's periods are created if missing), with the
  source's name as origin, its credit and the indicator's link (KPI, table) as source, and when
  it was fetched. A figure the source marks missing becomes a measurement without value;
- values of the organisation's units, as measurements of those units (Kolada);
- reference values: the whole country's, and the organisation's comparison group's.
A value a person entered (origin manual or import) is never overwritten: it is kept and listed in
the run's message. A value equal to the stored one is left alone, so syncing unchanged figures
again writes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.versioning import Actor, save_validated
from indicators.links import link_source, link_sources
from indicators.models import (
    PERSON_ORIGINS,
    VALUE_PLACES,
    Gender,
    Indicator,
    Measurement,
    ReferenceValue,
    SyncRun,
)
from opendata.client import OpenDataError
from opendata.sources.base import Fetched, Figure, Source
from planning.models import FollowUpPeriod, Plan
from planning.services import periods_ensure_year

ENTERED_BY_PERSON = frozenset(PERSON_ORIGINS)
STORED_PLACES = Decimal(1).scaleb(-VALUE_PLACES)


@dataclass
class Tally:
    """What writing changed: counts, and the values a person entered that were kept."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)


# --- The services ---------------------------------------------------------------------------------


def sources() -> list[Source]:
    """The registered sources that fetch (all of them, registered by the opendata app)."""
    return [source for source in link_sources() if isinstance(source, Source)]


def plan_sources(plan: Plan) -> list[Source]:
    """The sources any indicator of the plan is linked to, in the registry's order."""
    links = list(Indicator.objects.filter(goal__plan=plan).values_list("open_data", flat=True))
    return [source for source in sources() if any(source.is_linked(data) for data in links)]


def source_sync(*, plan: Plan, actor: Actor, source: Source | str) -> SyncRun:
    """Fetch the values of the plan's indicators linked to `source` (or its name) and write
    them; a plan without such indicators gets an empty run that says so."""
    if isinstance(source, str):
        source = link_source(source)
    started_at = timezone.now()
    linked = source.linked(Indicator.objects.filter(goal__plan=plan).order_by("pk"))
    if not linked:
        note = _("No indicator of the plan is linked to %(source)s.") % {"source": source.service}
        return _run_record(plan, actor, source.name, started_at, notes=[note])
    try:
        fetched = source.fetch(plan, linked)
        tally = _write(plan=plan, fetched=fetched, actor=actor)
    except (OpenDataError, ValidationError, IntegrityError) as error:
        return _run_record(plan, actor, source.name, started_at, failure=_failure(error))
    return _run_record(plan, actor, source.name, started_at, tally=tally, notes=fetched.notes)


def plan_opendata_sync(*, plan: Plan, actor: Actor) -> list[SyncRun]:
    """Sync the plan from every source its indicators are linked to."""
    return [source_sync(plan=plan, actor=actor, source=source) for source in plan_sources(plan)]


def plans_with_opendata() -> QuerySet[Plan]:
    """Plans, not archived, with at least one indicator linked to an open-data source."""
    fetching = sources()
    if not fetching:
        return Plan.objects.none()
    indicators = Indicator.objects.filter(
        goal__plan__in=Plan.objects.exclude(status=Plan.Status.ARCHIVED),
        open_data__has_any_keys=[source.name for source in fetching],
    ).values_list("goal__plan_id", "open_data")
    linked = {
        plan_id
        for plan_id, data in indicators
        if any(source.is_linked(data) for source in fetching)
    }
    return Plan.objects.filter(pk__in=linked).order_by("pk")


def _failure(error: Exception) -> str:
    """Why a sync failed, in words."""
    if isinstance(error, ValidationError):
        return _("A fetched value could not be saved: %(error)s") % {
            "error": " ".join(error.messages)
        }
    if isinstance(error, IntegrityError):
        return _("Values were changed while the sync ran. Run it again.")
    return str(error)


def _run_record(
    plan: Plan,
    actor: Actor,
    source: str,
    started_at: datetime,
    *,
    failure: str = "",
    tally: Tally | None = None,
    notes: Iterable[str] = (),
) -> SyncRun:
    """Record how a sync went, outside the sync's transaction."""
    tally = tally or Tally()
    run = SyncRun(
        source=source,
        organisation=plan.organisation,
        plan=plan,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        started_at=started_at,
        finished_at=timezone.now(),
        status=SyncRun.Status.FAILED if failure else SyncRun.Status.OK,
        message=failure or _message(notes, tally.kept),
        created=tally.created,
        updated=tally.updated,
        unchanged=tally.unchanged,
        skipped_manual=len(tally.kept),
    )
    with transaction.atomic():
        return save_validated(run, actor=actor)


def _message(notes: Iterable[str], kept: list[str]) -> str:
    parts = list(notes)
    if kept:
        parts.append(
            ngettext(
                "%(count)d value entered by a person was kept: %(values)s.",
                "%(count)d values entered by a person were kept: %(values)s.",
                len(kept),
            )
            % {"count": len(kept), "values": "; ".join(kept)}
        )
    return " ".join(parts)


# --- Writing --------------------------------------------------------------------------------------


@transaction.atomic
def _write(*, plan: Plan, fetched: Fetched, actor: Actor) -> Tally:
    """Write what was fetched, all or nothing; one sync of a plan at a time."""
    list(Plan.objects.select_for_update().filter(pk=plan.pk))
    now = timezone.now()
    tally = Tally()
    periods = _year_end_periods(plan, {item.year for item in fetched.values}, actor)
    _write_values(fetched, periods, now, actor, tally)
    _write_references(fetched, now, actor, tally)
    return tally


def _year_end_periods(plan: Plan, years: set[int], actor: Actor) -> dict[int, FollowUpPeriod]:
    return {
        year: next(
            period
            for period in periods_ensure_year(
                organisation=plan.organisation, year=year, actor=actor
            )
            if period.is_year_end
        )
        for year in sorted(years)
    }


def _stored(value: Decimal | None) -> Decimal | None:
    """A value as the database keeps it: VALUE_PLACES decimals.

    A value with more digits than can be rounded is returned as it is: saving refuses it.
    """
    if value is None:
        return None
    try:
        return value.quantize(STORED_PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value


def _write_values(
    fetched: Fetched,
    periods: dict[int, FollowUpPeriod],
    now: datetime,
    actor: Actor,
    tally: Tally,
) -> None:
    existing = {
        (record.indicator_id, record.period_id, record.unit_id, record.gender): record
        for record in Measurement.objects.select_for_update().filter(
            indicator__in={item.indicator.pk for item in fetched.values},
            period__in=[period.pk for period in periods.values()],
        )
    }
    for item in fetched.values:
        period = periods[item.year]
        key = (item.indicator.pk, period.pk, getattr(item.unit, "pk", None), item.gender)
        current = existing.get(key)
        value, source = _stored(item.value), fetched.source(item.indicator)
        if current is None:
            current = existing[key] = Measurement(
                indicator=item.indicator, period=period, unit=item.unit, gender=item.gender
            )
            tally.created += 1
        elif current.origin in ENTERED_BY_PERSON:
            tally.kept.append(_described(item, period))
            continue
        elif (current.value, current.origin, current.source) == (value, fetched.origin, source):
            tally.unchanged += 1
            continue
        else:
            tally.updated += 1
        current.value, current.origin, current.source = value, fetched.origin, source
        current.fetched_at = current.entered_at = now
        current.entered_by = actor if getattr(actor, "is_authenticated", False) else None
        save_validated(current, actor=actor)


def _described(item: Figure, period: FollowUpPeriod) -> str:
    """A kept value in words: "HME-index, T3 2023, Women (Hemtjänst)"."""
    text = f"{item.indicator.name}, {period}, {Gender(item.gender).label}"
    return f"{text} ({item.unit.name})" if item.unit else text


def _write_references(fetched: Fetched, now: datetime, actor: Actor, tally: Tally) -> None:
    existing = {
        (record.indicator_id, record.year, record.kind, record.group, record.gender): record
        for record in ReferenceValue.objects.select_for_update().filter(
            indicator__in={item.indicator.pk for item in fetched.references}
        )
    }
    for item in fetched.references:
        key = (item.indicator.pk, item.year, item.kind, item.group, item.gender)
        current = existing.get(key)
        value, source = _stored(item.value), fetched.source(item.indicator)
        if current is None:
            current = existing[key] = ReferenceValue(
                indicator=item.indicator,
                year=item.year,
                kind=item.kind,
                group=item.group,
                gender=item.gender,
            )
            tally.created += 1
        elif (current.value, current.source) == (value, source):
            tally.unchanged += 1
            continue
        else:
            tally.updated += 1
        current.value, current.source, current.fetched_at = value, source, now
        save_validated(current, actor=actor)
