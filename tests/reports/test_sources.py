"""Which plans' follow-up a report reads (`report_sources`): what is kept of a plan's report is
kept while other plans enter values and statuses, and is assembled again when anything it reads
changes. The guard below changes every row of a period, and every plan, goal, activity and
indicator, in a cascade of plans, one at a time, and checks that whatever changes the report
moves the stamp it is kept under."""

import dataclasses
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F

from core.datastamp import stamp
from goals.evaluation import months
from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
from goals.services import activity_create, activity_status_set, goal_create, goal_follow_up_save
from indicators.models import Indicator, Measurement
from indicators.services import indicator_create, measurement_record
from planning.models import Plan, ReportReadiness
from planning.services import periods_ensure_year, readiness_mark
from reports.selectors import follow_up_report, report_sources
from reports.selectors.sources import plans_read_by_report
from tests.deadlines import month_end
from tests.indicators.kinds import decided, plan_of

pytestmark = pytest.mark.django_db


def _followed_up(plan, number, period, *, contributes_to=None, predecessor=None, value="76"):
    """A goal of `plan` with an indicator valued, an activity with a status and an analysis in
    `period`, and the unit's ready mark: a row of every table of a period."""
    goal = goal_create(plan=plan, number=number, title=f"Mål {number} i {plan.name}",
                       contributes_to=contributes_to, actor=None)  # fmt: skip
    indicator = indicator_create(
        goal=goal,
        name=f"Nöjdhet {plan.name}",
        unit="percent",
        direction="higher",
        green_bound=Decimal("80"),
        red_bound=Decimal("70"),
        predecessor=predecessor,
        actor=None,
    )
    measurement_record(indicator=indicator, period=period, value=Decimal(value), actor=None)
    activity = activity_create(
        goal=goal,
        title=f"Aktivitet i {plan.name}",
        due_on=month_end(12, period.year),
        evaluated_months=months(4, 8, 12),
        actor=None,
    )
    activity_status_set(activity=activity, period=period, status="in_progress", actor=None)
    goal_follow_up_save(goal=goal, period=period, assessment="achieved", analysis="Bra.",
                        actor=None)  # fmt: skip
    if plan.owner_unit_id:
        readiness_mark(plan=plan, period=period, unit=plan.owner_unit, actor=None)
    return goal, indicator


@pytest.fixture
def world(organisation, units):
    """A council plan of 2023 whose indicator came from 2022's plan (which came from 2021's),
    a committee plan below it and a unit plan below that, each contributing to the goal above,
    a strategic plan above it, and a plan of the same year that none of them reads."""
    periods = {
        year: periods_ensure_year(organisation=organisation, year=year, actor=None)
        for year in (2021, 2022, 2023)
    }

    def plan(name, year, **fields):
        return decided(plan_of(organisation, year, year, name, owner_unit=units["operation"],
                               **fields))  # fmt: skip

    above = plan("Strategisk plan 2023", 2023)
    aim, _ = _followed_up(above, 1, periods[2023][0])
    oldest = plan("Kommunplan 2021", 2021)
    _, first = _followed_up(oldest, 1, periods[2021][2])
    earlier = plan("Kommunplan 2022", 2022)
    _, second = _followed_up(earlier, 1, periods[2022][2], predecessor=first)
    council = plan("Kommunplan 2023", 2023, parent=above)
    top, _ = _followed_up(council, 1, periods[2023][0], predecessor=second, contributes_to=aim)
    committee = plan("Nämndplan 2023", 2023, parent=council)
    middle, _ = _followed_up(committee, 1, periods[2023][0], contributes_to=top)
    school = plan("Skolplan 2023", 2023, parent=committee)
    _followed_up(school, 1, periods[2023][0], contributes_to=middle)
    elsewhere = plan("Kulturplan 2023", 2023)
    _followed_up(elsewhere, 1, periods[2023][0])
    return {
        "council": council,
        "committee": committee,
        "school": school,
        "earlier": earlier,
        "oldest": oldest,
        "elsewhere": elsewhere,
        "above": above,
        "period": periods[2023][0],
    }


