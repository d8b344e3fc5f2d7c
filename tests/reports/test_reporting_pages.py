"""The reporting page a page at a time: a large operation reports thousands of rows in a period.

The progress and the goals' "left" counts are of every row of the period; the rows are shown a
page at a time, of one goal if asked, only what is left if asked; what cannot be shown (a page
past the end, a page size of a million, an unknown goal) gives a clear page. An activity's row
is rendered from plain data, with the markup its form would give.
"""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertInHTML

from core.jinja import macro
from goals.evaluation import months
from goals.models import ActivityStatus
from goals.services import activity_create, activity_status_set, goal_create
from indicators.services import indicator_create, measurement_record
from planning.selectors import scope_for
from reports.forms import ActivityStatusForm, MeasurementForm
from reports.selectors.reporting import (
    PAGE_SIZE,
    PAGE_SIZES,
    activity_row_or_404,
    indicator_row_or_404,
    page_size,
    reporting_index,
)
from reports.templatetags.reporting_tags import ROWS, measurement_labels
from reports.views.reporting import (
    _activity_fields,
    _indicator_fields,
    _measurement_form,
    _preview_url,
)
from tests.reports.test_views_reporting import (
    ENGLISH,
    HTMX,
    decided_plan,
    make_user,
    manager,
    report_goal,
    sick_leave,
    status_url,
    t2,
    whole,
)

__all__ = ["decided_plan", "make_user", "manager", "report_goal", "sick_leave", "t2", "whole"]

URL = reverse("reports:reporting")
ROW = re.compile(r'<li class="report-row[^"]*" id="(activity|indicator)-(\d+)-(\d+)"')


@pytest.fixture
def many(decided_plan, units, t2):
    """Three goals: 70 activities of Hemtjänst and 5 indicators in the first, 4 activities in
    the second, 1 in the third; the second goal's activities reported."""
    goals = []
    for number, count in ((1, 70), (2, 4), (3, 1)):
        goal = goal_create(plan=decided_plan, number=number, title=f"Mål {number}", actor=None)
        for index in range(count):
            activity = activity_create(
                goal=goal, title=f"Aktivitet {number}.{index}", ongoing=True,
                evaluated_months=months(8, 12), unit=units["unit_a"], actor=None,
            )  # fmt: skip
            if number == 2:
                activity_status_set(activity=activity, period=t2, status="done", actor=None)
        goals.append(goal)
    for index in range(5):
        indicator_create(
            goal=goals[0], name=f"Indikator {index}", green_bound=Decimal(5), actor=None
        )
    return goals


def shown(text: str) -> list[tuple[str, int]]:
    return [(kind, int(pk)) for kind, _period, pk in ROW.findall(text)]


def test_the_first_page_shows_a_page_of_rows_and_counts_every_row(client, manager, many):
    client.force_login(manager)
    text = client.get(URL, headers=ENGLISH).text
    assert len(shown(text)) == PAGE_SIZE
    assert '<span data-count="activities-total">75</span>' in text
    assert '<span data-count="activities-reported">4</span>' in text
    assert '<span data-count="values-total">5</span>' in text
    # Every goal in the jump links, each with what is left in all of it.
    assert re.findall(r'data-left="goal-\d+-(\d+)">(\d+)<', text) == [
        (str(many[0].pk), "75"),
        (str(many[1].pk), "0"),
        (str(many[2].pk), "1"),
    ]
    assert "Showing 1–50 of 80" in text


def test_the_pages_together_show_every_row_once_in_order(client, manager, many):
    client.force_login(manager)
    seen = []
    for number in (1, 2):
        seen += shown(client.get(URL, {"page": number}).text)
    assert len(seen) == len(set(seen)) == 80
    assert [kind for kind, _pk in seen[:75]] == ["activity"] * 70 + ["indicator"] * 5


def test_a_goal_on_another_page_is_linked_to_its_page(client, manager, many, t2):
    client.force_login(manager)
    text = client.get(URL).text
    first, second = many[0], many[1]
    assert f'href="#goal-{t2.pk}-{first.pk}"' in text  # on this page: its anchor
    assert f'href="{URL}?page=2#goal-{t2.pk}-{second.pk}"' in text


def test_one_goal_and_only_what_is_left(client, manager, many, t2):
    client.force_login(manager)
    text = client.get(URL, {"goal": many[2].pk}, headers=ENGLISH).text
    assert len(shown(text)) == 1
    assert "Only goal 3, Mål 3, is shown." in text
    left = client.get(URL, {"unreported": "1", "page": 2}).text
    # The second goal is all reported: its rows are not shown; the third goal's row is.
    pks = {pk for _kind, pk in shown(left)}
    assert not pks & {activity.pk for activity in many[1].activities.all()}
    assert many[2].activities.get().pk in pks
    assert len(shown(client.get(URL, {"unreported": "1"}).text)) == PAGE_SIZE


