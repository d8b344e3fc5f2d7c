"""A plan's change history a page at a time: a large plan has thousands of changes, and the page
reads only the records it shows (and the record before each, for what changed)."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authoring.selectors import (
    DELETED_PAGE_SIZE,
    HISTORY_PAGE_SIZE,
    deleted_items,
    history_page,
    plan_changes_page,
)
from authoring.services import goal_item_place, history_restore
from core.history import describe_history, history_action, with_previous
from core.versioning import SHIFTED
from goals.models import Activity, Goal
from goals.services import (
    activity_create,
    activity_delete,
    activity_update,
    goal_add,
    goal_delete,
    goal_item_move,
    goal_move,
    goal_update,
)
from indicators.models import Indicator
from indicators.services import indicator_add, indicator_update, measurement_record
from planning.models import Plan
from tests.calls import recorded

pytest_plugins = ["tests.planner_roles"]


@pytest.fixture
def busy(plan, goal, people):
    """More than two pages of changes: activities added, an indicator edited again and again,
    the goal renamed."""
    for number in range(HISTORY_PAGE_SIZE + 5):
        activity_create(goal=goal, title=f"Aktivitet {number}", ongoing=True, actor=people.planner)
    indicator = indicator_add(goal=goal, name="Mått", green_bound=Decimal(5), actor=None)
    for number in range(HISTORY_PAGE_SIZE):
        indicator = indicator_update(
            indicator=indicator, actor=people.planner, expected_version=indicator.version,
            name=f"Mått {number}",
        )  # fmt: skip
    goal_update(goal=goal, actor=people.administrator, title="Nytt namn")
    return plan


@pytest.fixture
def much_deleted(plan, goal, people):
    """More than a page of deleted activities, deleted one at a time, the first last."""
    titles = [f"Borttagen {number}" for number in range(DELETED_PAGE_SIZE + 3)]
    for title in titles:
        activity = activity_create(goal=goal, title=title, ongoing=True, actor=people.planner)
        activity_delete(activity=activity, actor=people.planner)
    return titles


def whole_history(plan) -> list:
    """Every change to the plan's content in words, newest first, read the plain way: each
    object's records in order, each paired with the one before it; but a row's record of
    being shifted by another row's move."""
    goals = set(Goal.history.filter(plan_id=plan.pk).values_list("id", flat=True))
    sources = [
        Plan.history.filter(id=plan.pk),
        Goal.history.filter(plan_id=plan.pk),
        Indicator.history.filter(goal_id__in=goals),
        Activity.history.filter(goal_id__in=goals),
    ]
    pairs = [
        pair
        for records in sources
        for pair in with_previous(records.order_by("id", "history_date", "history_id"))
    ]
    pairs = [pair for pair in pairs if pair[0].history_change_reason != SHIFTED]
    pairs.sort(key=lambda pair: (pair[0].history_date, pair[0].history_id), reverse=True)
    return describe_history(pairs, excluded=("version",))


def keys(entries) -> list[tuple[str, int]]:
    return [(entry.model_name, entry.history_id) for entry in entries]


def test_the_pages_together_are_the_whole_history_newest_first(busy):
    everything = whole_history(busy)
    seen = []
    page_number = 1
    while True:
        entries, page = plan_changes_page(busy, page_number)
        seen += entries
        if not page.has_next():
            break
        page_number += 1
    assert page_number == 3
    assert keys(seen) == keys(everything)
    # What changed is told as on the whole history: the renamed indicator, old -> new.
    assert [[(c.old, c.new) for c in e.changes] for e in seen] == [
        [(c.old, c.new) for c in e.changes] for e in everything
    ]


def test_a_row_dragged_across_a_long_list_is_one_change_in_the_history(plan, goal, people, english):
    """A drag moves every row between (each recorded, for the plan as it was): the history
    tells the one the planner moved, and a shifted row's later edit reads as that edit."""
    rows = [
        activity_create(goal=goal, title=f"Aktivitet {n}", ongoing=True, actor=people.planner)
        for n in range(30)
    ]
    before = plan_changes_page(plan, 1)[1].paginator.count
    goal_item_place(item=rows[-1], index=0, actor=people.planner)
    entries, page = plan_changes_page(plan, 1)
    moves = [entry for entry in entries if entry.record.history_type == "~"]
    # Up, as the planner saw it: the stored places (with gaps) are not shown.
    assert [(e.object_label, e.action, [c.label for c in e.changes]) for e in moves] == [
        ("Aktivitet 29", "moved up", []),
    ]
    assert page.paginator.count == len(whole_history(plan)) == before + 1
    # The row's own history still has it, saying why it moved.
    pushed = Activity.history.filter(id=rows[0].pk).latest("history_date")
    assert (pushed.position, history_action(pushed)) == (1, "moved when another row was moved")
    shifted = rows[5]
    shifted.refresh_from_db()
    activity_update(
        activity=shifted, actor=people.planner, expected_version=shifted.version,
        title="Aktivitet 5, omskriven",
    )  # fmt: skip
    newest = plan_changes_page(plan, 1)[0][0]
    assert [(c.old, c.new) for c in newest.changes] == [("Aktivitet 5", "Aktivitet 5, omskriven")]


