"""The SSB PxWebApi v2 client and its json-stat2 reader, against recorded answers."""

import json
from decimal import Decimal as D

import pytest

from opendata.client import OpenDataError, OpenDataInvalid, RetryPolicy
from opendata.sources.ssb import CREDIT, Cell, SsbClient, dataset_from_json
from tests.opendata_server import OpenDataServer, Reply, json_reply, recorded, recorded_reply

TABLE_03024 = "/api/pxwebapi/v2/tables/03024/data"
SELECTION = {"VareGrupper2": ["01", "02"], "ContentsCode": ["Vekt", "Kilopris"], "Tid": ["*"]}


@pytest.fixture
def server():
    with OpenDataServer() as running:
        yield running


def client(server, sleeps: list[float]) -> SsbClient:
    return SsbClient(
        base_url=server.url + "/api/pxwebapi/v2/",
        calls_per_minute=0,
        retry=RetryPolicy(attempts=3, backoff=0.25),
        sleep=sleeps.append,
    )


def small_dataset(**changes) -> dict:
    """A KOSTRA-like json-stat2 answer: two regions, one statistic, two years."""
    answer = {
        "version": "2.0",
        "class": "dataset",
        "label": "12362: Utvalgte nøkkeltall",
        "source": "Statistisk sentralbyrå",
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["KOKkommuneregion0000"]},
        "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
        "size": [2, 1, 2],
        "dimension": {
            "KOKkommuneregion0000": {
                "label": "region",
                "category": {
                    "index": {"4631": 0, "EAK": 1},
                    "label": {"4631": "Alver", "EAK": "Landet"},
                },
            },
            "ContentsCode": {"label": "statistikkvariabel", "category": {"label": {"X": "X"}}},
            "Tid": {"label": "år", "category": {"index": ["2022", "2023"]}},
        },
        "value": [10.5, None, 11, 12.25],
        "status": {"1": ".."},
    }
    answer.update(changes)
    return answer


def test_reads_the_real_recorded_answer(server):
    server.route(TABLE_03024, recorded_reply("ssb_pxwebapi_v2_table03024_jsonstat2_REAL.json"))
    with client(server, []) as ssb:
        dataset = ssb.table("03024", SELECTION)
    assert server.requests == [
        TABLE_03024 + "?lang=no&valueCodes[VareGrupper2]=01,02"
        "&valueCodes[ContentsCode]=Vekt,Kilopris&valueCodes[Tid]=*"
    ]
    assert dataset.label.startswith("03024: Eksport av oppalen laks")
    assert dataset.source == "Statistisk sentralbyrå"
    assert dataset.roles == {"time": ("Tid",), "metric": ("ContentsCode",)}
    assert [len(dimension.codes) for dimension in dataset.dimensions] == [2, 2, 48]
    assert dataset.dimension("ContentsCode").labels["Kilopris"] == "Kilopris (kr)"
    cells = list(dataset.cells())
    assert len(cells) == 192
    assert cells[0] == Cell({"VareGrupper2": "01", "ContentsCode": "Vekt", "Tid": "2025U01"},
                            D("11364"), "")  # fmt: skip
    assert cells[48] == Cell({"VareGrupper2": "01", "ContentsCode": "Kilopris", "Tid": "2025U01"},
                             D("125.36"), "")  # fmt: skip
    assert cells[-1] == Cell({"VareGrupper2": "02", "ContentsCode": "Kilopris", "Tid": "2025U48"},
                             D("77.24"), "")  # fmt: skip


def test_missing_values_and_statuses():
    cells = list(dataset_from_json(json.loads(json.dumps(small_dataset()))).cells())
    assert [
        (c.codes["KOKkommuneregion0000"], c.codes["Tid"], c.value, c.status) for c in cells
    ] == [
        ("4631", "2022", D("10.5"), ""),
        ("4631", "2023", None, ".."),
        ("EAK", "2022", D("11"), ""),
        ("EAK", "2023", D("12.25"), ""),
    ]


def test_sparse_values_and_a_single_status():
    answer = small_dataset(value={"0": 1, "3": 4}, status="p")
    cells = list(dataset_from_json(answer).cells())
    assert [cell.value for cell in cells] == [D(1), None, None, D(4)]
    assert {cell.status for cell in cells} == {"p"}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"class": "collection"}, "not a json-stat2 dataset"),
        ([], "not a json-stat2 dataset"),
        (small_dataset(size=[2, 1]), "dimensions and sizes do not match"),
        (small_dataset(size=[3, 1, 2]), "dimensions and sizes do not match"),
        (small_dataset(dimension={}), "no dimension KOKkommuneregion0000"),
        (small_dataset(value=[1, 2, 3]), "the number of values does not match"),
        (small_dataset(value={"9": 1}), "a value outside the table"),
        (small_dataset(value=["1", 2, 3, 4]), "a value that is not a number"),
    ],
)
def test_garbage_raises_a_clear_error(answer, expected, english):
    with pytest.raises(OpenDataInvalid) as error:
        dataset_from_json(answer)
    assert str(error.value).startswith("SSB answered in an unexpected form")
    assert expected in str(error.value)


def test_an_html_page_is_not_json(server, english):
    server.route(TABLE_03024, Reply("<html>Vedlikehold</html>", content_type="text/html"))
    with client(server, []) as ssb, pytest.raises(OpenDataInvalid) as error:
        ssb.table("03024", SELECTION)
    assert str(error.value) == "SSB answered with something that is not JSON (text/html)."


def test_too_many_calls_waits_as_asked(server):
    sleeps: list[float] = []
    server.route(
        TABLE_03024,
        Reply("", status=429, headers={"Retry-After": "1"}),
        json_reply(small_dataset()),
    )
    with client(server, sleeps) as ssb:
        dataset = ssb.table("03024", SELECTION)
    assert sleeps == [1.0]
    assert len(list(dataset.cells())) == 4


def test_a_table_id_that_is_not_ssb_s_is_refused(server, english):
    with client(server, []) as ssb, pytest.raises(OpenDataError) as error:
        ssb.table("../config", SELECTION)
    assert str(error.value) == '"../config" is not an SSB table id.'
    assert server.requests == []


def test_credit_and_limits_are_ssb_s_documented_ones():
    config = json.loads(recorded("ssb_pxwebapi_v2_config_DOCEXAMPLE.json"))
    norwegian = next(ref for ref in config["sourceReferences"] if ref["language"] == "no")
    assert CREDIT == norwegian["text"] == "Kilde: Statistisk sentralbyrå"
    with SsbClient() as ssb:
        throttle = ssb.fetcher.throttle
        assert (throttle.calls, throttle.period) == (
            config["maxCallsPerTimeWindow"],
            config["timeWindow"],
        )
        assert ssb.fetcher.base_url == "https://data.ssb.no/api/pxwebapi/v2/"