@pytest.mark.parametrize(
    "query",
    [
        {"page": "999"},
        {"page": "-3"},
        {"page": "x"},
        {"page": "9" * 40},
        {"size": "1000000"},
        {"size": "9" * 40},
        {"size": "0"},
        {"goal": "999999"},
        {"goal": "abc"},
        {"period": "999999"},
        {"at": "activity-999999"},
        {"at": "nonsense"},
    ],
)
def test_bad_input_gives_a_clear_page(client, manager, many, query, django_assert_max_num_queries):
    client.force_login(manager)
    client.get(URL)
    with django_assert_max_num_queries(25):
        response = client.get(URL, query, headers=ENGLISH)
    assert response.status_code == 200
    rows = len(shown(response.text))
    assert 0 < rows <= max(PAGE_SIZES)


def test_a_page_past_the_end_shows_the_last_page(client, manager, many):
    client.force_login(manager)
    assert shown(client.get(URL, {"page": "999"}).text) == shown(
        client.get(URL, {"page": "2"}).text
    )


def test_a_page_size_is_bounded(client, manager, many):
    assert page_size("1000000") == max(PAGE_SIZES)
    assert page_size("30") == 25 and page_size("3") == min(PAGE_SIZES)
    assert page_size(None) == page_size("many") == PAGE_SIZE
    client.force_login(manager)
    assert len(shown(client.get(URL, {"size": "1000000"}).text)) == 80
    assert len(shown(client.get(URL, {"size": "25"}).text)) == 25


def test_an_unknown_goal_says_so_and_shows_every_goal(client, manager, many):
    client.force_login(manager)
    text = client.get(URL, {"goal": "999999"}, headers=ENGLISH).text
    assert "The goal asked for is not among those you report in this period" in text
    assert len(shown(text)) == PAGE_SIZE


def test_a_row_is_found_on_its_page(client, manager, many, t2):
    last = many[2].activities.get()
    client.force_login(manager)
    text = client.get(URL, {"at": f"activity-{last.pk}"}).text
    assert ("activity", last.pk) in shown(text)


def test_an_error_without_javascript_shows_the_page_that_holds_the_row(client, manager, many, t2):
    last = many[2].activities.get()
    client.force_login(manager)
    response = client.post(status_url(t2, last), {"expected_version": 0}, headers=ENGLISH)
    assert response.status_code == 200
    assert ("activity", last.pk) in shown(response.text)
    assert "This field is required." in response.text


