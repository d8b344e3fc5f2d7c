"""Organisations that follow up by other schemes than tertials, for the tests of frequencies,
trends and period names: Gotland's cumulative interim reports and quarters."""

from decimal import Decimal

from goals.services import goal_create
from indicators.services import indicator_create
from planning.models import FollowUpPeriod, Plan, Unit, preset_rows
from planning.services import (
    organisation_create,
    periods_ensure_year,
    plan_create,
    scheme_save,
    unit_create,
)


def scheme_organisation(name: str, preset: str, years=(2025, 2026)):
    """An organisation following up by `preset`, with the periods of `years` made and open."""
    organisation = organisation_create(name=name, municipality_code="0980", actor=None)
    scheme_save(organisation=organisation, rows=preset_rows(preset), actor=None)
    for year in years:
        periods_ensure_year(organisation=organisation, year=year, actor=None)
    FollowUpPeriod.objects.filter(organisation=organisation).update(is_open=True)
    return organisation


def periods_of(organisation) -> dict[str, FollowUpPeriod]:
    """The organisation's periods by their short code and year: {"D2 2026": ...}."""
    found = FollowUpPeriod.objects.filter(organisation=organisation)
    return {str(period): period for period in found}


def scheme_plan(organisation, start_year=2025, end_year=2026):
    owner = unit_create(
        organisation=organisation, name="Socialförvaltningen", kind=Unit.Kind.OPERATION, actor=None
    )
    return plan_create(
        organisation=organisation,
        owner_unit=owner,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan 2025–2026",
        start_year=start_year,
        end_year=end_year,
        actor=None,
    )


def measure(goal, name: str, frequency: str = "every_period", **fields):
    """An indicator of `goal`: lower is better, green below 6, red from 7."""
    values = {
        "name": name,
        "unit": "percent",
        "decimals": 1,
        "direction": "lower",
        "green_bound": Decimal("6"),
        "green_bound_inclusive": False,
        "red_bound": Decimal("7"),
        "red_bound_inclusive": True,
        "frequency": frequency,
    }
    values.update(fields)
    return indicator_create(goal=goal, actor=None, **values)


def first_goal(plan):
    return goal_create(plan=plan, number=1, title="Friska medarbetare", actor=None)
