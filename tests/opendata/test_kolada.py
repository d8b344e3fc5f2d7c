"""The Kolada v3 client against a local server with recorded answers (never the real service)."""

import json
import socket
import time
from decimal import Decimal as D

import pytest

from opendata.client import (
    OpenDataError,
    OpenDataInvalid,
    OpenDataUnavailable,
    RetryPolicy,
    Throttle,
)
from opendata.sources.kolada import KoladaClient, KoladaValue
from tests.opendata_server import OpenDataServer, Reply, json_reply, recorded, recorded_reply

DATA_N00945 = "/v3/data/kpi/N00945/municipality/0180,1280,1480/year/2016,2017,2018,2019,2020"
DATA_N00090 = "/v3/data/kpi/N00090/municipality/2422/year/2022,2023,2024"
PAGE_2 = "/v3/data/kpi/N00090/municipality/2422?page=2&per_page=2"
EMPTY = {"count": 0, "values": [], "next_url": None, "previous_url": None}


@pytest.fixture
def server():
    with OpenDataServer() as running:
        yield running


@pytest.fixture
def sleeps():
    """The client's waits, recorded instead of slept."""
    return []


def client(server, sleeps, **options) -> KoladaClient:
    settings = {
        "requests_per_second": 0,
        "retry": RetryPolicy(attempts=3, backoff=0.5),
        "timeout": 2.0,
        "sleep": sleeps.append,
        **options,
    }
    return KoladaClient(base_url=server.url + "/v3/", **settings)


def paged(server) -> None:
    """The SYNTHETIC two-page answer: T/K/M split, Missing, next_url to page 2."""
    server.route(DATA_N00090, recorded_reply("kolada_v3_data_SYNTHETIC_edgecases_page1.json"))
    server.route(PAGE_2, recorded_reply("kolada_v3_data_SYNTHETIC_edgecases_page2.json"))


# --- Metadata -------------------------------------------------------------------------------------


def test_kpi_search_by_title(server, sleeps):
    server.route("/v3/kpi", recorded_reply("kolada_v3_kpi_selected_omsorg_indicators.json"))
    with client(server, sleeps) as kolada:
        kpis = kolada.kpis(title="sjukfrånvaro totalt")
    assert server.requests == ["/v3/kpi?title=sjukfrånvaro+totalt"]
    assert len(kpis) == 24
    sick_leave = kpis[0]
    assert (sick_leave.id, sick_leave.is_divided_by_gender, sick_leave.has_ou_data) == (
        "N00090",
        True,
        False,
    )
    assert sick_leave.title.startswith("Sjukfrånvaro totalt bland anställda")
    assert {kpi.id for kpi in kpis if kpi.has_ou_data} == {"U21468", "U23471"}


def test_municipalities(server, sleeps):
    server.route("/v3/municipality", recorded_reply("kolada_v3_municipality_all.json"))
    with client(server, sleeps) as kolada:
        municipalities = {m.id: m for m in kolada.municipalities()}
    assert len(municipalities) == 312
    assert municipalities["2422"].title == "Sorsele"
    assert (municipalities["0000"].title, municipalities["0000"].type) == ("Riket", "L")
    assert sum(m.type == "K" for m in municipalities.values()) == 290


def test_municipality_groups_with_members(server, sleeps):
    server.route(
        "/v3/municipality_groups", recorded_reply("kolada_v3_municipality_groups_sample.json")
    )
    with client(server, sleeps) as kolada:
        groups = {group.id: group for group in kolada.municipality_groups()}
    assert set(groups) == {"G114418", "G114419", "G114798"}
    assert groups["G114418"].members == ("0682", "1499", "1885", "2081")
    assert groups["G114798"].title == "4M -  Fyra Mälarstäder (ovägt medel)"


