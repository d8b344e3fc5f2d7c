"""The unit manager's reporting page: who reports what, the rules, htmx rows and their fallback."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.versioning import save_validated
from goals.evaluation import months
from goals.models import ActivityStatus
from goals.services import activity_create, activity_status_set, goal_create
from indicators.models import Measurement
from indicators.services import indicator_create, measurement_record
from planning.models import Plan, Role
from planning.services import membership_grant, period_set_open
from reports.selectors.reporting import PAGE_SIZE
from tests.deadlines import month_end

ENGLISH = {"accept-language": "en"}
HTMX = {"HX-Request": "true", "accept-language": "en"}


# --- Fixtures (also used by the other view tests of this folder) --------------------------------


@pytest.fixture
def decided_plan(plan):
    plan.status = Plan.Status.DECIDED
    plan.decision_date = datetime.date(2022, 11, 29)
    return save_validated(plan, actor=None)


@pytest.fixture
def t2(periods):
    """T2 2023, open for reporting (May–August)."""
    return period_set_open(period=periods[1], is_open=True, actor=None)


@pytest.fixture
def make_user(organisation):
    def make(username, role=None, unit=None):
        user = get_user_model().objects.create_user(
            username, password="pw", first_name=username.capitalize(), last_name="Test"
        )
        if role:
            membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=None)
        return user

    return make


@pytest.fixture
def manager(make_user, units):
    """Unit manager of Hemtjänst (unit_a), below the plan's owner Omsorgsverksamheten."""
    return make_user("manager", Role.UNIT_MANAGER, units["unit_a"])


@pytest.fixture
def other_manager(make_user, units):
    """Unit manager of IFO (unit_b)."""
    return make_user("ifo", Role.UNIT_MANAGER, units["unit_b"])


@pytest.fixture
def committee_member(make_user, units):
    return make_user("ledamot", Role.COMMITTEE_MEMBER, units["committee"])


@pytest.fixture
def planner(make_user, units):
    return make_user("planner", Role.PLANNER, units["operation"])


@pytest.fixture
def administrator(make_user):
    return make_user("admin", Role.ADMINISTRATOR)


@pytest.fixture
def report_goal(decided_plan):
    return goal_create(
        plan=decided_plan, number=1, title="Nöjda och friska medarbetare", actor=None
    )


@pytest.fixture
def whole(report_goal):
    """For all managers (no unit), due in June, reported in the interim reports."""
    return activity_create(
        goal=report_goal,
        title="Vi utbildar medarbetare i MHFA",
        responsible_role="Alla chefer",
        due_on=month_end(6),
        evaluated_months=months(4, 8),
        actor=None,
    )


@pytest.fixture
def own(report_goal, units):
    """Hemtjänst's own activity, ongoing."""
    return activity_create(
        goal=report_goal,
        title="Nyckelfria lås i hemtjänsten",
        unit=units["unit_a"],
        ongoing=True,
        evaluated_months=months(8, 12),
        actor=None,
    )


@pytest.fixture
def others(report_goal, units):
    """IFO's activity, which the Hemtjänst manager must not see."""
    return activity_create(
        goal=report_goal,
        title="Snabbare utredningar inom IFO",
        unit=units["unit_b"],
        ongoing=True,
        evaluated_months=months(8, 12),
        actor=None,
    )


@pytest.fixture
def sick_leave(report_goal):
    """Lower is better: green ≤ 6,0, red ≥ 7,0, one decimal."""
    return indicator_create(
        goal=report_goal,
        name="Total sjukfrånvaro",
        unit="percent",
        decimals=1,
        direction="lower",
        green_bound=Decimal("6"),
        green_bound_inclusive=True,
        red_bound=Decimal("7"),
        red_bound_inclusive=True,
        target_value=Decimal("6"),
        actor=None,
    )


def status_url(period, activity):
    return reverse("reports:activity_status", args=[period.pk, activity.pk])


def value_url(period, indicator):
    return reverse("reports:measurement", args=[period.pk, indicator.pk])


