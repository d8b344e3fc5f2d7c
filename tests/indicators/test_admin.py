"""The admin of indicators and measurements, and the indicators inline of a goal."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.utils import timezone, translation
from django.utils.html import escape
from simple_history.admin import SimpleHistoryAdmin

from goals.models import Goal
from goals.services import activity_create, goal_create
from indicators.colour import Bands, Direction, problems
from indicators.models import Indicator, Measurement
from indicators.services import indicator_create, measurement_record
from planning.services import organisation_create, periods_ensure_year
from tests.planning.test_admin import (
    admin_url,
    assert_add_refused,
    assert_admin_pages_answer,
    assert_constant_queries,
    assert_unchanged_form_saves,
    changelist_rows,
    form_data,
    management_data,
)

MODELS = [Indicator, Measurement]
ENGLISH = {"headers": {"accept-language": "en"}}


@pytest.fixture
def measurement(indicator, periods, units):
    return measurement_record(
        indicator=indicator,
        period=periods[0],
        unit=units["unit_a"],
        value=Decimal("75"),
        actor=None,
    )


@pytest.fixture
def existing(indicator, measurement):
    return {Indicator: indicator, Measurement: measurement}


def indicator_data(goal, /, **changes) -> dict:
    """A complete indicator add form: HME index, green from 80, red below 70."""
    data = {
        "goal": goal.pk,
        "position": "0",
        "scope": "operation_specific",
        "name": "HME-index",
        "unit": "index",
        "decimals": "0",
        "frequency": "yearly",
        "direction": "higher",
        "green_bound": "80",
        "green_bound_inclusive": "on",
        "red_bound": "70",
        "target_value": "80",
        "target_kind": "bands",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- every page answers -------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_pages_answer(admin_client, existing, model):
    assert isinstance(admin.site.get_model_admin(model), SimpleHistoryAdmin)
    assert_admin_pages_answer(admin_client, existing[model])


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_unchanged_change_form_saves(admin_client, existing, model):
    assert_unchanged_form_saves(admin_client, existing[model])


def test_goal_page_lists_indicators_and_activities(admin_client, goal, indicator, activity):
    response = admin_client.get(admin_url(Goal, "change", goal.pk))
    models = [inline.formset.model for inline in response.context["inline_admin_formsets"]]
    assert Indicator in models
    assert models.count(Indicator) == 1
    content = response.content.decode()
    assert admin_url(Indicator, "change", indicator.pk) in content
    assert "Vi utbildar medarbetare i MHFA" in content


def test_goal_page_saves_with_indicators_and_activities(admin_client, goal, indicator, activity):
    assert_unchanged_form_saves(admin_client, goal)


def test_indicator_is_added_through_the_admin(admin_client, goal):
    page = admin_client.get(admin_url(Indicator, "add"))
    response = admin_client.post(
        admin_url(Indicator, "add"), {**management_data(page), **indicator_data(goal)}
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(goal=goal)
    assert (indicator.green_bound, indicator.red_bound) == (Decimal("80"), Decimal("70"))
    assert indicator.history.count() == 1


# --- validation shows as form errors, never as a crash ------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_empty_add_form_shows_errors(admin_client, db, model):
    assert_add_refused(admin_client, model, {})


def test_red_bound_on_the_green_side_is_refused_with_the_reason(admin_client, goal):
    page = admin_client.get(admin_url(Indicator, "add"), **ENGLISH)
    response = admin_client.post(
        admin_url(Indicator, "add"),
        {**management_data(page), **indicator_data(goal, red_bound="90")},
        **ENGLISH,
    )
    assert response.status_code == 200
    assert not Indicator.objects.exists()
    with translation.override("en"):
        expected = problems(
            Bands(Direction.HIGHER_IS_BETTER, Decimal("80"), True, Decimal("90"), False)
        )["red_bound"]
    assert "red bound must be below the green bound" in expected
    assert response.context["adminform"].form.errors["red_bound"] == [expected]
    assert escape(expected) in response.content.decode()
    assert "Constraint" not in response.content.decode()  # no duplicate generic message


def test_target_outside_green_is_refused(admin_client, goal):
    response = assert_add_refused(admin_client, Indicator, indicator_data(goal, target_value="75"))
    assert "target_value" in response.context["adminform"].form.errors


def test_other_unit_without_its_name_is_refused(admin_client, goal):
    response = assert_add_refused(admin_client, Indicator, indicator_data(goal, unit="other"))
    assert "unit_label" in response.context["adminform"].form.errors


def test_indicator_with_bands_but_no_goal_is_refused(admin_client, goal):
    response = assert_add_refused(admin_client, Indicator, indicator_data(goal, goal=""))
    assert "goal" in response.context["adminform"].form.errors


@pytest.mark.parametrize("missing", ["indicator", "period"])
def test_measurement_missing_indicator_or_period_is_refused(
    admin_client, indicator, periods, units, missing
):
    data = {
        "indicator": indicator.pk,
        "period": periods[1].pk,
        "unit": units["unit_a"].pk,
        "value": "81",
    }
    del data[missing]
    response = assert_add_refused(admin_client, Measurement, data)
    assert missing in response.context["adminform"].form.errors


def test_measurement_for_a_unit_of_another_organisation_is_refused(
    admin_client, indicator, periods
):
    other = organisation_create(name="Annan kommun", actor=None)
    (foreign,) = [other.units.create(name="Främmande", kind="unit")]
    response = assert_add_refused(
        admin_client,
        Measurement,
        {"indicator": indicator.pk, "period": periods[1].pk, "unit": foreign.pk, "value": "81"},
    )
    assert "unit" in response.context["adminform"].form.errors


# --- lists show bands and colours in words ------------------------------------------------------


def test_indicator_list_shows_the_bands_in_words(admin_client, indicator):
    response = admin_client.get(admin_url(Indicator, "changelist"), **ENGLISH)
    assert "Green ≥ 80 · Yellow ≥ 70 and &lt; 80 · Red &lt; 70" in response.content.decode()


def test_two_band_indicator_shows_two_bands(admin_client, goal):
    indicator_create(
        goal=goal, name="Handlingsplan", green_bound=Decimal("100"), unit="percent", actor=None
    )
    response = admin_client.get(admin_url(Indicator, "changelist"), **ENGLISH)
    assert "Green ≥ 100 · Red &lt; 100" in response.content.decode()


def test_measurement_list_shows_the_colour_in_words(admin_client, indicator, periods, measurement):
    measurement_record(indicator=indicator, period=periods[1], value=Decimal("85"), actor=None)
    measurement_record(indicator=indicator, period=periods[2], value=None, actor=None)
    response = admin_client.get(admin_url(Measurement, "changelist"), **ENGLISH)
    colours = [row.colour.label for row in response.context["cl"].result_list]
    assert sorted(colours) == ["Green", "No value", "Yellow"]
    content = response.content.decode()
    for label in ("Green", "Yellow", "No value"):
        assert f">{label}<" in content


# --- who entered a value, and when, is never typed in -------------------------------------------


def test_measurement_added_in_admin_records_who(admin_client, admin_user, indicator, periods):
    before = timezone.now()
    page = admin_client.get(admin_url(Measurement, "add"))
    response = admin_client.post(
        admin_url(Measurement, "add"),
        {
            **management_data(page),
            "indicator": indicator.pk,
            "period": periods[1].pk,
            "value": "81",
            "entered_at": "2000-01-01 00:00",  # read-only: ignored
        },
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get(indicator=indicator, period=periods[1])
    assert measurement.entered_by == admin_user
    assert measurement.entered_at >= before


def test_measurement_added_in_indicator_inline_records_who(
    admin_client, admin_user, indicator, periods, measurement
):
    url = admin_url(Indicator, "change", indicator.pk)
    data = form_data(admin_client.get(url))
    assert data["measurements-TOTAL_FORMS"] == "1"
    data.update(
        {
            "measurements-TOTAL_FORMS": "2",
            "measurements-1-period": str(periods[1].pk),
            "measurements-1-value": "82",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    added = Measurement.objects.get(indicator=indicator, period=periods[1])
    assert added.entered_by == admin_user
    assert added.entered_at is not None
    measurement.refresh_from_db()
    assert measurement.entered_by is None  # unchanged rows keep who entered them


def test_measurement_inline_offers_only_the_plans_periods_and_units(
    admin_client, indicator, periods, units
):
    other = organisation_create(name="Annan kommun", actor=None)
    foreign_periods = periods_ensure_year(organisation=other, year=2023, actor=None)
    foreign_unit = other.units.create(name="Främmande", kind="unit")
    response = admin_client.get(admin_url(Indicator, "change", indicator.pk))
    (inline,) = response.context["inline_admin_formsets"]
    fields = inline.formset.form.base_fields
    periods_offered = {str(value) for value, _label in fields["period"].choices}
    units_offered = {str(value) for value, _label in fields["unit"].choices}
    assert {str(period.pk) for period in periods} <= periods_offered
    assert not {str(period.pk) for period in foreign_periods} & periods_offered
    assert str(units["unit_a"].pk) in units_offered
    assert str(foreign_unit.pk) not in units_offered


# --- no query per row ---------------------------------------------------------------------------


def test_indicator_changelist_queries_constant(admin_client, goal):
    def add(n):
        for _ in range(n):
            indicator_create(
                goal=goal,
                name="Sjukfrånvaro",
                unit="percent",
                decimals=1,
                direction="lower",
                green_bound=Decimal("6"),
                green_bound_inclusive=False,
                red_bound=Decimal("7"),
                target_value=Decimal("5.5"),
                actor=None,
            )

    assert_constant_queries(
        admin_client,
        admin_url(Indicator, "changelist"),
        add,
        shown=changelist_rows,
        few=1,
        many=10,
    )


def test_measurement_changelist_queries_constant(
    admin_client, admin_user, indicator, periods, units
):
    slots = iter(
        (period, unit)
        for period in periods
        for unit in [None, *units.values()]  # a value for the plan, and one per unit
    )

    def add(n):
        for _ in range(n):
            period, unit = next(slots)
            measurement_record(
                indicator=indicator,
                period=period,
                unit=unit,
                value=Decimal("72.5"),
                actor=admin_user,
            )

    assert_constant_queries(
        admin_client,
        admin_url(Measurement, "changelist"),
        add,
        shown=changelist_rows,
        few=1,
        many=10,
    )


def test_indicator_page_queries_do_not_grow_with_measurements(
    admin_client, admin_user, indicator, periods, units
):
    slots = iter((period, unit) for period in periods for unit in [None, *units.values()])

    def add(n):
        for _ in range(n):
            period, unit = next(slots)
            measurement_record(
                indicator=indicator, period=period, unit=unit, value=Decimal("90"), actor=admin_user
            )

    assert_constant_queries(
        admin_client,
        admin_url(Indicator, "change", indicator.pk),
        add,
        shown=lambda r: len(r.context["inline_admin_formsets"][0].formset.forms),
        few=1,
        many=10,
    )


def test_goal_page_queries_do_not_grow_with_indicators_and_activities(admin_client, plan):
    goal = goal_create(plan=plan, number=7, title="Mål", actor=None)

    def add(n):
        for _ in range(n):
            indicator_create(goal=goal, name="Mått", green_bound=Decimal("1"), actor=None)
            activity_create(goal=goal, title="Aktivitet", ongoing=True, actor=None)

    assert_constant_queries(
        admin_client,
        admin_url(Goal, "change", goal.pk),
        add,
        shown=lambda r: (
            sum(len(inline.formset.forms) for inline in r.context["inline_admin_formsets"]) // 2
        ),
        few=1,
        many=10,
    )


@pytest.fixture
def reference_value(indicator):
    from indicators.models import ReferenceValue

    return ReferenceValue.objects.create(
        indicator=indicator,
        kind="national",
        year=2023,
        value=Decimal("77"),
        source="Källa: Kolada",
        fetched_at=timezone.now(),
    )


@pytest.fixture
def sync_run(plan):
    from indicators.models import SyncRun

    return SyncRun.objects.create(
        source="kolada",
        organisation=plan.organisation,
        plan=plan,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        status="ok",
        message="3 värden hämtade",
    )


def test_reference_value_pages_answer(admin_client, reference_value):
    assert_admin_pages_answer(admin_client, reference_value)


def test_sync_runs_are_read_only_in_the_admin(admin_client, sync_run):
    from indicators.models import SyncRun

    assert admin_client.get(admin_url(SyncRun, "changelist")).status_code == 200
    page = admin_client.get(admin_url(SyncRun, "change", sync_run.pk))
    assert page.status_code == 200
    assert "3 värden hämtade" in page.text
    assert admin_client.get(admin_url(SyncRun, "add")).status_code == 403
    admin_client.post(admin_url(SyncRun, "change", sync_run.pk), {"message": "ändrad"})
    sync_run.refresh_from_db()
    assert sync_run.message == "3 värden hämtade"


# --- links to open data -------------------------------------------------------------------------


def test_the_admin_shows_and_saves_the_links_to_open_data(admin_client, goal, indicator):
    indicator.open_data = {"kolada": {"kpi": "U00200"}}
    indicator.save()
    url = admin_url(Indicator, "change", indicator.pk)
    page = admin_client.get(url)
    content = page.content.decode()
    assert 'name="kolada_kpi"' in content and 'value="U00200"' in content
    assert 'name="ssb_table"' in content and 'name="ssb_selection"' in content
    data = {
        **form_data(page),
        "ssb_table": "12362",
        "ssb_selection": "KOKkommuneregion0000=4631; ContentsCode=KOSAG110000",
    }
    assert admin_client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.open_data == {
        "kolada": {"kpi": "U00200"},
        "ssb": {
            "table": "12362",
            "selection": {"KOKkommuneregion0000": "4631", "ContentsCode": "KOSAG110000"},
        },
    }


def test_a_wrong_link_is_refused_in_the_admin(admin_client, goal, indicator):
    url = admin_url(Indicator, "change", indicator.pk)
    page = admin_client.get(url)
    with translation.override("en"):
        response = admin_client.post(url, {**form_data(page), "kolada_kpi": "x"}, **ENGLISH)
    assert response.status_code == 200
    assert escape("“x” is not a valid id, e.g. N00090.") in response.content.decode()