def test_units_of_a_municipality(server, sleeps):
    units = [{"id": "V45E2422001", "title": "Hemtjänst Sorsele", "municipality": "2422"}]
    server.route("/v3/ou", json_reply({"count": 1, "values": units, "next_url": None}))
    with client(server, sleeps) as kolada:
        found = kolada.units(municipality="2422")
    assert server.requests == ["/v3/ou?municipality=2422"]
    assert [(unit.id, unit.title, unit.municipality) for unit in found] == [
        ("V45E2422001", "Hemtjänst Sorsele", "2422")
    ]


# --- Data -----------------------------------------------------------------------------------------


def test_real_figures_keep_every_digit(server, sleeps):
    server.route(DATA_N00945, recorded_reply("kolada_v3_data_N00945_0180_1280_1480_2016-2020.json"))
    with client(server, sleeps) as kolada:
        values = kolada.values(
            kpis=["N00945"], municipalities=["0180", "1280", "1480"], years=range(2016, 2021)
        )
    assert len(values) == 15
    assert values[0] == KoladaValue(
        kpi="N00945", year=2016, gender="T", value=D("38.79194313"), status="", municipality="0180"
    )
    assert {value.municipality for value in values} == {"0180", "1280", "1480"}


def test_two_kpis_in_one_call(server, sleeps):
    answer = json.loads(recorded("kolada_v3_data_N03702_N03703_3cities.json"))
    cities = sorted({row["municipality"] for row in answer["values"]})
    years = sorted({row["period"] for row in answer["values"]})
    path = f"/v3/data/kpi/N03702,N03703/municipality/{','.join(cities)}/year/"
    server.route(path + ",".join(map(str, years)), json_reply(answer))
    with client(server, sleeps) as kolada:
        values = kolada.values(kpis=["N03702", "N03703"], municipalities=cities, years=years)
    assert len(values) == 48
    assert {value.kpi for value in values} == {"N03702", "N03703"}


def test_pages_are_followed_until_next_url_is_null(server, sleeps):
    paged(server)
    with client(server, sleeps) as kolada:
        values = kolada.values(kpis=["N00090"], municipalities=["2422"], years=[2022, 2023, 2024])
    assert server.requests == [DATA_N00090, PAGE_2]
    assert [(v.year, v.gender, v.value, v.status) for v in values] == [
        (2022, "K", D("9.1"), ""),
        (2022, "M", D("5.2"), ""),
        (2022, "T", D("8.3"), ""),
        (2023, "T", None, "Missing"),
        (2024, "T", D("7.6"), ""),
    ]


def test_long_id_lists_are_split_into_calls_of_25(server, sleeps):
    ids = [f"{number:04d}" for number in range(100, 130)]
    first = f"/v3/data/kpi/N00090/municipality/{','.join(ids[:25])}/year/2023"
    second = f"/v3/data/kpi/N00090/municipality/{','.join(ids[25:])}/year/2023"
    server.route(first, json_reply(EMPTY))
    server.route(second, json_reply(EMPTY))
    with client(server, sleeps) as kolada:
        assert kolada.values(kpis=["N00090"], municipalities=ids, years=[2023]) == []
    assert server.requests == [first, second]


def test_unit_values(server, sleeps):
    row = {
        "kpi": "U21468",
        "ou": "V45E2422001",
        "period": 2023,
        "values": [{"gender": "T", "count": 1, "status": "", "value": 91, "isdeleted": False}],
    }
    path = "/v3/oudata/kpi/U21468/ou/V45E2422001/year/2023"
    server.route(path, json_reply({"count": 1, "values": [row], "next_url": None}))
    with client(server, sleeps) as kolada:
        values = kolada.unit_values(kpis=["U21468"], units=["V45E2422001"], years=[2023])
    assert values == [
        KoladaValue(kpi="U21468", year=2023, gender="T", value=D("91"), status="", ou="V45E2422001")
    ]


