"""The planner's structure page, the indicator form with its live band preview, the indicators
list and the decided version: who may do what, what is shown, and query counts."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authoring.selectors import HISTORY_PAGE_SIZE
from goals.services import (
    activity_add,
    activity_delete,
    goal_add,
    goal_update,
    sub_goal_create,
    sub_goals_set,
)
from indicators.models import Indicator
from indicators.services import indicator_add, indicator_update, measurement_record
from planning.models import Plan
from planning.services import plan_create, plan_set_status
from tests.planner_roles import as_user

pytest_plugins = ["tests.planner_roles"]

D = Decimal


def indicator_data(goal, **changes):
    data = {
        "goal": str(goal.pk),
        "scope": "operation_specific",
        "subgoal": "Nöjda och friska medarbetare",
        "name": "Total sjukfrånvaro",
        "definition": "Sjukfrånvaro i procent av ordinarie arbetstid",
        "unit": "percent",
        "unit_label": "",
        "decimals": "1",
        "source": "Statistik från Previa",
        "frequency": "every_period",
        "scale_max": "",
        "kolada_kpi": "N00090",
        "target_value": "5,5",
        "target_text": "Total sjukfrånvaro < 6 %",
        "direction": "lower",
        "green_bound": "6,0",
        "red_bound": "7,0",
        "red_bound_inclusive": "on",
        "reuses": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def decide(plan):
    plan.refresh_from_db()
    return plan_set_status(
        plan=plan,
        status=Plan.Status.DECIDED,
        actor=None,
        expected_version=plan.version,
        decision_date=datetime.date(2022, 11, 29),
    )


# --- Who may do what ----------------------------------------------------------------------------


def read_urls(plan):
    return [
        reverse("authoring:plan_structure", args=[plan.pk]),
        reverse("indicators:indicator_list", args=[plan.pk]),
    ]


def edit_pages(goal, indicator):
    return [
        reverse("indicators:indicator_create", args=[goal.pk]),
        reverse("indicators:indicator_update", args=[indicator.pk]),
        reverse("indicators:indicator_delete", args=[indicator.pk]),
    ]


def edit_posts(goal, indicator):
    return [
        (reverse("indicators:indicator_move", args=[indicator.pk]), {"direction": "down"}),
        (reverse("indicators:bands_preview", args=[goal.plan_id]), {"direction": "higher"}),
        (reverse("indicators:indicator_create", args=[goal.pk]), indicator_data(goal)),
        (reverse("indicators:indicator_delete", args=[indicator.pk]), {}),
    ]


def test_anonymous_users_are_sent_to_log_in(client, plan, goal, indicator):
    for url in [*read_urls(plan), *edit_pages(goal, indicator)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for url, data in edit_posts(goal, indicator):
        assert client.post(url, data).status_code == 302
    assert Indicator.objects.count() == 1


@pytest.mark.parametrize("role", ["committee", "own_manager"])
def test_readers_read_but_change_nothing(client, people, plan, goal, indicator, role):
    as_user(client, people, role)
    for url in read_urls(plan):
        assert client.get(url).status_code == 200, url
    for url in edit_pages(goal, indicator):
        assert client.get(url).status_code == 404, url
    for url, data in edit_posts(goal, indicator):
        assert client.post(url, data).status_code == 404, url
    assert list(Indicator.objects.values_list("name", flat=True)) == ["HME-index"]
    page = client.get(reverse("authoring:plan_structure", args=[plan.pk])).text
    assert reverse("indicators:indicator_update", args=[indicator.pk]) not in page


def test_a_unit_manager_of_another_branch_gets_404(client, people, plan, goal, indicator):
    as_user(client, people, "other_manager")
    for url in [*read_urls(plan), *edit_pages(goal, indicator)]:
        assert client.get(url).status_code == 404, url
    for url, data in edit_posts(goal, indicator):
        assert client.post(url, data).status_code == 404, url


@pytest.mark.parametrize("role", ["planner", "administrator"])
def test_planners_and_administrators_edit(client, people, plan, goal, indicator, role):
    as_user(client, people, role)
    for url in [*read_urls(plan), *edit_pages(goal, indicator)]:
        assert client.get(url).status_code == 200, url
    for url, data in edit_posts(goal, indicator):
        assert client.post(url, data).status_code in (200, 302), url
    assert list(Indicator.objects.values_list("name", flat=True)) == ["Total sjukfrånvaro"]


def test_changes_are_post_only(client, people, plan, indicator):
    as_user(client, people, "planner")
    assert client.get(reverse("indicators:indicator_move", args=[indicator.pk])).status_code == 405
    assert client.get(reverse("indicators:bands_preview", args=[plan.pk])).status_code == 405


# --- The structure page -------------------------------------------------------------------------


def test_the_structure_shows_goals_indicators_and_activities(
    en_client, people, plan, goal, indicator, activity
):
    as_user(en_client, people, "planner")
    page = en_client.get(reverse("authoring:plan_structure", args=[plan.pk])).text
    flat = " ".join(page.split())
    assert "1. Nöjda och friska medarbetare" in flat
    assert (
        '<span class="colour colour--red">Red</span> <span class="band-text">&lt; 70</span>' in flat
    )
    assert (
        '<span class="colour colour--yellow">Yellow</span> '
        '<span class="band-text">≥ 70 and &lt; 80</span>' in flat
    )
    assert (
        '<span class="colour colour--green">Green</span> <span class="band-text">≥ 80</span>'
        in flat
    )
    assert "Vi utbildar medarbetare i MHFA" in flat and "Alla chefer" in flat and "June" in flat
    assert '<th scope="row"' in page
    for name in ("goals:goal_update", "goals:goal_delete", "goals:activity_create"):
        assert reverse(name, args=[goal.pk]) in page
    assert reverse("indicators:indicator_create", args=[goal.pk]) in page


def test_the_structure_page_query_count_does_not_grow(
    client, people, plan, goal, indicator, activity, units, django_assert_num_queries
):
    as_user(client, people, "planner")
    url = reverse("authoring:plan_structure", args=[plan.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(6):
        more = goal_add(plan=plan, title=f"Mål {number}", actor=None)
        for index in range(3):
            indicator_add(
                goal=more, name=f"Mått {index}", green_bound=D(5), red_bound=D(2), actor=None
            )
            activity_add(
                goal=more, title=f"Akt {index}", ongoing=True, unit=units["unit_a"], actor=None
            )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["goals"]) == 7


def test_a_decided_plans_structure_is_locked(en_client, people, plan, goal, indicator):
    decide(plan)
    as_user(en_client, people, "planner")
    page = en_client.get(reverse("authoring:plan_structure", args=[plan.pk])).text
    assert "Locked: this is what was decided" in page
    assert "Reopen as draft" in page
    assert reverse("indicators:indicator_update", args=[indicator.pk]) not in page
    assert reverse("goals:goal_create", args=[plan.pk]) not in page
    as_user(en_client, people, "committee")
    assert (
        "Reopen as draft"
        not in en_client.get(reverse("authoring:plan_structure", args=[plan.pk])).text
    )


# --- The indicator form ---------------------------------------------------------------------------


def test_an_indicator_is_added_with_decimal_commas(client, people, plan, goal):
    as_user(client, people, "planner")
    response = client.post(
        reverse("indicators:indicator_create", args=[goal.pk]), indicator_data(goal),
        headers={"accept-language": "sv"},
    )  # fmt: skip
    created = Indicator.objects.get(name="Total sjukfrånvaro")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#indicator-{created.pk}")
    assert (created.green_bound, created.red_bound, created.target_value) == (D(6), D(7), D("5.5"))
    assert (created.direction, created.green_bound_inclusive, created.red_bound_inclusive) == (
        "lower",
        False,
        True,
    )
    assert created.band_texts() == {"green": "< 6,0", "yellow": "≥ 6,0 och < 7,0", "red": "≥ 7,0"}


def test_the_form_shows_stored_numbers_with_a_decimal_comma(client, people, goal):
    made = indicator_add(
        goal=goal, name="Brukarnöjdhet", green_bound=D("8.5"), red_bound=D("7.25"), actor=None
    )
    as_user(client, people, "planner")
    page = client.get(
        reverse("indicators:indicator_update", args=[made.pk]), headers={"accept-language": "sv"}
    ).text
    assert 'name="green_bound" value="8,5"' in page
    assert 'name="red_bound" value="7,25"' in page
    assert 'inputmode="decimal"' in page


def test_wrong_bands_are_refused_in_plain_words(en_client, people, goal):
    as_user(en_client, people, "planner")
    response = en_client.post(
        reverse("indicators:indicator_create", args=[goal.pk]),
        indicator_data(
            goal, direction="higher", green_bound="6.0", red_bound="7.0", target_value=""
        ),
    )
    assert response.status_code == 200
    assert "When higher is better, the red bound must be below the green bound" in response.text
    assert 'id="id_red_bound_error"' in response.text


def test_an_indicator_edit_conflict_shows_the_diff_and_keeps_my_values(
    en_client, people, indicator
):
    as_user(en_client, people, "planner")
    url = reverse("indicators:indicator_update", args=[indicator.pk])
    indicator_update(indicator=indicator, actor=people.administrator, green_bound=D("78.5"))
    mine = indicator_data(
        indicator.goal, name="HME-index (total)", direction="higher", green_bound="80",
        green_bound_inclusive="on", red_bound="70", target_value="80", version="1",
    )  # fmt: skip
    response = en_client.post(url, mine)
    text = " ".join(response.text.split())
    assert "Someone else saved this while you were editing" in text
    assert "Green from:</span> <del>80</del>" in text
    assert "<ins>78.5</ins>" in text
    assert response.context["form"]["name"].value() == "HME-index (total)"
    indicator.refresh_from_db()
    assert indicator.name == "HME-index"


# --- The live band preview ------------------------------------------------------------------------


def preview(client, plan, language, **data):
    return client.post(
        reverse("indicators:bands_preview", args=[plan.pk]), data,
        headers={"accept-language": language, "hx-request": "true"},
    )  # fmt: skip


def test_the_preview_reads_a_decimal_comma_in_swedish(client, people, plan):
    as_user(client, people, "planner")
    response = preview(
        client, plan, "sv", direction="lower", green_bound="6,5", green_bound_inclusive="on",
        red_bound="7", red_bound_inclusive="on", decimals="1",
    )  # fmt: skip
    assert response.status_code == 200
    assert "<html" not in response.text  # only the fragment
    items = re.findall(
        r'<span class="colour colour--(\w+)">[^<]+</span> <span class="bands__text">(.+?)</span>',
        html.unescape(response.text),
    )
    assert items == [("green", "≤ 6,5"), ("yellow", "> 6,5 och < 7,0"), ("red", "≥ 7,0")]


def test_the_preview_explains_a_red_bound_on_the_wrong_side(client, people, plan):
    as_user(client, people, "planner")
    response = preview(client, plan, "sv", direction="higher", green_bound="80", red_bound="90,5")
    assert (
        "När högre är bättre måste gränsen för rött ligga under gränsen för grönt" in response.text
    )
    assert "rött 90,5 ligger över grönt 80" in response.text
    assert "bands__text" not in response.text


def test_the_preview_in_english_and_with_two_bands(client, people, plan):
    as_user(client, people, "planner")
    response = preview(
        client, plan, "en", direction="higher", green_bound="100", green_bound_inclusive="on"
    )
    texts = re.findall(r'<span class="bands__text">(.+?)</span>', html.unescape(response.text))
    assert texts == ["≥ 100", "< 100"]
    assert "Green" in response.text and "Red" in response.text


def test_the_preview_waits_for_a_green_bound_and_names_bad_numbers(client, people, plan):
    as_user(client, people, "planner")
    waiting = preview(client, plan, "en", direction="higher", green_bound="")
    assert "Write the green bound to see the bands." in waiting.text
    bad = preview(client, plan, "en", direction="higher", green_bound="åtta")
    assert "Green from: Enter a number." in bad.text


def test_the_preview_warns_about_a_target_outside_green(client, people, plan):
    as_user(client, people, "planner")
    response = preview(
        client, plan, "en", direction="higher", green_bound="80", green_bound_inclusive="on",
        target_value="75",
    )  # fmt: skip
    assert "The target 75 lies outside the green band (≥ 80)." in response.text


# --- Reusing a municipality-wide measure ----------------------------------------------------------


@pytest.fixture
def council_measure(organisation, units):
    council = plan_create(
        organisation=organisation, kind="strategy", name="Kommunfullmäktiges mål",
        start_year=2023, end_year=2026, actor=None,
    )  # fmt: skip
    goal = goal_add(plan=council, title="Växande kommun", actor=None)
    return indicator_add(
        goal=goal, name="Nöjd med kommunen som plats att bo på", scope="municipality_wide",
        definition="SCB:s medborgarundersökning", unit="index", scale_max=D(10), decimals=1,
        direction="higher", green_bound=D(8), red_bound=D(7), target_value=D(8), actor=None,
    )  # fmt: skip


def test_a_planner_reuses_a_municipality_wide_measure(client, people, goal, council_measure):
    as_user(client, people, "planner")
    url = reverse("indicators:indicator_create", args=[goal.pk])
    page = client.get(url, {"reuses": council_measure.pk}, headers={"accept-language": "sv"})
    form = page.context["form"]
    assert form["name"].value() == council_measure.name
    assert form["definition"].value() == "SCB:s medborgarundersökning"
    assert str(form["reuses"].value()) == str(council_measure.pk)
    assert 'name="green_bound" value="8"' in page.text
    data = {
        name: ("on" if value is True else "" if value in (None, False) else str(value))
        for name, value in ((field.name, field.value()) for field in form)
    }
    data = {name: value for name, value in data.items() if value != ""}
    data.update(goal=str(goal.pk), green_bound="8", red_bound="7", target_value="8", scale_max="10")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    reused = Indicator.objects.get(goal=goal, name=council_measure.name)
    assert reused.reuses == council_measure
    assert reused.scope == "municipality_wide"


# --- The indicators list --------------------------------------------------------------------------


@pytest.fixture
def coloured(goal, indicator, periods, plan):
    second = goal_add(plan=plan, title="Ökad kvalitet", actor=None)
    waiting = indicator_add(goal=second, name="Väntetid", direction="lower", green_bound=D(9),
                            green_bound_inclusive=False, red_bound=D(20), red_bound_inclusive=False,
                            unit="days", actor=None)  # fmt: skip
    nothing = indicator_add(goal=second, name="Utan värde", green_bound=D(1), actor=None)
    measurement_record(indicator=indicator, period=periods[0], value=D(90), actor=None)
    measurement_record(indicator=indicator, period=periods[1], value=D(65), actor=None)
    measurement_record(indicator=waiting, period=periods[1], value=D(12), actor=None)
    return {"red": indicator, "yellow": waiting, "none": nothing, "second": second}


def names(client, plan, **query):
    table = client.get(reverse("indicators:indicator_list", args=[plan.pk]), query).context["table"]
    return [row.record.name for row in table.paginated_rows]


def test_the_indicators_list_filters_by_goal_scope_and_colour(client, people, plan, coloured):
    as_user(client, people, "committee")
    assert names(client, plan) == ["HME-index", "Väntetid", "Utan värde"]
    assert names(client, plan, latest_colour="red") == ["HME-index"]
    assert names(client, plan, latest_colour="yellow") == ["Väntetid"]
    assert names(client, plan, latest_colour="none") == ["Utan värde"]
    assert names(client, plan, goal=coloured["second"].pk) == ["Väntetid", "Utan värde"]
    assert names(client, plan, scope="municipality_wide") == []
    assert names(client, plan, sort="latest_colour") == ["HME-index", "Väntetid", "Utan värde"]
    assert names(client, plan, sort="-latest_colour") == ["Utan värde", "Väntetid", "HME-index"]


def test_the_indicators_list_shows_colour_with_word_and_period(en_client, people, plan, coloured):
    as_user(en_client, people, "planner")
    page = " ".join(
        en_client.get(reverse("indicators:indicator_list", args=[plan.pk])).text.split()
    )
    assert '<span class="colour colour--red">Red</span>' in page
    assert '65 index <span class="period-label">(T2 2023)</span>' in page
    assert '<span class="colour colour--none">No value</span>' in page


@pytest.mark.parametrize("query", [{}, {"sort": "latest_colour"}, {"latest_colour": "red"}])
def test_the_indicators_list_query_count_does_not_grow(
    client, people, plan, goal, periods, django_assert_num_queries, query
):
    as_user(client, people, "planner")
    url = reverse("indicators:indicator_list", args=[plan.pk])
    first = indicator_add(goal=goal, name="Först", green_bound=D(5), actor=None)
    measurement_record(indicator=first, period=periods[0], value=D(4), actor=None)
    with CaptureQueriesContext(connection) as one:
        client.get(url, query)
    for number in range(30):
        more = indicator_add(goal=goal, name=f"Mått {number}", green_bound=D(5), actor=None)
        measurement_record(indicator=more, period=periods[0], value=D(number), actor=None)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url, query)
    rows = [row.record for row in response.context["table"].paginated_rows]
    if query:  # the reds (values 0-4), the first of them "Först", whatever page they were on
        assert [row.latest_colour for row in rows[:6]] == ["red"] * 6
    else:
        assert len(rows) == 25 and rows[0].name == "Först"


def test_sorted_by_colour_the_pages_follow_one_another(client, people, plan, goal, periods):
    as_user(client, people, "planner")
    for number in range(30):
        more = indicator_add(goal=goal, name=f"Mått {number:02}", green_bound=D(15), actor=None)
        measurement_record(indicator=more, period=periods[0], value=D(number), actor=None)
    first = names(client, plan, sort="latest_colour")
    second = names(client, plan, sort="latest_colour", page=2)
    assert (len(first), len(second)) == (25, 5)
    assert first[:15] == [f"Mått {number:02}" for number in range(15)]  # red, in the list's order
    assert sorted(first + second) == [f"Mått {number:02}" for number in range(30)]


# --- The decided version --------------------------------------------------------------------------


def test_the_decided_version_shows_what_was_decided_and_what_changed_since(
    en_client, people, plan, goal, indicator, activity
):
    decide(plan)
    plan.refresh_from_db()
    plan_set_status(plan=plan, status="draft", actor=people.planner, expected_version=plan.version)
    goal_update(goal=goal, actor=people.planner, title="Friska medarbetare")
    indicator_update(indicator=indicator, actor=people.planner, green_bound=D(75))
    activity_delete(activity=activity, actor=people.planner)

    as_user(en_client, people, "committee")
    page = en_client.get(reverse("authoring:plan_decided", args=[plan.pk])).text
    decided, changed = page.split('id="changed-since"')
    assert "1. Nöjda och friska medarbetare" in decided
    assert "Friska medarbetare</h2>" not in decided
    assert '<span class="band-text">≥ 80</span>' in decided
    assert "Vi utbildar medarbetare i MHFA" in decided
    flat = " ".join(changed.split())
    assert "Green from:</span> <del>80</del>" in flat and "<ins>75</ins>" in flat
    assert "Title:</span> <del>Nöjda och friska medarbetare</del>" in flat
    assert "deleted" in flat and "Anna Testsson" in flat


def test_a_plan_never_decided_has_no_decided_version(client, people, plan):
    as_user(client, people, "planner")
    assert client.get(reverse("authoring:plan_decided", args=[plan.pk])).status_code == 404


def test_the_decided_version_query_count_does_not_grow(
    client, people, plan, goal, indicator, activity, units, django_assert_num_queries
):
    activity_add(goal=goal, title="Med enhet", ongoing=True, unit=units["unit_a"], actor=None)
    decide(plan)
    plan.refresh_from_db()
    plan_set_status(plan=plan, status="draft", actor=None, expected_version=plan.version)
    goal_update(goal=goal, actor=None, title="Ändrad")
    decide(plan)
    plan.refresh_from_db()
    # Reopened and changed: as at the end, the changes since are a list (an empty list of
    # changes since the decision asks the database for no page of them).
    plan_set_status(plan=plan, status="draft", actor=None, expected_version=plan.version)
    as_user(client, people, "planner")
    url = reverse("authoring:plan_decided", args=[plan.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(5):
        more = goal_add(plan=plan, title=f"Mål {number}", actor=None)
        indicator_add(goal=more, name="Mått", green_bound=D(5), actor=None)
        activity_add(goal=more, title="Akt", ongoing=True, unit=units["unit_b"], actor=None)
        goal_update(goal=more, actor=None, title=f"Mål {number} ändrat")
    decide(plan)
    plan.refresh_from_db()
    plan_set_status(plan=plan, status="draft", actor=None, expected_version=plan.version)
    goal_update(goal=goal, actor=None, title="Ändrad igen")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["version"].goals) == 6


def test_a_long_decided_version_is_shown_a_goal_at_a_time(
    en_client, people, plan, goal, indicator, activity, settings
):
    """Above REPORT_WEB_MAX_ROWS rows, as a report's web page: the goals listed, one shown with
    its indicators and activities as decided, the others a link away (the decision kept)."""
    settings.REPORT_WEB_MAX_ROWS = 3
    settings.ASSEMBLED_CACHE_SECONDS = 0  # each page built when asked for: its queries counted
    second = goal_add(plan=plan, title="Trygg arbetsmiljö", actor=None)
    sub_goal = sub_goal_create(goal=second, title="Färre tillbud", actor=None)
    indicator_add(goal=second, name="Antal tillbud", green_bound=D(5), sub_goal=sub_goal,
                  actor=None)  # fmt: skip
    activity_add(goal=second, title="Skyddsronder", ongoing=True, actor=None)
    decide(plan)
    plan.refresh_from_db()
    plan_set_status(plan=plan, status="draft", actor=None, expected_version=plan.version)
    goal_update(goal=second, actor=None, title="Ändrad efter beslutet")
    # Reworded on the goal's page: the same sub-goal.
    sub_goals_set(goal=second, sub_goals=[("", "Ändrad efter beslutet")], actor=None)
    as_user(en_client, people, "committee")
    url = reverse("authoring:plan_decided", args=[plan.pk])

    def goal_shown(query: dict) -> tuple[str, str]:
        page = en_client.get(url, query).text.split('id="changed-since"')[0]
        listed, shown = page.split('id="decided-goals-heading"')[1].split("</nav>", 1)
        return listed, shown

    listed, shown = goal_shown({})
    assert "The decided plan is long (4 indicators and activities)" in listed
    assert f'href="?goal={second.pk}#goal-{second.pk}-heading">2. Trygg arbetsmiljö</a>' in listed
    assert "Vi utbildar medarbetare i MHFA" in shown and "Skyddsronder" not in shown
    assert f'rel="next" class="ds-link" href="?goal={second.pk}' in shown
    # Each goal's page asks the same queries.
    assert _queries(en_client, url, {"goal": second.pk}) == _queries(en_client, url, {})
    listed, shown = goal_shown({"goal": second.pk})
    assert "2. Trygg arbetsmiljö</h2>" in shown  # the title as decided, not as now
    assert "Färre tillbud" in shown and "Ändrad efter beslutet" not in shown
    assert "Skyddsronder" in shown and "Vi utbildar medarbetare i MHFA" not in shown
    assert 'rel="prev"' in shown and 'rel="next"' not in shown
    # An unknown goal: the first, and a word about it.
    listed, shown = goal_shown({"goal": "999999"})
    assert "is not one of the decided plan's" in listed
    assert "Vi utbildar medarbetare i MHFA" in shown
    # Under the limit, the whole plan.
    settings.REPORT_WEB_MAX_ROWS = 4
    page = en_client.get(url).text
    assert 'id="decided-goals-heading"' not in page
    assert "Vi utbildar medarbetare i MHFA" in page and "Skyddsronder" in page


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as counted:
        assert client.get(url, query).status_code == 200
    return len(counted.captured_queries)


def test_what_changed_since_the_decision_is_shown_a_page_at_a_time(
    en_client, people, plan, goal, indicator
):
    goal_update(goal=goal, actor=None, title="Före beslutet")
    decide(plan)
    plan.refresh_from_db()
    plan_set_status(plan=plan, status="draft", actor=None, expected_version=plan.version)
    for number in range(HISTORY_PAGE_SIZE + 4):
        indicator = indicator_update(
            indicator=indicator, actor=people.planner, name=f"Mått {number}"
        )
    as_user(en_client, people, "committee")
    url = reverse("authoring:plan_decided", args=[plan.pk])

    first = en_client.get(url)
    last = en_client.get(url, {"page": 2})

    # The plan reopened, and the indicator renamed again and again: all after the decision.
    assert "It has been changed 55 times since" in " ".join(first.text.split())
    assert (len(first.context["changes"]), len(last.context["changes"])) == (50, 5)
    assert first.context["changes"][0].changes[0].new == f"Mått {HISTORY_PAGE_SIZE + 3}"
    assert last.context["changes"][-1].model_name == "plan"  # reopened: the first change since
    assert "Före beslutet" not in " ".join(
        entry.object_label for entry in first.context["changes"] + last.context["changes"]
    )
    assert 'href="?page=2#changed-since"' in first.text


def test_the_structure_links_to_follow_up_transfer_and_open_data(client, people, plan):
    url = reverse("authoring:plan_structure", args=[plan.pk])
    links = {
        reverse("reports:overview", args=[plan.pk]),
        reverse("transfer:plan_transfer", args=[plan.pk]),
        reverse("opendata:plan_sync_runs", args=[plan.pk]),
    }
    client.force_login(people.planner)
    page = client.get(url).text
    assert all(f'href="{link}"' in page for link in links)
    client.force_login(people.committee)
    page = client.get(url).text
    assert f'href="{reverse("transfer:plan_transfer", args=[plan.pk])}"' not in page
    assert f'href="{reverse("reports:overview", args=[plan.pk])}"' in page


def test_a_planner_copies_the_plan_to_the_next_period(client, people, plan, goal, indicator):
    url = reverse("authoring:plan_roll_over", args=[plan.pk])
    client.force_login(people.planner)
    assert client.get(url).status_code == 405
    response = client.post(url)
    new = Plan.objects.get(start_year=2024)
    assert response.status_code == 302
    assert response["Location"] == reverse("authoring:plan_structure", args=[new.pk])
    assert (new.status, new.rolled_over_from) == ("draft", plan)
    assert Indicator.objects.get(goal__plan=new).predecessor == indicator
    again = client.post(url, follow=True)
    assert Plan.objects.filter(start_year=2024).count() == 1
    assert 'data-color="danger"' in again.text


@pytest.mark.parametrize("role", ["committee", "own_manager", "other_manager"])
def test_only_editors_copy_a_plan(client, people, plan, role):
    client.force_login(getattr(people, role))
    assert client.post(reverse("authoring:plan_roll_over", args=[plan.pk])).status_code == 404
    assert not Plan.objects.filter(start_year=2024).exists()
