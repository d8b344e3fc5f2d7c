"""Rolling a plan over to the next period."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authoring import services as rollover
from authoring.services import plan_roll_over
from demo.loader import load_demo
from goals.evaluation import months
from goals.models import Activity, Goal
from goals.services import activity_create, activity_status_set, goal_create
from indicators.models import Indicator
from indicators.services import indicator_create
from planning.models import Plan
from planning.services import plan_create
from tests.deadlines import month_end


@pytest.fixture
def decided_plan(plan, goal, indicator, activity, periods):
    """The shared plan (2023), decided, with a goal, an indicator and activities in all states."""
    indicator.open_data = {"kolada": {"kpi": "U00200"}}
    indicator.save()
    t1, t2, t3 = periods
    statuses = {
        "Klar i T3": [(t3, "done")],
        "Avbruten": [(t2, "cancelled")],
        "Pågår": [(t3, "in_progress")],
        "Klar i T1 men öppnad igen": [(t1, "done"), (t2, "in_progress")],
        "Inte rapporterad": [],
    }
    for title, reports in statuses.items():
        new = activity_create(
            goal=goal, title=title, responsible_role="Alla chefer", ongoing=True, actor=None
        )
        for period, status in reports:
            activity_status_set(activity=new, period=period, status=status, actor=None)
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.DECIDED,
        decided_by="Kommunstyrelsen",
        decision_date=datetime.date(2022, 11, 29),
        decision_paragraph="§ 190",
        registration_number="2022/455-012",
        valid_from=datetime.date(2023, 1, 1),
        vision="Den livskraftiga kommunen",
        responsible="Omsorgschef",
    )
    plan.refresh_from_db()
    return plan


def test_the_next_period_as_a_draft_without_the_decision(decided_plan, django_user_model):
    planner = django_user_model.objects.create_user(username="planerare")

    new = plan_roll_over(plan=decided_plan, actor=planner)

    assert (new.name, new.start_year, new.end_year) == ("Verksamhetsplan Omsorg 2024", 2024, 2024)
    assert (new.kind, new.organisation, new.owner_unit) == (
        decided_plan.kind,
        decided_plan.organisation,
        decided_plan.owner_unit,
    )
    assert new.status == Plan.Status.DRAFT
    assert new.rolled_over_from == decided_plan
    assert (new.decided_by, new.decision_date, new.decided_at) == ("", None, None)
    assert (new.decision_paragraph, new.registration_number, new.valid_from) == ("", "", None)
    assert (new.vision, new.responsible) == ("Den livskraftiga kommunen", "Omsorgschef")
    assert new.history.first().history_user == planner


def test_goals_and_indicators_are_copied_with_their_predecessor(decided_plan, indicator):
    new = plan_roll_over(plan=decided_plan, actor=None)

    goal = new.goals.get()
    assert (goal.number, goal.title, goal.scope) == (
        1,
        "Nöjda och friska medarbetare",
        "operation_specific",
    )
    copy = Indicator.objects.get(goal=goal)
    assert copy.predecessor == indicator
    assert copy.bands == indicator.bands
    assert (copy.name, copy.target_value, copy.open_data, copy.unit) == (
        "HME-index",
        D("80"),
        {"kolada": {"kpi": "U00200"}},
        "index",
    )
    assert list(indicator.successors.all()) == [copy]
    assert not copy.measurements.exists()


def test_only_activities_that_are_not_done_are_copied(decided_plan):
    new = plan_roll_over(plan=decided_plan, actor=None)

    copied = Activity.objects.filter(goal__plan=new).order_by("position")
    assert [activity.title for activity in copied] == [
        "Vi utbildar medarbetare i MHFA",
        "Pågår",
        "Klar i T1 men öppnad igen",
        "Inte rapporterad",
    ]
    mhfa = copied[0]
    # The deadline moves on with the plan's years: June 2023 becomes June 2024.
    assert (mhfa.responsible_role, mhfa.due_on, mhfa.evaluated_months, mhfa.ongoing) == (
        "Alla chefer",
        month_end(6, 2024),
        months(4),
        False,
    )
    assert not any(activity.statuses.exists() for activity in copied)


def test_a_plan_over_several_years_moves_on_by_its_length(organisation):
    plan = plan_create(
        organisation=organisation,
        kind=Plan.Kind.STRATEGY,
        name="Välfärdsstrategi 2024-2027",
        start_year=2024,
        end_year=2027,
        actor=None,
    )
    new = plan_roll_over(plan=plan, actor=None)
    assert (new.name, new.start_year, new.end_year) == ("Välfärdsstrategi 2028-2031", 2028, 2031)


def test_a_name_can_be_given_and_a_name_without_years_is_kept(organisation):
    plan = plan_create(
        organisation=organisation,
        kind=Plan.Kind.ACTION_PLAN,
        name="Handlingsplan för äldreomsorgen",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    assert plan_roll_over(plan=plan, actor=None).name == "Handlingsplan för äldreomsorgen"
    assert plan_roll_over(plan=plan, actor=None, name="Ny plan").name == "Ny plan"


def test_refused_when_the_next_plan_exists(decided_plan, english):
    plan_roll_over(plan=decided_plan, actor=None)
    counts = (Plan.objects.count(), Goal.objects.count(), Indicator.objects.count())

    with pytest.raises(ValidationError) as error:
        plan_roll_over(plan=decided_plan, actor=None)

    assert error.value.message_dict == {
        "name": ['The plan "Verksamhetsplan Omsorg 2024" starting 2024 already exists.']
    }
    assert (Plan.objects.count(), Goal.objects.count(), Indicator.objects.count()) == counts


def test_all_or_nothing(decided_plan, monkeypatch):
    def fail(*args, **fields):
        raise ValidationError("boom")

    monkeypatch.setattr(rollover, "create_validated", fail)
    with pytest.raises(ValidationError):
        plan_roll_over(plan=decided_plan, actor=None)
    assert Plan.objects.count() == 1
    assert Goal.objects.count() == 1
    assert Indicator.objects.count() == 1


def test_the_parent_plan_is_kept_only_if_it_covers_the_new_years(organisation, units):
    def plan(name: str, start: int, end: int, parent: Plan | None = None) -> Plan:
        return plan_create(
            organisation=organisation,
            kind=Plan.Kind.OPERATIONAL_PLAN,
            name=name,
            start_year=start,
            end_year=end,
            parent=parent,
            actor=None,
        )

    strategy = plan("Strategi", 2020, 2030)
    council = plan("Mål 2023", 2023, 2023)
    for parent in (strategy, council):
        parent_goal = goal_create(plan=parent, number=1, title="Överordnat", actor=None)
        child = plan(f"Verksamhetsplan under {parent.name} 2023", 2023, 2023, parent)
        goal_create(plan=child, number=1, title="Mål", contributes_to=parent_goal, actor=None)
        new = plan_roll_over(plan=child, actor=None)
        kept = parent is strategy
        assert new.parent == (parent if kept else None)
        assert new.goals.get().contributes_to == (parent_goal if kept else None)


def test_rolling_over_the_demo_plan(db):
    load_demo()
    old = Plan.objects.get()

    new = plan_roll_over(plan=old, actor=None)

    assert new.name == "Verksamhetsplan Omsorg 2024"
    assert new.goals.count() == 6
    assert Indicator.objects.filter(goal__plan=new, predecessor__goal__plan=old).count() == 12
    # "Revidera befintligt ..." was reported done in T2; every other activity goes on.
    titles = set(Activity.objects.filter(goal__plan=new).values_list("title", flat=True))
    assert len(titles) == Activity.objects.filter(goal__plan=old).count() - 1
    assert not any(title.startswith("Revidera befintligt") for title in titles)
    new_bands = {i.name: i.bands for i in Indicator.objects.filter(goal__plan=new)}
    assert new_bands == {i.name: i.bands for i in Indicator.objects.filter(goal__plan=old)}


def test_the_latest_status_decides_by_period_not_by_entry(goal, periods):
    t1, t2, _t3 = periods
    activity = activity_create(goal=goal, title="X", ongoing=True, actor=None)
    activity_status_set(activity=activity, period=t2, status="in_progress", actor=None)
    activity_status_set(activity=activity, period=t1, status="done", actor=None)
    assert activity.pk not in rollover.finished_activities(goal.plan)
    activity_status_set(activity=activity, period=t2, status="done", actor=None)
    assert activity.pk in rollover.finished_activities(goal.plan)


def test_a_larger_plan_is_copied_in_the_same_statements(decided_plan, goal, indicator, periods):
    def copy_queries(name: str) -> int:
        with CaptureQueriesContext(connection) as counted:
            plan_roll_over(plan=decided_plan, actor=None, name=name)
        return len(counted.captured_queries)

    few = copy_queries("Kopia 1")
    for number in range(10):
        done = activity_create(goal=goal, title=f"Klar {number}", ongoing=True, actor=None)
        activity_status_set(activity=done, period=periods[2], status="done", actor=None)
        activity_create(goal=goal, title=f"A{number}", ongoing=True, actor=None)
        indicator_create(goal=goal, name=f"I{number}", green_bound=D(80), actor=None)
    assert copy_queries("Kopia 2") == few
    copied = Plan.objects.get(name="Kopia 2")
    assert Activity.objects.filter(goal__plan=copied).count() == 4 + 10
    assert Indicator.objects.filter(goal__plan=copied).count() == 1 + 10
    # Each copy with its creation record, as when it was saved alone.
    for model in (Indicator, Activity):
        records = model.history.filter(goal_id__in=copied.goals.values("pk"))
        assert set(records.values_list("history_type", flat=True)) == {"+"}
        assert records.count() == model.objects.filter(goal__plan=copied).count()
