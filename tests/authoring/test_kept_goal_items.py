"""A goal's indicators and activities loaded into the plan page (`kept_goal_items`,
`core.datastamp`): the same HTML for every reader who may not change the plan (a decided plan,
a reader without the right), and for every one who may but their CSRF token, rendered once and
kept until what it shows changes."""

import re

import pytest
from django.db import connection
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from authoring.views.structure import TEMPLATE, goal_context
from goals.evaluation import months
from goals.models import Activity
from goals.services import activity_create, activity_status_set
from planning.models import Plan
from planning.selectors import scope_for
from planning.services import plan_create
from tests.authoring.test_large_plan_page import HTMX, items_url, large
from tests.calls import recorded
from tests.deadlines import month_end

pytest_plugins = ["tests.planner_roles"]


def _get(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **HTMX)
    assert response.status_code == 200, url
    return response.text, len(queries)


@pytest.fixture
def decided(plan):
    goals = large(plan, goals=2)
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.DECIDED, decided_by="Kommunstyrelsen", decision_date="2022-11-29"
    )
    plan.refresh_from_db()
    return goals


def test_every_reader_gets_what_the_page_renders_for_them(client, people, plan, decided):
    goal = decided[1]
    url = items_url(plan, goal)
    for person in (people.planner, people.committee, people.own_manager):
        request = RequestFactory().get(url)
        request.user = person
        with translation.override("en"):
            context = goal_context(plan, scope_for(person), goal.pk)
            rendered = render(request, f"{TEMPLATE}#goal_items", context).text
        assert rendered.count('<tr id="activity-') == len(goal.activities.all())
        client.force_login(person)
        assert _get(client, url)[0] == rendered


def test_a_goal_read_again_is_not_rendered_again(client, people, plan, decided):
    client.force_login(people.committee)
    url = items_url(plan, decided[1])
    first, rendered = _get(client, url)
    again, kept = _get(client, url)
    assert again == first
    assert kept < rendered


def test_a_changed_activity_shows_at_once(client, people, plan, decided):
    client.force_login(people.committee)
    url = items_url(plan, decided[1])
    _get(client, url)
    activity = Activity.objects.filter(goal=decided[1]).first()
    Activity.objects.filter(pk=activity.pk).update(title="Ny rubrik på aktiviteten")
    assert "Ny rubrik på aktiviteten" in _get(client, url)[0]


def test_another_plans_goal_is_not_found_after_a_goal_was_kept(client, people, plan, decided):
    client.force_login(people.committee)
    _get(client, items_url(plan, decided[1]))
    other = plan_create(
        organisation=plan.organisation,
        kind=plan.kind,
        name="Annan plan",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    url = reverse("authoring:plan_fragment", args=[other.pk])
    response = client.get(url + f"?goal={decided[1].pk}&items=1", **HTMX)
    assert response.status_code == 404


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_those_who_may_change_the_plan_get_its_rows_kept_with_their_own_token(
    client, people, plan, monkeypatch
):
    from authoring.views import structure

    rendered = recorded(monkeypatch, structure, "goal_context")
    goals = large(plan, goals=2)
    url = items_url(plan, goals[1])
    answers = {}
    for person in (people.planner, people.administrator):
        editor = Client(enforce_csrf_checks=True)
        editor.force_login(person)
        answers[person.username] = text = _get(editor, url)[0]
        assert 'data-role="edit"' in text  # the controls, and the forms that add rows
        assert structure.CSRF_SLOT not in text
        (token,) = csrf_tokens(text)
        # The token is the reader's own: the form that adds an activity is let through with
        # it (and answers that the row is empty), not with another.
        add = reverse("authoring:item_add", args=[goals[1].pk, "activity"])
        for sent, status in ((token, 200), ("x" * 64, 403)):
            assert editor.post(add, {"csrfmiddlewaretoken": sent}, **HTMX).status_code == status
    assert len(rendered) == 1  # kept for the second: not rendered again
    planner, administrator = answers.values()
    assert re.sub(r'value="[^"]+"', "", planner) == re.sub(r'value="[^"]+"', "", administrator)


def test_text_that_reads_like_the_kept_token_stays_as_typed(client, people, plan):
    from authoring.views.structure import CSRF_SLOT

    goal = large(plan, goals=1)[0]
    typed = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_SLOT}">'
    activity_create(goal=goal, title=typed, ongoing=True, actor=None)
    client.force_login(people.planner)
    for _answer in range(2):  # rendered, then kept
        text = _get(client, items_url(plan, goal))[0]
        assert "&lt;input type=&quot;hidden&quot; name=&quot;csrfmiddlewaretoken&quot;" in text
        assert len(csrf_tokens(text)) == 1  # the forms' own, not the title