# --- Who sees and reports what -------------------------------------------------------------------


def test_anonymous_user_is_sent_to_log_in(client, t2, whole):
    response = client.get(reverse("reports:reporting"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.post(status_url(t2, whole), {"status": "done", "expected_version": 0})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ActivityStatus.objects.exists()


def test_anonymous_htmx_post_reloads_the_login_page(client, t2, whole):
    response = client.post(
        status_url(t2, whole), {"status": "done", "expected_version": 0}, headers=HTMX
    )
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_unit_manager_sees_own_and_whole_operation_activities_not_another_units(
    client, manager, t2, whole, own, others, sick_leave
):
    client.force_login(manager)
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert whole.title in page
    assert own.title in page
    assert others.title not in page
    assert "All of Omsorgsverksamheten" in page
    assert sick_leave.name in page


def test_an_activity_another_unit_names_the_manager_responsible_for_is_shown_to_read(
    client, manager, t2, report_goal, units, others
):
    # Two activities of one unit not the manager's: one names the manager as responsible.
    named = activity_create(
        goal=report_goal, title="Samverkan med hemtjänsten", unit=units["unit_b"],
        responsible_user=manager, ongoing=True, evaluated_months=months(8, 12), actor=None,
    )  # fmt: skip
    client.force_login(manager)
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert named.title in page
    assert others.title not in page
    # Read, not written: the unit's managers report it.
    assert status_url(t2, named) not in page


def test_activities_not_evaluated_in_the_period_are_left_out(client, manager, t2, report_goal):
    year_end_only = activity_create(
        goal=report_goal, title="Fysiska skyddsronder", due_on=month_end(12), actor=None
    )
    client.force_login(manager)
    assert year_end_only.title not in client.get(reverse("reports:reporting")).text


def test_draft_plans_are_not_reported(client, manager, t2, plan, goal):
    draft_activity = activity_create(
        goal=goal,
        title="Utkastets aktivitet",
        due_on=month_end(6),
        evaluated_months=months(8, 12),
        actor=None,
    )
    client.force_login(manager)
    assert draft_activity.title not in client.get(reverse("reports:reporting")).text
    response = client.post(status_url(t2, draft_activity), {"status": "done"})
    assert response.status_code == 404


def test_unit_manager_ticks_off_an_activity_with_one_post(client, manager, t2, own):
    client.force_login(manager)
    response = client.post(status_url(t2, own), {"status": "done", "expected_version": 0})
    assert response.status_code == 302
    status = ActivityStatus.objects.get(activity=own, period=t2)
    assert status.status == "done"
    assert status.reported_by == manager
    assert status.history.first().history_user == manager


def test_unit_manager_reports_the_whole_operations_activity(client, manager, t2, whole):
    client.force_login(manager)
    response = client.post(
        status_url(t2, whole), {"status": "done", "comment": "", "expected_version": 0}
    )
    assert response.status_code == 302
    assert ActivityStatus.objects.get(activity=whole, period=t2).status == "done"


def test_unit_manager_of_another_unit_gets_404_on_its_activities(client, other_manager, t2, own):
    client.force_login(other_manager)
    response = client.post(status_url(t2, own), {"status": "done", "expected_version": 0})
    assert response.status_code == 404
    assert not ActivityStatus.objects.exists()


def test_committee_member_cannot_report(client, committee_member, t2, whole, sick_leave):
    client.force_login(committee_member)
    page = client.get(reverse("reports:reporting"), headers=ENGLISH)
    assert page.status_code == 200
    assert whole.title not in page.text
    assert client.post(status_url(t2, whole), {"status": "done"}).status_code == 404
    assert client.post(value_url(t2, sick_leave), {"value": "6"}).status_code == 404
    assert not ActivityStatus.objects.exists()
    assert not Measurement.objects.exists()


def test_user_of_another_organisation_gets_404(client, t2, whole, django_user_model):
    from planning.services import organisation_create

    elsewhere = organisation_create(name="Annan kommun", actor=None)
    stranger = django_user_model.objects.create_user("stranger")
    membership_grant(user=stranger, organisation=elsewhere, role=Role.ADMINISTRATOR, actor=None)
    client.force_login(stranger)
    assert client.post(status_url(t2, whole), {"status": "done"}).status_code == 404


@pytest.mark.parametrize("who", ["planner", "administrator"])
def test_planner_and_administrator_report_every_units_activities(
    client, request, who, t2, own, others
):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("reports:reporting")).text
    assert own.title in page and others.title in page
    response = client.post(status_url(t2, others), {"status": "in_progress", "expected_version": 0})
    assert response.status_code == 302
    assert ActivityStatus.objects.get(activity=others, period=t2).status == "in_progress"


def test_endpoints_are_post_only(client, manager, t2, own, sick_leave):
    client.force_login(manager)
    assert client.get(status_url(t2, own)).status_code == 405
    assert client.get(value_url(t2, sick_leave)).status_code == 405
    assert client.get(reverse("reports:band_preview", args=[sick_leave.pk])).status_code == 405


def test_posts_need_the_csrf_token(manager, t2, own):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(status_url(t2, own), {"status": "done", "expected_version": 0})
    assert response.status_code == 403
    assert not ActivityStatus.objects.exists()


def test_no_open_period_says_so(client, manager, periods, own):
    client.force_login(manager)
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert "No follow-up period is open for reporting" in page
    assert own.title not in page


# --- The status buttons --------------------------------------------------------------------------


def test_current_status_button_is_pressed(client, manager, t2, own):
    activity_status_set(activity=own, period=t2, status="in_progress", actor=None)
    client.force_login(manager)
    page = client.get(reverse("reports:reporting")).text
    key = f"activity-{t2.pk}-{own.pk}"
    pressed = re.findall(rf'id="{key}-(\w+)"[^>]*aria-pressed="true"', page)
    not_pressed = re.findall(rf'id="{key}-(\w+)"[^>]*aria-pressed="false"', page)
    assert pressed == ["in_progress"]
    assert sorted(not_pressed) == ["cancelled", "delayed", "done", "not_started"]


# --- The required comment ------------------------------------------------------------------------


def test_activity_due_and_not_done_needs_a_comment(client, manager, t2, whole):
    client.force_login(manager)
    response = client.post(
        status_url(t2, whole),
        {"status": "delayed", "comment": "  ", "expected_version": 0},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "The activity was due by June 2023: write in the comment why" in response.text
    assert "autofocus" in response.text
    assert not ActivityStatus.objects.exists()

    response = client.post(
        status_url(t2, whole),
        {"status": "delayed", "comment": "Kursledaren blev sjuk.", "expected_version": 0},
        headers=HTMX,
    )
    assert response.status_code == 200
    status = ActivityStatus.objects.get(activity=whole, period=t2)
    assert (status.status, status.comment) == ("delayed", "Kursledaren blev sjuk.")


def test_activity_due_and_done_needs_no_comment(client, manager, t2, whole):
    client.force_login(manager)
    client.post(status_url(t2, whole), {"status": "done", "expected_version": 0})
    assert ActivityStatus.objects.get(activity=whole, period=t2).status == "done"


def test_activity_not_yet_due_needs_no_comment(client, manager, periods, whole):
    t1 = period_set_open(period=periods[0], is_open=True, actor=None)  # ends in April
    client.force_login(manager)
    client.post(status_url(t1, whole), {"status": "not_started", "expected_version": 0})
    assert ActivityStatus.objects.get(activity=whole, period=t1).status == "not_started"


def test_required_comment_without_javascript_shows_the_page_with_the_message(
    client, manager, t2, whole
):
    client.force_login(manager)
    response = client.post(
        status_url(t2, whole), {"status": "cancelled", "expected_version": 0}, headers=ENGLISH
    )
    assert response.status_code == 200
    assert "<html" in response.text
    assert "The activity was due by June 2023: write in the comment why" in response.text
    assert not ActivityStatus.objects.exists()


# --- htmx rows and the fallback without JavaScript ------------------------------------------------


def test_htmx_post_answers_with_the_row_only(client, manager, t2, own, whole):
    client.force_login(manager)
    response = client.post(
        status_url(t2, own), {"status": "done", "expected_version": 0}, headers=HTMX
    )
    assert response.status_code == 200
    text = response.text
    assert "<html" not in text
    assert text.count('<li class="report-row') == 1
    assert f'id="activity-{t2.pk}-{own.pk}"' in text
    assert whole.title not in text
    assert f'id="activity-{t2.pk}-{own.pk}-done"' in text
    assert 'aria-pressed="true"' in text
    assert 'hx-swap-oob="innerHTML"' in text  # the screen-reader announcement
    # The next save is based on the new version.
    assert 'name="expected_version" value="1"' in text


def test_post_without_javascript_redirects_back_to_the_row(client, manager, t2, own):
    client.force_login(manager)
    response = client.post(
        status_url(t2, own), {"status": "done", "expected_version": 0}, headers=ENGLISH
    )
    assert response.status_code == 302
    # Back to the page of the period that holds the row (`at`), at the row.
    assert response["Location"] == (
        f"{reverse('reports:reporting')}?period={t2.pk}&at=activity-{own.pk}"
        f"#activity-{t2.pk}-{own.pk}"
    )
    page = client.get(response["Location"], headers=ENGLISH).text
    assert "Saved:" in page
    assert f'id="activity-{t2.pk}-{own.pk}"' in page


# --- Conflicts and closed periods -----------------------------------------------------------------


def test_conflicting_status_shows_who_changed_it_and_keeps_the_input(
    client, manager, planner, t2, own
):
    activity_status_set(activity=own, period=t2, status="in_progress", actor=None)
    # The manager loaded version 1; the planner saves meanwhile (version 2).
    activity_status_set(
        activity=own, period=t2, status="delayed", comment="Leverantören är sen.", actor=planner
    )
    client.force_login(manager)
    response = client.post(
        status_url(t2, own),
        {"status": "done", "comment": "Klart i juli.", "expected_version": 1},
        headers=HTMX,
    )
    assert response.status_code == 200
    text = response.text
    assert "Planner Test changed this report" in text
    assert "Delayed" in text
    assert "Leverantören är sen." in text
    assert "Klart i juli." in text  # the user's comment is kept
    assert 'name="expected_version" value="2"' in text  # saving again replaces theirs
    status = ActivityStatus.objects.get(activity=own, period=t2)
    assert (status.status, status.reported_by) == ("delayed", planner)


def test_report_created_meanwhile_is_a_conflict(client, manager, planner, t2, own):
    client.force_login(manager)
    activity_status_set(activity=own, period=t2, status="delayed", comment="x", actor=planner)
    response = client.post(
        status_url(t2, own), {"status": "done", "expected_version": 0}, headers=HTMX
    )
    assert "Planner Test changed this report" in response.text
    assert ActivityStatus.objects.get(activity=own, period=t2).status == "delayed"


def test_closed_period_refuses_reports_with_a_message(client, manager, periods, own, sick_leave):
    t2 = periods[1]  # closed
    client.force_login(manager)
    response = client.post(
        status_url(t2, own), {"status": "done", "expected_version": 0}, headers=HTMX
    )
    assert response.status_code == 200
    assert "T2 2023 is closed for reporting: nothing was saved." in response.text
    assert "<form" not in response.text
    response = client.post(
        value_url(t2, sick_leave), {"value": "6", "expected_version": 0}, headers=ENGLISH
    )
    assert response.status_code == 302
    assert not ActivityStatus.objects.exists()
    assert not Measurement.objects.exists()
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert "T2 2023 is closed for reporting" in page


def test_a_refused_post_shows_the_row_as_stored(client, manager, planner, t2, whole, sick_leave):
    # The views read what is stored only when they save nothing (the service reads it again).
    activity_status_set(activity=whole, period=t2, status="in_progress", actor=planner)
    measurement_record(indicator=sick_leave, period=t2, value=Decimal("6"), actor=planner)
    # The plan's value is the owner's to write: the planner's (the manager writes their unit's).
    for person, url, data, refusal in (
        (manager, status_url(t2, whole), {"status": "delayed", "expected_version": 1},
         "write in the comment why"),
        (planner, value_url(t2, sick_leave), {"value": "sex", "expected_version": 1},
         "Enter a number."),
    ):  # fmt: skip
        client.force_login(person)
        text = client.post(url, data, headers=HTMX).text
        assert refusal in text, url
        assert 'data-reported="true"' in text, url
        assert "Planner Test" in text, url


def test_a_closed_period_shows_the_row_as_stored(client, manager, planner, periods, whole):
    t2 = period_set_open(period=periods[1], is_open=True, actor=None)
    activity_status_set(activity=whole, period=t2, status="in_progress", actor=planner)
    t2 = period_set_open(period=t2, is_open=False, actor=None)
    client.force_login(manager)
    text = client.post(
        status_url(t2, whole), {"status": "done", "expected_version": 1}, headers=HTMX
    ).text
    assert "closed for reporting: nothing was saved." in text
    assert 'data-reported="true"' in text
    assert "Planner Test" in text


@pytest.mark.parametrize("kind", ["status", "value"])
def test_a_save_reads_the_stored_row_once(client, manager, planner, t2, whole, sick_leave, kind):
    activity_status_set(activity=whole, period=t2, status="in_progress", actor=planner)
    measurement_record(indicator=sick_leave, period=t2, value=Decimal("6"), actor=planner)
    client.force_login(manager if kind == "status" else planner)
    if kind == "status":
        url, data = status_url(t2, whole), {"status": "done", "expected_version": 1}
        table = "goals_activitystatus"
    else:
        url, data = value_url(t2, sick_leave), {"value": "5", "expected_version": 1}
        table = "indicators_measurement"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, headers=HTMX)
    assert "Saved:" in response.text
    reads = [
        query["sql"]
        for query in queries
        if re.search(rf'^SELECT .* FROM "{table}" (WHERE|LEFT|INNER)', query["sql"])
    ]
    assert len(reads) == 1, reads


# --- Indicator values ---------------------------------------------------------------------------


def test_decimal_comma_is_stored_and_shown_in_swedish(client, manager, t2, sick_leave):
    client.force_login(manager)
    response = client.post(
        value_url(t2, sick_leave),
        {"value": "6,4", "comment": "Lägre än i våras.", "source": "Previa", "expected_version": 0},
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get(indicator=sick_leave, period=t2)
    assert measurement.value == Decimal("6.4")
    assert measurement.unit.name == "Hemtjänst"  # below the owner: their own unit's value
    assert measurement.entered_by == manager
    assert (measurement.comment, measurement.source) == ("Lägre än i våras.", "Previa")
    page = client.get(reverse("reports:reporting")).text
    assert 'value="6,4"' in page
    assert "6,4\u00a0%" in page


def test_english_uses_the_decimal_point(client, manager, t2, sick_leave):
    client.force_login(manager)
    client.post(value_url(t2, sick_leave), {"value": "6.4", "expected_version": 0}, headers=ENGLISH)
    assert Measurement.objects.get(indicator=sick_leave, period=t2).value == Decimal("6.4")


def test_value_with_spaces_and_minus_sign_is_understood(client, manager, t2, report_goal):
    budget = indicator_create(
        goal=report_goal, name="Budgetavvikelse", unit="other", unit_label="tkr",
        green_bound=Decimal("0"), actor=None,
    )  # fmt: skip
    client.force_login(manager)
    client.post(value_url(t2, budget), {"value": "\u22121\u00a0850", "expected_version": 0})
    assert Measurement.objects.get(indicator=budget).value == Decimal("-1850")


def test_value_that_is_not_a_number_is_refused_next_to_the_field(client, manager, t2, sick_leave):
    client.force_login(manager)
    response = client.post(
        value_url(t2, sick_leave), {"value": "sex", "expected_version": 0}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Enter a number." in response.text
    assert 'aria-invalid="true"' in response.text or "_error" in response.text
    assert not Measurement.objects.exists()


def test_value_row_answers_htmx_with_the_row_and_its_band(client, manager, t2, sick_leave):
    client.force_login(manager)
    response = client.post(
        value_url(t2, sick_leave), {"value": "6.8", "expected_version": 0}, headers=HTMX
    )
    text = response.text
    assert "<html" not in text
    assert f'id="indicator-{t2.pk}-{sick_leave.pk}"' in text
    assert 'class="colour colour--yellow"' in text
    assert "(&gt; 6.0 and &lt; 7.0)" in text  # English: the request asked for it


def test_conflicting_value_shows_their_value_and_keeps_mine(
    client, manager, planner, t2, sick_leave, units
):
    measurement_record(
        indicator=sick_leave, period=t2, unit=units["unit_a"], value=Decimal("6.8"),
        actor=planner,
    )  # fmt: skip
    client.force_login(manager)
    response = client.post(
        value_url(t2, sick_leave),
        {"value": "6.1", "comment": "Min siffra", "expected_version": 0},
        headers=HTMX,
    )
    text = response.text
    assert "Planner Test saved the value 6.8" in text
    assert "colour--yellow" in text
    assert 'value="6.1"' in text and "Min siffra" in text
    assert Measurement.objects.get(indicator=sick_leave, period=t2).value == Decimal("6.8")


def test_empty_value_records_a_missing_figure(client, manager, t2, sick_leave):
    client.force_login(manager)
    client.post(
        value_url(t2, sick_leave),
        {"value": "", "comment": "Previa levererar i september.", "expected_version": 0},
    )
    assert Measurement.objects.get(indicator=sick_leave, period=t2).value is None


# --- The band preview ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "colour", "word", "band"),
    [
        ("6,4", "yellow", "Gul", "(> 6,0 och < 7,0)"),
        ("5,9", "green", "Grön", "(≤ 6,0)"),
        ("7", "red", "Röd", "(≥ 7,0)"),
    ],
)
def test_band_preview_shows_colour_word_and_band(
    client, manager, sick_leave, typed, colour, word, band
):
    client.force_login(manager)
    response = client.post(reverse("reports:band_preview", args=[sick_leave.pk]), {"value": typed})
    assert response.status_code == 200
    assert f'<span class="colour colour--{colour}">{word}</span>' in response.text
    assert band in html.unescape(response.text)
    assert "<html" not in response.text


def test_band_preview_of_no_number_says_what_to_write(client, manager, sick_leave):
    client.force_login(manager)
    response = client.post(
        reverse("reports:band_preview", args=[sick_leave.pk]),
        {"value": "abc"},
        headers=ENGLISH,
    )
    assert "Write a number, for example 6.0." in response.text


def test_band_preview_of_an_unreadable_plan_is_404(client, other_manager, organisation, sick_leave):
    from planning.services import unit_create

    school = unit_create(organisation=organisation, name="Skola", kind="operation", actor=None)
    outsider = get_user_model().objects.create_user("outsider")
    membership_grant(
        user=outsider, organisation=organisation, unit=school, role=Role.UNIT_MANAGER, actor=None
    )
    client.force_login(outsider)
    response = client.post(reverse("reports:band_preview", args=[sick_leave.pk]), {"value": "6"})
    assert response.status_code == 404


# --- Query counts --------------------------------------------------------------------------------


def _add_goals(plan, units, start, count):
    for number in range(start, start + count):
        goal = goal_create(plan=plan, number=number, title=f"Mål {number}", actor=None)
        activity_create(
            goal=goal, title=f"Aktivitet {number}", due_on=month_end(6),
            evaluated_months=months(8, 12),
            unit=units["unit_a"], actor=None,
        )  # fmt: skip
        activity_create(
            goal=goal,
            title=f"Gemensam {number}",
            ongoing=True,
            evaluated_months=months(8, 12),
            actor=None,
        )
        indicator_create(
            goal=goal, name=f"Indikator {number}", green_bound=Decimal("5"), actor=None
        )


def test_reporting_page_queries_do_not_grow_with_goals(
    client,
    manager,
    t2,
    decided_plan,
    units,
    django_assert_num_queries,
    django_assert_max_num_queries,
    settings,
):
    settings.ASSEMBLED_CACHE_SECONDS = 0  # every part assembled every time, counted
    _add_goals(decided_plan, units, 1, 1)
    client.force_login(manager)
    client.get(reverse("reports:reporting"))  # warm up the session
    with django_assert_max_num_queries(50) as one:
        response = client.get(reverse("reports:reporting"))
    assert response.text.count('<li class="report-row') == 3
    _add_goals(decided_plan, units, 2, 29)
    # Statuses and values exist for some rows: their reporters are fetched in the same queries.
    for activity in decided_plan.goals.get(number=5).activities.all():
        activity_status_set(activity=activity, period=t2, status="done", actor=manager)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("reports:reporting"))
    # 90 rows: a page of them, and the progress of all of them.
    assert response.text.count('<li class="report-row') == PAGE_SIZE
    assert '<span data-count="activities-total">60</span>' in response.text
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("reports:reporting"), {"page": 2})
    assert response.text.count('<li class="report-row') == 90 - PAGE_SIZE