def test_an_id_that_is_not_kolada_s_is_refused_before_any_call(server, sleeps, english):
    with client(server, sleeps) as kolada, pytest.raises(OpenDataError) as error:
        kolada.values(kpis=["N00090/../../x"], municipalities=["2422"], years=[2023])
    assert str(error.value) == '"N00090/../../x" is not a Kolada id.'
    assert server.requests == []


# --- Failures: retried where they may pass, then a clear error ------------------------------------


def test_429_waits_as_asked_then_succeeds(server, sleeps):
    server.route(
        DATA_N00090,
        Reply('{"error": "slow down"}', status=429, headers={"Retry-After": "2"}),
        recorded_reply("kolada_v3_data_SYNTHETIC_edgecases_page2.json"),
    )
    with client(server, sleeps) as kolada:
        values = kolada.values(kpis=["N00090"], municipalities=["2422"], years=[2022, 2023, 2024])
    assert [value.value for value in values] == [D("7.6")]
    assert sleeps == [2.0]
    assert server.requests == [DATA_N00090, DATA_N00090]


def test_429_asking_for_a_long_wait_gives_up_at_once(server, sleeps, english):
    server.route(DATA_N00090, Reply("", status=429, headers={"Retry-After": "3600"}))
    with client(server, sleeps) as kolada, pytest.raises(OpenDataUnavailable) as error:
        kolada.values(kpis=["N00090"], municipalities=["2422"], years=[2022, 2023, 2024])
    assert str(error.value) == "Kolada is busy and asks us to wait 3600 seconds. Try again later."
    assert len(server.requests) == 1


def test_server_errors_are_retried_with_backoff_then_reported(server, sleeps, english):
    server.route(DATA_N00090, Reply("<h1>Internal Server Error</h1>", status=500))
    with client(server, sleeps) as kolada, pytest.raises(OpenDataUnavailable) as error:
        kolada.values(kpis=["N00090"], municipalities=["2422"], years=[2022, 2023, 2024])
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]
    assert str(error.value) == (
        "Kolada could not be used: it answered with error 500, 3 times. Try again later."
    )


def test_a_server_error_that_passes_is_retried(server, sleeps):
    server.route(
        DATA_N00090,
        Reply("", status=503),
        recorded_reply("kolada_v3_data_SYNTHETIC_edgecases_page2.json"),
    )
    with client(server, sleeps) as kolada:
        values = kolada.values(kpis=["N00090"], municipalities=["2422"], years=[2022, 2023, 2024])
    assert len(values) == 1


def test_timeouts_are_retried_then_reported(server, sleeps, english):
    server.route(DATA_N00090, Reply(json.dumps(EMPTY), delay=1.0))
    started = time.monotonic()
    with (
        client(server, sleeps, timeout=0.2, retry=RetryPolicy(attempts=2, backoff=0)) as kolada,
        pytest.raises(OpenDataUnavailable) as error,
    ):
        kolada.values(kpis=["N00090"], municipalities=["2422"], years=[2022, 2023, 2024])
    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 2
    assert "did not answer within 0.2 seconds, 2 times" in str(error.value)


