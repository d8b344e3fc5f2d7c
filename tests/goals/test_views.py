"""The planner's goal and activity pages: who may do what, numbering, conflicts, the activities
list with its filters, and query counts that do not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.evaluation import months
from goals.models import Activity, Goal
from goals.services import activity_add, activity_status_set, activity_update, goal_add, goal_update
from planning.models import preset_rows
from planning.services import plan_set_status
from planning.services.schemes import scheme_save
from tests.deadlines import month_end
from tests.planner_roles import as_user

pytest_plugins = ["tests.planner_roles"]


def activity_data(goal, **changes):
    data = {
        "goal": str(goal.pk),
        "title": "Vi genomför RUS-samtal årligen",
        "responsible_role": "Alla chefer",
        "unit": "",
        "responsible_user": "",
        "due_on": "2023-02",
        "evaluated_months": ["12"],  # the last month of each period chosen: the year-end
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def second_goal(plan, goal):
    return goal_add(plan=plan, title="Ökad kvalitet", actor=None)


def pages(goal, activity):
    return [
        reverse("goals:goal_create", args=[goal.plan_id]),
        reverse("goals:goal_update", args=[goal.pk]),
        reverse("goals:goal_delete", args=[goal.pk]),
        reverse("goals:activity_create", args=[goal.pk]),
        reverse("goals:activity_update", args=[activity.pk]),
        reverse("goals:activity_delete", args=[activity.pk]),
    ]


def posts(goal, activity):
    return [
        (reverse("goals:goal_move", args=[goal.pk]), {"direction": "down"}),
        (reverse("goals:activity_move", args=[activity.pk]), {"direction": "down"}),
        (
            reverse("goals:goal_create", args=[goal.plan_id]),
            {"title": "Nytt", "scope": "operation_specific"},
        ),
        (reverse("goals:activity_create", args=[goal.pk]), activity_data(goal)),
        (reverse("goals:activity_delete", args=[activity.pk]), {}),
        (reverse("goals:goal_delete", args=[goal.pk]), {}),
    ]  # fmt: skip


def test_anonymous_users_are_sent_to_log_in(client, goal, activity):
    for url in [*pages(goal, activity), reverse("goals:activity_list", args=[goal.plan_id])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for url, data in posts(goal, activity):
        assert client.post(url, data).status_code == 302
    assert Goal.objects.count() == 1 and Activity.objects.count() == 1


@pytest.mark.parametrize("role", ["committee", "own_manager", "other_manager"])
def test_who_may_not_edit_gets_404_and_nothing_changes(
    client, people, goal, second_goal, activity, role
):
    as_user(client, people, role)
    for url in pages(goal, activity):
        assert client.get(url).status_code == 404, url
    for url, data in posts(goal, activity):
        assert client.post(url, data).status_code == 404, url
    assert list(Goal.objects.order_by("number").values_list("title", flat=True)) == [
        goal.title,
        second_goal.title,
    ]
    assert Activity.objects.count() == 1
    list_status = client.get(reverse("goals:activity_list", args=[goal.plan_id])).status_code
    assert list_status == (404 if role == "other_manager" else 200)


@pytest.mark.parametrize("role", ["planner", "administrator"])
def test_planners_and_administrators_edit(client, people, goal, second_goal, activity, role):
    as_user(client, people, role)
    for url in pages(goal, activity):
        assert client.get(url).status_code == 200, url
    for url, data in posts(goal, activity):
        assert client.post(url, data).status_code == 302, url
    assert list(Goal.objects.order_by("number").values_list("number", "title")) == [
        (1, second_goal.title),
        (2, "Nytt"),
    ]


def test_moves_are_post_only(client, people, goal, activity):
    as_user(client, people, "planner")
    assert client.get(reverse("goals:goal_move", args=[goal.pk])).status_code == 405
    assert client.get(reverse("goals:activity_move", args=[activity.pk])).status_code == 405


def test_adding_a_goal_numbers_it_last_and_shows_it(client, people, goal):
    as_user(client, people, "planner")
    response = client.post(
        reverse("goals:goal_create", args=[goal.plan_id]),
        {"title": "En budget i balans", "description": "", "scope": "municipality_wide"},
    )
    created = Goal.objects.get(title="En budget i balans")
    assert created.number == 2
    assert response["Location"].endswith(f"#goal-{created.pk}")
    assert created.history.get().history_user == people.planner


def test_moving_a_goal_up_from_the_page(client, people, goal, second_goal):
    as_user(client, people, "planner")
    client.post(reverse("goals:goal_move", args=[second_goal.pk]), {"direction": "up"})
    assert list(Goal.objects.order_by("number").values_list("title", flat=True)) == [
        second_goal.title,
        goal.title,
    ]


def test_deleting_asks_first_and_says_what_goes_with_it(
    en_client, people, goal, indicator, activity
):
    as_user(en_client, people, "planner")
    url = reverse("goals:goal_delete", args=[goal.pk])
    page = en_client.get(url)
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert "Delete the goal?" in page.text
    assert "Indicators: 1" in page.text and "Activities: 1" in page.text
    assert '<form method="post"' in page.text
    done = en_client.post(url, follow=True)
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert "You can restore it, with everything under it" in done.text


def test_a_goal_edit_on_an_old_version_shows_the_change_and_keeps_my_text(en_client, people, goal):
    as_user(en_client, people, "planner")
    url = reverse("goals:goal_update", args=[goal.pk])
    en_client.get(url)
    goal_update(goal=goal, actor=people.administrator, description="Administratörens text")
    response = en_client.post(
        url,
        {
            "title": "Min nya rubrik",
            "description": "",
            "scope": "operation_specific",
            "version": "1",
        },
    )
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert "Someone else saved this while you were editing" in text
    assert "<strong>Johan Testsson</strong>" in text
    assert "Description:</span> <del>(empty)</del>" in text
    assert "<ins>Administratörens text</ins>" in text
    assert response.context["form"]["title"].value() == "Min nya rubrik"
    assert 'name="version" value="2"' in response.text
    goal.refresh_from_db()
    assert goal.title == "Nöjda och friska medarbetare"


def test_an_activity_is_added_with_when_and_where_it_is_evaluated(client, people, goal):
    as_user(client, people, "planner")
    response = client.post(
        reverse("goals:activity_create", args=[goal.pk]),
        activity_data(goal, evaluated_months=["4", "12"], unit=""),
    )
    created = Activity.objects.get(title="Vi genomför RUS-samtal årligen")
    assert response.status_code == 302
    assert (created.due_on, created.due_precision) == (datetime.date(2023, 2, 28), "month")
    assert created.evaluated_months == months(4, 12)


def test_the_activity_form_offers_a_checkbox_for_each_period_of_the_scheme(
    en_client, people, goal, activity
):
    as_user(en_client, people, "planner")
    url = reverse("goals:activity_update", args=[activity.pk])
    response = en_client.get(url)
    form = response.context["form"]
    assert [label for _value, label in form.fields["evaluated_months"].choices] == [
        "Tertial 1",
        "Tertial 2",
        "Year-end (tertial 3)",
    ]
    assert form["evaluated_months"].value() == ["4"]  # the fixture's activity: Tertial 1
    assert response.text.count('type="checkbox" name="evaluated_months"') == 3
    assert "<legend" in response.text and 'value="4" class="ds-input"' in response.text
    saved = en_client.post(url, activity_data(goal, evaluated_months=["8", "12"], version="1"))
    assert saved.status_code == 302
    activity.refresh_from_db()
    assert activity.evaluated_months == months(8, 12)


def test_an_activity_needs_a_period_it_is_evaluated_in(en_client, people, goal):
    as_user(en_client, people, "planner")
    response = en_client.post(
        reverse("goals:activity_create", args=[goal.pk]), activity_data(goal, evaluated_months=[])
    )
    assert response.status_code == 200
    assert "Choose at least one period in which the activity is evaluated." in response.text
    assert not Activity.objects.filter(title="Vi genomför RUS-samtal årligen").exists()


def test_the_activity_form_follows_a_quarter_scheme(en_client, people, organisation, goal):
    scheme_save(organisation=organisation, rows=preset_rows("quarter"), actor=None)
    as_user(en_client, people, "planner")
    url = reverse("goals:activity_create", args=[goal.pk])
    form = en_client.get(url).context["form"]
    assert [value for value, _label in form.fields["evaluated_months"].choices] == [
        "3", "6", "9", "12",
    ]  # fmt: skip
    assert form["evaluated_months"].value() == ["12"]  # the year-end unless chosen otherwise
    en_client.post(url, activity_data(goal, evaluated_months=["6", "12"]))
    created = Activity.objects.get(title="Vi genomför RUS-samtal årligen")
    assert created.evaluated_months == months(6, 12)


def test_an_activity_needs_a_deadline_or_ongoing(en_client, people, goal):
    as_user(en_client, people, "planner")
    response = en_client.post(
        reverse("goals:activity_create", args=[goal.pk]), activity_data(goal, due_on="")
    )
    assert response.status_code == 200
    assert "Choose the month or day the activity is done, or ongoing." in response.text
    assert 'href="#id_due_on"' in response.text  # the error summary links to the field


def test_an_activity_edit_conflict_keeps_my_input(en_client, people, goal, activity):
    as_user(en_client, people, "planner")
    url = reverse("goals:activity_update", args=[activity.pk])
    activity_update(
        activity=activity, actor=people.administrator, responsible_role="Verksamhetschef"
    )
    response = en_client.post(url, activity_data(goal, title="Min titel", version="1"))
    assert "Someone else saved this while you were editing" in response.text
    assert "<ins>Verksamhetschef</ins>" in response.text
    assert response.context["form"]["title"].value() == "Min titel"
    saved = en_client.post(url, activity_data(goal, title="Min titel", version="2"))
    assert saved.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Min titel"


def test_a_decided_plan_offers_no_changes(en_client, people, plan, goal, activity):
    plan_set_status(
        plan=plan, status="decided", actor=None, expected_version=1,
        decision_date=datetime.date(2022, 11, 29),
    )  # fmt: skip
    as_user(en_client, people, "planner")
    response = en_client.get(reverse("goals:goal_update", args=[goal.pk]), follow=True)
    assert "decided and locked" in response.text
    moved = en_client.post(
        reverse("goals:activity_move", args=[activity.pk]), {"direction": "up"}, follow=True
    )
    assert "decided and locked" in moved.text


# --- The activities list --------------------------------------------------------------------------


@pytest.fixture
def activities(goal, second_goal, units, periods):
    made = [
        activity_add(goal=goal, title="A löpande", ongoing=True, unit=units["unit_a"], actor=None),
        activity_add(
            goal=goal,
            title="B i juni",
            due_on=month_end(6),
            evaluated_months=months(4, 12),
            actor=None,
        ),
        activity_add(
            goal=second_goal,
            title="C i mars",
            due_on=month_end(3),
            unit=units["unit_b"],
            actor=None,
        ),
    ]
    activity_status_set(activity=made[0], period=periods[0], status="done", actor=None)
    activity_status_set(activity=made[0], period=periods[1], status="delayed", actor=None)
    activity_status_set(activity=made[2], period=periods[0], status="in_progress", actor=None)
    return made


def titles(client, plan, **query):
    table = client.get(reverse("goals:activity_list", args=[plan.pk]), query).context["table"]
    return [row.record.title for row in table.paginated_rows]


def test_the_activities_list_filters(client, people, plan, second_goal, activities, units):
    as_user(client, people, "committee")
    assert titles(client, plan) == ["A löpande", "B i juni", "C i mars"]
    assert titles(client, plan, goal=second_goal.pk) == ["C i mars"]
    assert titles(client, plan, unit=units["unit_a"].pk) == ["A löpande"]
    assert titles(client, plan, evaluated_in="T1") == ["B i juni"]
    assert titles(client, plan, evaluated_in="T3") == ["A löpande", "B i juni", "C i mars"]
    assert titles(client, plan, evaluated_in="T2") == []
    assert titles(client, plan, latest_status="delayed") == ["A löpande"]
    assert titles(client, plan, latest_status="none") == ["B i juni"]
    assert titles(client, plan, title="mars") == ["C i mars"]


def test_the_activities_list_sorts_by_latest_status(en_client, people, plan, activities):
    as_user(en_client, people, "planner")
    assert titles(en_client, plan, sort="latest_status") == ["A löpande", "C i mars", "B i juni"]
    assert titles(en_client, plan, sort="-latest_status") == ["B i juni", "C i mars", "A löpande"]
    response = en_client.get(reverse("goals:activity_list", args=[plan.pk]))
    assert "Delayed (T2 2023)" in response.text
    assert "In progress (T1 2023)" in response.text


def test_the_activities_list_query_count_does_not_grow(
    client, people, plan, goal, units, periods, django_assert_num_queries
):
    as_user(client, people, "planner")
    url = reverse("goals:activity_list", args=[plan.pk])
    activity_add(goal=goal, title="Första", ongoing=True, unit=units["unit_a"], actor=None)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(20):
        made = activity_add(
            goal=goal,
            title=f"Aktivitet {number}",
            due_on=month_end(5),
            unit=units["unit_b"],
            actor=None,
        )
        activity_status_set(activity=made, period=periods[0], status="done", actor=None)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["table"].paginated_rows) == 21
