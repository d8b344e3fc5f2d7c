"""A plan's life cycle: draft -> consultation -> decided -> archived, back to draft from
consultation, reopening a decided plan; and the lock on what was decided."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from authoring.selectors import decided_version, plan_changes_page, plan_decisions
from authoring.services import history_restore
from core.versioning import EditConflict
from goals.models import Activity
from goals.services import (
    activity_add,
    activity_delete,
    activity_status_set,
    activity_update,
    goal_add,
    goal_delete,
    goal_item_move,
    goal_move,
    goal_update,
)
from indicators.services import (
    indicator_add,
    indicator_delete,
    indicator_update,
    measurement_record,
)
from planning.models import Plan
from planning.services import plan_set_status, plan_update

DECISION_DAY = datetime.date(2022, 11, 29)


def step(plan: Plan, status: str, **kwargs) -> Plan:
    plan.refresh_from_db()
    return plan_set_status(
        plan=plan, status=status, actor=None, expected_version=plan.version, **kwargs
    )


def decide(plan: Plan) -> Plan:
    return step(plan, Plan.Status.DECIDED, decision_date=DECISION_DAY)


def test_plan_goes_through_its_whole_life_cycle(plan):
    assert plan.status == Plan.Status.DRAFT
    step(plan, Plan.Status.CONSULTATION)
    before = timezone.now()
    decide(plan)
    assert plan.status == Plan.Status.DECIDED
    assert plan.decision_date == DECISION_DAY
    assert before <= plan.decided_at <= timezone.now()
    step(plan, Plan.Status.ARCHIVED)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ARCHIVED
    assert plan.history.count() == 4  # created, consultation, decided, archived


def test_consultation_goes_back_to_draft(plan):
    step(plan, Plan.Status.CONSULTATION)
    step(plan, Plan.Status.DRAFT)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], Plan.Status.ARCHIVED),
        ([Plan.Status.CONSULTATION], Plan.Status.ARCHIVED),
        ([Plan.Status.DECIDED, Plan.Status.ARCHIVED], Plan.Status.DRAFT),
        ([Plan.Status.DECIDED, Plan.Status.ARCHIVED], Plan.Status.DECIDED),
        ([Plan.Status.DECIDED], Plan.Status.CONSULTATION),
    ],
)
def test_steps_outside_the_life_cycle_are_refused(plan, english, path, refused):
    for status in path:
        step(plan, status, decision_date=DECISION_DAY)
    with pytest.raises(ValidationError, match="cannot become"):
        step(plan, refused, decision_date=DECISION_DAY)


def test_deciding_needs_a_decision_date(plan, english):
    with pytest.raises(ValidationError) as refused:
        step(plan, Plan.Status.DECIDED)
    assert refused.value.message_dict["decision_date"] == [
        "A decided plan needs its decision date."
    ]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert plan.decided_at is None


def test_deciding_uses_the_date_already_on_the_plan(plan):
    plan_update(plan=plan, actor=None, expected_version=plan.version, decision_date=DECISION_DAY)
    step(plan, Plan.Status.DECIDED)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DECIDED
    assert plan.decided_at is not None


def test_a_status_change_based_on_an_old_version_is_refused(plan):
    seen = plan.version
    plan_update(plan=plan, actor=None, expected_version=seen, name="Nytt namn")
    with pytest.raises(EditConflict):
        plan_set_status(
            plan=plan, status=Plan.Status.CONSULTATION, actor=None, expected_version=seen
        )


def test_the_decision_is_recorded_with_who_and_when(plan, django_user_model):
    chief = django_user_model.objects.create_user("kvalitetschef")
    plan_set_status(
        plan=plan,
        status=Plan.Status.DECIDED,
        actor=chief,
        expected_version=plan.version,
        decision_date=DECISION_DAY,
    )
    record = plan.history.first()
    assert record.status == Plan.Status.DECIDED
    assert record.history_user == chief
    assert record.history_date == plan.decided_at


def locked_changes(plan, goal, indicator, activity):
    """Every change to a plan's content, as (name, call)."""
    return [
        ("plan_update", lambda: plan_update(plan=plan, actor=None, name="Ändrad")),
        ("goal_add", lambda: goal_add(plan=plan, title="Nytt mål", actor=None)),
        ("goal_update", lambda: goal_update(goal=goal, actor=None, title="Ändrat")),
        ("goal_move", lambda: goal_move(goal=goal, direction="down", actor=None)),
        ("goal_delete", lambda: goal_delete(goal=goal, actor=None)),
        (
            "activity_add",
            lambda: activity_add(goal=goal, title="Ny", ongoing=True, actor=None),
        ),
        ("activity_update", lambda: activity_update(activity=activity, actor=None, title="Ä")),
        (
            "goal_item_move (activity)",
            lambda: goal_item_move(item=activity, direction="up", actor=None),
        ),
        ("activity_delete", lambda: activity_delete(activity=activity, actor=None)),
        (
            "indicator_add",
            lambda: indicator_add(goal=goal, name="Ny", green_bound=Decimal(1), actor=None),
        ),
        ("indicator_update", lambda: indicator_update(indicator=indicator, actor=None, name="Ä")),
        (
            "goal_item_move (indicator)",
            lambda: goal_item_move(item=indicator, direction="up", actor=None),
        ),
        ("indicator_delete", lambda: indicator_delete(indicator=indicator, actor=None)),
    ]


