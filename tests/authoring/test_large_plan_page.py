"""A large plan on its page: the leading goals in full, the others by their heading, each goal's
indicators and activities loaded when it comes into view (htmx), or asked for with `?goal=`
without JavaScript; what the planner writes in place works the same in a goal loaded later."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect

from authoring.selectors import ROW_BUDGET
from goals.models import Activity
from goals.services import activity_create, goal_create
from tests.authoring.test_writing_speed import logged_in, planner_user  # noqa: F401
from tests.browser import assert_no_axe_violations
from tests.planner_roles import as_user

pytest_plugins = ["tests.planner_roles"]

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}
ROWS = ROW_BUDGET // 2 + 1  # two goals do not fit in the budget together


def large(plan, goals: int = 3) -> list:
    made = []
    for number in range(1, goals + 1):
        goal = goal_create(plan=plan, number=number, title=f"Mål {number}", actor=None)
        for index in range(ROWS):
            activity_create(
                goal=goal, title=f"Aktivitet {number}.{index}", ongoing=True, actor=None
            )
        made.append(goal)
    return made


@pytest.fixture
def planner(client, people):
    return as_user(client, people, "planner")


def structure(plan) -> str:
    return reverse("authoring:plan_structure", args=[plan.pk])


def items_url(plan, goal) -> str:
    return reverse("authoring:plan_fragment", args=[plan.pk]) + f"?goal={goal.pk}&items=1"


def test_the_first_goal_is_shown_in_full_the_others_by_their_heading(planner, plan):
    first, second, third = large(plan)
    page = planner.get(structure(plan), headers={"accept-language": "en"}).text
    assert page.count('<tr id="activity-') == ROWS
    for goal in (first, second, third):
        assert f'id="goal-{goal.pk}-heading"' in page  # every goal, with its controls
    for goal in (second, third):
        assert f'hx-get="{items_url(plan, goal).replace("&", "&amp;")}"' in page
        assert f"?goal={goal.pk}#goal-{goal.pk}" in page  # without JavaScript
    assert f"Show goal 2's indicators (0) and activities ({ROWS})" in page


def test_a_goals_items_come_on_their_own(planner, plan):
    _first, second, _third = large(plan)
    response = planner.get(items_url(plan, second), **HTMX)
    assert response.status_code == 200
    assert response.text.count('<tr id="activity-') == ROWS
    assert f'id="goal-{second.pk}-new-activity"' in response.text  # its add forms too
    assert "<section" not in response.text


def test_without_javascript_a_goal_is_asked_for_by_its_link(planner, plan):
    _first, second, third = large(plan)
    page = planner.get(structure(plan), {"goal": second.pk}).text
    assert page.count('<tr id="activity-') == 2 * ROWS
    assert f'id="goal-{third.pk}-items"' in page


def test_the_page_and_a_goal_cost_the_same_queries_however_large(planner, plan):
    large(plan, goals=2)
    with CaptureQueriesContext(connection) as small:
        planner.get(structure(plan))
    goals = large_more(plan)
    with CaptureQueriesContext(connection) as bigger:
        text = planner.get(structure(plan)).text
    assert len(bigger.captured_queries) == len(small.captured_queries)
    assert text.count('<tr id="activity-') == ROWS
    with CaptureQueriesContext(connection) as one:
        planner.get(items_url(plan, goals[0]), **HTMX)
    with CaptureQueriesContext(connection) as other:
        planner.get(items_url(plan, goals[-1]), **HTMX)
    assert len(one.captured_queries) == len(other.captured_queries)


def large_more(plan) -> list:
    made = []
    for number in range(3, 13):
        goal = goal_create(plan=plan, number=number, title=f"Mål {number}", actor=None)
        for index in range(number * 3):
            activity_create(goal=goal, title=f"A {number}.{index}", ongoing=True, actor=None)
        made.append(goal)
    return made


def test_a_row_names_the_unit_and_the_responsible_person(planner, plan, units):
    goal = goal_create(plan=plan, number=1, title="Mål", actor=None)
    make = get_user_model().objects.create_user
    anna, kalle = make("anna", first_name="Anna", last_name="Berg"), make("kalle")
    for title, person, unit in (("Med namn", anna, units["unit_a"]), ("Med användarnamn", kalle,
                                None), ("Utan person", None, None)):  # fmt: skip
        activity_create(goal=goal, title=title, ongoing=True, responsible_role="Chef",
                        responsible_user=person, unit=unit, actor=None)  # fmt: skip

    html = planner.get(items_url(plan, goal), **HTMX).text

    def responsible(title: str, html: str = html) -> str:
        row = html[html.index(f'<th scope="row" class="activity-title">{title}</th>') :]
        return row[row.index("<td>") + 4 : row.index("</td>")]

    names = {
        "Med namn": 'Chef<span class="secondary">Hemtjänst</span>'
        '<span class="secondary">Anna Berg</span>',
        "Med användarnamn": 'Chef<span class="secondary">kalle</span>',
        "Utan person": "Chef",
    }
    for title, shown in names.items():
        assert responsible(title) == shown
        # The same row alone, as it comes back after it was edited in place.
        activity = goal.activities.get(title=title)
        url = reverse("authoring:item_in_place", args=["activity", activity.pk]) + "?show=1"
        assert responsible(title, planner.get(url, **HTMX).text) == shown


def _row(html: str, activity) -> str:
    start = html.index(f'<tr id="activity-{activity.pk}"')
    return html[start : html.index("</tr>", start)]


def test_an_activity_reads_the_same_in_its_goal_as_alone(planner, plan, units):
    """The goal's rows are read as plain values (`ActivityRow`), a row alone as the activity
    itself: the two say the same, an overdue month and a title cut short alike."""
    import datetime

    from goals.deadlines import Precision

    goal = goal_create(plan=plan, number=1, title="Mål", actor=None)
    person = get_user_model().objects.create_user("anna", first_name="Anna", last_name="Berg")
    title = "Vi inför en gemensam rutin för uppföljning av avvikelser i alla verksamheter " * 2
    due = datetime.date(plan.years[0], 5, 31)
    made = [
        activity_create(goal=goal, title=title.strip(), due_on=due, due_precision=Precision.MONTH,
                        responsible_role="Chef", responsible_user=person, unit=units["unit_a"],
                        actor=None),
        activity_create(goal=goal, title="Löpande", ongoing=True, actor=None),
        activity_create(goal=goal, title="En dag", due_on=due.replace(day=15),
                        due_precision=Precision.DAY, actor=None),
    ]  # fmt: skip
    html = planner.get(items_url(plan, goal), **HTMX).text
    assert 'data-fact="overdue"' in _row(html, made[0])
    assert "…</span>" in _row(html, made[0])  # the short title, for the row's controls
    for activity in made:
        url = reverse("authoring:item_in_place", args=["activity", activity.pk]) + "?show=1"
        assert _row(planner.get(url, **HTMX).text, activity) == _row(html, activity)


@pytest.mark.parametrize("goal", ["abc", "9" * 40, "-1", "999999"])
def test_a_goal_that_is_not_the_plans_is_not_found(planner, plan, goal):
    large(plan, goals=1)
    url = reverse("authoring:plan_fragment", args=[plan.pk]) + f"?goal={goal}&items=1"
    assert planner.get(url, **HTMX).status_code == 404
    # The page itself ignores it.
    assert planner.get(structure(plan), {"goal": goal}).status_code == 200


def test_another_plans_goal_is_not_found(planner, plan, people):
    from planning.services import plan_create

    other = plan_create(
        organisation=plan.organisation, owner_unit=plan.owner_unit, kind=plan.kind,
        name="Annan plan", start_year=plan.start_year, end_year=plan.end_year, actor=None,
    )  # fmt: skip
    (goal,) = large(other, goals=1)
    assert planner.get(items_url(plan, goal), **HTMX).status_code == 404


def test_a_goal_added_to_a_large_plan_is_shown_with_its_forms(planner, plan):
    large(plan)
    response = planner.post(
        reverse("authoring:goal_add", args=[plan.pk]), {"title": "Mål 4"}, **HTMX
    )
    new = plan.goals.get(number=4)
    assert f'id="goal-{new.pk}-new-indicator"' in response.text  # the focus goes there


# --- In a browser ---------------------------------------------------------------------------------


def test_a_goal_loads_as_it_comes_into_view_and_is_written_in_place(
    live_server,
    browser,
    planner_user,  # noqa: F811
):
    _user, plan = planner_user
    _first, _second, third = large(plan)
    last = Activity.objects.filter(goal=third).order_by("position", "pk").last()
    page = logged_in(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}{structure(plan)}")
    row = page.locator(f"#activity-{last.pk}")
    expect(row).to_have_count(0)
    page.locator(f"#goal-{third.pk}-heading").scroll_into_view_if_needed()
    expect(row).to_be_visible()
    assert_no_axe_violations(page)

    # Written in place as in any goal: Enter on "Edit", type, Escape.
    row.locator('[data-role="edit"]').focus()
    page.keyboard.press("Enter")
    title = page.locator(f"#activity-{last.pk}-title")
    expect(title).to_be_focused()
    title.fill("Sist men inte minst")
    expect(page.locator(f"#activity-{last.pk}-status")).to_contain_text("Sparat")
    page.keyboard.press("Escape")
    expect(page.locator(f"#activity-{last.pk} th")).to_contain_text("Sist men inte minst")
    last.refresh_from_db()
    assert last.title == "Sist men inte minst"
    assert errors == []
