"""The read-only overview of a plan: it renders the follow-up report's assembly (see
test_overview_agrees for the two pages side by side), and the trend rule behind it."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from goals.evaluation import months
from goals.services import activity_create, activity_status_set, goal_create, goal_follow_up_save
from indicators.models import Indicator, Measurement
from indicators.services import indicator_create, measurement_record
from planning.models import Plan, Role
from planning.services import membership_grant, organisation_create, periods_ensure_year
from reports.selectors import Change, follow_up_report
from reports.selectors.overview import overview_period, overview_periods
from reports.selectors.values import compare
from tests.deadlines import month_end
from tests.reports import test_views_reporting as shared

# Fixtures shared with test_views_reporting (pytest finds them by name in this module).
administrator = shared.administrator
committee_member = shared.committee_member
decided_plan = shared.decided_plan
make_user = shared.make_user
manager = shared.manager
other_manager = shared.other_manager
planner = shared.planner
report_goal = shared.report_goal
sick_leave = shared.sick_leave
t2 = shared.t2
whole = shared.whole

ENGLISH = {"accept-language": "en"}
D = Decimal


# --- The trend rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "direction", "expected"),
    [
        ("85", "80", "higher", Change.BETTER),
        ("75", "80", "higher", Change.WORSE),
        ("6.4", "7.8", "lower", Change.BETTER),
        ("7.8", "6.4", "lower", Change.WORSE),
        ("6.4", "6.40", "lower", Change.UNCHANGED),
        ("80", "80", "higher", Change.UNCHANGED),
        ("-1850", "150", "higher", Change.WORSE),
    ],
)
def test_trend_takes_the_direction_into_account(current, previous, direction, expected):
    indicator = Indicator(direction=direction)
    found = compare(indicator, D(current), Measurement(value=D(previous)), "T1 2023")
    assert found.change == expected


@pytest.mark.parametrize(("current", "previous"), [(None, D("1")), (D("1"), None), (None, None)])
def test_no_trend_without_two_values(current, previous):
    found = compare(Indicator(direction="higher"), current, Measurement(value=previous), "T1")
    assert (found.change, found.arrow) == (Change.NONE, "")


# --- What the overview shows ---------------------------------------------------------------------


@pytest.fixture
def followed_up(decided_plan, periods, sick_leave, whole, planner):
    """Sick leave 7,8 in T1 and 6,4 in T2; the MHFA activity delayed in T2."""
    t1, t2 = periods[0], periods[1]
    measurement_record(indicator=sick_leave, period=t1, value=D("7.8"), actor=planner)
    measurement_record(
        indicator=sick_leave, period=t2, value=D("6.4"), comment="Har minskat.", actor=planner
    )
    activity_status_set(activity=whole, period=t2, status="delayed", comment="Sjuk", actor=planner)
    return decided_plan


def _row(plan, period):
    return follow_up_report(plan, period).goals[0].indicators[0]


def test_overview_defaults_to_the_latest_period_with_data(followed_up, periods):
    assert overview_period(overview_periods(followed_up), None) == periods[1]
    row = _row(followed_up, periods[1])
    assert row.value == D("6.4")
    assert row.colour == "yellow"
    assert row.previous.change == Change.BETTER
    assert row.previous.arrow == "▼"
    assert row.previous.period_label == "T1 2023"


def test_overview_without_data_opens_the_open_period(decided_plan, t2):
    assert overview_period(overview_periods(decided_plan), None) == t2


def test_overview_of_an_earlier_period_has_no_trend(followed_up, periods):
    row = _row(followed_up, periods[0])
    assert (row.value, row.previous.change) == (D("7.8"), Change.NONE)
    assert row.colour == "red"


def test_overview_shows_the_latest_earlier_value_when_the_period_has_none(followed_up, periods):
    row = _row(followed_up, periods[2])
    assert row.value == D("6.4")
    assert (row.is_carried, row.value_period_label) == (True, "T2 2023")


def test_trend_runs_across_plans_through_the_predecessor(organisation, units):
    from planning.services import plan_create

    old = plan_create(
        organisation=organisation, owner_unit=units["operation"], kind=Plan.Kind.OPERATIONAL_PLAN,
        name="VP 2022", start_year=2022, end_year=2022, actor=None,
    )  # fmt: skip
    new = plan_create(
        organisation=organisation, owner_unit=units["operation"], kind=Plan.Kind.OPERATIONAL_PLAN,
        name="VP 2023", start_year=2023, end_year=2023, actor=None,
    )  # fmt: skip
    year_2022 = periods_ensure_year(organisation=organisation, year=2022, actor=None)
    year_2023 = periods_ensure_year(organisation=organisation, year=2023, actor=None)
    hme_old = indicator_create(
        goal=goal_create(plan=old, number=1, title="Medarbetare", actor=None),
        name="HME", green_bound=D("80"), red_bound=D("70"), actor=None,
    )  # fmt: skip
    hme_new = indicator_create(
        goal=goal_create(plan=new, number=1, title="Medarbetare", actor=None),
        name="HME", green_bound=D("80"), red_bound=D("70"), predecessor=hme_old, actor=None,
    )  # fmt: skip
    measurement_record(indicator=hme_old, period=year_2022[2], value=D("82"), actor=None)
    measurement_record(indicator=hme_new, period=year_2023[0], value=D("78"), actor=None)
    period = overview_period(overview_periods(new), None)
    assert period == year_2023[0]
    row = _row(new, period)
    assert row.previous.change == Change.WORSE
    assert row.previous.period_label == "T3 2022"


def test_activity_progress_counts_the_periods_activities(
    followed_up, periods, report_goal, english
):
    done = activity_create(
        goal=report_goal,
        title="Klar",
        due_on=month_end(5),
        evaluated_months=months(8, 12),
        actor=None,
    )
    activity_create(goal=report_goal, title="Ej rapporterad", ongoing=True,
                    evaluated_months=months(8, 12), actor=None)  # fmt: skip
    activity_create(goal=report_goal, title="Bara årsbokslut", due_on=month_end(12), actor=None)
    activity_status_set(activity=done, period=periods[1], status="done", actor=None)
    goal = follow_up_report(followed_up, periods[1]).goals[0]
    assert goal.activities_total == 3
    assert goal.activities_done == 1
    assert goal.status_counts == (("Delayed", 1), ("not reported", 1))


# --- The page ------------------------------------------------------------------------------------


def overview_url(plan, period=None):
    args = [plan.pk] if period is None else [plan.pk, period.pk]
    return reverse("reports:overview", args=args)


def test_anonymous_user_is_sent_to_log_in(client, decided_plan):
    response = client.get(overview_url(decided_plan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_committee_member_reads_colours_values_targets_and_trends(
    client, committee_member, followed_up, sick_leave, periods
):
    client.force_login(committee_member)
    response = client.get(overview_url(followed_up))
    assert response.status_code == 200
    text = response.text
    assert '<span class="colour colour--yellow" data-fact="colour">Gul</span>' in text
    assert "6,4\u00a0%" in text  # Swedish number and unit
    assert "7,8\u00a0%" in text  # the previous value of the trend
    assert re.search(r'trend--better"><span class="trend__arrow" aria-hidden="true">▼</span>', text)
    english = client.get(overview_url(followed_up), headers=ENGLISH).text
    assert re.search(r"▼</span> <span data-fact=\"trend\" data-change=\"better\">Better<", english)
    # The trend says what it compared: the previous period, by its name.
    assert (
        '<span data-fact="trend-basis">compared with Tertial 1 2023 (previous period)</span>: '
        "7.8\u00a0%"
    ) in english
    assert '<progress id="progress-' in english
    assert "0 of 1 done" in english
    assert 'aria-current="page">Tertial 2 2023' in english


def test_overview_shows_the_goals_assessment(client, committee_member, followed_up, report_goal,
                                             periods):  # fmt: skip
    goal_follow_up_save(
        goal=report_goal, period=periods[1], assessment="uncertain",
        analysis="Sjukfrånvaron minskar men målet nås inte.", actor=None,
    )  # fmt: skip
    client.force_login(committee_member)
    text = client.get(overview_url(followed_up), headers=ENGLISH).text
    assert "Uncertain" in text
    assert "Sjukfrånvaron minskar men målet nås inte." in text


@pytest.mark.parametrize("who", ["manager", "planner", "administrator", "committee_member"])
def test_everyone_who_reads_the_plan_reads_the_overview(client, request, who, followed_up):
    client.force_login(request.getfixturevalue(who))
    assert client.get(overview_url(followed_up)).status_code == 200


def test_user_who_cannot_read_the_plan_gets_404(client, followed_up, organisation):
    from planning.services import unit_create

    school = unit_create(organisation=organisation, name="Skola", kind="operation", actor=None)
    outsider = get_user_model().objects.create_user("outsider")
    membership_grant(
        user=outsider, organisation=organisation, unit=school, role=Role.COMMITTEE_MEMBER,
        actor=None,
    )  # fmt: skip
    client.force_login(outsider)
    assert client.get(overview_url(followed_up)).status_code == 404


def test_period_of_another_organisation_is_404(client, committee_member, followed_up):
    other = organisation_create(name="Annan kommun", actor=None)
    foreign = periods_ensure_year(organisation=other, year=2023, actor=None)[0]
    client.force_login(committee_member)
    assert client.get(overview_url(followed_up, foreign)).status_code == 404


def test_overview_is_read_only(client, committee_member, followed_up):
    client.force_login(committee_member)
    text = client.get(overview_url(followed_up)).text
    assert "<form" not in text.split('<main id="main"')[1].split("</main>")[0]
    assert client.post(overview_url(followed_up)).status_code == 405


def test_overview_queries_do_not_grow_with_goals(
    client, committee_member, followed_up, periods, django_assert_num_queries,
    django_assert_max_num_queries, settings,
):  # fmt: skip
    settings.ASSEMBLED_CACHE_SECONDS = 0  # assembled at every request (test_kept_reports: kept)
    client.force_login(committee_member)
    client.get(overview_url(followed_up))
    with django_assert_max_num_queries(50) as one:
        client.get(overview_url(followed_up))
    for number in range(2, 31):
        goal = goal_create(plan=followed_up, number=number, title=f"Mål {number}", actor=None)
        activity = activity_create(
            goal=goal,
            title=f"Aktivitet {number}",
            due_on=month_end(6),
            evaluated_months=months(8, 12),
            actor=None,
        )
        activity_status_set(activity=activity, period=periods[1], status="done", actor=None)
        indicator = indicator_create(
            goal=goal, name=f"Indikator {number}", green_bound=D("5"), actor=None
        )
        measurement_record(indicator=indicator, period=periods[0], value=D("3"), actor=None)
        measurement_record(indicator=indicator, period=periods[1], value=D("6"), actor=None)
        goal_follow_up_save(goal=goal, period=periods[1], assessment="achieved", analysis="Bra",
                            actor=None)  # fmt: skip
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(overview_url(followed_up))
    assert response.text.count('class="overview-goal"') == 30


def test_overview_links_to_the_periods_report(client, committee_member, followed_up, periods):
    client.force_login(committee_member)
    text = client.get(overview_url(followed_up)).text
    assert reverse("reports:report", args=[followed_up.pk, periods[1].pk]) in text
    assert reverse("reports:pdf", args=[followed_up.pk, periods[1].pk]) in text
