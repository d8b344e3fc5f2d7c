"""A plan's indicator list (`indicators.selectors.kept_plan_indicators`): each indicator's
latest colour worked out once and kept until what it is worked out from changes: the plan's
indicators and values, and those of the plans its baselines are read from (an indicator
carried over from the plan before counts from the baseline its predecessor measured)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from authoring.services import plan_roll_over
from goals.services import goal_create
from indicators import selectors
from indicators.models import Indicator
from indicators.services import indicator_add, measurement_record
from planning.services import periods_ensure_year
from tests.calls import recorded
from tests.indicators.kinds import KINDS, build, decided, plan_of
from tests.planner_roles import as_user

pytest_plugins = ["tests.planner_roles"]

D = Decimal


@pytest.fixture
def carried(organisation, units):
    """A plan of 2022–2023 whose indicator counts its change from the baseline measured at
    year-end 2022 (50), rolled over into a plan of 2024 whose copy measured 50.01 in T2 2024:
    (the new plan, the indicator of the plan before, the baseline period, T2 2024)."""
    plan = plan_of(organisation, 2022, 2023, owner_unit=units["operation"])
    baseline = periods_ensure_year(organisation=organisation, year=2022, actor=None)[-1]
    goal = goal_create(plan=plan, number=1, title="Trygg omsorg", actor=None)
    [kind] = [found for found in KINDS if found.name == "change increase"]
    before = build(kind, goal, baseline, name="Ökar")
    decided(plan)
    new = plan_roll_over(plan=plan, actor=None)
    t2_2024 = periods_ensure_year(organisation=organisation, year=2024, actor=None)[1]
    copy = Indicator.objects.get(goal__plan=new)
    measurement_record(indicator=copy, period=t2_2024, value=D("50.01"), actor=None)
    return new, before, baseline, t2_2024


def colours(client, plan) -> dict[str, str]:
    table = client.get(reverse("indicators:indicator_list", args=[plan.pk])).context["table"]
    return {row.record.name: row.record.latest_colour for row in table.paginated_rows}


def test_the_list_read_again_is_not_worked_out_again(client, people, carried, monkeypatch):
    worked_out = recorded(monkeypatch, selectors, "with_latest_colour")
    as_user(client, people, "committee")
    new = carried[0]
    assert colours(client, new) == {"Ökar": "green"}
    assert colours(client, new) == {"Ökar": "green"}
    assert len(worked_out) == 1


def test_a_value_entered_shows_its_colour_at_once(client, people, carried):
    new, _before, _baseline, t2_2024 = carried
    as_user(client, people, "committee")
    assert colours(client, new) == {"Ökar": "green"}
    copy = Indicator.objects.get(goal__plan=new)
    measurement_record(indicator=copy, period=t2_2024, value=D("49.99"), actor=None)
    assert colours(client, new) == {"Ökar": "red"}


def test_the_baseline_measured_again_in_the_plan_before_shows_at_once(client, people, carried):
    new, before, baseline, _t2_2024 = carried
    as_user(client, people, "committee")
    assert colours(client, new) == {"Ökar": "green"}
    measurement_record(indicator=before, period=baseline, value=D("60"), actor=None)
    assert colours(client, new) == {"Ökar": "red"}


def test_another_plans_value_leaves_the_list_kept(
    client, people, carried, other_plan, periods, monkeypatch
):
    new = carried[0]
    as_user(client, people, "committee")
    worked_out = recorded(monkeypatch, selectors, "with_latest_colour")
    colours(client, new)
    elsewhere = indicator_add(goal=other_plan.goals.get(), name="Annat", green_bound=D(5),
                              actor=None)  # fmt: skip
    measurement_record(indicator=elsewhere, period=periods[1], value=D(3), actor=None)
    assert colours(client, new) == {"Ökar": "green"}
    assert len(worked_out) == 1