@pytest.mark.parametrize("status", [Plan.Status.DECIDED, Plan.Status.ARCHIVED])
def test_a_decided_plan_refuses_every_change_to_its_content(
    plan, goal, indicator, activity, english, status
):
    decide(plan)
    if status == Plan.Status.ARCHIVED:
        step(plan, Plan.Status.ARCHIVED)
    before = (plan.history.count(), goal.history.count(), indicator.history.count())
    for name, change in locked_changes(plan, goal, indicator, activity):
        with pytest.raises(ValidationError, match="decided and locked") as refused:
            change()
        assert refused.value.code == "locked", name
    assert (plan.history.count(), goal.history.count(), indicator.history.count()) == before


def test_the_lock_reads_the_stored_status_not_a_stale_copy(plan, goal):
    stale = Plan.objects.get(pk=plan.pk)
    decide(plan)
    assert stale.status == Plan.Status.DRAFT
    with pytest.raises(ValidationError):
        goal_add(plan=stale, title="Smög in", actor=None)


def test_follow_up_goes_on_while_the_plan_is_decided(plan, indicator, activity, periods):
    decide(plan)
    status = activity_status_set(
        activity=activity, period=periods[0], status="in_progress", actor=None
    )
    value = measurement_record(
        indicator=indicator, period=periods[0], value=Decimal("77"), actor=None
    )
    assert status.pk and value.pk


def test_reopening_keeps_the_decided_version_retrievable(
    plan, goal, indicator, activity, english, django_user_model, units
):
    owner = django_user_model.objects.create_user(
        "ansvarig", password="x", first_name="Karin", last_name="Berg"
    )
    activity = activity_update(
        activity=activity, actor=None, responsible_user=owner, unit=units["unit_a"]
    )
    decide(plan)
    decided_at = plan.decided_at
    step(plan, Plan.Status.DRAFT)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert plan.decided_at == decided_at
    goal_update(goal=goal, actor=None, expected_version=goal.version, title="Omformulerat mål")
    indicator_add(goal=goal, name="Nytt mått", green_bound=Decimal(5), actor=None)
    activity_delete(activity=activity, actor=None)

    version = decided_version(plan, decided_at)
    assert [g.title for g in version.goals] == ["Nöjda och friska medarbetare"]
    assert [i.name for i in version.goals[0].decided_indicators] == ["HME-index"]
    assert [(a.title, a.person_name, a.unit_name) for a in version.goals[0].decided_activities] == [
        (activity.title, "Karin Berg", units["unit_a"].name)
    ]
    assert version.plan.status == Plan.Status.DECIDED

    changes = [
        (entry.model_label, entry.object_label, entry.action)
        for entry in reversed(plan_changes_page(plan, since=decided_at)[0])
    ]
    assert changes == [
        ("Plan", plan.name, "changed"),
        ("Goal", "1. Omformulerat mål", "changed"),
        ("Indicator", "Nytt mått", "created"),
        ("Activity", activity.title, "deleted"),
    ]


def test_the_decided_version_shows_the_activities_as_worded_and_ordered_then(
    plan, goal, activity, english
):
    later = activity_add(goal=goal, title="Sedan", ongoing=True, actor=None)
    decide(plan)
    decided_at = plan.decided_at
    step(plan, Plan.Status.DRAFT)
    later = activity_update(activity=later, actor=None, title="Sedan, omskriven")
    goal_item_move(item=later, direction="up", actor=None)
    activity_add(goal=goal, title="Ny efter beslutet", ongoing=True, actor=None)

    (decided,) = decided_version(plan, decided_at).goals
    assert [(a.title, a.overdue_text) for a in decided.decided_activities] == [
        (activity.title, ""),
        ("Sedan", ""),
    ]
    assert (decided.decided_rows, decided.decided_indicators) == (2, [])


def test_an_activity_moved_to_another_goal_after_the_decision_is_under_its_decided_goal(
    plan, goal, activity
):
    other = goal_add(plan=plan, title="Ett annat mål", actor=None)
    decide(plan)
    decided_at = plan.decided_at
    step(plan, Plan.Status.DRAFT)
    activity_update(activity=activity, actor=None, goal=other)
    goal_delete(goal=other, actor=None)  # and deleted with it

    first, second = decided_version(plan, decided_at).goals
    assert ([a.title for a in first.decided_activities], second.decided_activities) == (
        [activity.title],
        [],
    )
    assert (first.decided_rows, second.decided_rows) == (1, 0)


def test_deciding_again_keeps_every_decision(plan, goal):
    decide(plan)
    first = plan.decided_at
    step(plan, Plan.Status.DRAFT)
    goal_update(goal=goal, actor=None, title="Andra versionen")
    decide(plan)
    assert plan_decisions(plan) == [plan.decided_at, first]
    assert decided_version(plan, first).goals[0].title == "Nöjda och friska medarbetare"
    assert decided_version(plan, plan.decided_at).goals[0].title == "Andra versionen"


def test_restoring_is_refused_while_the_plan_is_decided(plan, goal, activity, english):
    pk = activity.pk
    activity_delete(activity=activity, actor=None)
    record = Activity.history.get(id=pk, history_type="-")
    decide(plan)
    with pytest.raises(ValidationError, match="locked"):
        history_restore(model_name="activity", history_id=record.history_id, actor=None)
