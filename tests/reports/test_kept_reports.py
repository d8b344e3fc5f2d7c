"""The report and the overview are assembled once and kept until what they are assembled from
changes (`kept_follow_up_report`, `core.datastamp`): a reader never sees a colour its data no
longer gives, and a page read again costs a fixed, smaller number of queries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Activity
from goals.services import activity_status_set, goal_follow_up_save
from indicators.models import Indicator
from indicators.services import measurement_record
from planning.models import Plan
from planning.services import readiness_mark
from tests.follow_up import ENTERED
from tests.reports.test_selectors import _add_goal

YELLOW = 'class="colour colour--yellow" data-fact="colour">Gul</span>'
GREEN = 'class="colour colour--green" data-fact="colour">Grön</span>'
PAGES = ("reports:report", "reports:overview")


def _get(client, url: str) -> tuple[str, int]:
    """The page's HTML, its CSRF tokens (new at every request) masked, and its queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r'(csrfmiddlewaretoken" value=|CSRFToken": )"\w+"', r"\1-", response.text), len(
        queries
    )


@pytest.fixture
def reader(client, committee_member):
    client.force_login(committee_member)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_a_page_read_again_is_not_assembled_again(reader, followed_up, periods, page):
    url = reverse(page, args=[followed_up.pk, periods[0].pk])
    first, assembled = _get(reader, url)
    again, kept = _get(reader, url)
    assert again == first
    assert kept < assembled - 5


@pytest.mark.parametrize("page", PAGES)
def test_a_new_value_shows_its_colour_at_once(reader, followed_up, periods, indicator, page):
    url = reverse(page, args=[followed_up.pk, periods[0].pk])
    assert YELLOW in _get(reader, url)[0]
    measurement_record(indicator=indicator, period=periods[0], value=Decimal(85), actor=None)
    text = _get(reader, url)[0]
    assert GREEN in text
    assert YELLOW not in text


@pytest.mark.parametrize("page", PAGES)
def test_new_bands_show_their_colour_at_once(reader, followed_up, periods, indicator, page):
    url = reverse(page, args=[followed_up.pk, periods[0].pk])
    assert YELLOW in _get(reader, url)[0]
    # A bulk update, as an import or a fix by hand would write it: no service, no signal.
    Indicator.objects.filter(pk=indicator.pk).update(green_bound=Decimal(75))
    assert GREEN in _get(reader, url)[0]


def test_a_new_status_and_a_new_plan_name_show_at_once(reader, followed_up, periods, activity):
    url = reverse("reports:report", args=[followed_up.pk, periods[0].pk])
    text = _get(reader, url)[0]
    assert "Två av fem klara" in text
    activity_status_set(
        activity=activity, period=periods[0], status="done", comment="Alla fem klara", actor=None
    )
    Plan.objects.filter(pk=followed_up.pk).update(name="Nämndplan 2023–2026")
    text = _get(reader, url)[0]
    assert "Alla fem klara" in text
    assert "Två av fem klara" not in text
    assert "Nämndplan 2023–2026" in text


def test_each_language_is_kept_apart(reader, followed_up, periods):
    url = reverse("reports:report", args=[followed_up.pk, periods[0].pk])
    swedish = "(grön ≥ 80, gul ≥ 70 och &lt; 80, röd &lt; 70)"
    norwegian = "(grønn ≥ 80, gul ≥ 70 og &lt; 80, rød &lt; 70)"
    assert swedish in _get(reader, url + "?lang=sv")[0]
    assert norwegian in _get(reader, url + "?lang=nb")[0]
    text = _get(reader, url + "?lang=sv")[0]
    assert swedish in text
    assert norwegian not in text


@pytest.mark.parametrize("page", PAGES)
def test_a_kept_page_makes_as_many_queries_for_more_goals(
    client, planner, plan, periods, units, page
):
    client.force_login(planner)
    url = reverse(page, args=[plan.pk, periods[0].pk])
    _add_goal(plan, 1, periods, units)
    _get(client, url)
    one = _get(client, url)[1]
    for number in range(2, 7):
        _add_goal(plan, number, periods, units)
    _get(client, url)
    text, six = _get(client, url)
    assert six == one
    assert (
        text.count('class="report-goal"' if page == "reports:report" else 'class="overview-goal"')
        == 6
    )


def _later_value(f):
    measurement_record(indicator=f["indicator"], period=f["t2"], value=Decimal(99), actor=None)


def _later_status(f):
    activity_status_set(activity=f["activity"], period=f["t2"], status="done", actor=None)


def _later_analysis(f):
    goal_follow_up_save(
        goal=f["goal"], period=f["t2"], assessment="achieved", analysis="Klart.", actor=None
    )


def _later_ready_mark(f):
    readiness_mark(plan=f["plan"], period=f["t2"], unit=f["unit"], actor=None)


LATER = {
    "value": _later_value,
    "status": _later_status,
    "analysis": _later_analysis,
    "ready mark": _later_ready_mark,
}