def test_a_service_that_cannot_be_reached(sleeps, english):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kolada = KoladaClient(
        base_url=f"http://127.0.0.1:{port}/v3/",
        requests_per_second=0,
        retry=RetryPolicy(attempts=2, backoff=0),
        sleep=sleeps.append,
    )
    with kolada, pytest.raises(OpenDataUnavailable) as error:
        kolada.municipalities()
    assert "could not be reached" in str(error.value)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            Reply("<html><body>Kolada is down</body></html>", content_type="text/html"),
            "Kolada answered with something that is not JSON (text/html).",
        ),
        (json_reply(["not", "an", "envelope"]), "Kolada answered in an unexpected form: no list"),
        (json_reply({"values": "x"}), "no list of values"),
        (json_reply({"values": [1, 2]}), "a value that is not an object"),
        (
            json_reply({"values": [{"kpi": "N00090", "municipality": "2422", "period": 2023}]}),
            "a row without a list of values",
        ),
        (
            json_reply(
                {
                    "values": [
                        {
                            "kpi": "N00090",
                            "municipality": "2422",
                            "period": 2023,
                            "values": [{"gender": "X", "value": 1}],
                        }
                    ]
                }
            ),
            "a value without gender T, K or M",
        ),
        (
            json_reply(
                {
                    "values": [
                        {
                            "kpi": "N00090",
                            "municipality": "2422",
                            "period": "last year",
                            "values": [],
                        }
                    ]
                }
            ),
            "a period that is not a year",
        ),
        (
            json_reply(
                {
                    "values": [
                        {
                            "kpi": "N00090",
                            "municipality": "2422",
                            "period": 2023,
                            "values": [{"gender": "T", "value": "8,3"}],
                        }
                    ]
                }
            ),
            "a value that is not a number",
        ),
        (json_reply({"values": [], "next_url": 7}), "a next page that is not an address"),
    ],
)
def test_garbage_answers_raise_a_clear_error(server, sleeps, english, reply, expected):
    server.route(DATA_N00090, reply)
    with client(server, sleeps) as kolada, pytest.raises(OpenDataInvalid) as error:
        kolada.values(kpis=["N00090"], municipalities=["2422"], years=[2022, 2023, 2024])
    assert expected in str(error.value)
    assert len(server.requests) == 1  # garbage is not retried


def test_a_refused_request_is_a_clear_error(server, sleeps, english):
    with client(server, sleeps) as kolada, pytest.raises(OpenDataError) as error:
        kolada.kpis(title="x")  # no route: 404
    assert not isinstance(error.value, OpenDataUnavailable | OpenDataInvalid)
    assert "Kolada refused the request (error 404)" in str(error.value)


def test_a_next_url_to_another_host_is_not_followed(server, sleeps, english):
    page = {"values": [], "next_url": "https://example.com/v3/steal"}
    server.route(DATA_N00090, json_reply(page))
    with client(server, sleeps) as kolada, pytest.raises(OpenDataInvalid) as error:
        kolada.values(kpis=["N00090"], municipalities=["2422"], years=[2022, 2023, 2024])
    assert "pointed to another address" in str(error.value)
    assert len(server.requests) == 1


# --- Throttle and settings ------------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_throttle_keeps_to_the_limit():
    clock = FakeClock()
    throttle = Throttle(calls=3, period=1.0, clock=lambda: clock.now, sleep=clock.sleep)
    for _call in range(3):
        throttle.wait()
    assert clock.slept == []
    throttle.wait()
    assert clock.slept == [1.0]
    clock.now += 5
    throttle.wait()
    assert clock.slept == [1.0]


def test_throttle_of_ssb_30_calls_a_minute():
    clock = FakeClock()
    throttle = Throttle(calls=30, period=60.0, clock=lambda: clock.now, sleep=clock.sleep)
    for _call in range(30):
        throttle.wait()
        clock.now += 0.5
    throttle.wait()
    assert clock.slept == [pytest.approx(45.0)]


def test_throttle_off():
    clock = FakeClock()
    throttle = Throttle(calls=0, period=1.0, clock=lambda: clock.now, sleep=clock.sleep)
    for _call in range(100):
        throttle.wait()
    assert clock.slept == []


def test_client_from_settings(settings):
    settings.KOLADA_API_URL = "http://127.0.0.1:9/v3"
    settings.KOLADA_REQUESTS_PER_SECOND = 5
    settings.OPENDATA_TIMEOUT = 3.5
    settings.OPENDATA_ATTEMPTS = 2
    with KoladaClient.from_settings() as kolada:
        fetcher = kolada.fetcher
        assert fetcher.base_url == "http://127.0.0.1:9/v3/"
        assert (fetcher.timeout, fetcher.throttle.calls, fetcher.retry.attempts) == (3.5, 5, 2)
