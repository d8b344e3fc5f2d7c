"""Writes for an organisation's follow-up calendar (`planning.models.schemes`).

A change of scheme never moves what was reported: a year in which something was reported or
written for a period (a value, an activity's status, a report...) keeps its periods as they
were made. The other years from this one on are made again by the new scheme, keeping each
period's reporting deadline and open state where the new scheme has a period ending in the same
month.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.versioning import Actor, delete_recorded, save_validated
from planning.models import FollowUpPeriod, Organisation, SchemePeriod
from planning.models.schemes import SchemeRow, first_new_months, scheme_problems
from planning.services.periods import periods_ensure_year


@dataclass
class SchemeChange:
    """What saving a scheme did to the periods already made."""

    kept_years: dict[int, list[FollowUpPeriod]] = field(default_factory=dict)
    remade_years: list[int] = field(default_factory=list)
    renamed: int = 0


def period_has_content(period: FollowUpPeriod) -> bool:
    """Whether anything was reported or written for the period, in any app: a row of another
    model points at it. (Planning may not import the apps above it, so it asks the relations.)"""
    for relation in FollowUpPeriod._meta.related_objects:
        if relation.many_to_many or relation.related_model._meta.app_label == "planning":
            continue
        manager = relation.related_model._base_manager
        if manager.filter(**{relation.field.name: period}).exists():
            return True
    return False


def _same_layout(period: FollowUpPeriod, row: SchemeRow, first_new: int, last: bool) -> bool:
    return (
        period.kind == row.code
        and period.starts_on.month == row.first_month
        and period.ends_on.month == row.last_month
        and period.cumulative == row.cumulative
        and period.first_new_month == first_new
        and period.is_year_end == last
    )


@transaction.atomic
def scheme_save(*, organisation: Organisation, rows: list[SchemeRow], actor: Actor) -> SchemeChange:
    """Make the organisation's follow-up scheme the rows given, in their order, and bring the
    periods already made for this year and later in line with it (see the module's docstring).

    Raises ValidationError (a list of messages naming the periods) when the periods overlap,
    leave months out or do not end in December.
    """
    problems = scheme_problems(rows)
    if problems:
        raise ValidationError(problems, code="scheme_invalid")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    stored = {period.code: period for period in organisation.scheme_periods.all()}
    for position, row in enumerate(rows):
        period = stored.pop(row.code, None) or SchemePeriod(organisation=organisation)
        period.position = position
        for name in SchemeRow.__dataclass_fields__:
            setattr(period, name, getattr(row, name))
        save_validated(period, actor=actor)
    for period in stored.values():
        delete_recorded(period, actor=actor)
    return _periods_follow(organisation, rows, actor)


def _periods_follow(
    organisation: Organisation, rows: list[SchemeRow], actor: Actor
) -> SchemeChange:
    change = SchemeChange()
    firsts = first_new_months(rows)
    by_code = {row.code: (index, row) for index, row in enumerate(rows)}
    years: dict[int, list[FollowUpPeriod]] = {}
    for period in FollowUpPeriod.objects.filter(
        organisation=organisation, year__gte=timezone.localdate().year
    ):
        years.setdefault(period.year, []).append(period)
    for year, periods in sorted(years.items()):
        matching = [
            (period, *by_code[period.kind])
            for period in periods
            if period.kind in by_code
            and _same_layout(
                period,
                by_code[period.kind][1],
                firsts[by_code[period.kind][0]],
                by_code[period.kind][0] == len(rows) - 1,
            )
        ]
        if len(matching) == len(periods) == len(rows):
            for period, position, row in matching:
                change.renamed += _rename(period, position, row, actor)
            continue
        if any(period_has_content(period) for period in periods):
            change.kept_years[year] = periods
            continue
        kept = {period.ends_on.month: period for period in periods}
        for period in periods:
            delete_recorded(period, actor=actor)
        for period in periods_ensure_year(organisation=organisation, year=year, actor=actor):
            before = kept.get(period.ends_on.month)
            if before is not None and (before.reporting_deadline or before.is_open):
                if before.reporting_deadline and before.reporting_deadline >= period.starts_on:
                    period.reporting_deadline = before.reporting_deadline
                period.is_open = before.is_open
                save_validated(period, actor=actor)
        change.remade_years.append(year)
    return change


def _rename(period: FollowUpPeriod, position: int, row: SchemeRow, actor: Actor) -> int:
    names = ("name_sv", "name_nb", "name_nn", "name_en")
    if period.position == position and all(
        getattr(period, name) == getattr(row, name) for name in names
    ):
        return 0
    period.position = position
    for name in names:
        setattr(period, name, getattr(row, name))
    save_validated(period, actor=actor)
    return 1