def test_a_report_reads_its_plan_the_plans_it_came_from_and_the_plans_below(world):
    read = {name for name in world if name != "period" and world[name].pk in
            report_sources(world["council"])}  # fmt: skip
    assert read == {"council", "committee", "school", "earlier", "oldest"}
    assert report_sources(world["committee"]) == tuple(
        sorted((world["committee"].pk, world["school"].pk))
    )
    assert report_sources(world["elsewhere"]) == (world["elsewhere"].pk,)


def test_the_plans_a_report_reads_are_found_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        plans_read_by_report(world["council"])


def _report(plan: Plan, period):
    """The report as assembled now, without the moment it was assembled."""
    found = follow_up_report(plan, period)
    return dataclasses.replace(found, generated_at=None, generated_text="")


def _measurement(row):
    Measurement.objects.filter(pk=row.pk).update(value=None if row.value else Decimal("99"))


def _status(row):
    ActivityStatus.objects.filter(pk=row.pk).update(
        status="done" if row.status != "done" else "not_started"
    )


def _follow_up(row):
    GoalFollowUp.objects.filter(pk=row.pk).update(
        assessment="not_achieved" if row.assessment == "achieved" else "achieved",
        analysis=f"{row.analysis} Ändrad.",
    )


def _ready_mark(row):
    ReportReadiness.objects.filter(pk=row.pk).delete()


def _renamed(field: str):
    def change(row):
        type(row).objects.filter(pk=row.pk).update(**{field: f"{getattr(row, field)} (ändrad)"})

    return change


def _rebanded(row):
    Indicator.objects.filter(pk=row.pk).update(green_bound=row.green_bound + 20)


# Every table of a period or of a plan's content the report may read, how a row of it finds
# its plan, and a change of the row that a report showing it would show.
ROWS = [
    (Measurement, "indicator__goal__plan_id", _measurement),
    (ActivityStatus, "activity__goal__plan_id", _status),
    (GoalFollowUp, "goal__plan_id", _follow_up),
    (ReportReadiness, "plan_id", _ready_mark),
    (Plan, "id", _renamed("name")),
    (Goal, "plan_id", _renamed("title")),
    (Activity, "goal__plan_id", _renamed("title")),
    (Indicator, "goal__plan_id", _renamed("name")),
    (Indicator, "goal__plan_id", _rebanded),
]


class _Undone(Exception):
    """Raised to roll a change back once it has been read."""


def test_every_change_that_changes_a_report_moves_the_stamp_it_is_kept_under(world):
    council, period = world["council"], world["period"]
    plan_names = {world[name].pk: name for name in world if name != "period"}
    as_assembled = _report(council, period)
    kept_under = stamp(until=period.ends_on, plans=report_sources(council))
    changing, moving = set(), set()
    for model, plan_of_row, change in ROWS:
        for row in model.objects.annotate(plan_pk=F(plan_of_row)):
            name = (model.__name__, change.__name__, plan_names[row.plan_pk], row.pk)
            try:
                with transaction.atomic():
                    change(row)
                    if _report(council, period) != as_assembled:
                        changing.add(name)
                    if stamp(until=period.ends_on, plans=report_sources(council)) != kept_under:
                        moving.add(name)
                    raise _Undone
            except _Undone:
                pass
    assert changing - moving == set()  # no change the report shows leaves it kept
    # The guard reads every plan the report reads: each one's rows do change it.
    assert {plan for _model, _change, plan, _pk in changing} == {
        "council",
        "committee",
        "school",
        "earlier",
        "oldest",
    }
    # And what the report does not read leaves it kept: the plan above it, and the other plan
    # of the same year.
    assert {plan for _model, _change, plan, _pk in moving} == {
        "council",
        "committee",
        "school",
        "earlier",
        "oldest",
    }
