"""A long report read in the browser a goal at a time (`reports.selectors.paging`): above
REPORT_WEB_MAX_ROWS rows, the report page and the overview show the summary, the list of goals
and one goal; the PDF stays whole. The demo plan (6 goals, 47 rows) is made "long" by lowering
the limit."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.selectors import follow_up_report, goal_page
from tests.reports.conftest import demo_period, pdf_text


@pytest.fixture
def demo(demo_of_the_module):
    """The demo, loaded once for this module's tests."""
    return demo_of_the_module


SECTION = re.compile(r'<section class="report-goal" id="([^"]+)"')
OVERVIEW_SECTION = re.compile(r'<section class="overview-goal" [^>]*id="goal-(\d+)-heading"')


@pytest.fixture
def long_reports(settings):
    settings.REPORT_WEB_MAX_ROWS = 10


def _login(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))


def _report(client, demo, query: str = "") -> str:
    url = reverse("reports:report", args=[demo.pk, demo_period("T2").pk])
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_short_report_shows_every_goal_and_no_goal_list(client, demo):
    _login(client, "planerare")
    html = _report(client, demo)
    assert len(SECTION.findall(html)) == demo.goals.count() == 6
    assert "goal-pages" not in html


def test_a_long_report_shows_one_goal_and_links_every_other(client, demo, long_reports):
    _login(client, "planerare")
    goals = list(demo.goals.order_by("number"))
    html = _report(client, demo, "?lang=sv")
    assert SECTION.findall(html) == [f"plan-{demo.pk}-goal-{goals[0].number}"]
    links = re.findall(r'<ol class="goal-pages__list"[^>]*>(.*?)</ol>', html, re.S)[0]
    for goal in goals[1:]:
        assert f'href="?lang=sv&amp;goal={goal.pk}#plan-{demo.pk}-goal-{goal.number}"' in links
    assert 'aria-current="page">1.' in links.replace("\n", "")
    assert 'rel="next"' in html and 'rel="prev"' not in html


def test_each_goal_of_a_long_report_has_its_page_with_the_summary(client, demo, long_reports):
    _login(client, "planerare")
    third = demo.goals.order_by("number")[2]
    html = _report(client, demo, f"?goal={third.pk}")
    assert SECTION.findall(html) == [f"plan-{demo.pk}-goal-{third.number}"]
    assert f'id="plan-{demo.pk}-summary"' in html  # the summary is on every page
    assert 'rel="prev"' in html and 'rel="next"' in html
    # The summary's links to the goals lead to their pages.
    first = demo.goals.order_by("number")[0]
    assert f'href="?lang=sv&amp;goal={first.pk}#plan-{demo.pk}-goal-{first.number}"' in html


@pytest.mark.parametrize("asked", ["999999", "abc", "-1", "1" * 40])
def test_an_unknown_goal_shows_the_first_and_says_so(client, demo, long_reports, asked):
    _login(client, "planerare")
    html = _report(client, demo, f"?goal={asked}")
    first = demo.goals.order_by("number")[0]
    assert SECTION.findall(html) == [f"plan-{demo.pk}-goal-{first.number}"]
    assert "Det efterfrågade målet finns inte i rapporten" in html


def test_a_goal_of_another_plan_is_unknown_here(client, demo, long_reports):
    _login(client, "planerare")
    other = demo.goals.model.objects.exclude(plan=demo).first()
    html = _report(client, demo, f"?goal={other.pk}")
    assert "Det efterfrågade målet finns inte i rapporten" in html
    assert other.title not in html


def test_the_pdf_of_a_long_report_stays_whole(client, demo, long_reports):
    _login(client, "planerare")
    url = reverse("reports:pdf", args=[demo.pk, demo_period("T2").pk])
    text = pdf_text(client.get(url).content)
    for goal in demo.goals.all():
        assert goal.title[:30] in text


def test_the_overview_of_a_long_plan_shows_one_goal(client, demo, long_reports):
    _login(client, "ledamot")
    goals = list(demo.goals.order_by("number"))
    url = reverse("reports:overview", args=[demo.pk, demo_period("T2").pk])
    html = client.get(url).content.decode()
    assert OVERVIEW_SECTION.findall(html) == [str(goals[0].number)]
    html = client.get(url + f"?goal={goals[4].pk}&group=perspective").content.decode()
    assert OVERVIEW_SECTION.findall(html) == [str(goals[4].number)]
    first = f"?group=perspective&amp;goal={goals[0].pk}#goal-{goals[0].number}-heading"
    assert f'href="{first}"' in html


def test_a_goal_page_costs_the_queries_of_the_whole_report(client, demo, long_reports):
    """Paging changes what is rendered, not what is read: the same queries for any goal."""
    _login(client, "planerare")
    goals = list(demo.goals.order_by("number"))
    counts = []
    for goal in (goals[0], goals[-1]):
        with CaptureQueriesContext(connection) as queries:
            _report(client, demo, f"?goal={goal.pk}")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_goal_page_keeps_the_other_parameters_in_its_links(demo, settings):
    settings.REPORT_WEB_MAX_ROWS = 1
    report = follow_up_report(demo, demo_period("T1"))
    pages = goal_page(report, None, {"lang": "nb", "group": "", "goal": "7"})
    second = report.goals[1]
    assert pages.paged and pages.current == report.goals[0]
    assert pages.link(second.number) == f"?lang=nb&goal={second.pk}"
    assert pages.link(report.goals[0].number) == ""  # the goal shown is on this page
    assert pages.rows == report.indicator_count + report.activity_count
