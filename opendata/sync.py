"""Open-data syncs: a plan's indicator values from Kolada or SSB, written as measurements.

`kolada_sync` and `ssb_sync` fetch everything first, outside any transaction, then write it in
one transaction: every value lands or none does. A failure (the service down, a garbage answer,
a value that cannot be saved) records a failed `SyncRun` with the reason after the rollback and
changes nothing else; the next sync starts over. Call them outside a transaction, or the failed
run is rolled back with the caller's.

For each indicator linked to Kolada (`kolada_kpi`) or SSB (`ssb_table` and `ssb_selection`) and
each of the plan's years the source has figures for, a sync writes:
- the organisation's value, total and by gender where the source divides it, as a measurement
  of the year-end follow-up period (the year's periods are created if missing), with origin
  kolada or ssb, the credit and the KPI or table as source, and when it was fetched. A figure
  the source marks missing becomes a measurement without value;
- Kolada's values of the organisation's units that have a `kolada_ou` (below the plan's owner
  unit), as measurements of those units;
- reference values: the whole country's, and the organisation's comparison group's: the mean of
  the members' values in Kolada (missing figures left out), or the group's own KOSTRA figure.
A value a person entered (origin manual or import) is never overwritten: it is kept and listed in
the run's message. A value equal to the stored one is left alone, so syncing unchanged figures
again writes nothing.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.versioning import Actor, save_validated
from indicators.models import (
    VALUE_PLACES,
    Gender,
    Indicator,
    Measurement,
    Origin,
    ReferenceValue,
    SyncRun,
)
from opendata import kolada, ssb
from opendata.client import OpenDataError
from planning.models import FollowUpPeriod, Organisation, Plan, Unit
from planning.selectors import descendants_by_unit
from planning.services import periods_ensure_year

ENTERED_BY_PERSON = frozenset({Origin.MANUAL, Origin.IMPORT})
STORED_PLACES = Decimal(1).scaleb(-VALUE_PLACES)
SSB_TIME = "Tid"
SSB_GENDER = "Kjonn"
SSB_GENDERS = {"0": Gender.TOTAL, "1": Gender.MEN, "2": Gender.WOMEN}
SSB_NATIONAL = frozenset({"EAK", "0"})  # KOSTRA's "Landet" and "Hele landet"


@dataclass(frozen=True)
class Figure:
    """A fetched figure of an indicator: the organisation's or a unit's value, or, with a
    `kind`, a reference value (the whole country's, or a group's)."""

    indicator: Indicator
    year: int
    gender: str
    value: Decimal | None
    unit: Unit | None = None
    kind: str = ""
    group: str = ""


@dataclass
class Fetched:
    """Everything one sync fetched, ready to write."""

    origin: str
    source: Callable[[Indicator], str]
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def values(self) -> list[Figure]:
        return [figure for figure in self.figures if not figure.kind]

    @property
    def references(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.kind]


@dataclass
class Tally:
    """What writing changed: counts, and the values a person entered that were kept."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)


# --- The services ---------------------------------------------------------------------------------


def kolada_sync(*, plan: Plan, actor: Actor) -> SyncRun:
    """Fetch the values of the plan's indicators linked to Kolada and write them."""
    return _sync(plan=plan, actor=actor, source=SyncRun.Source.KOLADA, fetch=_kolada_fetch)


def ssb_sync(*, plan: Plan, actor: Actor) -> SyncRun:
    """Fetch the values of the plan's indicators linked to SSB (KOSTRA) and write them."""
    return _sync(plan=plan, actor=actor, source=SyncRun.Source.SSB, fetch=_ssb_fetch)


def plan_opendata_sync(*, plan: Plan, actor: Actor) -> list[SyncRun]:
    """Sync the plan from every source its indicators are linked to."""
    linked = Indicator.objects.filter(goal__plan=plan)
    runs = []
    if linked.exclude(kolada_kpi="").exists():
        runs.append(kolada_sync(plan=plan, actor=actor))
    if linked.exclude(ssb_table="").exists():
        runs.append(ssb_sync(plan=plan, actor=actor))
    return runs


def plans_with_opendata() -> QuerySet[Plan]:
    """Plans, not archived, with at least one indicator linked to Kolada or SSB."""
    return (
        Plan.objects.exclude(status=Plan.Status.ARCHIVED)
        .filter(Q(goals__indicators__kolada_kpi__gt="") | Q(goals__indicators__ssb_table__gt=""))
        .distinct()
        .order_by("pk")
    )


