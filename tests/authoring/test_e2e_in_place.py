"""The plan page written in place, in real Chromium, by keyboard: an item opened and saved as it
is typed (the bands following the typing), an edit conflict resolved without losing the text,
Escape, delete with undo (an item, a goal), moving by the arrow keys, by "Up" and "Down" (also
without JavaScript) and by dragging, a row dragged or deleted answered with the rows that
changed, a row added after someone else's bringing the goal as it is now, and what was typed
while the server could not be reached coming back. Every state passes axe-core."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from goals.models import Activity
from goals.services import activity_create, goal_create
from indicators.models import Indicator
from indicators.services import indicator_create, indicator_update
from tests.authoring.test_writing_speed import logged_in, planner_user  # noqa: F401
from tests.browser import assert_no_axe_violations


@pytest.fixture
def written(planner_user):  # noqa: F811
    _user, plan = planner_user
    goal = goal_create(plan=plan, number=1, title="Nöjda och friska medarbetare", actor=None)
    indicator = indicator_create(
        goal=goal, name="HME-index", direction="higher", green_bound=Decimal(80),
        red_bound=Decimal(70), red_bound_inclusive=False, actor=None,
    )  # fmt: skip
    activities = [
        activity_create(goal=goal, title=title, ongoing=True, actor=None)
        for title in ("Vi deltar i medarbetarenkäten", "Vi har apt minst 5 ggr/år")
    ]
    return plan, goal, indicator, activities


def test_an_indicator_is_edited_in_place_by_keyboard(live_server, browser, written, people_admin):
    plan, _goal, indicator, _activities = written
    page = logged_in(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/plans/{plan.pk}/structure/")
    assert_no_axe_violations(page)

    # Enter on "Edit": the row becomes its form, the focus in its first field.
    page.locator(f'#indicator-{indicator.pk} [data-role="edit"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#indicator-{indicator.pk}-subgoal")).to_be_focused()
    green = page.locator(f"#indicator-{indicator.pk}-green")
    green.fill("")
    green.press_sequentially("minst 85")
    preview = page.locator(f"#indicator-{indicator.pk}-green-preview")
    expect(preview).to_contain_text("≥ 85")
    expect(page.locator(f"#indicator-{indicator.pk}-status")).to_contain_text("Sparat")
    expect(page.locator("#plan-announcer")).to_contain_text("Sparade indikatorn")
    indicator.refresh_from_db()
    assert indicator.green_bound == 85
    assert_no_axe_violations(page)

    # Someone else saves the same indicator: nothing typed is lost, their change is shown.
    indicator_update(
        indicator=Indicator.objects.get(pk=indicator.pk), actor=people_admin,
        expected_version=indicator.version, source="Personalenheten",
    )  # fmt: skip
    name = page.locator(f"#indicator-{indicator.pk}-name")
    name.fill("HME-index, totalt")
    conflict = page.locator(f"#indicator-{indicator.pk}-conflict .conflict")
    expect(conflict).to_contain_text("Personalenheten")
    expect(page.locator("#plan-alert")).to_contain_text("Inte sparat")
    expect(name).to_have_value("HME-index, totalt")
    assert Indicator.objects.get(pk=indicator.pk).name == "HME-index"
    assert_no_axe_violations(page)
    conflict.locator("[data-keep-mine]").click()
    expect(page.locator(f"#indicator-{indicator.pk}-status")).to_contain_text("Sparat")
    saved = Indicator.objects.get(pk=indicator.pk)
    assert (saved.name, saved.source) == ("HME-index, totalt", "Personalenheten")

    # Escape closes it; the focus is back on its "Edit".
    name.focus()
    page.keyboard.press("Escape")
    expect(page.locator(f'#indicator-{indicator.pk} [data-role="edit"]')).to_be_focused()
    expect(page.locator(f"#indicator-{indicator.pk} th")).to_contain_text("HME-index, totalt")
    assert errors == []
    page.context.close()


def test_delete_with_undo_and_moving_by_the_arrow_keys(live_server, browser, written):
    plan, goal, _indicator, (first, second) = written
    page = logged_in(browser, live_server)
    page.goto(f"{live_server.url}/plans/{plan.pk}/structure/")

    handle = page.locator(f'#activity-{second.pk} [data-role="handle"]')
    handle.focus()
    page.keyboard.press("ArrowUp")
    expect(page.locator(f"#goal-{goal.pk}-activities tbody tr").first).to_have_id(
        f"activity-{second.pk}"
    )
    expect(page.locator(f'#activity-{second.pk} [data-role="handle"]')).to_be_focused()
    assert list(goal.activities.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]

    page.locator(f'#activity-{first.pk} [data-role="delete"]').click()
    expect(page.locator(f"#activity-{first.pk}")).to_have_count(0)
    undo = page.locator("#plan-undo button[type=submit]")
    expect(undo).to_be_focused()
    assert_no_axe_violations(page)
    undo_url = reverse("authoring:undo", args=[plan.pk])
    with page.expect_response(lambda answer: answer.url.endswith(undo_url)) as undone:
        page.keyboard.press("Enter")
    # The page sent the list it shows: the answer is two rows, not the list.
    assert undone.value.headers["hx-retarget"] == f"#activity-{second.pk}"
    # Back in its place after the row before it, which has its "Down" again; the focus on the
    # row's "Edit".
    rows = page.locator(f"#goal-{goal.pk}-activities tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.last).to_have_id(f"activity-{first.pk}")
    expect(page.locator(f'#activity-{first.pk} [data-role="edit"]')).to_be_focused()
    expect(page.locator(f'#activity-{second.pk} [data-role="down"]')).to_have_count(1)
    expect(page.locator("#plan-undo")).to_be_empty()
    assert Activity.objects.filter(pk=first.pk).exists()

    # A goal's "Delete" answers with the goals; undone, it is back with its items.
    page.locator(f'#goal-{goal.pk}-head [data-role="delete"]').click()
    expect(page.locator(f"#goal-{goal.pk}")).to_have_count(0)
    expect(undo).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#activity-{first.pk}")).to_have_count(1)
    assert Activity.objects.filter(pk=first.pk).exists()
    page.context.close()


def activity_order(goal) -> list[int]:
    return list(goal.activities.order_by("position", "pk").values_list("pk", flat=True))


def test_up_down_and_dragging_move_an_activity_with_and_without_javascript(
    live_server, browser, written
):
    plan, goal, _indicator, (first, second) = written
    url = f"{live_server.url}/plans/{plan.pk}/structure/"

    # With JavaScript: one small request; the row moves, the focus stays on it ("Up": it is
    # last now, so it has no "Down").
    page = logged_in(browser, live_server)
    page.goto(url)
    page.locator(f'#activity-{first.pk} [data-role="down"]').click()
    rows = page.locator(f"#goal-{goal.pk}-activities tbody tr")
    expect(rows.last).to_have_id(f"activity-{first.pk}")
    expect(page.locator(f'#activity-{first.pk} [data-role="up"]')).to_be_focused()
    assert activity_order(goal) == [second.pk, first.pk]
    for moved in (first, second):  # both rows came back; each has its handle again
        expect(page.locator(f'#activity-{moved.pk} [data-role="handle"]')).to_have_count(1)

    # The drag handles are the script's: named as the item's other controls, and they drag.
    handle = page.locator(f'#activity-{first.pk} [data-role="handle"]')
    expect(handle).to_have_accessible_name("Flytta: Vi deltar i medarbetarenkäten")
    expect(page.locator(f'#goal-{goal.pk}-head [data-role="handle"]')).to_have_accessible_name(
        "Flytta: mål 1"
    )
    assert_no_axe_violations(page)
    handle.drag_to(page.locator(f"#activity-{second.pk}"), target_position={"x": 5, "y": 2})
    expect(rows.first).to_have_id(f"activity-{first.pk}")
    expect(page.locator("#plan-announcer")).to_contain_text("nu 1 av 2")
    assert activity_order(goal) == [first.pk, second.pk]
    page.context.close()

    # Without: the button posts the page's one form (its CSRF token) to the move address.
    page = logged_in(browser, live_server, java_script_enabled=False)
    page.goto(url)
    page.locator(f'#activity-{first.pk} [data-role="down"]').click()
    page.wait_for_url(f"**/plans/{plan.pk}/structure/**")
    expect(page.locator(f"#goal-{goal.pk}-activities tbody tr").first).to_have_id(
        f"activity-{second.pk}"
    )
    assert not page.locator('[data-role="handle"]').count()  # the script's own control
    assert activity_order(goal) == [second.pk, first.pk]
    page.context.close()


def test_a_row_dragged_or_deleted_sends_back_only_the_rows_that_changed(
    live_server, browser, written
):
    plan, goal, _indicator, (first, second) = written
    third, fourth = [
        activity_create(goal=goal, title=title, ongoing=True, actor=None)
        for title in ("Vi följer upp sjukfrånvaron", "Vi firar det vi har nått")
    ]
    page = logged_in(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/plans/{plan.pk}/structure/")
    rows = page.locator(f"#goal-{goal.pk}-activities tbody tr")

    def shows(*items) -> None:
        """The rows in this order, each with its handle, "Up" unless first, "Down" unless
        last."""
        expect(rows).to_have_count(len(items))
        for place, item in enumerate(items):
            expect(rows.nth(place)).to_have_id(f"activity-{item.pk}")
            row = page.locator(f"#activity-{item.pk}")
            expect(row.locator('[data-role="handle"]')).to_have_count(1)
            expect(row.locator('[data-role="up"]')).to_have_count(0 if place == 0 else 1)
            expect(row.locator('[data-role="down"]')).to_have_count(
                0 if place == len(items) - 1 else 1
            )

    # The last row dragged to the top: the answer is that row, with the old and new ends.
    handle = page.locator(f'#activity-{fourth.pk} [data-role="handle"]')
    with page.expect_response(lambda answer: answer.request.method == "POST") as answered:
        handle.drag_to(page.locator(f"#activity-{first.pk}"), target_position={"x": 5, "y": 2})
    assert answered.value.headers.get("hx-retarget") == f"#activity-{fourth.pk}"
    shows(fourth, first, second, third)
    expect(page.locator("#plan-announcer")).to_contain_text("nu 1 av 4")
    expect(handle).to_be_focused()
    assert activity_order(goal) == [fourth.pk, first.pk, second.pk, third.pk]

    # The first row deleted: it goes, and the next, now first, loses its "Up".
    with page.expect_response(lambda answer: answer.request.method == "POST") as answered:
        page.locator(f'#activity-{fourth.pk} [data-role="delete"]').click()
    assert answered.value.headers.get("hx-retarget") == f"#activity-{fourth.pk}"
    shows(first, second, third)
    undo = page.locator("#plan-undo button[type=submit]")
    expect(undo).to_be_focused()
    assert_no_axe_violations(page)
    # A row in the middle: only it goes.
    page.locator(f'#activity-{second.pk} [data-role="delete"]').click()
    shows(first, third)
    # Undo (the last deletion) brings it back to its place.
    expect(undo).to_be_focused()
    page.keyboard.press("Enter")
    shows(first, second, third)
    assert activity_order(goal) == [first.pk, second.pk, third.pk]
    assert errors == []
    page.context.close()


def test_a_row_added_after_someone_elses_brings_the_goal_as_it_is_now(
    live_server, browser, written
):
    plan, goal, _indicator, (_first, second) = written
    page = logged_in(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/plans/{plan.pk}/structure/")
    rows = page.locator(f"#goal-{goal.pk}-activities tbody tr")

    def add(title: str) -> str | None:
        """Add a row through the form; what the answer replaced (None: the whole list)."""
        page.fill(f"#goal-{goal.pk}-new-activity-title", title)
        page.fill(f"#goal-{goal.pk}-new-activity-when", "Löpande")
        with page.expect_response(lambda answer: answer.request.method == "POST") as answered:
            page.locator(f"#goal-{goal.pk}-new-activity-title").press("Enter")
        return answered.value.headers.get("hx-retarget")

    # The page says which row it shows last: the new one comes after it, with it.
    assert add("Vår nya aktivitet") == f"#activity-{second.pk}"
    expect(rows).to_have_count(3)
    # Someone else adds a row meanwhile: this page's last row is no longer the last, and the
    # goal's list comes back as it is now.
    theirs = activity_create(goal=goal, title="Någon annans aktivitet", ongoing=True, actor=None)
    assert add("Vår andra aktivitet") is None
    expect(rows).to_have_count(5)
    mine = Activity.objects.get(title="Vår andra aktivitet")
    expect(rows.nth(3)).to_have_id(f"activity-{theirs.pk}")
    expect(rows.nth(4)).to_have_id(f"activity-{mine.pk}")
    assert errors == []
    page.context.close()


def test_what_was_typed_without_a_connection_comes_back_and_is_saved(live_server, browser, written):
    plan, _goal, _indicator, (first, _second) = written
    page = logged_in(browser, live_server)
    page.goto(f"{live_server.url}/plans/{plan.pk}/structure/")
    page.locator(f'#activity-{first.pk} [data-role="edit"]').click()
    title = page.locator(f"#activity-{first.pk}-title")
    expect(title).to_be_focused()
    page.context.set_offline(True)
    title.fill("Vi deltar alla i medarbetarenkäten")
    expect(page.locator("#plan-notice")).to_contain_text("Styrkort går inte att nå")
    assert Activity.objects.get(pk=first.pk).title == "Vi deltar i medarbetarenkäten"
    page.close()  # the laptop sleeps; the tab is gone

    page.context.set_offline(False)
    again = page.context.new_page()
    again.goto(f"{live_server.url}/plans/{plan.pk}/structure/")
    expect(again.locator("#plan-notice")).to_contain_text("är tillbaka på sin plats")
    expect(again.locator(f"#activity-{first.pk}-status")).to_contain_text("Sparat")
    assert Activity.objects.get(pk=first.pk).title == "Vi deltar alla i medarbetarenkäten"
    again.context.close()


@pytest.fixture
def people_admin(django_user_model):
    return django_user_model.objects.create_user("johan", first_name="Johan")
