"""The decided version's page (`authoring.views.pages.plan_decided_view`): the plan as it was
decided, read from its history, and what changed since. Rendered once and kept until the
plan's content or history changes; what is entered in the follow-up leaves it kept."""

import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.services import goal_update
from indicators.services import measurement_record
from planning.models import Plan
from tests.calls import recorded
from tests.planning.test_lifecycle import decide as _decide
from tests.planning.test_lifecycle import step as _step

pytest_plugins = ["tests.planner_roles"]


def _page(client, url: str, **headers) -> tuple[str, int]:
    """The page's text without its CSRF token, and the queries it made."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    text = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.text)
    return re.sub(r'"X-CSRFToken": "\w+"', "", text), len(queries)


def _url(plan: Plan, query: str = "") -> str:
    return reverse("authoring:plan_decided", args=[plan.pk]) + query


def test_the_page_read_again_is_not_read_again_from_the_history(
    client, people, plan, goal, indicator, monkeypatch
):
    from authoring.views import pages

    built = recorded(monkeypatch, pages, "decided_version")
    _decide(plan)
    client.force_login(people.committee)
    first, read = _page(client, _url(plan))
    again, kept = _page(client, _url(plan))
    assert again == first
    assert "HME-index" in first
    assert len(built) == 1
    assert kept < read - 3


def test_a_change_after_the_decision_is_listed_at_once(client, people, plan, goal):
    _decide(plan)
    client.force_login(people.planner)
    before = _page(client, _url(plan))[0]
    assert "Nöjda och friska medarbetare" in before
    assert "Omformulerat mål" not in before
    _step(plan, Plan.Status.DRAFT)
    goal.refresh_from_db()
    goal_update(goal=goal, actor=people.planner, title="Omformulerat mål")
    after = _page(client, _url(plan))[0]
    # Listed among the changes since, while the goal reads as it was decided.
    changes = after[after.index('id="changed-since"') :]
    assert "Omformulerat mål" in changes
    assert "Omformulerat mål" not in after[: after.index('id="changed-since"')]
    assert '<h2 class="ds-heading" data-size="md" id="goal-' in after
    assert "1. Nöjda och friska medarbetare</h2>" in after


def test_a_value_entered_leaves_the_page_kept(client, people, plan, goal, indicator, periods):
    _decide(plan)
    client.force_login(people.committee)
    _page(client, _url(plan))
    kept = _page(client, _url(plan))
    measurement_record(indicator=indicator, period=periods[0], value=Decimal(90), actor=None)
    assert _page(client, _url(plan)) == kept


def test_each_decision_goal_and_language_is_kept_apart(client, people, plan, goal):
    _decide(plan)
    _step(plan, Plan.Status.DRAFT)
    goal.refresh_from_db()
    goal_update(goal=goal, actor=people.planner, title="Andra versionen")
    _decide(plan)
    client.force_login(people.committee)
    latest = _page(client, _url(plan))[0]
    first = _page(client, _url(plan, "?decision=1"))[0]
    assert "1. Andra versionen</h2>" in latest
    assert "1. Nöjda och friska medarbetare</h2>" in first
    swedish = _page(client, _url(plan), HTTP_ACCEPT_LANGUAGE="sv")[0]
    english = _page(client, _url(plan), HTTP_ACCEPT_LANGUAGE="en")[0]
    assert "Ändrat sedan beslutet" in swedish
    assert "Changed since the decision" in english
    assert "Ändrat sedan beslutet" not in english
    unknown = _page(client, _url(plan, "?goal=12x"))[0]
    assert unknown.count("1. Andra versionen</h2>") == 1


def test_a_decision_that_does_not_exist_is_not_found(client, people, plan, goal):
    client.force_login(people.committee)
    assert client.get(_url(plan)).status_code == 404  # not decided yet
    _decide(plan)
    assert client.get(_url(plan)).status_code == 200
    for asked in ("1", "-1", "x", "99999999999999999999"):
        assert client.get(_url(plan), {"decision": asked}).status_code == 404, asked