def test_the_index_counts_without_listing_ids(manager, many, t2):
    """No query carries the ids of every row: the index asks by plan and period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        (block,) = reporting_index(manager, scope_for(manager))
    assert (block.activities_total, block.activities_reported) == (75, 4)
    lists = [
        len(found.split(","))
        for query in queries.captured_queries
        for found in re.findall(r"IN \(([^()]*)\)", query["sql"])
    ]
    assert max(lists) < 10  # plans and periods, never the rows


# --- An activity's row without its form ----------------------------------------------------------


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def _fields_as_rendered(row) -> str:
    return macro("reports/reporting_rows.html", "activity_fields", row)


def _fields_of_the_form(form) -> str:
    return f"{form['expected_version']}{form['comment'].as_field_group()}"


@pytest.mark.parametrize(
    "data",
    [
        None,  # as the page shows it
        {"status": "delayed", "comment": "", "expected_version": "0"},  # comment required
        {"comment": "Schema <klart>", "expected_version": "0"},  # no status
        {"status": "done", "comment": "x", "expected_version": "a"},  # a tampered version
    ],
)
def test_the_plain_row_has_the_markup_of_its_form(manager, whole, t2, data):
    row = activity_row_or_404(manager, scope_for(manager), t2.pk, whole.pk)
    form = ActivityStatusForm(data, activity=row.activity, period=row.period)
    if data is None:
        form = ActivityStatusForm(
            activity=row.activity,
            period=row.period,
            initial={"status": "", "comment": "", "expected_version": 0},
        )
    else:
        form.is_valid()
    row.fields = _activity_fields(row, form)
    assert _normal(_fields_as_rendered(row)) == _normal(_fields_of_the_form(form))


def _buttons(row, statuses) -> list[str]:
    row.fields = _activity_fields(row)
    html = render_to_string(
        "reports/reporting.html#activity", {"row": row, "statuses": statuses, "oob": False}
    )
    return re.findall(r"<button [^>]*>[^<]*</button>", html)


def test_a_rows_status_buttons_press_the_current_status_alone(manager, whole, t2):
    row = activity_row_or_404(manager, scope_for(manager), t2.pk, whole.pk)
    row.status = ActivityStatus(activity=row.activity, period=t2, status="done")
    with translation.override("en"):
        buttons = _buttons(row, ActivityStatus.Status.choices)
    assert len(buttons) == len(ActivityStatus.Status.choices)
    pressed = [button for button in buttons if 'aria-pressed="true"' in button]
    assert pressed == [
        f'<button type="submit" name="status" value="done" id="activity-{row.key}-done" '
        'class="ds-button status-button" data-variant="primary" aria-pressed="true">Done</button>'
    ]
    assert all('data-variant="secondary"' in b for b in buttons if b not in pressed)


def test_a_rows_status_buttons_without_a_status_press_none_and_escape_their_labels(
    manager, whole, t2
):
    row = activity_row_or_404(manager, scope_for(manager), t2.pk, whole.pk)
    (button,) = _buttons(row, [("done", "<b>Klar</b>")])
    assert 'aria-pressed="false"' in button
    assert "&lt;b&gt;Klar&lt;/b&gt;" in button


def test_a_row_says_what_it_is_and_who_reported_it_in_the_readers_language(
    manager, planner, whole, t2, periods
):
    activity_status_set(activity=whole, period=t2, status="done", comment="Alla <klara>",
                        actor=planner)  # fmt: skip
    row = activity_row_or_404(manager, scope_for(manager), t2.pk, whole.pk)
    row.fields = _activity_fields(row)
    context = {"row": row, "statuses": ActivityStatus.Status.choices, "oob": False}
    with translation.override("sv"):
        text = _normal(render_to_string("reports/reporting.html#activity", context))
        row.period = periods[0]  # a closed period: the report is read, not written
        closed = _normal(render_to_string("reports/reporting.html#activity", context))
    assert "<li>Ansvarig: Alla chefer</li>" in text
    assert (
        "<li>När genomfört: " in text
        and "<strong>(ska vara klar den här perioden)</strong>" in text
    )
    assert "<li>Gäller: Hela Omsorgsverksamheten</li>" in text
    assert '<label class="ds-label" for="activity-' in text and ">Kommentar</label>" in text
    assert "> Alla &lt;klara&gt;</textarea>" in text
    assert "Rapporterat ”Genomförd” av Anna Lindqvist (" in text
    assert "Inte sparat än: välj statusen igen för att spara kommentaren med den." in text
    assert "Status: <strong>Genomförd</strong> – Alla &lt;klara&gt;</p>" in closed
    assert "<form" not in closed


def test_a_posted_row_with_an_error_keeps_its_input_and_focus(client, manager, whole, t2):
    client.force_login(manager)
    text = client.post(
        status_url(t2, whole), {"status": "delayed", "expected_version": 0}, headers=HTMX
    ).text
    assert "autofocus" in text
    assert 'aria-invalid="true"' in text
    assert f'id="activity-{t2.pk}-{whole.pk}-comment_error"' in text


def test_the_page_builds_no_form_per_activity_row(client, manager, many, monkeypatch):
    built = []
    original = ActivityStatusForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ActivityStatusForm, "__init__", counting)
    client.force_login(manager)
    assert len(shown(client.get(URL).text)) == PAGE_SIZE
    assert built == []


def test_a_row_renders_alone_with_its_plain_fields(manager, whole, t2):
    """The row partial renders alone (an htmx answer) with its plain fields."""
    row = activity_row_or_404(manager, scope_for(manager), t2.pk, whole.pk)
    row.fields = _activity_fields(row)
    request = RequestFactory().get("/")
    request.user = manager
    html = render_to_string(
        "reports/reporting.html#activity", {"row": row, "statuses": []}, request=request
    )
    assert f'id="activity-{t2.pk}-{whole.pk}-comment"' in html


# --- More bad input: another plan's goal, extreme numbers, and no unbounded query -----------------


@pytest.fixture
def another_plans_goal(organisation, units):
    """A goal of a plan the manager does not report (IFO's)."""
    from planning.models import Plan
    from planning.services import plan_create

    plan = plan_create(organisation=organisation, owner_unit=units["unit_b"],
                       kind=Plan.Kind.ACTIVITY_PLAN, name="Aktivitetsplan IFO 2023",
                       start_year=2023, end_year=2023, actor=None)  # fmt: skip
    return goal_create(plan=plan, number=1, title="IFO:s mål", actor=None)


def test_a_goal_of_a_plan_not_reported_is_unknown(client, manager, many, another_plans_goal):
    client.force_login(manager)
    text = client.get(URL, {"goal": another_plans_goal.pk}, headers=ENGLISH).text
    assert "The goal asked for is not among those you report in this period" in text
    assert "IFO:s mål" not in text
    assert len(shown(text)) == PAGE_SIZE


@pytest.mark.parametrize(
    "query",
    [
        {"page": "0"},
        {"page": ""},
        {"page": "1.5"},
        {"page": "last"},
        {"size": "-5"},
        {"size": ""},
        {"size": "1e9"},
        {"goal": "-1"},
        {"goal": "1" * 40},
        {"unreported": "yes"},
        {"period": "abc"},
        {"at": "activity-abc"},
        {"at": "activity-" + "9" * 40},
        {"page": "99", "size": "1000000", "goal": "0", "unreported": "1"},
    ],
)
def test_more_bad_input_gives_a_clear_page(client, manager, many, query):
    client.force_login(manager)
    response = client.get(URL, query, headers=ENGLISH)
    assert response.status_code == 200
    assert 0 < len(shown(response.text)) <= max(PAGE_SIZES)


@pytest.mark.parametrize("query", [{"size": "1000000"}, {"page": "999999", "size": "9" * 40}])
def test_no_query_reads_more_full_rows_than_a_page_shows(client, manager, many, query):
    """The rows shown in full (titles, comments, values) are asked for by the page's ids: at
    most a page's, whatever is asked; the index reads ids and flags by plan and period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, query)
    assert response.status_code == 200
    full = [q["sql"] for q in queries.captured_queries if '"goals_activity"."title"' in q["sql"]]
    assert full  # the page's activities, in full, by their ids
    for sql in full:
        ids = [len(found.split(",")) for found in re.findall(r"IN \(([^()]*)\)", sql)]
        assert ids and max(ids) <= max(PAGE_SIZES)


# --- An indicator's row without its form ---------------------------------------------------------


def _indicator_fields_as_rendered(row) -> str:
    return macro(ROWS, "indicator_fields", row.fields, measurement_labels(), row.band)


def _groups_of_the_form(form, shown: tuple[str, ...]) -> list[str]:
    """What the form itself writes for its fields: the version and each field's group."""
    return [str(form["expected_version"]), *(str(form[name].as_field_group()) for name in shown)]


@pytest.fixture
def in_words(report_goal):
    """An indicator whose target is written in words: its value is a result, not a number."""
    return indicator_create(goal=report_goal, name="Trygghetsvandringar genomförda",
                            target_kind="text", target_text="Alla områden", actor=None)  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "data", "shown", "open_"),
    [
        (None, None, ("value", "comment", "source"), False),  # as the page shows it
        ("6,4", None, ("value", "comment", "source"), True),  # a stored value, comment, source
        (None, {"value": "abc", "result": "zzz", "source": "x" * 501, "expected_version": "q"},
         ("result", "value", "comment", "source"), True),  # every field wrong
        (None, {"value": "7,5", "comment": "Ny", "expected_version": "0"},
         ("value", "comment", "source"), True),  # posted and valid (a conflict shows it again)
    ],
)  # fmt: skip
def test_the_plain_indicator_row_has_the_markup_of_its_form(
    manager, sick_leave, t2, stored, data, shown, open_
):
    row = indicator_row_or_404(manager, scope_for(manager), t2.pk, sick_leave.pk)
    if stored:  # the manager's own unit's value
        measurement_record(indicator=sick_leave, period=t2, unit=row.unit, actor=manager,
                           value=Decimal(stored.replace(",", ".")), comment="Efter <åtgärd>",
                           source="Previa")  # fmt: skip
        row = indicator_row_or_404(manager, scope_for(manager), t2.pk, sick_leave.pk)
    with translation.override("sv"):
        form = _measurement_form(row)
        if data is not None:
            form = MeasurementForm(data, indicator=row.indicator, period=row.period,
                                   preview_url=_preview_url(row))  # fmt: skip
            form.is_valid()
        row.fields = _indicator_fields(row, form)
        plain = _indicator_fields_as_rendered(row)
        groups = _groups_of_the_form(form, shown)
    for group in groups:
        assertInHTML(group, plain)
    assert ('<details class="report-row__more" open>' in plain) == open_
    assert 'name="result"' not in plain or "result" in shown
    if data and "value" in form.errors:  # the focus on the first error alone: the value
        assert plain.count("autofocus") == 1
        assert re.search(r'<input type="text" name="value"[^>]* autofocus[^>]*>', plain)


def test_a_result_in_words_is_chosen_not_typed(manager, in_words, t2):
    row = indicator_row_or_404(manager, scope_for(manager), t2.pk, in_words.pk)
    measurement_record(indicator=in_words, period=t2, unit=row.unit, value=None, result="partly",
                       actor=manager)  # fmt: skip
    row = indicator_row_or_404(manager, scope_for(manager), t2.pk, in_words.pk)
    with translation.override("sv"):
        form = _measurement_form(row)
        row.fields = _indicator_fields(row)
        plain = _indicator_fields_as_rendered(row)
        groups = _groups_of_the_form(form, ("result", "comment", "source"))
    for group in groups:
        assertInHTML(group, plain)
    assert '<option value="partly" selected>Delvis uppfyllt</option>' in plain
    assert 'name="value"' not in plain