def _sync(*, plan: Plan, actor: Actor, source: str, fetch: Callable[[Plan], Fetched]) -> SyncRun:
    started_at = timezone.now()
    try:
        fetched = fetch(plan)
        tally = _write(plan=plan, fetched=fetched, actor=actor)
    except (OpenDataError, ValidationError, IntegrityError) as error:
        return _run_record(plan, actor, source, started_at, failure=_failure(error))
    return _run_record(plan, actor, source, started_at, tally=tally, notes=fetched.notes)


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


# --- Fetching: shared -----------------------------------------------------------------------------


def _municipality_code(organisation: Organisation) -> str:
    if not organisation.municipality_code:
        raise OpenDataError(
            _("%(organisation)s has no municipality code: add it to fetch open data.")
            % {"organisation": organisation}
        )
    return organisation.municipality_code


def _area_kinds(code: str, national: Iterable[str], group: str = "") -> dict[str, str]:
    """What a figure of each area is: the organisation's (""), the country's or the group's."""
    kinds = dict.fromkeys(national, ReferenceValue.Kind.NATIONAL)
    if group:
        kinds[group] = ReferenceValue.Kind.GROUP_MEAN
    kinds[code] = ""
    return kinds


def _collect(
    fetched: Fetched,
    indicators: Iterable[Indicator],
    figure: tuple[int, str, Decimal | None],
    **details: Unit | str | None,
) -> None:
    """A (year, gender, value) figure for each indicator, with its unit, kind or group."""
    fetched.figures.extend(Figure(indicator, *figure, **details) for indicator in indicators)


def _mean(values: list[Decimal | None]) -> Decimal | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None


# --- Fetching: Kolada -----------------------------------------------------------------------------


def _kolada_source(indicator: Indicator) -> str:
    return f"{kolada.CREDIT}, {indicator.kolada_kpi}"


def _kolada_fetch(plan: Plan) -> Fetched:
    fetched = Fetched(origin=Origin.KOLADA, source=_kolada_source)
    by_kpi: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(goal__plan=plan).exclude(kolada_kpi="").order_by("pk")
    ):
        by_kpi[indicator.kolada_kpi].append(indicator)
    if not by_kpi:
        fetched.notes.append(_("No indicator of the plan is linked to Kolada."))
        return fetched
    code = _municipality_code(plan.organisation)
    units = _kolada_units(plan)
    kpis, years = list(by_kpi), list(plan.years)
    with kolada.KoladaClient.from_settings() as client:
        rows = client.values(kpis=kpis, municipalities=[code, kolada.NATIONAL], years=years)
        unit_rows = client.unit_values(kpis=kpis, units=list(units), years=years) if units else []
        group_means = _kolada_group_means(client, plan.organisation, kpis, years, fetched.notes)
    kinds = _area_kinds(code, [kolada.NATIONAL])
    for row in rows:
        if row.year in plan.years and row.municipality in kinds:
            figure = (row.year, row.gender, row.value)
            _collect(fetched, by_kpi.get(row.kpi, ()), figure, kind=kinds[row.municipality])
    for row in unit_rows:
        if row.year in plan.years and row.ou in units:
            figure = (row.year, row.gender, row.value)
            _collect(fetched, by_kpi.get(row.kpi, ()), figure, unit=units[row.ou])
    group = plan.organisation.comparison_group
    for (kpi, year, gender), mean in group_means.items():
        if year in plan.years:
            kind = ReferenceValue.Kind.GROUP_MEAN
            _collect(fetched, by_kpi.get(kpi, ()), (year, gender, mean), kind=kind, group=group)
    return fetched


def _kolada_units(plan: Plan) -> dict[str, Unit]:
    """The organisation's units with a Kolada id, below the plan's owner unit if it has one."""
    units = list(Unit.objects.filter(organisation=plan.organisation))
    if plan.owner_unit_id is not None:
        below = descendants_by_unit(units)[plan.owner_unit_id]
        units = [unit for unit in units if unit.pk in below]
    return {unit.kolada_ou: unit for unit in units if unit.kolada_ou}