def test_a_step_down_reads_moved_down_and_the_row_passed_moved_by_the_other(
    plan, goal, people, english
):
    first, second = (
        activity_create(goal=goal, title=title, ongoing=True, actor=people.planner)
        for title in ("Först", "Sedan")
    )
    goal_item_move(item=first, direction="down", actor=people.planner)
    (step,) = [e for e in plan_changes_page(plan, 1)[0] if e.record.history_type == "~"]
    assert (step.object_label, step.action, step.changes) == ("Först", "moved down", [])
    # The row passed, in its own history: why it moved, and no stored places either.
    passed = history_page({"activity": Activity.history.filter(id=second.pk)})[0][0]
    assert (passed.action, passed.changes) == ("moved when another row was moved", [])


def test_a_goal_deleted_or_moved_is_one_change_and_the_goals_renumbered_by_it_none(
    plan, goal, people, english
):
    second, third = (
        goal_add(plan=plan, title=title, actor=people.planner) for title in ("Andra", "Tredje")
    )
    before = plan_changes_page(plan, 1)[1].paginator.count
    goal_move(goal=third, direction="up", actor=people.planner)
    goal_delete(goal=goal, actor=people.planner)
    entries, page = plan_changes_page(plan, 1)
    assert page.paginator.count == len(whole_history(plan)) == before + 2
    moved, deleted = entries[1], entries[0]
    assert (moved.object_label, moved.action, [(c.old, c.new) for c in moved.changes]) == (
        "2. Tredje",
        "moved up",
        [("3", "2")],
    )
    assert (deleted.model_name, deleted.action) == ("goal", "deleted")
    # The goal renumbered, in its own history: why its number changed.
    second.refresh_from_db()
    (renumbered, *_older) = history_page({"goal": Goal.history.filter(id=second.pk)})[0]
    assert (second.number, renumbered.action, [(c.old, c.new) for c in renumbered.changes]) == (
        2,
        "renumbered when another goal was moved, deleted or restored",
        [("3", "2")],
    )


def test_an_edit_shows_the_value_before_it_also_across_pages(busy):
    entries, _page = plan_changes_page(busy, 1)
    renamed = [entry for entry in entries if entry.model_name == "indicator" and entry.changes]
    assert renamed[0].changes[0].old == f"Mått {HISTORY_PAGE_SIZE - 2}"
    assert renamed[0].changes[0].new == f"Mått {HISTORY_PAGE_SIZE - 1}"


def test_every_page_costs_the_same_queries(client, people, busy):
    client.force_login(people.planner)
    client.get(reverse("home"))  # the reader's scope kept, as after any first page
    url = reverse("authoring:plan_history", args=[busy.pk])
    counts = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"page": number}).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1


def test_a_first_page_not_full_is_counted_by_its_rows_and_a_full_one_by_a_query(plan, goal, people):
    def first_page() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            entries, page = plan_changes_page(plan, 1)
        assert page.paginator.count == len(whole_history(plan))
        assert [entry.history_id for entry in entries] == [
            entry.history_id for entry in whole_history(plan)[:HISTORY_PAGE_SIZE]
        ]
        return len(queries), page.paginator.num_pages

    for number in range(3):
        activity_create(goal=goal, title=f"Aktivitet {number}", ongoing=True, actor=people.planner)
    short, pages = first_page()
    assert pages == 1
    for number in range(HISTORY_PAGE_SIZE):
        activity_create(goal=goal, title=f"Till {number}", ongoing=True, actor=people.planner)
    assert first_page() == (short + 1, 2)


@pytest.mark.parametrize("number", ["999", "0", "-1", "x", "9" * 40])
@pytest.mark.parametrize(
    ("param", "size"), [("page", HISTORY_PAGE_SIZE), ("deleted", DELETED_PAGE_SIZE)]
)
def test_a_page_that_does_not_exist_gives_a_clear_page(
    client, people, busy, much_deleted, param, size, number
):
    client.force_login(people.planner)
    url = reverse("authoring:plan_history", args=[busy.pk])
    response = client.get(url, {param: number}, headers={"accept-language": "en"})
    assert response.status_code == 200
    shown = response.context["page" if param == "page" else "deleted_page"]
    assert shown.number in (1, shown.paginator.num_pages)
    shown_items = response.context["entries" if param == "page" else "deleted"]
    assert 0 < len(shown_items) <= size
    assert "Showing" in response.text


def _page(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    text = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.text)
    return re.sub(r'"X-CSRFToken": "\w+"', "", text), len(queries)


def test_a_page_read_again_is_not_read_again_from_the_history(client, people, busy):
    client.force_login(people.planner)
    url = reverse("authoring:plan_history", args=[busy.pk]) + "?page=2"
    first, read = _page(client, url)
    again, kept = _page(client, url)
    assert again == first
    assert kept < read - 5


