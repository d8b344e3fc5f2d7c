"""History pages (who changed what, when) and restoring deleted goals, indicators and activities
with what was deleted with them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Activity, ActivityStatus, Goal
from goals.services import (
    activity_delete,
    activity_status_set,
    activity_update,
    goal_add,
    goal_delete,
    goal_update,
)
from indicators.models import Indicator, Measurement
from indicators.services import indicator_add, indicator_delete, measurement_record
from tests.planner_roles import as_user

pytest_plugins = ["tests.planner_roles"]

D = Decimal


@pytest.fixture
def deleted_goal(plan, goal, indicator, activity, periods, people):
    """Goal 1 with its indicator (two values) and activity (one status), deleted by the planner;
    goal 2 stays."""
    measurement_record(
        indicator=indicator, period=periods[0], value=D(72), actor=people.own_manager
    )
    measurement_record(
        indicator=indicator, period=periods[1], value=D(81), actor=people.own_manager
    )
    activity_status_set(
        activity=activity, period=periods[0], status="done", actor=people.own_manager
    )
    goal_add(plan=plan, title="Ökad kvalitet", actor=None)
    pk = goal.pk
    goal_delete(goal=goal, actor=people.planner)
    return Goal.history.get(id=pk, history_type="-")


# --- The history pages --------------------------------------------------------------------------


def test_an_objects_history_says_who_changed_what_and_when(en_client, people, goal):
    goal_update(
        goal=goal, actor=people.planner, title="Friska medarbetare", scope="municipality_wide"
    )
    as_user(en_client, people, "committee")
    page = en_client.get(reverse("authoring:object_history", args=["goal", goal.pk]))
    flat = " ".join(page.text.split())
    assert page.status_code == 200
    assert "History of 1. Friska medarbetare" in flat
    assert "<strong>Anna Testsson</strong>" in flat
    assert "Title:</span> <del>Nöjda och friska medarbetare</del>" in flat
    assert "<ins>Friska medarbetare</ins>" in flat
    assert (
        "Scope:</span> <del>Operation-specific</del>" in flat
        and "<ins>Municipality-wide</ins>" in flat
    )
    assert "created" in flat


def test_what_a_person_typed_is_escaped_in_every_history_list(en_client, people, plan, goal):
    typed = '<script>alert("x")</script> & <b>'
    goal_update(goal=goal, actor=people.planner, title=typed)
    as_user(en_client, people, "planner")
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;"
    for url in (
        reverse("authoring:plan_history", args=[plan.pk]),
        reverse("authoring:object_history", args=["goal", goal.pk]),
    ):
        page = en_client.get(url).text
        assert f"<ins>{escaped}</ins>" in page, url
        assert "<script>alert" not in page and "<b>" not in page, url


def test_an_activitys_history_includes_its_reported_statuses(
    en_client, people, activity, periods, units
):
    activity_update(activity=activity, actor=people.planner, unit=units["unit_a"])
    activity_status_set(
        activity=activity, period=periods[0], status="in_progress", actor=people.own_manager
    )
    activity_status_set(
        activity=activity,
        period=periods[0],
        status="done",
        comment="Klart",
        actor=people.own_manager,
    )
    as_user(en_client, people, "planner")
    flat = " ".join(
        en_client.get(
            reverse("authoring:object_history", args=["activity", activity.pk])
        ).text.split()
    )
    assert "Unit:</span> <del>(empty)</del>" in flat and "<ins>Hemtjänst</ins>" in flat
    assert "Reported statuses" in flat
    assert "Status:</span> <del>In progress</del>" in flat and "<ins>Done</ins>" in flat
    assert "<strong>Erik Testsson</strong> · T1 2023" in flat


def test_an_indicators_history_includes_its_values(en_client, people, indicator, periods):
    measurement_record(
        indicator=indicator, period=periods[0], value=D("71.5"), actor=people.own_manager
    )
    measurement_record(
        indicator=indicator, period=periods[0], value=D("74"), actor=people.own_manager
    )
    as_user(en_client, people, "planner")
    flat = " ".join(
        en_client.get(
            reverse("authoring:object_history", args=["indicator", indicator.pk])
        ).text.split()
    )
    assert "Measured values" in flat
    assert "Value:</span> <del>71.5</del>" in flat and "<ins>74</ins>" in flat


def test_an_objects_history_and_its_values_are_shown_a_page_at_a_time(
    en_client, people, indicator, periods
):
    from authoring.selectors import HISTORY_PAGE_SIZE
    from indicators.services import indicator_update

    for number in range(HISTORY_PAGE_SIZE + 2):
        indicator = indicator_update(indicator=indicator, actor=people.planner,
                                     name=f"Mått {number}")  # fmt: skip
        measurement_record(indicator=indicator, period=periods[0], value=D(number),
                           actor=people.own_manager)  # fmt: skip
    as_user(en_client, people, "planner")
    url = reverse("authoring:object_history", args=["indicator", indicator.pk])
    en_client.get(url)  # the reader's scope kept, as after any first page
    counts, pages = [], []
    for query in ({}, {"page": 2}, {"reported": 2}, {"page": 2, "reported": 2}):
        with CaptureQueriesContext(connection) as queries:
            pages.append(en_client.get(url, query))
        counts.append(len(queries))
    first, second = pages[0].context, pages[3].context

    assert len(set(counts)) == 1
    # Newest first, fifty a page; the last change of the first page told against the record
    # on the next page, as on one long page.
    assert (len(first["entries"]), len(second["entries"])) == (50, 3)  # 52 renames, created
    assert first["entries"][-1].changes[0].old == "Mått 1"
    assert (len(first["follow_up"]), len(second["follow_up"])) == (50, 2)
    assert [change.old for change in first["follow_up"][-1].changes if change.label == "Value"] == [
        "1"
    ]
    assert first["title"] == f"Mått {HISTORY_PAGE_SIZE + 1}"
    # Each list's pages keep the other's.
    assert 'href="?page=1&amp;reported=2#changes-heading"' in pages[3].text
    assert 'href="?reported=1&amp;page=2#follow-up-heading"' in pages[3].text


def test_a_deleted_objects_history_stays_readable(en_client, people, deleted_goal):
    as_user(en_client, people, "planner")
    page = en_client.get(reverse("authoring:object_history", args=["goal", deleted_goal.id]))
    assert page.status_code == 200
    assert "restore it from the plan's history" in page.text


def test_history_is_for_those_who_may_read_the_plan(client, people, goal, deleted_goal):
    urls = [
        reverse("authoring:object_history", args=["goal", deleted_goal.id]),
        reverse("authoring:plan_history", args=[goal.plan_id]),
        reverse("authoring:object_history", args=["plan", goal.plan_id]),
    ]
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("login"))
    as_user(client, people, "other_manager")
    for url in urls:
        assert client.get(url).status_code == 404, url
    as_user(client, people, "committee")
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("authoring:object_history", args=["user", 1])).status_code == 404
    assert client.get(reverse("authoring:object_history", args=["goal", 9999])).status_code == 404


# --- Restoring ----------------------------------------------------------------------------------


def restore(client, plan, kind, record):
    return client.post(
        reverse("authoring:history_restore", args=[plan.pk]),
        {"kind": kind, "history_id": record.history_id},
        follow=True,
    )


def test_the_plan_history_lists_what_can_be_restored(en_client, people, plan, deleted_goal):
    as_user(en_client, people, "planner")
    page = en_client.get(reverse("authoring:plan_history", args=[plan.pk]))
    flat = " ".join(page.text.split())
    assert "1. Nöjda och friska medarbetare" in flat
    assert "Activities: 1, Indicators: 1" in flat
    assert 'Restore<span class="ds-sr-only">: 1. Nöjda och friska medarbetare</span>' in flat
    as_user(en_client, people, "committee")
    assert (
        "Restore<span" not in en_client.get(reverse("authoring:plan_history", args=[plan.pk])).text
    )


def test_a_planner_restores_a_goal_with_its_children(en_client, people, plan, deleted_goal):
    as_user(en_client, people, "planner")
    done = restore(en_client, plan, "goal", deleted_goal)
    goal = Goal.objects.get(pk=deleted_goal.id)
    assert goal.number == 1
    assert list(
        Goal.objects.filter(plan=plan).order_by("number").values_list("title", flat=True)
    ) == [
        "Nöjda och friska medarbetare",
        "Ökad kvalitet",
    ]
    assert Indicator.objects.filter(goal=goal).count() == 1
    assert Measurement.objects.filter(indicator__goal=goal).count() == 2
    assert Activity.objects.filter(goal=goal).count() == 1
    assert ActivityStatus.objects.filter(activity__goal=goal).count() == 1
    assert "was restored, with" in done.text
    assert done.redirect_chain[-1][0].endswith(f"#goal-{goal.pk}")
    assert goal.history.first().history_user == people.planner
    page = en_client.get(reverse("authoring:plan_history", args=[plan.pk])).text
    assert "Nothing of this plan is deleted." in page


def test_an_indicator_and_an_activity_are_restored_on_their_own(
    en_client, people, plan, goal, indicator, activity
):
    indicator_pk, activity_pk = indicator.pk, activity.pk
    indicator_delete(indicator=indicator, actor=people.planner)
    activity_delete(activity=activity, actor=people.planner)
    as_user(en_client, people, "administrator")
    restore(en_client, plan, "indicator", Indicator.history.get(id=indicator_pk, history_type="-"))
    restore(en_client, plan, "activity", Activity.history.get(id=activity_pk, history_type="-"))
    assert Indicator.objects.filter(pk=indicator_pk, goal=goal).exists()
    assert Activity.objects.filter(pk=activity_pk, goal=goal).exists()


@pytest.mark.parametrize("role", ["committee", "own_manager", "other_manager"])
def test_only_planners_restore(client, people, plan, deleted_goal, role):
    as_user(client, people, role)
    response = client.post(
        reverse("authoring:history_restore", args=[plan.pk]),
        {"kind": "goal", "history_id": deleted_goal.history_id},
    )
    assert response.status_code == 404
    assert not Goal.objects.filter(pk=deleted_goal.id).exists()


def test_restoring_is_post_only_and_checks_the_plan(
    client, people, plan, deleted_goal, organisation, units
):
    from planning.services import plan_create

    as_user(client, people, "planner")
    url = reverse("authoring:history_restore", args=[plan.pk])
    assert client.get(url).status_code == 405
    other = plan_create(
        organisation=organisation, owner_unit=units["operation"], kind="action_plan",
        name="Annan plan", start_year=2023, end_year=2023, actor=None,
    )  # fmt: skip
    wrong_plan = reverse("authoring:history_restore", args=[other.pk])
    data = {"kind": "goal", "history_id": deleted_goal.history_id}
    assert client.post(wrong_plan, data).status_code == 404
    assert client.post(url, {"kind": "plan", "history_id": 1}).status_code == 404
    assert client.post(url, {"kind": "goal", "history_id": "x"}).status_code == 404
    assert not Goal.objects.filter(pk=deleted_goal.id).exists()


def test_the_plan_history_query_count_does_not_grow(
    client, people, plan, goal, indicator, activity, units, django_assert_num_queries
):
    first = indicator_add(goal=goal, name="Först", green_bound=D(5), actor=None)
    indicator_delete(indicator=first, actor=people.planner)
    early = goal_add(plan=plan, title="Raderas tidigt", actor=None)
    indicator_add(goal=early, name="Med", green_bound=D(1), actor=None)
    goal_delete(goal=early, actor=people.planner)
    activity_update(activity=activity, actor=people.planner, unit=units["unit_a"])
    as_user(client, people, "planner")
    url = reverse("authoring:plan_history", args=[plan.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(5):
        more = goal_add(plan=plan, title=f"Mål {number}", actor=people.planner)
        goal_update(goal=more, actor=people.administrator, title=f"Mål {number}, ändrat")
        gone = indicator_add(goal=more, name="Borta", green_bound=D(5), actor=None)
        indicator_delete(indicator=gone, actor=people.planner)
        activity_update(
            activity=activity,
            actor=people.planner,
            unit=units["unit_b" if number % 2 else "unit_a"],
        )
    victim = goal_add(plan=plan, title="Raderas", actor=None)
    indicator_add(goal=victim, name="Med", green_bound=D(1), actor=None)
    goal_delete(goal=victim, actor=people.planner)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["deleted"]) == 8
