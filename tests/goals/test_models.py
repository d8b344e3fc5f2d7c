import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from goals.models import Activity, ActivityStatus, Goal
from goals.services import activity_create, activity_status_set, goal_create
from planning.models import Plan
from planning.services import organisation_create, periods_ensure_year, plan_create
from tests.deadlines import month_end


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_goal_numbers_unique_within_a_plan(goal):
    with pytest.raises(ValidationError):
        goal_create(plan=goal.plan, number=1, title="Again", actor=None)
    refused_by_database(lambda: Goal.objects.create(plan=goal.plan, number=1, title="Again"))


def test_goal_contributes_to_a_goal_of_the_parent_plan(plan, goal, organisation):
    child = plan_create(
        organisation=organisation,
        parent=plan,
        kind=Plan.Kind.ACTIVITY_PLAN,
        name="AP Hemtjänst",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    sub = goal_create(
        plan=child,
        number=1,
        title="Friska medarbetare i hemtjänsten",
        contributes_to=goal,
        actor=None,
    )
    assert list(goal.contributing_goals.all()) == [sub]


def test_goal_cannot_contribute_to_a_goal_outside_the_parent_plan(plan, goal, organisation):
    unrelated = plan_create(
        organisation=organisation,
        kind=Plan.Kind.STRATEGY,
        name="S",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    with pytest.raises(ValidationError) as error:
        goal_create(plan=unrelated, number=1, title="X", contributes_to=goal, actor=None)
    assert "contributes_to" in error.value.message_dict


def test_activity_needs_a_deadline_or_ongoing(goal):
    with pytest.raises(ValidationError) as error:
        activity_create(goal=goal, title="Utan tid", actor=None)
    assert "due_on" in error.value.message_dict
    refused_by_database(lambda: Activity.objects.create(goal=goal, title="Utan tid"))


def test_activity_cannot_be_both_ongoing_and_have_a_deadline(goal):
    with pytest.raises(ValidationError):
        activity_create(goal=goal, title="Båda", ongoing=True, due_on=month_end(3), actor=None)
    refused_by_database(
        lambda: Activity.objects.create(goal=goal, title="Båda", ongoing=True, due_on=month_end(3))
    )


def test_activity_deadline_precision_out_of_choices_refused_in_database(goal):
    refused_by_database(
        lambda: Activity.objects.create(
            goal=goal, title="Veckan", due_on=month_end(3), due_precision="week"
        )
    )


def test_activity_must_be_evaluated_somewhere(goal):
    with pytest.raises(ValidationError) as error:
        activity_create(
            goal=goal, title="Aldrig", ongoing=True, evaluated_year_end=False, actor=None
        )
    assert "evaluated_year_end" in error.value.message_dict
    refused_by_database(
        lambda: Activity.objects.create(
            goal=goal, title="Aldrig", ongoing=True, evaluated_year_end=False
        )
    )


def test_activities_are_placed_last(goal):
    first = activity_create(goal=goal, title="A", ongoing=True, actor=None)
    second = activity_create(goal=goal, title="B", ongoing=True, actor=None)
    assert (first.position, second.position) == (0, 1)


def test_activity_evaluated_in_follows_its_flags(activity, periods):
    t1, t2, t3 = periods
    assert [activity.is_evaluated_in(p) for p in periods] == [True, False, False]
    activity.evaluated_t2 = True
    activity.evaluated_year_end = True
    assert [activity.is_evaluated_in(p) for p in (t1, t2, t3)] == [True, True, True]


def test_activity_due_by_period_end(activity, periods):
    t1, t2, t3 = periods  # due in June
    assert [activity.is_due_by(p) for p in (t1, t2, t3)] == [False, True, True]


def test_ongoing_activity_is_never_due(goal, periods):
    ongoing = activity_create(goal=goal, title="Löpande", ongoing=True, actor=None)
    assert not any(ongoing.is_due_by(p) for p in periods)
    assert str(ongoing.timing_label) in {"Ongoing", "Löpande"}


def test_status_set_replaces_the_periods_earlier_report(activity, periods):
    t1 = periods[0]
    activity_status_set(activity=activity, period=t1, status="in_progress", actor=None)
    activity_status_set(activity=activity, period=t1, status="done", comment="Klart", actor=None)
    assert list(ActivityStatus.objects.values_list("status", "comment")) == [("done", "Klart")]
    assert ActivityStatus.objects.get().history.count() == 2


def test_status_refused_for_a_period_outside_the_plan(activity, organisation):
    period_2024 = periods_ensure_year(organisation=organisation, year=2024, actor=None)[0]
    with pytest.raises(ValidationError) as error:
        activity_status_set(activity=activity, period=period_2024, status="done", actor=None)
    assert "period" in error.value.message_dict
    assert not ActivityStatus.objects.exists()


def test_status_refused_for_another_organisations_period(activity):
    other = organisation_create(name="Annan kommun", actor=None)
    period = periods_ensure_year(organisation=other, year=2023, actor=None)[0]
    with pytest.raises(ValidationError):
        activity_status_set(activity=activity, period=period, status="done", actor=None)


def test_unknown_status_refused(activity, periods):
    with pytest.raises(ValidationError) as error:
        activity_status_set(activity=activity, period=periods[0], status="finished", actor=None)
    assert "status" in error.value.message_dict


def test_one_status_per_activity_and_period_in_database(activity, periods):
    from django.utils import timezone

    activity_status_set(activity=activity, period=periods[0], status="done", actor=None)
    refused_by_database(
        lambda: ActivityStatus.objects.create(
            activity=activity, period=periods[0], status="done", reported_at=timezone.now()
        )
    )
