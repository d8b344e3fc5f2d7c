"""Open-data pages: the Kolada KPI search fragment, syncing a plan, the runs, comparison values.

Kolada is a local server with recorded answers (tests/opendata_server.py), never the real one.
"""

import threading
import time
from decimal import Decimal as D

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django_htmx.middleware import HtmxDetails
from playwright.sync_api import expect

from indicators.models import Measurement, Origin, ReferenceValue, SyncRun
from indicators.services import measurement_record
from opendata.views import kpi_search
from planning.models import Role
from planning.services import membership_grant
from tests.browser import assert_no_axe_violations, new_page
from tests.opendata_server import OpenDataServer, Reply, json_reply, recorded, recorded_reply
from tests.reports import test_e2e_reporting as shared
from tests.reports.test_e2e_reporting import log_in

ENGLISH = {"accept-language": "en"}
HTMX = {"HX-Request": "true"}
DATA = "/v3/data/kpi/N00090/municipality/2422,0000/year/2023"

demo = shared.demo


@pytest.fixture
def server(settings):
    with OpenDataServer() as running:
        settings.KOLADA_API_URL = running.url + "/v3/"
        settings.KOLADA_REQUESTS_PER_SECOND = 0
        settings.OPENDATA_ATTEMPTS = 1
        settings.OPENDATA_BACKOFF = 0
        settings.OPENDATA_TIMEOUT = 2
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"kpis-{running.url}",
            },
        }
        yield running


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def member(django_user_model, organisation, unit, role: str, username: str):
    user = django_user_model.objects.create_user(username, password="pw")
    membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=None)
    return user


@pytest.fixture
def planner(django_user_model, organisation, units):
    return member(django_user_model, organisation, units["operation"], Role.PLANNER, "planner")


@pytest.fixture
def committee_member(django_user_model, organisation, units):
    return member(
        django_user_model, organisation, units["committee"], Role.COMMITTEE_MEMBER, "ledamot"
    )


@pytest.fixture
def nobody(django_user_model, db):
    return django_user_model.objects.create_user("nobody", password="pw")


@pytest.fixture
def sick_leave(indicator):
    """The fixture's indicator, linked to Kolada's sick leave KPI."""
    indicator.open_data = {"kolada": {"kpi": "N00090"}}
    indicator.save()
    return indicator


def kolada_page(*rows: tuple[str, float | None]) -> object:
    values = [
        {
            "kpi": "N00090",
            "municipality": municipality,
            "period": 2023,
            "values": [{"gender": "T", "count": 1, "status": "", "value": value}],
        }
        for municipality, value in rows
    ]
    return json_reply({"count": len(values), "values": values, "next_url": None})


def search_url(query: str) -> str:
    return f"{reverse('opendata:kolada_kpi_search')}?q={query}"


# --- KPI search -----------------------------------------------------------------------------------