def test_row_with_an_error_keeps_its_label_and_help(client, manager, t2, whole, sick_leave):
    client.force_login(manager)
    text = client.post(
        status_url(t2, whole), {"status": "delayed", "expected_version": 0}, headers=HTMX
    ).text
    assert "Due by June 2023: explain in a comment if the activity is not done." in text
    text = client.post(
        value_url(t2, sick_leave), {"value": "x", "expected_version": 0}, headers=HTMX
    ).text
    assert "Value (%)" in text


# --- Plan-wide values are the plan owner's (a defect: a unit manager overwrote them) ------------


def test_a_unit_manager_below_the_owner_cannot_overwrite_the_plan_wide_value(
    client, manager, planner, t2, sick_leave, units
):
    """The administration's figure for the whole plan stays; the unit manager of Hemtjänst
    (below the plan's owner) reports Hemtjänst's own value instead."""
    plan_value = measurement_record(
        indicator=sick_leave, period=t2, value=Decimal("6.8"), actor=planner
    )
    client.force_login(manager)
    response = client.post(
        value_url(t2, sick_leave),
        {"value": "9,5", "expected_version": plan_value.version},
    )
    assert response.status_code == 302
    plan_value.refresh_from_db()
    assert (plan_value.value, plan_value.entered_by) == (Decimal("6.8"), planner)
    own = Measurement.objects.get(indicator=sick_leave, period=t2, unit=units["unit_a"])
    assert (own.value, own.entered_by) == (Decimal("9.5"), manager)
    # The page shows the manager their unit's value, not the plan's.
    page = client.get(reverse("reports:reporting")).text
    assert 'value="9,5"' in page
    assert 'value="6,8"' not in page


def test_the_owner_units_manager_and_the_planner_write_the_plan_wide_value(
    client, make_user, planner, t2, sick_leave, units
):
    owner_manager = make_user("verksamhetschef", Role.UNIT_MANAGER, units["operation"])
    for user, typed in ((owner_manager, "6,2"), (planner, "6,1")):
        client.force_login(user)
        current = Measurement.objects.filter(indicator=sick_leave, period=t2).first()
        client.post(
            value_url(t2, sick_leave),
            {"value": typed, "expected_version": current.version if current else 0},
        )
        value = Measurement.objects.get(indicator=sick_leave, period=t2)
        assert (value.unit, value.entered_by) == (None, user)
