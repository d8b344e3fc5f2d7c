import pytest
from django.core.exceptions import ValidationError

from core.versioning import EditConflict
from goals.models import GoalFollowUp
from goals.services import activity_status_set, goal_follow_up_save


def test_follow_up_written_once_per_goal_and_period(goal, periods, django_user_model):
    user = django_user_model.objects.create_user("kvalitetschef")
    first = goal_follow_up_save(
        goal=goal, period=periods[0], assessment="uncertain", analysis="Första", actor=user
    )
    second = goal_follow_up_save(
        goal=goal,
        period=periods[0],
        assessment="expected",
        analysis="Andra",
        expected_version=first.version,
        actor=user,
    )
    assert first.pk == second.pk
    assert list(GoalFollowUp.objects.values_list("assessment", "analysis", "version")) == [
        ("expected", "Andra", 2)
    ]
    assert second.written_by == user


def test_follow_up_refuses_to_overwrite_a_text_changed_meanwhile(goal, periods):
    loaded = goal_follow_up_save(
        goal=goal, period=periods[0], assessment="", analysis="Utkast", actor=None
    )
    goal_follow_up_save(
        goal=goal, period=periods[0], assessment="", analysis="Kollegans text", actor=None
    )
    with pytest.raises(EditConflict):
        goal_follow_up_save(
            goal=goal,
            period=periods[0],
            assessment="achieved",
            analysis="Min text",
            expected_version=loaded.version,
            actor=None,
        )
    assert GoalFollowUp.objects.get().analysis == "Kollegans text"


def test_unknown_assessment_refused(goal, periods):
    with pytest.raises(ValidationError) as error:
        goal_follow_up_save(
            goal=goal, period=periods[0], assessment="great", analysis="", actor=None
        )
    assert "assessment" in error.value.message_dict


def test_status_refuses_to_overwrite_a_report_changed_meanwhile(activity, periods):
    loaded = activity_status_set(
        activity=activity, period=periods[0], status="in_progress", actor=None
    )
    activity_status_set(activity=activity, period=periods[0], status="done", actor=None)
    with pytest.raises(EditConflict):
        activity_status_set(
            activity=activity,
            period=periods[0],
            status="delayed",
            expected_version=loaded.version,
            actor=None,
        )


def test_a_status_update_reads_its_record_once_and_checks_no_known_object(
    activity, periods, django_user_model
):
    """The record is read FOR UPDATE once; the activity, period and person the caller gave
    are not looked up again, and the version still rises."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goals.models import Activity

    user = django_user_model.objects.create_user("enhetschef")
    # As the reporting page gives it: with its goal and plan, which the status's rules read.
    activity = Activity.objects.select_related("goal__plan").get(pk=activity.pk)
    first = activity_status_set(activity=activity, period=periods[0], status="done", actor=user)
    with CaptureQueriesContext(connection) as queries:
        second = activity_status_set(
            activity=activity,
            period=periods[0],
            status="in_progress",
            expected_version=first.version,
            actor=user,
        )
    selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "goals_activitystatus" in selects[0]
    assert second.pk == first.pk and second.version == first.version + 1
    second.refresh_from_db()
    assert (second.status, second.version, second.reported_by) == ("in_progress", 2, user)
