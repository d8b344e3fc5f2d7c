import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from goals.evaluation import YEAR_END, evaluated_names, legacy_mask, months, rows_mask
from goals.models import Activity, ActivityStatus, Goal
from goals.services import activity_create, activity_status_set, goal_create
from planning.models import Plan, preset_rows
from planning.services import organisation_create, periods_ensure_year, plan_create
from planning.services.schemes import scheme_save
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
        activity_create(goal=goal, title="Aldrig", ongoing=True, evaluated_months=0, actor=None)
    assert "evaluated_months" in error.value.message_dict
    refused_by_database(
        lambda: Activity.objects.create(goal=goal, title="Aldrig", ongoing=True, evaluated_months=0)
    )


def test_activity_evaluated_in_more_than_the_twelve_months_is_refused(goal):
    refused_by_database(
        lambda: Activity.objects.create(
            goal=goal, title="Trettonde", ongoing=True, evaluated_months=1 << 12
        )
    )


def test_new_activity_is_evaluated_at_the_year_end(goal):
    activity = activity_create(goal=goal, title="Standard", ongoing=True, actor=None)
    assert activity.evaluated_months == YEAR_END == months(12)


def test_activities_are_placed_last(goal):
    first = activity_create(goal=goal, title="A", ongoing=True, actor=None)
    second = activity_create(goal=goal, title="B", ongoing=True, actor=None)
    assert (first.position, second.position) == (0, 1)


def test_activity_evaluated_in_follows_its_months(activity, periods):
    t1, t2, t3 = periods
    assert [activity.is_evaluated_in(p) for p in periods] == [True, False, False]
    activity.evaluated_months = months(4, 8, 12)
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


@pytest.fixture
def quarters(organisation):
    """The organisation follows up by quarters; Q1..Q4 of 2023."""
    scheme_save(organisation=organisation, rows=preset_rows("quarter"), actor=None)
    return periods_ensure_year(organisation=organisation, year=2023, actor=None)


def test_evaluated_in_tertial_1_is_evaluated_in_quarter_2_after_a_change_to_quarters(
    organisation, goal
):
    activity = activity_create(
        goal=goal, title="Tertial 1", ongoing=True, evaluated_months=months(4), actor=None
    )
    assert evaluated_names(activity) == ["Tertial 1"]
    scheme_save(organisation=organisation, rows=preset_rows("quarter"), actor=None)
    q1, q2, q3, q4 = periods_ensure_year(organisation=organisation, year=2024, actor=None)
    assert [activity.is_evaluated_in(p) for p in (q1, q2, q3, q4)] == [False, True, False, False]
    organisation.refresh_from_db()
    activity.goal.plan.organisation = organisation
    assert evaluated_names(activity) == ["Kvartal 2"]


def test_evaluated_in_a_cumulative_period_by_the_months_it_adds(goal):
    d1, d2, full = preset_rows("interim")  # Jan–Apr, Jan–Aug, the year, cumulative
    activity = Activity(goal=goal, evaluated_months=rows_mask([d2]))
    assert evaluated_names(activity, [d1, d2, full]) == [d2.name()]
    # Tertial 2 (May–August) is what Delår 2 adds to Delår 1.
    assert evaluated_names(Activity(evaluated_months=months(6)), [d1, d2, full]) == [d2.name()]


def test_names_by_evaluated_in_set_are_worked_out_once_a_set(monkeypatch):
    import goals.evaluation

    rows = preset_rows("quarter")
    masks = [months(3), months(6, 12), months(3), months(12), months(6, 12)]
    activities = [Activity(evaluated_months=mask) for mask in masks]
    expected = [evaluated_names(activity, rows) for activity in activities]
    asked = []
    original = goals.evaluation.evaluated_names
    monkeypatch.setattr(
        goals.evaluation, "evaluated_names", lambda *a: asked.append(a) or original(*a)
    )

    names = goals.evaluation.names_by_mask(rows)

    assert [names(activity) for activity in activities] == expected
    assert len(asked) == 3  # three different sets among the five


def test_the_old_flags_on_a_scheme(goal):
    quarter = preset_rows("quarter")
    assert legacy_mask(quarter, t1=False, t2=True, year_end=False) == months(6, 9)
    assert legacy_mask(quarter, t1=True, t2=False, year_end=True) == months(3, 12)
    assert legacy_mask(preset_rows("tertial"), t1=True, t2=True, year_end=True) == months(4, 8, 12)


def test_activity_evaluated_in_q2_and_q4_only_there(goal, quarters):
    activity = activity_create(
        goal=goal, title="Kvartal", ongoing=True, evaluated_months=months(6, 12), actor=None
    )
    assert [activity.is_evaluated_in(p) for p in quarters] == [False, True, False, True]
    assert evaluated_names(activity) == ["Kvartal 2", "Årsbokslut (kvartal 4)"]