def _kolada_group_means(
    client: kolada.KoladaClient,
    organisation: Organisation,
    kpis: list[str],
    years: list[int],
    notes: list[str],
) -> dict[tuple[str, int, str], Decimal | None]:
    """The mean of the comparison group's members by (KPI, year, gender), missing left out."""
    wanted = organisation.comparison_group
    if not wanted:
        return {}
    members = {group.id: group.members for group in client.municipality_groups()}.get(wanted)
    if members is None:
        notes.append(
            _("Kolada has no municipality group %(group)s: no group mean was fetched.")
            % {"group": wanted}
        )
        return {}
    figures: dict[tuple[str, int, str], list[Decimal | None]] = defaultdict(list)
    for row in client.values(kpis=kpis, municipalities=list(members), years=years):
        figures[row.kpi, row.year, row.gender].append(row.value)
    return {key: _mean(values) for key, values in figures.items()}


# --- Fetching: SSB --------------------------------------------------------------------------------


def _ssb_source(indicator: Indicator) -> str:
    return f"{ssb.CREDIT}, {indicator.ssb_table}"


def _ssb_fetch(plan: Plan) -> Fetched:
    fetched = Fetched(origin=Origin.SSB, source=_ssb_source)
    indicators = list(
        Indicator.objects.filter(goal__plan=plan).exclude(ssb_table="").order_by("pk")
    )
    if not indicators:
        fetched.notes.append(_("No indicator of the plan is linked to SSB."))
        return fetched
    code = _municipality_code(plan.organisation)
    with ssb.SsbClient.from_settings() as client:
        for indicator in indicators:
            dataset = client.table(indicator.ssb_table, _ssb_codes(indicator, plan))
            _ssb_collect(dataset, indicator, plan, code, fetched)
    return fetched


def _ssb_codes(indicator: Indicator, plan: Plan) -> dict[str, list[str]]:
    """The indicator's selection as codes per variable, with the plan's years added."""
    selection = indicator.ssb_selection if isinstance(indicator.ssb_selection, dict) else {}
    codes = {
        var: [chosen] if isinstance(chosen, str) else chosen for var, chosen in selection.items()
    }
    if not codes or not all(
        isinstance(chosen, list) and chosen and all(isinstance(code, str) for code in chosen)
        for chosen in codes.values()
    ):
        raise OpenDataError(
            _(
                'The SSB selection of "%(indicator)s" must give codes per variable, e.g. '
                '{"KOKkommuneregion0000": "4631", "ContentsCode": "KOSAG110000"}.'
            )
            % {"indicator": indicator.name}
        )
    codes.setdefault(SSB_TIME, [str(year) for year in plan.years])
    return codes


def _ssb_region(dataset: ssb.Dataset) -> str | None:
    """The dimension that holds municipalities: role geo, else a variable named *region*."""
    geo = dataset.roles.get("geo")
    if geo:
        return geo[0]
    return next((d.id for d in dataset.dimensions if "region" in d.id.casefold()), None)


def _ssb_collect(
    dataset: ssb.Dataset, indicator: Indicator, plan: Plan, code: str, fetched: Fetched
) -> None:
    """The organisation's, the country's and the comparison group's figures of one table."""
    time = (dataset.roles.get("time") or (SSB_TIME,))[0]
    region = _ssb_region(dataset)
    several = [
        dimension.id
        for dimension in dataset.dimensions
        if dimension.id not in {time, region, SSB_GENDER} and len(dimension.codes) > 1
    ]
    if several:
        raise OpenDataError(
            _('The SSB selection of "%(indicator)s" gives several values a year: choose one code '
              "of %(variables)s.") % {"indicator": indicator.name, "variables": ", ".join(several)}
        )  # fmt: skip
    has_gender = dataset.dimension(SSB_GENDER) is not None
    group = plan.organisation.comparison_group
    kinds = _area_kinds(code, SSB_NATIONAL, group)
    for cell in dataset.cells():
        year = cell.codes.get(time, "")
        gender = SSB_GENDERS.get(cell.codes[SSB_GENDER]) if has_gender else Gender.TOTAL
        area = cell.codes[region] if region else code
        if year.isdigit() and int(year) in plan.years and gender and area in kinds:
            group_code = area if kinds[area] == ReferenceValue.Kind.GROUP_MEAN else ""
            figure = (int(year), gender, cell.value)
            _collect(fetched, [indicator], figure, kind=kinds[area], group=group_code)
