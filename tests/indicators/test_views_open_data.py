"""The indicator form's links to open data: a fieldset per registered source, the SSB table and
selection typed in and read back, the Kolada KPI, and what is refused (in the user's words)."""

import html

import pytest
from django.urls import reverse

from indicators.models import Indicator
from indicators.selectors import measure_copy
from tests.indicators.test_views_planner import as_user, indicator_data
from tests.planner_roles import en_client, people  # noqa: F401 (fixtures)

TYPED = "KOKkommuneregion0000=4631,EAK; ContentsCode=KOSAG110000"
SELECTION = {"KOKkommuneregion0000": ["4631", "EAK"], "ContentsCode": "KOSAG110000"}
ENGLISH_NUMBERS = {"target_value": "5.5", "green_bound": "6.0", "red_bound": "7.0"}
LINKED = {"kolada": {"kpi": "U00200"}, "ssb": {"table": "1", "selection": {"A": "1"}}}


def create_url(goal) -> str:
    return reverse("indicators:indicator_create", args=[goal.pk])


def edit_url(indicator) -> str:
    return reverse("indicators:indicator_update", args=[indicator.pk])


def errors(response) -> dict[str, list[str]]:
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


def test_the_form_has_a_fieldset_per_source(en_client, people, goal):  # noqa: F811
    as_user(en_client, people, "planner")
    page = en_client.get(create_url(goal)).text
    assert (
        '<fieldset class="ds-fieldset form-section open-data-source" data-source="kolada">' in page
    )
    assert '<fieldset class="ds-fieldset form-section open-data-source" data-source="ssb">' in page
    assert "Open data: Statistics Norway (SSB)" in page
    for name in ("kolada_kpi", "ssb_table", "ssb_selection"):
        assert f'name="{name}"' in page
    # The Kolada KPI's finder fills in the field it names.
    assert 'data-fills="id_kolada_kpi"' in page and 'id="kpi-finder"' in page


def test_the_ssb_link_is_set_in_the_form(client, people, goal):  # noqa: F811
    as_user(client, people, "planner")
    data = indicator_data(goal, kolada_kpi="", ssb_table="12362", ssb_selection=TYPED)
    response = client.post(create_url(goal), data)
    assert response.status_code == 302, errors(response)
    made = Indicator.objects.get(name="Total sjukfrånvaro")
    assert made.open_data == {"ssb": {"table": "12362", "selection": SELECTION}}

    response = client.get(edit_url(made))
    read_back = "ContentsCode=KOSAG110000; KOKkommuneregion0000=4631,EAK"  # variables in order
    assert response.context["form"]["ssb_selection"].value() == read_back
    assert f"{html.escape(read_back)}</textarea>" in response.text
    assert 'name="ssb_table" value="12362"' in response.text


def test_links_are_changed_and_removed_in_the_form(client, people, indicator):  # noqa: F811
    as_user(client, people, "planner")
    indicator.open_data = {
        "kolada": {"kpi": "U00200"},
        "ssb": {"table": "1", "selection": {"A": "1"}},
    }
    indicator.save()
    data = indicator_data(
        indicator.goal,
        version=str(indicator.version),
        kolada_kpi="n00090",
        ssb_table="",
        ssb_selection="",
    )
    response = client.post(edit_url(indicator), data)
    assert response.status_code == 302, errors(response)
    indicator.refresh_from_db()
    assert indicator.open_data == {"kolada": {"kpi": "N00090"}}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            {"kolada_kpi": "sjukfrånvaro"},
            {"kolada_kpi": ["“sjukfrånvaro” is not a valid id, e.g. N00090."]},
        ),
        (
            {"ssb_table": "12362", "ssb_selection": "KOKkommuneregion0000 4631"},
            {
                "ssb_selection": [
                    "Give codes per variable, each variable with its codes after “=” and the "
                    "variables separated by “;”, e.g. "
                    "KOKkommuneregion0000=4631; ContentsCode=KOSAG110000."
                ]
            },
        ),
        (
            {"ssb_selection": TYPED},
            {
                "ssb_table": [
                    "Fill this in as well to link the indicator to Statistics Norway (SSB)."
                ]
            },
        ),
        (
            {"ssb_table": "12362"},
            {
                "ssb_selection": [
                    "Fill this in as well to link the indicator to Statistics Norway (SSB)."
                ]
            },
        ),
        (
            {"ssb_table": "../config", "ssb_selection": TYPED},
            {"ssb_table": ["“../config” is not a valid id, e.g. 12362."]},
        ),
    ],
)
def test_wrong_links_are_refused_by_their_field(en_client, people, goal, typed, expected):  # noqa: F811
    as_user(en_client, people, "planner")
    data = indicator_data(goal, **{**ENGLISH_NUMBERS, "kolada_kpi": "", **typed})
    response = en_client.post(create_url(goal), data)
    assert response.status_code == 200
    assert errors(response) == expected
    assert not Indicator.objects.filter(name="Total sjukfrånvaro").exists()
    for message in expected.values():
        assert html.escape(message[0], quote=False) in response.text


def test_a_reused_measure_brings_its_links(client, people, goal, indicator):  # noqa: F811
    indicator.scope = "municipality_wide"
    indicator.open_data = {
        "kolada": {"kpi": "U00200"},
        "ssb": {"table": "1", "selection": {"A": "1"}},
    }
    indicator.save()
    assert measure_copy(indicator)["open_data"] == indicator.open_data
    as_user(client, people, "planner")
    page = client.get(create_url(goal), {"reuses": indicator.pk}).text
    assert 'name="kolada_kpi" value="U00200"' in page
    assert 'name="ssb_table" value="1"' in page