def test_kpi_search_answers_htmx_with_a_fragment_of_buttons(client, planner, server):
    server.route("/v3/kpi", recorded_reply("kolada_v3_kpi_selected_omsorg_indicators.json"))
    client.force_login(planner)
    response = client.get(search_url("sjukfrånvaro"), headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="kolada-kpi-results"')
    assert '<button type="button"' in html and 'data-kpi-id="N00090"' in html
    assert 'data-kpi-title="Sjukfrånvaro totalt bland anställda' in html
    assert "Källa: Kolada" in html
    assert server.requests == ["/v3/kpi?title=sjukfrånvaro"]


def test_kpi_search_is_a_page_without_htmx(client, planner, server):
    server.route("/v3/kpi", recorded_reply("kolada_v3_kpi_selected_omsorg_indicators.json"))
    client.force_login(planner)
    html = client.get(search_url("sjukfrånvaro")).text
    assert '<html lang="sv"' in html
    assert '<label class="ds-label" for="kpi-query">' in html and 'id="kpi-query"' in html
    assert 'data-kpi-id="N00090"' in html


def test_kpi_search_is_cached(client, planner, server):
    server.route("/v3/kpi", recorded_reply("kolada_v3_kpi_selected_omsorg_indicators.json"))
    client.force_login(planner)
    client.get(search_url("hemtjänst"), headers=HTMX)
    client.get(search_url("Hemtjänst"), headers=HTMX)
    assert len(server.requests) == 1


def test_a_short_query_asks_for_more(client, planner, server):
    client.force_login(planner)
    html = client.get(search_url("s"), headers={**HTMX, **ENGLISH}).text
    assert 'data-kpi-state="short"' in html and "Type at least two letters." in html
    assert server.requests == []


def test_kolada_down_is_said_in_words(client, planner, server):
    server.route("/v3/kpi", json_reply({"error": "down"}, status=503))
    client.force_login(planner)
    response = client.get(search_url("sjukfrånvaro"), headers={**HTMX, **ENGLISH})
    assert response.status_code == 200
    assert 'data-kpi-state="problem"' in response.text
    assert "Kolada could not be searched just now" in response.text


def test_nothing_found(client, planner, server):
    server.route("/v3/kpi", json_reply({"count": 0, "values": [], "next_url": None}))
    client.force_login(planner)
    html = client.get(search_url("zzzz"), headers={**HTMX, **ENGLISH}).text
    assert 'data-kpi-state="empty"' in html


# --- The search's bounds: no number of searches holds the web workers ---------------------------

KPIS = "kolada_v3_kpi_selected_omsorg_indicators.json"


@pytest.fixture
def bounded(settings, server, tmp_path):
    """The local Kolada, with the search's bounds as in production but a folder of its own."""
    settings.LOCKS_DIR = tmp_path / "locks"
    settings.OPENDATA_SEARCH_TIMEOUT = 2
    settings.OPENDATA_SEARCH_SLOTS = 1
    settings.OPENDATA_SEARCH_CACHE_SECONDS = 3600
    settings.OPENDATA_SEARCH_FAILURE_SECONDS = 60
    return server


def search_as(user, query: str) -> tuple[str, float]:
    """The search fragment for `user` (the view called as a request reaches it), and the
    seconds it took; safe in a thread of its own (no database)."""
    request = RequestFactory().get(search_url(query), headers={**HTMX, **ENGLISH})
    request.user = user
    request.htmx = HtmxDetails(request)
    started = time.monotonic()
    with translation.override("en"):
        response = kpi_search(request)
    return response.content.decode(), time.monotonic() - started


def in_background(user, query: str) -> tuple[threading.Thread, dict]:
    answer: dict = {}

    def run() -> None:
        answer["html"], answer["seconds"] = search_as(user, query)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answer


def wait_for_requests(server, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(server.requests) < count:
        assert time.monotonic() < deadline, server.requests
        time.sleep(0.01)


def test_a_second_search_of_the_same_user_answers_at_once(planner, bounded):
    bounded.route("/v3/kpi", Reply(recorded(KPIS), delay=1.0))
    first, answer = in_background(planner, "sjukfrånvaro")
    wait_for_requests(bounded, 1)

    html, seconds = search_as(planner, "hemtjänst")

    assert seconds < 0.5
    assert 'data-kpi-state="busy"' in html and "A search is already running." in html
    first.join()
    assert 'data-kpi-id="N00090"' in answer["html"]
    assert bounded.requests == ["/v3/kpi?title=sjukfrånvaro"]  # the second asked nobody
    # Once the first is answered, the user searches again.
    assert 'data-kpi-state="busy"' not in search_as(planner, "hemtjänst")[0]


def test_searches_beyond_the_slots_answer_at_once(django_user_model, db, bounded, settings):
    settings.OPENDATA_SEARCH_SLOTS = 2
    bounded.route("/v3/kpi", Reply(recorded(KPIS), delay=1.0))
    users = [django_user_model.objects.create_user(f"sökare{n}") for n in range(3)]
    running = [in_background(user, f"fråga {n}") for n, user in enumerate(users[:2])]
    wait_for_requests(bounded, 2)

    html, seconds = search_as(users[2], "fråga 2")

    assert seconds < 0.5
    assert 'data-kpi-state="busy"' in html
    assert "Kolada is being searched by others just now. Try again in a moment." in html
    for thread, answer in running:
        thread.join()
        assert 'data-kpi-id="N00090"' in answer["html"]
    assert len(bounded.requests) == 2  # the third was not sent
    # The slots are free again, and the answers cached: nobody waits for them now.
    again, seconds = search_as(users[2], "fråga 0")
    assert 'data-kpi-id="N00090"' in again and seconds < 0.5
    assert len(bounded.requests) == 2


def test_a_hanging_kolada_holds_a_search_for_the_short_timeout_once(planner, bounded, settings):
    settings.OPENDATA_SEARCH_TIMEOUT = 0.5
    bounded.route("/v3/kpi", Reply(recorded(KPIS), delay=3))

    html, seconds = search_as(planner, "sjukfrånvaro")

    assert 'data-kpi-state="problem"' in html and "did not answer within 0.5 seconds" in html
    assert seconds < 1.5  # one try, not OPENDATA_ATTEMPTS with pauses
    # The failure is cached: for a minute every search answers at once, asking nobody.
    for query in ("sjukfrånvaro", "hemtjänst", "kostnad"):
        html, seconds = search_as(planner, query)
        assert 'data-kpi-state="problem"' in html and seconds < 0.2
    assert len(bounded.requests) == 1


def test_a_cached_failure_passes_after_its_time(planner, bounded, settings):
    settings.OPENDATA_SEARCH_FAILURE_SECONDS = 1
    bounded.route("/v3/kpi", json_reply({"error": "down"}, status=503), recorded_reply(KPIS))
    assert 'data-kpi-state="problem"' in search_as(planner, "sjukfrånvaro")[0]
    assert 'data-kpi-state="problem"' in search_as(planner, "sjukfrånvaro")[0]
    time.sleep(1.1)
    assert 'data-kpi-id="N00090"' in search_as(planner, "sjukfrånvaro")[0]
    assert len(bounded.requests) == 2


# --- Who may do what ------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, plan, indicator):
    for url in (
        search_url("sjuk"),
        reverse("opendata:plan_sync_runs", args=[plan.pk]),
        reverse("opendata:indicator_comparison", args=[indicator.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("opendata:plan_sync", args=[plan.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_no_role_is_404(client, plan, indicator, nobody):
    client.force_login(nobody)
    assert client.get(reverse("opendata:plan_sync_runs", args=[plan.pk])).status_code == 404
    assert client.post(reverse("opendata:plan_sync", args=[plan.pk])).status_code == 404
    url = reverse("opendata:indicator_comparison", args=[indicator.pk])
    assert client.get(url).status_code == 404


def test_committee_member_reads_but_does_not_sync(
    client, plan, sick_leave, committee_member, immediate_tasks, server
):
    client.force_login(committee_member)
    page = client.get(reverse("opendata:plan_sync_runs", args=[plan.pk]))
    assert page.status_code == 200
    assert reverse("opendata:plan_sync", args=[plan.pk]) not in page.text
    assert client.post(reverse("opendata:plan_sync", args=[plan.pk])).status_code == 404
    assert not SyncRun.objects.exists() and server.requests == []
    url = reverse("opendata:indicator_comparison", args=[sick_leave.pk])
    assert client.get(url).status_code == 200


# --- Syncing --------------------------------------------------------------------------------------


def test_sync_is_post_only(client, plan, planner):
    client.force_login(planner)
    assert client.get(reverse("opendata:plan_sync", args=[plan.pk])).status_code == 405


def test_planner_syncs_and_reads_what_was_kept(
    client, plan, sick_leave, periods, planner, immediate_tasks, server
):
    measurement_record(indicator=sick_leave, period=periods[2], value=D("5.2"), actor=planner)
    server.route(DATA, kolada_page(("2422", 6.1), ("0000", 5.5)))
    client.force_login(planner)

    response = client.post(
        reverse("opendata:plan_sync", args=[plan.pk]), headers=ENGLISH, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("opendata:plan_sync_runs", args=[plan.pk])
    run = SyncRun.objects.get()
    assert (run.status, run.started_by, run.skipped_manual) == ("ok", planner, 1)
    html = response.text
    assert "1 value entered by a person was kept" in html  # the message and the runs table
    assert "<td>1</td>" in html
    assert "Källa: Kolada" in html
    kept = Measurement.objects.get(indicator=sick_leave, period=periods[2], gender="T")
    assert (kept.value, kept.origin) == (D("5.2"), Origin.MANUAL)
    assert ReferenceValue.objects.get(kind="national").value == D("5.5")


def test_a_failed_sync_is_said(client, plan, sick_leave, planner, immediate_tasks, server):
    server.route(DATA, json_reply({"error": "down"}, status=503))
    client.force_login(planner)
    response = client.post(
        reverse("opendata:plan_sync", args=[plan.pk]), headers=ENGLISH, follow=True
    )
    assert "Kolada: the sync failed." in response.text
    assert SyncRun.objects.get().status == "failed"


def test_a_plan_without_links_has_nothing_to_sync(
    client, plan, indicator, planner, immediate_tasks
):
    client.force_login(planner)
    response = client.post(
        reverse("opendata:plan_sync", args=[plan.pk]), headers=ENGLISH, follow=True
    )
    assert "No indicator of the plan is linked to Kolada or SSB." in response.text
    assert not SyncRun.objects.exists()


def test_the_sync_is_handed_to_the_worker(client, plan, sick_leave, planner, server):
    """With the database task backend the request only enqueues the sync."""
    client.force_login(planner)
    response = client.post(
        reverse("opendata:plan_sync", args=[plan.pk]), headers=ENGLISH, follow=True
    )
    assert "The values are being fetched." in response.text
    assert server.requests == [] and not SyncRun.objects.exists()


# --- Comparison values ----------------------------------------------------------------------------


def reference(indicator, year: int, kind: str, value: str, group: str = "") -> ReferenceValue:
    return ReferenceValue.objects.create(
        indicator=indicator,
        year=year,
        kind=kind,
        group=group,
        value=D(value),
        source="Källa: Kolada, N00090",
        fetched_at=timezone.now(),
    )


def test_comparison_shows_own_national_and_group_values(
    client, plan, sick_leave, periods, planner, organisation
):
    organisation.comparison_group = "G33"
    organisation.save()
    measurement_record(indicator=sick_leave, period=periods[0], value=D("72"), actor=None)
    measurement_record(indicator=sick_leave, period=periods[2], value=D("78"), actor=None)
    reference(sick_leave, 2023, "national", "75.5")
    reference(sick_leave, 2023, "group_mean", "74.25", group="G33")
    reference(sick_leave, 2023, "group_mean", "60", group="G12")  # not the organisation's group
    client.force_login(planner)
    url = reverse("opendata:indicator_comparison", args=[sick_leave.pk])
    html = client.get(url, headers=ENGLISH).text
    assert '<th scope="row">2023</th>' in html
    assert "<td>78 index <span" in html and "(T3 2023)" in html
    assert '<span class="colour colour--yellow">Yellow</span>' in html
    assert "<td>75.5 index</td>" in html and "<td>74.25 index</td>" in html
    assert "Mean of group G33" in html and "60 index" not in html
    assert "Källa: Kolada" in html


def test_comparison_fragment_for_htmx(client, plan, sick_leave, planner):
    reference(sick_leave, 2023, "national", "75.5")
    client.force_login(planner)
    url = reverse("opendata:indicator_comparison", args=[sick_leave.pk])
    html = client.get(url, headers=HTMX).text
    assert html.lstrip().startswith('<section class="comparison" id="comparison"')
    assert "<html" not in html


def test_comparison_queries_do_not_grow_with_years(
    client,
    plan,
    sick_leave,
    periods,
    planner,
    django_assert_num_queries,
    settings,
):
    settings.ASSEMBLED_CACHE_SECONDS = 0  # every part assembled every time, counted
    reference(sick_leave, 2023, "national", "75.5")
    client.force_login(planner)
    url = reverse("opendata:indicator_comparison", args=[sick_leave.pk])
    with django_assert_num_queries(7) as one:
        client.get(url)
    for year in range(2015, 2023):
        reference(sick_leave, year, "national", "70")
        reference(sick_leave, year, "group_mean", "71", group="G33")
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url).text
    assert html.count('<th scope="row">') == 9


# --- In a real browser ----------------------------------------------------------------------------


def test_open_data_pages_are_axe_clean(browser, live_server, demo):
    from indicators.models import Indicator

    sick = Indicator.objects.get(name="Total sjukfrånvaro")
    reference(sick, 2023, "national", "6.9")
    plan = sick.goal.plan
    SyncRun.objects.create(
        source="kolada",
        organisation=plan.organisation,
        plan=plan,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        status="ok",
        created=2,
        skipped_manual=1,
        message="1 värde som en person skrivit in behölls: Total sjukfrånvaro, T3 2023.",
    )
    page = new_page(browser)
    log_in(page, live_server, "planerare")
    page.goto(f"{live_server.url}{reverse('opendata:plan_sync_runs', args=[plan.pk])}")
    expect(page.locator("main table")).to_contain_text("behölls")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}{reverse('opendata:indicator_comparison', args=[sick.pk])}")
    expect(page.locator("main table")).to_contain_text("6,9")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}{reverse('opendata:kolada_kpi_search')}")
    assert_no_axe_violations(page)
