"""A report assembled again after a change assembles again only the sections of the goals whose
rows changed (`kept_follow_up_report`, `core.datastamp.kept_by_goal`): the others are kept
apart per goal, and the report's frame (what it reads besides the goals) is kept while only goals
change. Whatever changes a goal's section moves that goal's stamp, whatever changes the frame
moves what all goals share, and the report put together from kept and new parts is the report
assembled whole."""

import dataclasses
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation

from core.datastamp import goal_stamps
from goals.models import ActivityStatus, Goal
from goals.services import activity_status_set
from indicators.models import Indicator
from indicators.services import indicator_create, measurement_record
from planning.models import assessment_levels
from planning.services import readiness_mark
from reports import selectors
from reports.selectors import follow_up_report, kept_follow_up_report
from reports.selectors import report as report_module
from reports.selectors.summary import lower_goals
from tests.reports.test_selectors import _add_goal
from tests.reports.test_sources import ROWS, _Undone
from tests.reports.test_sources import world as world  # a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_goals(followed_up, periods, units):
    """The followed-up plan (goal 1: an indicator valued, an activity with a status, an
    analysis) with a goal 2 of three indicators and six activities, followed up in T1."""
    _add_goal(followed_up, 2, periods, units)
    return followed_up


@pytest.fixture
def assembled(monkeypatch):
    """The goals whose sections were assembled, call by call."""
    calls: list[list[int]] = []
    original = report_module.goal_parts

    def goal_parts(plan, period, levels, goal_ids=None):
        found = original(plan, period, levels, goal_ids)
        calls.append(list(found))
        return found

    monkeypatch.setattr(report_module, "goal_parts", goal_parts)
    return calls


@pytest.fixture
def framed(monkeypatch):
    """How many times the report's frame was read."""
    calls: list[int] = []
    original = report_module.report_frame

    def report_frame(plan, period):
        calls.append(plan.pk)
        return original(plan, period)

    monkeypatch.setattr(report_module, "report_frame", report_frame)
    return calls


def _whole(report):
    """A report without the moment it was assembled."""
    return dataclasses.replace(report, generated_at=None, generated_text="")


def _kept(plan, period):
    with translation.override("sv"):
        return _whole(kept_follow_up_report(plan, period))


def _fresh(plan, period):
    with translation.override("sv"):
        return _whole(follow_up_report(plan, period))


def test_a_status_entered_assembles_its_goal_alone(two_goals, periods, activity, assembled):
    first, second = two_goals.goals.order_by("number").values_list("pk", flat=True)
    before = _kept(two_goals, periods[0])
    assert assembled == [[first, second]]
    assert _kept(two_goals, periods[0]) == before
    assert assembled == [[first, second]]
    activity_status_set(activity=activity, period=periods[0], status="done",
                        comment="Alla fem klara", actor=None)  # fmt: skip
    after = _kept(two_goals, periods[0])
    assert assembled == [[first, second], [first]]
    assert after == _fresh(two_goals, periods[0])
    assert after != before
    assert after.goals[1] == before.goals[1]


def test_a_value_of_the_other_goal_assembles_that_goal_alone(two_goals, periods, assembled):
    first, second = two_goals.goals.order_by("number").values_list("pk", flat=True)
    _kept(two_goals, periods[0])
    indicator = Indicator.objects.filter(goal_id=second).first()
    measurement_record(indicator=indicator, period=periods[0], value=Decimal("9"), actor=None)
    report = _kept(two_goals, periods[0])
    assert assembled == [[first, second], [second]]
    assert report == _fresh(two_goals, periods[0])


def test_the_plans_own_change_assembles_every_goal(two_goals, periods, assembled):
    _kept(two_goals, periods[0])
    type(two_goals).objects.filter(pk=two_goals.pk).update(name="Nämndplan 2023–2026")
    two_goals.refresh_from_db()  # as the page reads it
    report = _kept(two_goals, periods[0])
    assert report.plan_name == "Nämndplan 2023–2026"
    assert len(assembled) == 2 and len(assembled[1]) == 2


def test_a_goal_carried_on_from_another_goal_is_assembled_again_with_it(
    two_goals, periods, indicator, assembled
):
    second = Goal.objects.get(plan=two_goals, number=2)
    carried = indicator_create(
        goal=second, name="Nöjdhet, fortsatt", green_bound=Decimal("80"), predecessor=indicator,
        actor=None,
    )  # fmt: skip
    _kept(two_goals, periods[0])
    # The first goal's indicator's value is the carried indicator's history too.
    measurement_record(indicator=indicator, period=periods[0], value=Decimal("91"), actor=None)
    report = _kept(two_goals, periods[0])
    assert report == _fresh(two_goals, periods[0])
    assert sorted(assembled[1]) == sorted([indicator.goal_id, second.pk])
    row = next(row for row in report.goals[1].indicators if row.pk == carried.pk)
    assert [point.value for point in row.history] == [Decimal("91")]


