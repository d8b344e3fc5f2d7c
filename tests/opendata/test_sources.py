"""A new open-data source is one module: the made-up source "Pegel" below, registered by a
fixture and defined nowhere else, shows up on the indicator form and in the admin, has its
column in files, is a valid origin and sync source without a migration, and syncs through the
generic sync (`opendata.sync`) against a local server, like Kolada and SSB.
"""

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators.links import LinkField, link_sources, register, unregister
from indicators.models import Indicator, Measurement, ReferenceValue, SyncRun
from indicators.services import indicator_create
from opendata.client import ServiceClient
from opendata.sources import SOURCES
from opendata.sources.base import Fetched, Source, area_kinds, municipality_code
from opendata.sync import plan_opendata_sync, plans_with_opendata
from opendata.views import credits_for
from planning.models import Plan, Role
from planning.services import membership_grant
from tests.indicators.test_views_planner import indicator_data
from tests.opendata_server import OpenDataServer, json_reply
from transfer.resources import IndicatorResource

# --- The new source's module: its client, its declaration and its fetch ---------------------------


class PegelClient(ServiceClient):
    SERVICE = "Pegel"
    BASE_URL = "https://pegel.example/api/"
    CALLS, PERIOD = 5, 1.0
    URL_SETTING, CALLS_SETTING = "PEGEL_API_URL", "PEGEL_REQUESTS_PER_SECOND"


class Pegel(Source):
    """Series of yearly figures per municipality: `series/{id}` is pages of {area, year, value}."""

    def fetch(self, plan: Plan, indicators: list[Indicator]) -> Fetched:
        fetched = self.fetched()
        kinds = area_kinds(municipality_code(plan.organisation), ["0000"])
        with PegelClient.from_settings() as client:
            for indicator in indicators:
                series = self.links(indicator.open_data)["series"]
                for row in client.fetcher.pages(f"series/{series}"):
                    if row["year"] in plan.years and row["area"] in kinds:
                        figure = (row["year"], "T", row["value"])
                        fetched.collect([indicator], figure, kind=kinds[row["area"]])
        return fetched


PEGEL = Pegel(
    name="pegel",
    label="Pegel",
    credit="Källa: Pegel",
    service="Pegel",
    help_text="Made-up figures for tests.",
    fields=(
        LinkField(
            name="series",
            label="Pegel series",
            help_text="e.g. P001",
            pattern=r"P\d{3}",
            example="P001",
            transform=str.upper,
            headers=("Pegelserie", "Pegelserie", "Pegelserie", "Pegel series"),
        ),
    ),
)

# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def server(settings):
    with OpenDataServer() as running:
        settings.PEGEL_API_URL = running.url + "/pegel/"
        settings.PEGEL_REQUESTS_PER_SECOND = 0
        settings.OPENDATA_ATTEMPTS = 1
        settings.OPENDATA_BACKOFF = 0
        settings.OPENDATA_TIMEOUT = 2
        yield running


@pytest.fixture
def pegel():
    register(PEGEL)
    yield PEGEL
    unregister(PEGEL.name)


@pytest.fixture
def planner(organisation, units):
    user = get_user_model().objects.create_user("planner", password="pw")
    membership_grant(
        user=user, organisation=organisation, unit=units["operation"], role=Role.PLANNER, actor=None
    )
    return user


@pytest.fixture
def linked(pegel, goal):
    return indicator_create(
        goal=goal,
        name="Pegelstånd",
        green_bound=D("5"),
        open_data={"pegel": {"series": "P001"}},
        actor=None,
    )


# --- The proof ------------------------------------------------------------------------------------


def test_kolada_and_ssb_are_the_registered_sources():
    assert [source.name for source in link_sources()] == [source.name for source in SOURCES]
    assert [source.name for source in SOURCES] == ["kolada", "ssb"]


def test_the_new_source_is_on_the_indicator_form(client, planner, pegel, goal):
    client.force_login(planner)
    url = reverse("indicators:indicator_create", args=[goal.pk])
    page = client.get(url, headers={"accept-language": "en"}).text
    assert 'data-source="pegel"' in page and "Open data: Pegel" in page
    assert 'name="pegel_series"' in page and "Made-up figures for tests." in page

    data = indicator_data(goal, name="Pegelstånd", kolada_kpi="", pegel_series="p002")
    assert client.post(url, data).status_code == 302
    assert Indicator.objects.get(name="Pegelstånd").open_data == {"pegel": {"series": "P002"}}

    english = {**data, "pegel_series": "x", "target_value": "5.5", "green_bound": "6.0"}
    response = client.post(url, {**english, "red_bound": "7.0"}, headers={"accept-language": "en"})
    assert response.context["form"].errors == {
        "pegel_series": ["“x” is not a valid id, e.g. P001."]
    }


def test_the_new_source_is_in_the_admin(admin_client, linked):
    page = admin_client.get(reverse("admin:indicators_indicator_change", args=[linked.pk])).text
    assert 'name="pegel_series"' in page and 'value="P001"' in page


def test_the_new_source_has_its_column_in_files(plan, linked):
    resource = IndicatorResource(plan=plan, language="sv")
    assert resource.get_export_headers()[-1] == "Pegelserie"
    [row] = resource.export()
    assert row[-1] == "P001"


def test_the_new_source_syncs_through_the_generic_sync(server, plan, linked):
    base = server.url + "/pegel/series/P001"
    server.route(
        "/pegel/series/P001",
        json_reply(
            {
                "values": [
                    {"area": "2422", "year": 2023, "value": 4.5},
                    {"area": "0000", "year": 2023, "value": 5.25},
                ],
                "next_url": base + "?page=2",
            }
        ),
    )
    server.route(
        "/pegel/series/P001?page=2",
        json_reply({"values": [{"area": "2422", "year": 2022, "value": 1}], "next_url": None}),
    )
    assert list(plans_with_opendata()) == [plan]

    [run] = plan_opendata_sync(plan=plan, actor=None)

    assert (run.source, run.status, run.created) == ("pegel", "ok", 2), run.message
    assert run.get_source_display() == "Pegel"
    measurement = Measurement.objects.get(indicator=linked)
    assert (measurement.value, measurement.origin) == (D("4.5"), "pegel")
    assert measurement.source == "Källa: Pegel, P001"
    assert measurement.period.is_year_end and measurement.period.year == 2023
    national = ReferenceValue.objects.get(indicator=linked)
    assert (national.kind, national.value) == ("national", D("5.25"))
    assert credits_for({run.source}) == ["Källa: Pegel"]
    assert SyncRun.objects.get().source == "pegel"
    assert server.requests == ["/pegel/series/P001", "/pegel/series/P001?page=2"]
