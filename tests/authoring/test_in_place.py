"""Writing a plan in place on its page: adding, editing, moving and deleting goals, indicators and
activities with one small request each (htmx), the version check, the locked decided plan, an
item someone else deleted, and the same forms without JavaScript."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.evaluation import months
from goals.models import Activity, Goal
from goals.services import activity_create, goal_add, goal_create
from indicators.colour import Direction
from indicators.models import Indicator
from indicators.services import indicator_delete, indicator_update
from planning.models import Plan
from planning.services import plan_set_status
from tests.authoring.test_e2e_in_place import activity_order
from tests.deadlines import month_end
from tests.planner_roles import as_user

pytest_plugins = ["tests.planner_roles"]

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}
D = Decimal


@pytest.fixture
def planner(client, people):
    return as_user(client, people, "planner")


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="((?:activity|indicator)-\d+)"(?! hx-swap-oob)', html)


def assert_the_same_queries_for_a_longer_list(goal, queries) -> None:
    """`queries(title)`, the queries of one answer (a row of that title, if it makes one),
    are as many for the goal as it is as after twenty more activities."""
    short = queries("Kort lista")
    for number in range(20):
        activity_create(goal=goal, title=f"A{number}", ongoing=True, actor=None)
    assert queries("Lång lista") == short


def add_url(goal, kind):
    return reverse("authoring:item_add", args=[goal.pk, kind])


def edit_url(kind, pk):
    return reverse("authoring:item_in_place", args=[kind, pk])


def seed_indicator_row(**changes):
    row = {
        "subgoal": "Nöjda och friska medarbetare",
        "target": "HME-index >80",
        "name": "Medarbetarundersökning",
        "red": "<70",
        "yellow": "71-79",
        "green": "≥80",
        "source": "",
    }
    row.update(changes)
    return row


def activity_row(**changes):
    row = {
        "title": "Vi utbildar medarbetare i MHFA",
        "responsible_role": "Alla chefer",
        "when": "6",
        "evaluated": ["4", "8"],  # the last months of Tertial 1 and Tertial 2
    }
    row.update(changes)
    return row


# --- Adding ---------------------------------------------------------------------------------------


def test_an_indicator_is_added_from_thresholds_written_as_in_the_document(planner, goal):
    response = planner.post(add_url(goal, "indicator"), seed_indicator_row(), **HTMX)
    assert response.status_code == 200
    assert response["X-Styrkort-Save"] == "added"
    indicator = Indicator.objects.get(goal=goal)
    assert (indicator.sub_goal.title, indicator.name, indicator.target_text) == (
        "Nöjda och friska medarbetare",
        "Medarbetarundersökning",
        "HME-index >80",
    )
    assert indicator.direction == Direction.HIGHER_IS_BETTER
    assert (indicator.green_bound, indicator.green_bound_inclusive) == (D(80), True)
    assert (indicator.red_bound, indicator.red_bound_inclusive) == (D(70), False)
    assert indicator.target_value == D(80)
    # The answer is the goal's indicators, the new one among them, and what is announced.
    assert f'id="goal-{goal.pk}-indicators"' in response.text
    assert f'id="indicator-{indicator.pk}"' in response.text
    assert 'id="plan-announcer" hx-swap-oob="innerHTML"' in response.text
    assert "Medarbetarundersökning" in response.text


def test_a_floor_written_in_words_reads_as_a_bound_with_its_unit(planner, goal):
    row = seed_indicator_row(
        name="Andel nöjda brukare", target="Minst 90 %", red="under 90 %", yellow="",
        green="minst 90 %",
    )  # fmt: skip
    response = planner.post(add_url(goal, "indicator"), row, **HTMX)
    assert response["X-Styrkort-Save"] == "added"
    indicator = Indicator.objects.get(goal=goal)
    assert (indicator.green_bound, indicator.green_bound_inclusive) == (D(90), True)
    assert indicator.red_bound is None
    assert indicator.unit == Indicator.MeasureUnit.PERCENT


def test_thresholds_that_cannot_be_read_add_nothing_and_say_why(planner, goal, english):
    row = seed_indicator_row(green="good", red="")
    response = planner.post(add_url(goal, "indicator"), row, **HTMX)
    assert response["X-Styrkort-Save"] == "invalid"
    assert response["HX-Reswap"] == "none"
    assert not Indicator.objects.exists()
    assert f'id="goal-{goal.pk}-new-indicator-green_error"' in response.text
    assert "is not a threshold" in response.text
    assert 'id="plan-alert" hx-swap-oob="innerHTML">Not added:' in response.text


def test_an_activity_is_added_with_its_month_and_follow_ups(planner, goal):
    response = planner.post(add_url(goal, "activity"), activity_row(), **HTMX)
    assert response["X-Styrkort-Save"] == "added"
    activity = Activity.objects.get(goal=goal)
    assert (activity.ongoing, activity.due_on, activity.due_precision) == (
        False,
        month_end(6),
        "month",
    )
    assert activity.evaluated_months == months(4, 8)
    planner.post(add_url(goal, "activity"), activity_row(title="Löpande", when="ongoing"), **HTMX)
    ongoing = Activity.objects.get(title="Löpande")
    assert (ongoing.ongoing, ongoing.due_on, ongoing.position) == (True, None, 1)


def test_a_row_added_comes_back_after_the_last_not_with_the_whole_list(planner, goal):
    # The goal's first row: the list, with its table.
    response = planner.post(add_url(goal, "activity"), activity_row(title="Första"), **HTMX)
    first = Activity.objects.get(title="Första")
    assert "HX-Retarget" not in response
    assert f'<div id="goal-{goal.pk}-activities" class="items">' in response.text
    # Then each row in place of the one the page shows last, if that is the last: that one,
    # which now has "Down", and it.
    for title in ("Andra", "Tredje"):
        last = goal.activities.order_by("position", "pk").last()
        row = activity_row(title=title, after=f"activity-{last.pk}")
        response = planner.post(add_url(goal, "activity"), row, **HTMX)
        added = Activity.objects.get(title=title)
        assert response["X-Styrkort-Save"] == "added"
        assert response["HX-Retarget"] == f"#activity-{last.pk}"
        assert row_ids(response.text) == [f"activity-{last.pk}", f"activity-{added.pk}"]
        shown = dict(zip(row_ids(response.text), response.text.split("<tr id=")[1:], strict=True))
        assert 'data-role="down"' in shown[f"activity-{last.pk}"]
        assert 'data-role="down"' not in shown[f"activity-{added.pk}"]
        assert 'class="is-new"' in shown[f"activity-{added.pk}"]
        assert 'class="is-new"' not in shown[f"activity-{last.pk}"]
    # A page that shows another row last (someone else's were added since): the list.
    row = activity_row(title="Fjärde", after=f"activity-{first.pk}")
    response = planner.post(add_url(goal, "activity"), row, **HTMX)
    assert "HX-Retarget" not in response
    assert row_ids(response.text) == [
        f"activity-{pk}"
        for pk in goal.activities.order_by("position", "pk").values_list("pk", flat=True)
    ]


def test_adding_a_row_costs_the_same_queries_however_long_the_list(planner, goal, activity):
    def add_queries(title: str) -> int:
        last = goal.activities.order_by("position", "pk").last()
        row = activity_row(title=title, after=f"activity-{last.pk}")
        with CaptureQueriesContext(connection) as counted:
            response = planner.post(add_url(goal, "activity"), row, **HTMX)
        assert response["HX-Retarget"] == f"#activity-{last.pk}"
        assert Activity.objects.filter(title=title).exists()
        return len(counted.captured_queries)

    assert_the_same_queries_for_a_longer_list(goal, add_queries)


@pytest.mark.parametrize(
    ("when", "due_on", "precision"),
    [
        ("15 maj 2023", datetime.date(2023, 5, 15), "day"),
        ("2023-05", datetime.date(2023, 5, 31), "month"),
        ("mai 2023", datetime.date(2023, 5, 31), "month"),
    ],
)
def test_an_activitys_deadline_is_typed_as_a_day_or_a_month(planner, goal, when, due_on, precision):
    planner.post(add_url(goal, "activity"), activity_row(when=when), **HTMX)
    activity = Activity.objects.get(goal=goal)
    assert (activity.due_on, activity.due_precision) == (due_on, precision)
    data = {**activity_row(when="30 juni 2023"), "version": activity.version, "done": "1"}
    planner.post(edit_url("activity", activity.pk), data, **HTMX)
    activity.refresh_from_db()
    assert (activity.due_on, activity.due_precision) == (datetime.date(2023, 6, 30), "day")


def test_a_deadline_that_cannot_be_read_says_how_to_write_it(planner, goal):
    response = planner.post(add_url(goal, "activity"), activity_row(when="snart"), **HTMX)
    assert response["X-Styrkort-Save"] == "invalid"
    assert "“snart” is not a deadline" in response.text
    assert not Activity.objects.exists()


def test_a_goal_is_added_at_the_end_and_the_page_moves_on_to_its_indicators(planner, plan, goal):
    url = reverse("authoring:goal_add", args=[plan.pk])
    response = planner.post(url, {"title": "Ökad kvalitet"}, **HTMX)
    assert response["X-Styrkort-Save"] == "added"
    new = Goal.objects.get(title="Ökad kvalitet")
    assert new.number == 2
    assert 'data-refocus="new-indicator"' in response.text
    assert f'id="goal-{new.pk}-new-indicator"' in response.text


def test_without_javascript_an_added_row_returns_to_the_plan_page(planner, plan, goal):
    response = planner.post(add_url(goal, "activity"), activity_row())
    activity = Activity.objects.get(goal=goal)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/structure/#activity-{activity.pk}")
    # A refused row: the plan page again, with what was typed and why it was refused.
    response = planner.post(add_url(goal, "activity"), activity_row(title="Ny", when=""))
    assert response.status_code == 200
    assert Activity.objects.count() == 1
    assert 'value="Alla chefer"' in response.text
    assert f'id="goal-{goal.pk}-new-activity-when_error" class="field-error"><p' in response.text


# --- Editing --------------------------------------------------------------------------------------


def test_the_editor_opens_in_place_of_the_row_with_the_bands_as_text(planner, indicator):
    response = planner.get(edit_url("indicator", indicator.pk), **HTMX)
    assert response.status_code == 200
    page = response.text
    assert f'<tr id="indicator-{indicator.pk}" class="is-editing"' in page
    assert 'name="red" value="&lt; 70"' in page
    assert 'name="yellow" value="≥ 70 and &lt; 80"' in page
    assert 'name="green" value="≥ 80"' in page
    assert f'name="version" value="{indicator.version}"' in page
    # Without JavaScript there is no editor in place: the full form.
    response = planner.get(edit_url("indicator", indicator.pk))
    assert response["Location"] == reverse("indicators:indicator_update", args=[indicator.pk])


def test_a_save_changes_what_was_typed_and_gives_the_new_version(planner, indicator):
    row = seed_indicator_row(
        name="HME-index, totalt", red="< 70", yellow="70–80", green="≥ 80", target="80"
    )
    data = {**row, "version": indicator.version}
    response = planner.post(edit_url("indicator", indicator.pk), data, **HTMX)
    assert response["X-Styrkort-Save"] == "saved"
    indicator.refresh_from_db()
    assert indicator.name == "HME-index, totalt"
    assert (indicator.green_bound, indicator.red_bound, indicator.red_bound_inclusive) == (
        D(80),
        D(70),
        False,
    )
    assert f'name="version" value="{indicator.version}" id="indicator-{indicator.pk}-version"' in (
        response.text
    )
    assert f'id="indicator-{indicator.pk}-status"' in response.text


def test_a_save_of_what_is_stored_writes_nothing(planner, indicator):
    version = indicator.version
    data = {
        "subgoal": "",
        "target": "80",
        "name": "HME-index",
        "red": "< 70",
        "yellow": "≥ 70 and < 80",  # as the row shows it (in English, as HTMX asks)
        "green": "≥ 80",
        "source": "",
        "version": version,
    }
    response = planner.post(edit_url("indicator", indicator.pk), data, **HTMX)
    assert response["X-Styrkort-Save"] == "saved"
    indicator.refresh_from_db()
    assert indicator.version == version
    assert indicator.history.count() == 1


def test_done_saves_and_shows_the_row_again(planner, activity):
    data = {**activity_row(title="Vi utbildar alla i MHFA"), "version": activity.version,
            "done": "1"}  # fmt: skip
    response = planner.post(edit_url("activity", activity.pk), data, **HTMX)
    assert response["X-Styrkort-Save"] == "saved"
    assert response["HX-Retarget"] == f"#activity-{activity.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert '<th scope="row" class="activity-title">Vi utbildar alla i MHFA</th>' in response.text
    assert 'data-refocus="edit"' in response.text


def test_a_goal_is_edited_in_place(planner, goal):
    data = {"title": "Friska medarbetare", "description": "Alla mår bra", "version": goal.version}
    response = planner.post(edit_url("goal", goal.pk), {**data, "done": "1"}, **HTMX)
    assert response["HX-Retarget"] == f"#goal-{goal.pk}-head"
    goal.refresh_from_db()
    assert (goal.title, goal.description) == ("Friska medarbetare", "Alla mår bra")
    assert "1. Friska medarbetare" in response.text


def test_an_edit_based_on_an_old_version_saves_nothing_and_says_what_changed(
    planner, people, indicator, english
):
    old = indicator.version
    indicator_update(
        indicator=Indicator.objects.get(pk=indicator.pk), actor=people.administrator,
        expected_version=old, name="HME (ändrat av Johan)",
    )  # fmt: skip
    data = {**seed_indicator_row(name="HME-index, totalt"), "version": old}
    response = planner.post(edit_url("indicator", indicator.pk), data, **HTMX)
    assert response["X-Styrkort-Save"] == "conflict"
    indicator.refresh_from_db()
    assert indicator.name == "HME (ändrat av Johan)"
    assert "Someone else saved this while you were editing" in response.text
    assert "HME (ändrat av Johan)" in response.text
    assert f'data-keep-mine="{indicator.version}"' in response.text
    # Keeping one's own text: saved again on the current version.
    data["version"] = indicator.version
    response = planner.post(edit_url("indicator", indicator.pk), data, **HTMX)
    assert response["X-Styrkort-Save"] == "saved"
    indicator.refresh_from_db()
    assert indicator.name == "HME-index, totalt"


def test_an_edit_of_an_item_someone_deleted_says_so(planner, people, indicator, english):
    indicator_delete(indicator=indicator, actor=people.administrator)
    data = {**seed_indicator_row(), "version": 1}
    response = planner.post(edit_url("indicator", indicator.pk), data, **HTMX)
    assert response["X-Styrkort-Save"] == "gone"
    assert "was deleted by someone else" in response.text
    assert not Indicator.objects.exists()


def test_a_decided_plan_refuses_every_change_in_place(planner, plan, goal, indicator, english):
    plan_set_status(
        plan=plan, status=Plan.Status.DECIDED, actor=None, expected_version=plan.version,
        decision_date=datetime.date(2022, 11, 29),
    )  # fmt: skip
    data = {**seed_indicator_row(name="Ändrat"), "version": indicator.version}
    response = planner.post(edit_url("indicator", indicator.pk), data, **HTMX)
    assert response["X-Styrkort-Save"] == "locked"
    assert "The plan is decided and locked" in response.text
    response = planner.post(add_url(goal, "activity"), activity_row(), **HTMX)
    assert response["X-Styrkort-Save"] == "locked"
    response = planner.post(reverse("authoring:item_delete", args=["indicator", indicator.pk]),
                            **HTMX)  # fmt: skip
    assert response["X-Styrkort-Save"] == "locked"
    place = reverse("authoring:item_place", args=["goal", goal.pk])
    assert planner.post(place, {"index": "0"}, **HTMX)["X-Styrkort-Save"] == "locked"
    indicator.refresh_from_db()
    assert (indicator.name, Activity.objects.count()) == ("HME-index", 0)


@pytest.mark.parametrize("role", ["committee", "own_manager", "other_manager"])
def test_only_the_plans_writers_change_it_in_place(client, people, goal, indicator, role):
    client.force_login(getattr(people, role))
    data = {**seed_indicator_row(name="Ändrat"), "version": indicator.version}
    assert client.post(edit_url("indicator", indicator.pk), data, **HTMX).status_code == 404
    assert client.post(add_url(goal, "activity"), activity_row(), **HTMX).status_code == 404
    indicator.refresh_from_db()
    assert indicator.name == "HME-index"


# --- Deleting and undoing -------------------------------------------------------------------------


def test_a_deleted_indicator_comes_back_with_undo_in_its_place(planner, plan, goal, indicator):
    second = indicator_add_row(planner, goal, "Sjukfrånvaro")
    url = reverse("authoring:item_delete", args=["indicator", indicator.pk])
    response = planner.post(url, **HTMX)
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert 'id="plan-undo" hx-swap-oob="innerHTML"' in response.text
    history_id = Indicator.history.get(id=indicator.pk, history_type="-").history_id
    assert f'name="history_id" value="{history_id}"' in response.text
    undo = reverse("authoring:undo", args=[plan.pk])
    response = planner.post(undo, {"kind": "indicator", "history_id": history_id}, **HTMX)
    assert response["HX-Retarget"] == f"#goal-{goal.pk}-indicators"
    restored = Indicator.objects.get(pk=indicator.pk)
    assert list(goal.indicators.order_by("position").values_list("pk", flat=True)) == [
        restored.pk,
        second.pk,
    ]


def _delete_and_undo(planner, plan, doomed, shown_after: str | None):
    """Delete `doomed` (an activity) from the page, then undo it as the page sends it: with
    the list it shows (`shown_after`, the ids left), or without (None: no JavaScript)."""
    url = reverse("authoring:item_delete", args=["activity", doomed.pk])
    planner.post(url, **HTMX)
    history_id = Activity.history.filter(id=doomed.pk, history_type="-").latest().history_id
    data = {"kind": "activity", "history_id": history_id}
    if shown_after is not None:
        data["shown"] = shown_after
    return planner.post(reverse("authoring:undo", args=[plan.pk]), data, **HTMX)


def test_a_deleted_activity_comes_back_in_its_place_with_its_neighbour(planner, plan, goal):
    a, b, c = (activity_create(goal=goal, title=title, ongoing=True, actor=None) for title in "ABC")
    response = _delete_and_undo(planner, plan, b, shown(a, c))
    # In place of the row before it, that row (now with "Down") and the row back.
    assert response["HX-Retarget"] == f"#activity-{a.pk}"
    assert row_ids(response.text) == [f"activity-{a.pk}", f"activity-{b.pk}"]
    assert 'data-role="down"' in rows_by_id(response.text)[f"activity-{a.pk}"]
    assert 'data-refocus="edit"' in rows_by_id(response.text)[f"activity-{b.pk}"]
    assert '<div id="plan-undo" hx-swap-oob="innerHTML"></div>' in response.text
    assert activity_order(goal) == [a.pk, b.pk, c.pk]
    # The first row comes back before the one now first, which gains its "Up".
    response = _delete_and_undo(planner, plan, a, shown(b, c))
    assert response["HX-Retarget"] == f"#activity-{b.pk}"
    assert row_ids(response.text) == [f"activity-{a.pk}", f"activity-{b.pk}"]
    assert 'data-role="up"' in rows_by_id(response.text)[f"activity-{b.pk}"]
    # A page that shows the list otherwise (or says nothing of it) gets the whole list.
    for other in (shown(c), None):
        response = _delete_and_undo(planner, plan, b, other)
        assert response["HX-Retarget"] == f"#goal-{goal.pk}-activities"
        assert row_ids(response.text) == [f"activity-{x.pk}" for x in (a, b, c)]


def test_undoing_a_deletion_costs_the_same_queries_however_long_the_list(planner, plan, goal):
    activity_create(goal=goal, title="Först", ongoing=True, actor=None)

    def undo_queries(title: str) -> int:
        doomed = activity_create(goal=goal, title=title, ongoing=True, actor=None)
        left = [x for x in goal.activities.order_by("position", "pk") if x.pk != doomed.pk]
        with CaptureQueriesContext(connection) as counted:
            response = _delete_and_undo(planner, plan, doomed, shown(*left))
        assert response["HX-Retarget"] == f"#activity-{left[-1].pk}"
        return len(counted.captured_queries)

    assert_the_same_queries_for_a_longer_list(goal, undo_queries)


def test_a_deleted_goal_comes_back_with_its_indicators_and_activities(
    planner, plan, goal, indicator, activity
):
    response = planner.post(reverse("authoring:item_delete", args=["goal", goal.pk]), **HTMX)
    assert response.status_code == 200
    assert not Goal.objects.exists()
    history_id = Goal.history.get(id=goal.pk, history_type="-").history_id
    undo = reverse("authoring:undo", args=[plan.pk])
    planner.post(undo, {"kind": "goal", "history_id": history_id}, **HTMX)
    assert Goal.objects.get(pk=goal.pk).number == 1
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert Activity.objects.filter(pk=activity.pk).exists()


def oob_row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="((?:activity|indicator)-\d+)" hx-swap-oob="true"', html)


def rows_by_id(html: str) -> dict[str, str]:
    """Each row an answer shows (in place or out of band), by its id."""
    return {
        match.group(1): match.group(0)
        for match in re.finditer(
            r'<tr id="((?:activity|indicator)-\d+)"(?! hx-swap-oob="delete").*?</tr>', html, re.S
        )
    }


def assert_up_and_down_by_place(rows: dict[str, str], order: list[int]) -> None:
    """Each row has "Up" unless it is first and "Down" unless it is last, by `order`."""
    for row_id, row in rows.items():
        place = order.index(int(row_id.split("-")[1]))
        assert ('data-role="up"' in row) == (place > 0), row_id
        assert ('data-role="down"' in row) == (place < len(order) - 1), row_id


def shown(*items) -> str:
    return ",".join(str(item.pk) for item in items)


@pytest.mark.parametrize(
    ("deleted", "in_its_place"),
    [(0, "first"), (1, None), (2, "last")],  # of A, B, C
)
def test_a_deleted_row_goes_alone_and_the_new_first_or_last_comes_in_its_place(
    planner, goal, activity, deleted, in_its_place
):
    items = [activity] + [
        activity_create(goal=goal, title=title, ongoing=True, actor=None) for title in "BC"
    ]
    gone = items[deleted]
    url = reverse("authoring:item_delete", args=["activity", gone.pk])
    response = planner.post(url, {"shown": shown(*items)}, **HTMX)
    assert not Activity.objects.filter(pk=gone.pk).exists()
    order = list(goal.activities.order_by("position", "pk").values_list("pk", flat=True))
    assert response["HX-Retarget"] == f"#activity-{gone.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    expected = {"first": [order[0]], "last": [order[-1]], None: []}[in_its_place]
    assert row_ids(response.text) == [f"activity-{pk}" for pk in expected]
    for pk in expected:  # its old row, without "Up" or "Down" as it is now, goes
        assert f'<tr id="activity-{pk}" hx-swap-oob="delete"></tr>' in response.text
    assert_up_and_down_by_place(rows_by_id(response.text), order)
    # Undo, with its fields in its form (the answer is read as a table's).
    history_id = Activity.history.get(id=gone.pk, history_type="-").history_id
    assert re.search(
        r"<template>.*<form [^>]*>.*"
        rf'<input type="hidden" name="history_id" value="{history_id}">.*</form>.*</template>',
        response.text,
        re.S,
    )


def test_a_deletion_on_a_page_that_shows_another_list_answers_with_the_list(
    planner, goal, activity
):
    b, c = [activity_create(goal=goal, title=title, ongoing=True, actor=None) for title in "BC"]
    url = reverse("authoring:item_delete", args=["activity", b.pk])
    # The page does not show C (someone else added it since): the list as it is now.
    response = planner.post(url, {"shown": shown(activity, b)}, **HTMX)
    assert "HX-Retarget" not in response
    assert row_ids(response.text) == [f"activity-{activity.pk}", f"activity-{c.pk}"]
    # Nor a page that does not say what it shows, nor one whose list had only the row.
    url = reverse("authoring:item_delete", args=["activity", c.pk])
    response = planner.post(url, {"shown": "1,x"}, **HTMX)
    assert "HX-Retarget" not in response
    assert row_ids(response.text) == [f"activity-{activity.pk}"]
    url = reverse("authoring:item_delete", args=["activity", activity.pk])
    response = planner.post(url, {"shown": shown(activity)}, **HTMX)
    assert "HX-Retarget" not in response
    assert "No activities yet." in response.text


def test_deleting_a_row_costs_the_same_queries_however_long_the_list(planner, goal, activity):
    def delete_queries(title: str) -> int:
        doomed = activity_create(goal=goal, title=title, ongoing=True, actor=None)
        items = list(goal.activities.order_by("position", "pk"))
        url = reverse("authoring:item_delete", args=["activity", doomed.pk])
        with CaptureQueriesContext(connection) as counted:
            response = planner.post(url, {"shown": shown(*items)}, **HTMX)
        assert response["HX-Retarget"] == f"#activity-{doomed.pk}"
        return len(counted.captured_queries)

    assert_the_same_queries_for_a_longer_list(goal, delete_queries)


# --- Moving ---------------------------------------------------------------------------------------


def indicator_add_row(planner, goal, name):
    planner.post(add_url(goal, "indicator"), seed_indicator_row(name=name), **HTMX)
    return Indicator.objects.get(goal=goal, name=name)


def test_an_item_moves_by_keyboard_a_step_and_by_dragging_to_its_place(planner, goal, activity):
    b, c = [activity_create(goal=goal, title=title, ongoing=True, actor=None) for title in "BC"]
    url = reverse("authoring:item_place", args=["activity", activity.pk])
    response = planner.post(url, {"direction": "down", "focus": "handle"}, **HTMX)
    # A step answers with the two rows that changed places, not the goal's whole list: in
    # place of the item's row, the neighbour's old one deleted.
    assert response["HX-Retarget"] == f"#activity-{activity.pk}"
    assert row_ids(response.text) == [f"activity-{b.pk}", f"activity-{activity.pk}"]
    assert f'<tr id="activity-{b.pk}" hx-swap-oob="delete"></tr>' in response.text
    assert 'data-refocus="handle"' in response.text
    order = list(goal.activities.order_by("position").values_list("title", flat=True))
    assert order == ["B", activity.title, "C"]
    # Dragged to a place, from a page that does not say what it shows: the list again.
    response = planner.post(url, {"index": "2"}, **HTMX)
    assert response["HX-Retarget"] == f"#goal-{goal.pk}-activities"
    assert row_ids(response.text) == [f"activity-{pk}" for pk in (b.pk, c.pk, activity.pk)]
    order = list(goal.activities.order_by("position").values_list("title", flat=True))
    assert order == ["B", "C", activity.title]


@pytest.mark.parametrize(
    ("start", "direction", "answered"),
    [
        (1, "up", [0, 1]),  # B up: B, A (in place of A)
        (1, "down", [1, 2]),  # B down: C, B (in place of C)
        (0, "up", [0, 1]),  # A up, already first: A, B as they were
        (2, "down", [1, 2]),  # C down, already last: B, C as they were
    ],
)
def test_a_step_answers_with_the_two_rows_in_their_new_order(
    planner, goal, activity, start, direction, answered
):
    items = [activity] + [
        activity_create(goal=goal, title=title, ongoing=True, actor=None) for title in "BC"
    ]
    moving = items[start]
    url = reverse("authoring:item_place", args=["activity", moving.pk])
    response = planner.post(url, {"direction": direction}, **HTMX)
    order = list(goal.activities.order_by("position", "pk").values_list("pk", flat=True))
    expected = [f"activity-{order[index]}" for index in answered]  # by their new places
    assert row_ids(response.text) == expected
    neighbour = next(pk for pk in expected if pk != f"activity-{moving.pk}")
    assert response["HX-Retarget"] == f"#activity-{moving.pk}"
    assert f'<tr id="{neighbour}" hx-swap-oob="delete"></tr>' in response.text
    # Each row with its own Up and Down as its new place gives it.
    for row in re.findall(r'<tr id="activity-\d+" data-draft-key.*?</tr>', response.text, re.S):
        row_id = re.match(r'<tr id="(activity-\d+)"', row).group(1)
        place = order.index(int(row_id.split("-")[1]))
        assert ('data-role="up"' in row) == (place > 0)
        assert ('data-role="down"' in row) == (place < len(order) - 1)


@pytest.mark.parametrize(
    ("start", "index"),
    [(0, 3), (3, 0), (1, 2), (0, 1)],  # of A, B, C, D
)
def test_a_row_dragged_answers_with_itself_and_the_rows_at_the_ends(
    planner, goal, activity, start, index
):
    items = [activity] + [
        activity_create(goal=goal, title=title, ongoing=True, actor=None) for title in "BCD"
    ]
    moving = items[start]
    now = [item for item in items if item != moving]
    now.insert(index, moving)  # as the page shows them after the drop
    url = reverse("authoring:item_place", args=["activity", moving.pk])
    response = planner.post(url, {"index": str(index), "shown": shown(*now)}, **HTMX)
    order = list(goal.activities.order_by("position", "pk").values_list("pk", flat=True))
    assert order == [item.pk for item in now]
    assert response["HX-Retarget"] == f"#activity-{moving.pk}"
    assert row_ids(response.text) == [f"activity-{moving.pk}"]
    assert 'data-refocus="handle"' in response.text
    # Out of band: the rows at the ends before and after the move, but itself.
    was = [items[0].pk, items[-1].pk]
    ends = {order[0], order[-1], *was} - {moving.pk}
    assert sorted(oob_row_ids(response.text)) == sorted(f"activity-{pk}" for pk in ends)
    rows = rows_by_id(response.text)
    assert len(rows) == len(ends) + 1
    assert_up_and_down_by_place(rows, order)


def test_a_row_dragged_on_a_page_that_shows_another_list_answers_with_the_list(
    planner, goal, activity
):
    b, c = [activity_create(goal=goal, title=title, ongoing=True, actor=None) for title in "BC"]
    url = reverse("authoring:item_place", args=["activity", activity.pk])
    response = planner.post(url, {"index": "1", "shown": shown(b, activity)}, **HTMX)
    assert response["HX-Retarget"] == f"#goal-{goal.pk}-activities"
    assert row_ids(response.text) == [f"activity-{pk}" for pk in (b.pk, activity.pk, c.pk)]


def test_dragging_a_row_costs_the_same_queries_however_long_the_list(planner, goal, activity):
    def drag_queries() -> int:
        items = list(goal.activities.order_by("position", "pk"))
        now = [*items[1:], items[0]]
        url = reverse("authoring:item_place", args=["activity", items[0].pk])
        with CaptureQueriesContext(connection) as counted:
            data = {"index": str(len(items) - 1), "shown": shown(*now)}
            response = planner.post(url, data, **HTMX)
        assert response["HX-Retarget"] == f"#activity-{items[0].pk}"
        return len(counted.captured_queries)

    activity_create(goal=goal, title="B", ongoing=True, actor=None)
    assert_the_same_queries_for_a_longer_list(goal, lambda _title: drag_queries())


def test_an_indicator_dragged_or_deleted_answers_with_the_rows_that_changed(
    planner, goal, indicator
):
    b, c = (
        indicator_add_row(planner, goal, name) for name in ("Sjukfrånvaro", "Personalomsättning")
    )
    url = reverse("authoring:item_place", args=["indicator", c.pk])
    response = planner.post(url, {"index": "0", "shown": shown(c, indicator, b)}, **HTMX)
    assert response["HX-Retarget"] == f"#indicator-{c.pk}"
    assert row_ids(response.text) == [f"indicator-{c.pk}"]
    assert sorted(oob_row_ids(response.text)) == sorted(f"indicator-{i.pk}" for i in (indicator, b))
    order = [c.pk, indicator.pk, b.pk]
    assert_up_and_down_by_place(rows_by_id(response.text), order)
    assert "Personalomsättning" in rows_by_id(response.text)[f"indicator-{c.pk}"]

    url = reverse("authoring:item_delete", args=["indicator", b.pk])
    response = planner.post(url, {"shown": shown(c, indicator, b)}, **HTMX)
    assert response["HX-Retarget"] == f"#indicator-{b.pk}"
    assert row_ids(response.text) == [f"indicator-{indicator.pk}"]  # now last: no "Down"
    assert_up_and_down_by_place(rows_by_id(response.text), [c.pk, indicator.pk])


def test_up_and_down_name_the_pages_one_form_not_a_token_a_row(planner, plan, goal, activity):
    second = activity_create(goal=goal, title="B", ongoing=True, actor=None)
    page = planner.get(reverse("authoring:plan_structure", args=[plan.pk])).text
    assert re.search(r'<form id="moves" method="post" hidden><input type="hidden" '
                     r'name="csrfmiddlewaretoken" value="\w+"></form>', page)  # fmt: skip
    rows = re.findall(r'<tr id="activity-\d+".*?</tr>', page, re.S)
    assert len(rows) == 2 and not any("csrfmiddlewaretoken" in row for row in rows)
    move = reverse("goals:activity_move", args=[activity.pk])
    assert (
        f'<button type="submit" form="moves" formaction="{move}" name="direction" value="down"'
        in rows[0]
    )
    # What the browser sends for it: the form's token and the button's value.
    response = planner.post(move, {"direction": "down"})
    assert response.status_code == 302
    assert list(goal.activities.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        activity.pk,
    ]


def test_up_pressed_keeps_the_focus_on_up(planner, goal, activity):
    activity_create(goal=goal, title="B", ongoing=True, actor=None)
    url = reverse("authoring:item_place", args=["activity", activity.pk])
    planner.post(url, {"direction": "down", "focus": "handle"}, **HTMX)
    response = planner.post(url, {"direction": "up"}, **HTMX)
    assert f'<tr id="activity-{activity.pk}"' in response.text
    assert 'data-refocus="up"' in response.text


def test_a_goal_dragged_to_the_top_is_numbered_first(planner, plan, goal):
    second = goal_add(plan=plan, title="Ökad kvalitet", actor=None)
    url = reverse("authoring:item_place", args=["goal", second.pk])
    response = planner.post(url, {"index": "0"}, **HTMX)
    assert response["HX-Retarget"] == "#goals"
    second.refresh_from_db()
    goal.refresh_from_db()
    assert (second.number, goal.number) == (1, 2)


# --- The bands as typed, and the query counts ---------------------------------------------------


def test_the_bands_preview_reads_what_is_typed(planner, plan, english):
    url = reverse("authoring:thresholds_preview", args=[plan.pk])
    data = {"red": ">20", "yellow": "10-19", "green": "<9", "target": ""}
    response = planner.post(url, data, **HTMX)
    page = response.text
    assert '<span class="colour colour--green">Green</span>' in page
    assert "&lt; 9" in page and "&gt; 20" in page
    response = planner.post(url, {"red": "", "yellow": "", "green": "hög", "target": ""}, **HTMX)
    assert "is not a threshold" in response.text


def test_a_step_costs_the_same_queries_however_long_the_list(planner, goal, activity):
    def step_queries() -> int:
        url = reverse("authoring:item_place", args=["activity", activity.pk])
        with CaptureQueriesContext(connection) as counted:
            assert planner.post(url, {"direction": "down"}, **HTMX).status_code == 200
        planner.post(url, {"direction": "up"}, **HTMX)
        return len(counted.captured_queries)

    activity_create(goal=goal, title="B", ongoing=True, actor=None)
    assert_the_same_queries_for_a_longer_list(goal, lambda _title: step_queries())


def test_a_goals_part_of_the_page_costs_the_same_queries_however_large(planner, plan, goal):
    url = reverse("authoring:plan_fragment", args=[plan.pk]) + f"?goal={goal.pk}"
    with CaptureQueriesContext(connection) as small:
        assert planner.get(url, **HTMX).status_code == 200
    for number in range(5):
        activity_create(goal=goal, title=f"A{number}", ongoing=True, actor=None)
        indicator_add_row(planner, goal, f"I{number}")
    more = goal_create(plan=plan, number=2, title="Mål 2", actor=None)
    assert more.pk
    with CaptureQueriesContext(connection) as large:
        planner.get(url, **HTMX)
    assert len(large.captured_queries) == len(small.captured_queries)