def test_every_change_of_a_goals_section_moves_that_goals_stamp(two_goals, periods):
    """The guard: each row of the plan changed in turn (and rolled back); whatever changes a
    goal's section moves the stamp the section is kept under."""
    period, plan = periods[0], two_goals
    sources = selectors.report_sources(plan)
    levels = {level.key: level for level in assessment_levels(plan.organisation)}

    def sections():
        with translation.override("sv"):
            parts = report_module.goal_parts(plan, period, levels)
        return {pk: (part.section, part.reads) for pk, part in parts.items()}

    def stamps(reads):
        found = goal_stamps(plan=plan.pk, until=period.ends_on, plans=sources)
        return found.common, found.of(reads)

    as_assembled = sections()
    kept_under = {pk: stamps(reads) for pk, (_section, reads) in as_assembled.items()}
    changing, moving = set(), set()
    for model, plan_of_row, change in ROWS:
        rows = model.objects.annotate(plan_pk=F(plan_of_row)).filter(plan_pk=plan.pk)
        for row in rows:
            try:
                with transaction.atomic():
                    change(row)
                    now = sections()
                    for pk, (section, reads) in as_assembled.items():
                        name = (model.__name__, change.__name__, row.pk, pk)
                        if now.get(pk, (None,))[0] != section:
                            changing.add(name)
                        if stamps(reads) != kept_under[pk]:
                            moving.add(name)
                    raise _Undone
            except _Undone:
                pass
            except IntegrityError:  # a change the row's rules refuse (bands past its target)
                pass
    assert changing - moving == set()
    # Every kind of row changes some section, and a goal's own rows leave the other kept.
    assert {model for model, *_rest in changing} >= {"Measurement", "ActivityStatus",
                                                     "GoalFollowUp", "Goal", "Activity",
                                                     "Indicator"}  # fmt: skip
    own = {(model, pk) for model, _change, _row, pk in moving if model == "ActivityStatus"}
    statuses = ActivityStatus.objects.filter(activity__goal__plan=plan)
    assert own == {("ActivityStatus", status.activity.goal_id) for status in statuses}


def test_a_plan_without_goals_is_assembled(plan, periods, assembled):
    report = _kept(plan, periods[0])
    assert report.goals == ()
    assert (report.indicator_count, report.activities_total) == (0, 0)
    assert assembled == []  # no goal to assemble: no section asked for


def test_a_ready_mark_reads_the_frame_again(two_goals, periods, units, framed):
    before = _kept(two_goals, periods[0])
    readiness_mark(plan=two_goals, period=periods[0], unit=units["unit_a"], actor=None)
    after = _kept(two_goals, periods[0])
    assert len(framed) == 2
    assert after == _fresh(two_goals, periods[0])
    assert [row.ready for row in after.readiness] != [row.ready for row in before.readiness]


def test_a_status_entered_leaves_the_frame_kept(two_goals, periods, activity, framed):
    _kept(two_goals, periods[0])
    activity_status_set(activity=activity, period=periods[0], status="done", actor=None)
    after = _kept(two_goals, periods[0])
    assert len(framed) == 1
    assert after == _fresh(two_goals, periods[0])


def test_a_goal_added_reads_the_frame_again(two_goals, periods, units, framed):
    _kept(two_goals, periods[0])
    _add_goal(two_goals, 3, periods, units)
    assert len(_kept(two_goals, periods[0]).goals) == 3
    assert len(framed) == 2


def test_a_kept_report_is_read_in_two_queries(two_goals, periods, django_assert_num_queries):
    sources = selectors.report_sources(two_goals)
    _kept(two_goals, periods[0])
    with django_assert_num_queries(2), translation.override("sv"):
        kept_follow_up_report(two_goals, periods[0], sources)


def test_every_change_of_a_reports_frame_moves_what_all_goals_share(world):
    """The guard: each row of a cascade of plans changed in turn (and rolled back); whatever
    changes the frame, or what the lower plans' goals say, moves the stamp all goals share."""
    plan, period = world["council"], world["period"]
    sources = selectors.report_sources(plan)
    goal_ids = list(plan.goals.values_list("pk", flat=True))

    def frame():
        plan.refresh_from_db()
        with translation.override("sv"):
            found = report_module.report_frame(plan, period)
            # An organisation without its own scale has the default one: unsaved levels.
            levels = {key: (level.label(), level.meaning) for key, level in found.levels.items()}
            return dataclasses.replace(found, levels=levels), lower_goals(goal_ids, period)

    def common():
        return goal_stamps(plan=plan.pk, until=period.ends_on, plans=sources).common

    as_read, kept_under = frame(), common()
    assert as_read[1]  # the lower plans' goals serve the council's goal
    changing, moving = set(), set()
    for model, _plan_of_row, change in ROWS:
        for row in model.objects.all():
            name = (model.__name__, change.__name__, row.pk)
            try:
                with transaction.atomic():
                    change(row)
                    if frame() != as_read:
                        changing.add(name)
                    if common() != kept_under:
                        moving.add(name)
                    raise _Undone
            except _Undone:
                pass
    assert changing - moving == set()
    # Ready marks, and the lower plans' values and assessments, change it.
    assert {model for model, *_rest in changing} == {"ReportReadiness", "Measurement",
                                                     "GoalFollowUp"}  # fmt: skip
