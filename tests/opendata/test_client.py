"""The one HTTP client both sources use (`opendata.client`): throttle, retries with back-off,
paging by a next address, JSON. Each behaviour is checked once, through both sources' clients,
against a local server (never the real services)."""

import time

import pytest

from opendata.client import OpenDataInvalid, OpenDataUnavailable, RetryPolicy, ServiceClient
from opendata.sources.kolada import KoladaClient
from opendata.sources.ssb import SsbClient
from tests.opendata_server import OpenDataServer, Reply, json_reply

PATHS = {KoladaClient: "/v3/", SsbClient: "/api/pxwebapi/v2/"}


@pytest.fixture
def server():
    with OpenDataServer() as running:
        yield running


@pytest.fixture(params=[KoladaClient, SsbClient], ids=["kolada", "ssb"])
def kind(request) -> type[ServiceClient]:
    return request.param


def client(kind, server, sleeps: list[float], calls: int = 0, **options) -> ServiceClient:
    settings = {"retry": RetryPolicy(attempts=3, backoff=0.5), "timeout": 2.0, **options}
    client = kind(base_url=server.url + PATHS[kind], sleep=sleeps.append, **settings)
    client.fetcher.throttle.calls = calls
    return client


def test_both_clients_are_the_shared_client_with_their_own_limit():
    with KoladaClient() as kolada, SsbClient() as ssb:
        assert (kolada.fetcher.throttle.calls, kolada.fetcher.throttle.period) == (3, 1.0)
        assert (ssb.fetcher.throttle.calls, ssb.fetcher.throttle.period) == (30, 60.0)
        assert (kolada.fetcher.service, ssb.fetcher.service) == ("Kolada", "SSB")
        assert type(kolada.fetcher) is type(ssb.fetcher)


def test_the_limit_and_address_come_from_settings(kind, settings):
    settings.KOLADA_API_URL = "http://127.0.0.1:9/kolada"
    settings.SSB_API_URL = "http://127.0.0.1:9/ssb"
    settings.KOLADA_REQUESTS_PER_SECOND = settings.SSB_CALLS_PER_MINUTE = 7
    settings.OPENDATA_TIMEOUT, settings.OPENDATA_ATTEMPTS = 3.5, 2
    with kind.from_settings() as found:
        assert found.fetcher.base_url.startswith("http://127.0.0.1:9/")
        assert found.fetcher.base_url.endswith("/")
        assert (found.fetcher.throttle.calls, found.fetcher.timeout) == (7, 3.5)
        assert found.fetcher.retry.attempts == 2


def test_the_throttle_waits_out_the_service_s_period(kind, server):
    server.route(PATHS[kind] + "x", json_reply({}))
    sleeps: list[float] = []
    with client(kind, server, sleeps, calls=1) as limited:
        limited.fetcher.get("x")
        limited.fetcher.get("x")
    period = limited.fetcher.throttle.period
    assert sleeps == [pytest.approx(period, abs=0.5)]
    assert len(server.requests) == 2


def test_server_errors_are_retried_with_a_doubling_pause(kind, server, english):
    server.route(PATHS[kind] + "x", Reply("", status=503))
    sleeps: list[float] = []
    with client(kind, server, sleeps) as failing, pytest.raises(OpenDataUnavailable) as error:
        failing.fetcher.get("x")
    assert sleeps == [0.5, 1.0]
    assert len(server.requests) == 3
    assert str(error.value) == (
        f"{kind.SERVICE} could not be used: it answered with error 503, 3 times. Try again later."
    )


def test_429_waits_as_long_as_asked_then_succeeds(kind, server):
    server.route(
        PATHS[kind] + "x",
        Reply("", status=429, headers={"Retry-After": "2"}),
        json_reply({"ok": True}),
    )
    sleeps: list[float] = []
    with client(kind, server, sleeps) as busy:
        assert busy.fetcher.get("x") == {"ok": True}
    assert sleeps == [2.0]


def test_a_timeout_is_retried(kind, server, english):
    server.route(PATHS[kind] + "x", Reply("{}", delay=1.0))
    started = time.monotonic()
    with (
        client(kind, server, [], timeout=0.2, retry=RetryPolicy(attempts=2, backoff=0)) as slow,
        pytest.raises(OpenDataUnavailable, match=r"did not answer within 0\.2 seconds, 2 times"),
    ):
        slow.fetcher.get("x")
    assert time.monotonic() - started < 1.5


def test_pages_are_followed_until_the_next_address_is_null(kind, server):
    base = server.url + PATHS[kind]
    server.route(
        PATHS[kind] + "rows",
        json_reply({"values": [{"n": 1}, {"n": 2}], "next_url": base + "rows?page=2"}),
    )
    server.route(PATHS[kind] + "rows?page=2", json_reply({"values": [{"n": 3}], "next_url": None}))
    with client(kind, server, []) as paging:
        rows = list(paging.fetcher.pages("rows", {"q": "x"}))
    assert rows == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert server.requests == [PATHS[kind] + "rows?q=x", PATHS[kind] + "rows?page=2"]


def test_a_next_page_elsewhere_is_not_followed(kind, server, english):
    server.route(
        PATHS[kind] + "rows", json_reply({"values": [], "next_url": "https://example.com/x"})
    )
    with client(kind, server, []) as paging, pytest.raises(OpenDataInvalid) as error:
        list(paging.fetcher.pages("rows"))
    assert "pointed to another address" in str(error.value)
    assert len(server.requests) == 1


def test_a_page_without_its_list_is_refused(kind, server, english):
    server.route(PATHS[kind] + "rows", json_reply({"data": []}))
    with client(kind, server, []) as paging, pytest.raises(OpenDataInvalid) as error:
        list(paging.fetcher.pages("rows"))
    assert str(error.value) == (
        f"{kind.SERVICE} answered in an unexpected form: no list of values."
    )