def test_a_new_change_is_on_the_first_page_at_once(client, people, busy, goal):
    client.force_login(people.planner)
    url = reverse("authoring:plan_history", args=[busy.pk])
    assert "Ännu ett namn" not in _page(client, url)[0]
    goal_update(goal=goal, actor=people.planner, title="Ännu ett namn")
    assert "Ännu ett namn" in _page(client, url)[0]


def test_what_may_be_restored_is_told_per_reader(client, people, busy, goal):
    goal_delete(goal=goal, actor=people.planner)
    url = reverse("authoring:plan_history", args=[busy.pk])
    client.force_login(people.planner)
    assert 'name="history_id"' in _page(client, url)[0]
    client.force_login(people.committee)
    text = _page(client, url)[0]
    assert "Nytt namn" in text  # the deleted goal is listed
    assert 'name="history_id"' not in text  # but only the planner may restore it


def test_a_value_entered_leaves_the_history_kept(client, people, busy, goal, periods):
    client.force_login(people.planner)
    url = reverse("authoring:plan_history", args=[busy.pk])
    _page(client, url)
    kept = _page(client, url)
    indicator = goal.indicators.first()
    measurement_record(indicator=indicator, period=periods[0], value=Decimal(3), actor=None)
    assert _page(client, url) == kept


def test_pages_asked_for_alike_are_kept_apart(client, people, busy):
    client.force_login(people.planner)
    url = reverse("authoring:plan_history", args=[busy.pk])
    past_the_end = client.get(url, {"page": "1234567890123"}).context["page"]
    not_a_number = client.get(url, {"page": "123456789012x"}).context["page"]
    assert (past_the_end.number, not_a_number.number) == (past_the_end.paginator.num_pages, 1)


def test_another_plans_change_leaves_the_history_kept(
    client, people, busy, goal, other_plan, monkeypatch
):
    from authoring.selectors import history

    read = recorded(monkeypatch, history, "plan_changes_page")
    client.force_login(people.planner)
    url = reverse("authoring:plan_history", args=[busy.pk])
    first = _page(client, url)[0]
    goal_update(goal=other_plan.goals.get(), actor=people.planner, title="Annat mål, ändrat")
    assert _page(client, url)[0] == first
    assert len(read) == 1  # kept: not read again
    goal_update(goal=goal, actor=people.planner, title="Eget mål, ändrat")
    assert "Eget mål, ändrat" in _page(client, url)[0]
    assert len(read) == 2


# --- What was deleted, a page at a time ----------------------------------------------------------


def test_what_is_deleted_is_listed_a_page_at_a_time_newest_first(plan, much_deleted):
    first, first_page = deleted_items(plan, 1)
    second, second_page = deleted_items(plan, 2)
    assert [item.label for item in first + second] == much_deleted[::-1]
    assert (len(first), first_page.paginator.count) == (DELETED_PAGE_SIZE, len(much_deleted))
    assert not second_page.has_next()


def test_an_object_deleted_again_is_listed_once_and_a_restored_one_not(plan, goal, people):
    again = activity_create(goal=goal, title="Två gånger", ongoing=True, actor=people.planner)
    pk = again.pk
    activity_delete(activity=again, actor=people.planner)
    first = Activity.history.get(id=pk, history_type="-")
    history_restore(model_name="activity", history_id=first.history_id, actor=people.planner)
    activity_delete(activity=Activity.objects.get(pk=pk), actor=people.planner)
    restored = activity_create(goal=goal, title="Tillbaka", ongoing=True, actor=people.planner)
    activity_delete(activity=restored, actor=people.planner)
    record = Activity.history.get(id=restored.pk, history_type="-")
    history_restore(model_name="activity", history_id=record.history_id, actor=people.planner)

    items, _page = deleted_items(plan)

    assert [(item.label, item.history_id) for item in items] == [
        ("Två gånger", Activity.history.filter(id=pk, history_type="-").latest().history_id)
    ]


def test_the_pages_of_what_is_deleted_cost_the_same_queries(client, people, plan, much_deleted):
    client.force_login(people.planner)
    client.get(reverse("home"))  # the reader's scope kept, as after any first page
    url = reverse("authoring:plan_history", args=[plan.pk])
    counts = []
    for number in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"deleted": number})
        counts.append(len(queries))
        assert response.status_code == 200
    assert counts[0] == counts[1]
    deleted = response.text.split('id="deleted"')[1].split('id="changes-heading"')[0]
    assert deleted.count('name="history_id"') == 3  # the last page: the three oldest
    assert "Borttagen 0" in deleted and "Borttagen 3" not in deleted


def test_each_list_keeps_the_others_page_in_its_links(client, people, busy, much_deleted):
    client.force_login(people.planner)
    url = reverse("authoring:plan_history", args=[busy.pk])
    text = client.get(url, {"page": 2, "deleted": 2}).text
    assert 'href="?page=3&amp;deleted=2#changes-heading"' in text
    assert 'href="?deleted=1&amp;page=2#deleted"' in text