def test_a_reader_who_may_not_change_the_plan_never_gets_the_editors_rows(client, people, plan):
    goals = large(plan, goals=2)
    url = items_url(plan, goals[1])
    client.force_login(people.planner)
    assert 'data-role="edit"' in _get(client, url)[0]
    client.force_login(people.committee)
    text = _get(client, url)[0]
    assert 'data-role="edit"' not in text and "csrfmiddlewaretoken" not in text
    assert text.count('<tr id="activity-') == len(goals[1].activities.all())


@pytest.fixture
def late(decided, periods):
    """An activity of the second goal due by May 2023: overdue until it is reported done."""
    return activity_create(
        goal=decided[1],
        title="Sen aktivitet",
        due_on=month_end(5),
        evaluated_months=months(4, 8),
        actor=None,
    )


def test_a_report_that_leaves_what_is_overdue_leaves_the_rows_kept(
    client, people, plan, decided, late, periods
):
    client.force_login(people.committee)
    url = items_url(plan, decided[1])
    _get(client, url)
    text, kept = _get(client, url)
    assert "Overdue since" in text
    activity_status_set(activity=late, period=periods[1], status="in_progress", actor=None)
    assert _get(client, url) == (text, kept)


def test_an_overdue_activity_reported_done_is_not_overdue_at_once(
    client, people, plan, decided, late, periods
):
    client.force_login(people.committee)
    url = items_url(plan, decided[1])
    assert "Overdue since" in _get(client, url)[0]
    activity_status_set(activity=late, period=periods[1], status="done", actor=None)
    assert "Overdue since" not in _get(client, url)[0]


def test_another_plans_change_leaves_the_rows_kept(
    client, people, plan, decided, other_plan, monkeypatch
):
    from authoring.views import structure

    rendered = recorded(monkeypatch, structure, "goal_context")
    client.force_login(people.committee)
    url = items_url(plan, decided[1])
    first = _get(client, url)[0]
    other_plan.goals.update(title="Annat mål")
    Plan.objects.filter(pk=other_plan.pk).update(name="Annan plan, ändrad")
    assert _get(client, url)[0] == first
    assert len(rendered) == 1  # kept: not rendered again
    Activity.objects.filter(goal=decided[1]).update(title="Egen aktivitet, ändrad")
    assert "Egen aktivitet, ändrad" in _get(client, url)[0]
    assert len(rendered) == 2


def test_row_ids_are_plain_numbers_whatever_the_number_format(
    client, people, plan, decided, settings
):
    settings.USE_THOUSAND_SEPARATOR = True  # Swedish groups thousands: 1 234 567
    goal = decided[1]
    added = activity_create(goal=goal, title="Stort id", ongoing=True,
                            evaluated_months=months(4), actor=None)  # fmt: skip
    Activity.objects.filter(pk=added.pk).update(id=1234567)
    client.force_login(people.planner)
    html = _get(client, items_url(plan, goal))[0]
    assert '<tr id="activity-1234567" data-draft-key="activity:1234567"' in html
    assert 'href="/plans/history/activity/1234567/"' in html