@pytest.mark.parametrize("write", LATER)
@pytest.mark.parametrize("page", PAGES)
def test_what_is_entered_in_a_later_period_leaves_the_report_kept_and_as_it_was(
    reader, settings, followed_up, periods, indicator, activity, goal, units, write, page
):
    url = reverse(page, args=[followed_up.pk, periods[0].pk])
    settings.ASSEMBLED_CACHE_SECONDS = 0
    assembled_before = _get(reader, url)[0]
    settings.ASSEMBLED_CACHE_SECONDS = 3600
    assert _get(reader, url)[0] == assembled_before
    kept_queries = _get(reader, url)[1]
    LATER[write](
        {"indicator": indicator, "activity": activity, "goal": goal, "plan": followed_up,
         "t2": periods[1], "unit": units["operation"]}
    )  # fmt: skip
    text, queries = _get(reader, url)
    assert queries == kept_queries  # kept: not assembled again
    settings.ASSEMBLED_CACHE_SECONDS = 0
    # What would be assembled now is what was kept: the report shows nothing of T2.
    assert _get(reader, url)[0] == text == assembled_before


# --- The overview's period, rendered once for every reader --------------------------------------


def test_the_overviews_period_is_rendered_once_for_every_reader(
    client, committee_member, planner, followed_up, periods
):
    url = reverse("reports:overview", args=[followed_up.pk, periods[0].pk])
    client.force_login(committee_member)
    first = client.get(url)
    assert "reports/includes/overview_period.html" in [t.name for t in first.templates]
    client.force_login(planner)  # nothing in it is the reader's own
    again = client.get(url)
    assert "reports/includes/overview_period.html" not in [t.name for t in again.templates]
    section = re.compile(r'<section class="overview-period".*', re.S)
    assert section.search(again.text).group() == section.search(first.text).group()


@pytest.mark.parametrize("page", PAGES)
def test_each_goal_page_and_grouping_is_kept_as_it_would_be_rendered(
    client, planner, plan, periods, units, settings, page
):
    settings.REPORT_WEB_MAX_ROWS = 1  # a page per goal
    for number in (1, 2, 3):
        _add_goal(plan, number, periods, units)
    goals = list(plan.goals.order_by("number"))
    client.force_login(planner)
    url = reverse(page, args=[plan.pk, periods[0].pk])
    asked = [
        "", "?goal=", f"?goal={goals[1].pk}", f"?goal={goals[2].pk}", "?goal=x", "?goal=%20",
        f"?goal=0{goals[1].pk}", f"?goal={goals[2].pk}&group=perspective", "?group=goal",
    ]  # fmt: skip
    kept = {query: _get(client, url + query)[0] for query in asked}
    assert {query: _get(client, url + query)[0] for query in asked} == kept
    settings.ASSEMBLED_CACHE_SECONDS = 0
    assert {query: _get(client, url + query)[0] for query in asked} == kept
    assert kept[f"?goal={goals[1].pk}"] != kept[f"?goal={goals[2].pk}"]
    assert kept["?goal=x"] != kept[""]  # the unknown goal is said


def test_the_reports_article_is_kept_apart_for_those_who_write_its_analyses(
    client, committee_member, planner, followed_up, periods
):
    url = reverse("reports:report", args=[followed_up.pk, periods[0].pk])
    goal = followed_up.goals.order_by("number").first()
    analysis = reverse("reports:analysis", args=[followed_up.pk, periods[0].pk, goal.pk])
    client.force_login(committee_member)
    first = client.get(url)
    assert "reports/includes/report_article.html" in [t.name for t in first.templates]
    assert analysis not in first.text
    client.force_login(planner)
    assert analysis in client.get(url).text
    client.force_login(committee_member)
    again = client.get(url)
    assert "reports/includes/report_article.html" not in [t.name for t in again.templates]
    assert analysis not in again.text
    client.force_login(planner)
    assert analysis in client.get(url).text


# --- Another plan's follow-up -------------------------------------------------------------------


@pytest.mark.parametrize("write", ENTERED)
@pytest.mark.parametrize("page", PAGES)
def test_what_another_plan_enters_in_the_period_leaves_the_report_kept(
    reader, followed_up, periods, other_plan, write, page
):
    url = reverse(page, args=[followed_up.pk, periods[0].pk])
    first = _get(reader, url)[0]
    kept_queries = _get(reader, url)[1]
    ENTERED[write](other_plan, periods[0])
    text, queries = _get(reader, url)
    assert queries == kept_queries  # kept: not assembled again
    assert text == first


@pytest.mark.parametrize("page", PAGES)
def test_what_a_lower_plan_enters_shows_at_once(reader, followed_up, lower_plan, periods, page):
    url = reverse(page, args=[followed_up.pk, periods[0].pk])
    done = re.compile(r"Trygg hemtjänst.{0,300}?(\d) av 2", re.S)
    assert done.search(_get(reader, url)[0]).group(1) == "1"
    second = Activity.objects.get(goal__plan=lower_plan, title="Fast omsorgskontakt")
    activity_status_set(activity=second, period=periods[0], status="done", actor=None)
    assert done.search(_get(reader, url)[0]).group(1) == "2"
