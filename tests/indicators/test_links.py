"""An indicator's links to open data (`indicators.links`): the registry the opendata app fills,
how a link is typed and checked, and the messages `Indicator.clean()` gives."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation

from indicators.links import (
    CODES,
    LinkField,
    LinkSource,
    clean_open_data,
    link_source,
    link_sources,
    linked_sources,
    register,
)
from indicators.models import Measurement, Origin, SyncRun
from indicators.services import indicator_create, indicator_update

SELECTION = LinkField(name="selection", label="SSB selection", kind=CODES, example="A=1; B=2")
KPI = LinkField(
    name="kpi", label="KPI", pattern=r"[A-Z]\d{5}", example="N00090", transform=str.upper
)

# --- The registry ---------------------------------------------------------------------------------


def test_the_opendata_app_registers_kolada_and_ssb_in_order():
    assert [source.name for source in link_sources()][:2] == ["kolada", "ssb"]
    kolada, ssb = link_source("kolada"), link_source("ssb")
    assert (kolada.credit, ssb.credit) == ("Källa: Kolada", "Kilde: Statistisk sentralbyrå")
    assert [key for key, _field in kolada.keyed_fields()] == ["kolada_kpi"]
    assert [key for key, _field in ssb.keyed_fields()] == ["ssb_table", "ssb_selection"]


def test_an_unknown_source_is_a_lookup_error():
    with pytest.raises(LookupError):
        link_source("scb")


@pytest.mark.parametrize("name", ["Kolada", "manual", "import", "a_name_too_long", "1st", ""])
def test_a_source_name_must_fit_where_it_is_stored(name):
    with pytest.raises(ImproperlyConfigured):
        register(LinkSource(name=name, label="X", credit="X"))


def test_origins_and_sync_sources_come_from_the_registry(english):
    origins = dict(Measurement._meta.get_field("origin").choices)
    assert list(origins)[:4] == ["manual", "import", "kolada", "ssb"]
    assert origins["ssb"] == "Statistics Norway (SSB)"
    assert dict(SyncRun._meta.get_field("source").choices)["kolada"] == "Kolada"
    # The names other code uses keep working.
    assert (Origin.KOLADA, Origin.SSB, Origin.MANUAL) == ("kolada", "ssb", "manual")
    assert str(Origin(Origin.KOLADA).label) == "Kolada"


# --- Typing a link --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        (
            "KOKkommuneregion0000=4631,EAK; ContentsCode=KOSAG110000",
            {"KOKkommuneregion0000": ["4631", "EAK"], "ContentsCode": "KOSAG110000"},
        ),
        (" A = 1 ;\n B=2, 3 ; ", {"A": "1", "B": ["2", "3"]}),
        ('{"A": "1", "B": ["2", "3"]}', {"A": "1", "B": ["2", "3"]}),
        ("", None),
    ],
)
def test_a_selection_as_typed(typed, value):
    assert SELECTION.from_text(typed) == value


def test_a_selection_reads_back_as_typed_variables_in_order():
    value = {"KOKkommuneregion0000": ["4631", "EAK"], "ContentsCode": "KOSAG110000"}
    text = SELECTION.as_text(value)
    assert text == "ContentsCode=KOSAG110000; KOKkommuneregion0000=4631,EAK"
    assert SELECTION.from_text(text) == value


@pytest.mark.parametrize("typed", ["A 1", "A=", "=1", "A=1; A=2", "{not json"])
def test_a_selection_that_is_not_codes_per_variable(typed, english):
    with pytest.raises(ValidationError) as error:
        SELECTION.from_text(typed)
    assert error.value.messages == [
        "Give codes per variable, each variable with its codes after “=” and the variables "
        "separated by “;”, e.g. A=1; B=2."
    ]


@pytest.mark.parametrize("stored", [["4631"], {"A": []}, {"A": 1}, {"A": ["1,2"]}, "A=1"])
def test_a_stored_selection_must_be_codes_per_variable(stored, english):
    with pytest.raises(ValidationError):
        SELECTION.clean(stored)


def test_an_id_is_checked_against_its_pattern(english):
    assert KPI.clean(" n00090 ") == "N00090"
    with pytest.raises(ValidationError) as error:
        KPI.clean("sjukfrånvaro")
    assert error.value.messages == ["“sjukfrånvaro” is not a valid id, e.g. N00090."]


# --- Checking an indicator's links ----------------------------------------------------------------


def test_empty_links_are_left_out():
    assert clean_open_data({"kolada": {"kpi": ""}, "ssb": {}}) == {}
    assert clean_open_data({"kolada": {"kpi": "n00090"}}) == {"kolada": {"kpi": "N00090"}}


def test_linked_sources():
    data = {"ssb": {"table": "12362", "selection": {"A": "1"}}}
    assert [source.name for source in linked_sources(data)] == ["ssb"]
    assert link_source("ssb").reference(data) == "12362"


@pytest.mark.parametrize(
    ("open_data", "message"),
    [
        (
            {"scb": {"table": "x"}},
            "“scb”: not an open-data source. The sources are Kolada and Statistics Norway (SSB).",
        ),
        ({"kolada": {"kpi": "N0009"}}, "Kolada KPI: “N0009” is not a valid id, e.g. N00090."),
        (
            {"ssb": {"table": "12362", "selection": ["4631"]}},
            "SSB selection: Give codes per variable, each variable with its codes after “=” and "
            "the variables separated by “;”, e.g. "
            "KOKkommuneregion0000=4631; ContentsCode=KOSAG110000.",
        ),
        (
            {"ssb": {"selection": {"A": "1"}}},
            "SSB table: Fill this in as well to link the indicator to Statistics Norway (SSB).",
        ),
        ({"kolada": {"kpi": "N00090", "ou": "x"}}, "Kolada has no link field ou."),
        (["N00090"], "The links to open data are not given per source."),
    ],
)
def test_the_model_names_the_field_that_is_wrong(goal, english, open_data, message):
    with pytest.raises(ValidationError) as error:
        indicator_create(goal=goal, name="X", green_bound=D("1"), open_data=open_data, actor=None)
    assert error.value.message_dict["open_data"] == [message]


def test_the_message_is_in_the_user_s_language(indicator):
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        indicator_update(indicator=indicator, open_data={"kolada": {"kpi": "x"}}, actor=None)
    [message] = error.value.message_dict["open_data"]
    assert message.startswith("nyckeltal i Kolada: ")
    assert "N00090" in message and "is not" not in message


def test_links_are_saved_through_the_services(indicator):
    links = {"kolada": {"kpi": "N00090"}, "ssb": {"table": "12362", "selection": {"A": "1"}}}
    indicator_update(indicator=indicator, open_data=links, actor=None)
    indicator.refresh_from_db()
    assert indicator.open_data == links
    assert indicator.history.first().open_data == links
