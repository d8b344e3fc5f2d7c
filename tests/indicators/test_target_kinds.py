"""Every kind of target through the model: the colour at and around each boundary in both
directions (`Indicator.verdict` with the basis read by `indicators.selectors.basis_of`), the
reason when nothing colours, contradictory targets refused field by field with nothing saved,
results in words only where the kind takes them, and open-data sync, roll-over and history
for every kind."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from authoring.services import plan_roll_over
from goals.services import goal_create
from indicators.colour import Colour, TargetKind
from indicators.models import Indicator, Measurement, ReferenceValue
from indicators.selectors import basis_of
from indicators.services import indicator_create, indicator_update, measurement_record
from planning.services import (
    organisation_create,
    organisation_update,
    periods_ensure_year,
)
from tests.indicators.kinds import (
    KINDS,
    KOLADA,
    ORGANISATION_SHARE,
    WORDS,
    build,
    case_id,
    cases,
    decided,
    listed,
    plan_of,
    references_create,
)

pytest_plugins = ["tests.planner_roles"]

D = Decimal


@pytest.fixture
def two_years(organisation, units):
    """A plan of 2022–2023 with its periods: (plan, year-end 2022, T2 2023)."""
    organisation_update(organisation=organisation, relative_share=ORGANISATION_SHARE, actor=None)
    plan = plan_of(organisation, 2022, 2023, owner_unit=units["operation"])
    year_end_2022 = periods_ensure_year(organisation=organisation, year=2022, actor=None)[-1]
    t2_2023 = periods_ensure_year(organisation=organisation, year=2023, actor=None)[1]
    return plan, year_end_2022, t2_2023


@pytest.fixture
def plan_goal(two_years):
    return goal_create(plan=two_years[0], number=1, title="Trygg omsorg", actor=None)


def verdict_in(indicator: Indicator, period, value):
    """The colour of a value recorded in `period`, as the pages read it: the measured values and
    the stored references of the indicator make the basis."""
    measurement_record(indicator=indicator, period=period, value=value, actor=None)
    indicator = Indicator.objects.select_related("goal__plan__organisation").get(pk=indicator.pk)
    measured = dict(Measurement.objects.filter(indicator=indicator).values_list("period", "value"))
    basis = basis_of(
        indicator,
        year=period.year,
        measured=measured,
        references=ReferenceValue.objects.filter(indicator=indicator),
    )
    return indicator.verdict(measured[period.pk], basis)


# --- The colour at and around every boundary ------------------------------------------------------


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_the_colour_at_and_around_each_boundary(case, two_years, plan_goal, english):
    kind, value, colour = case
    _plan, baseline, period = two_years
    indicator = build(kind, plan_goal, baseline)

    verdict = verdict_in(indicator, period, D(value))

    assert verdict.colour == colour, verdict.reason
    # The plan's indicator list colours it by the same rule, from what it reads of the value.
    row = listed(indicator.goal.plan, indicator.pk)
    assert (row.latest_value, row.latest_colour) == (D(value), colour)
    if colour == Colour.UNCOLOURED:
        assert verdict.reason.startswith("No colour")
        assert verdict.band == ""
    else:
        # The reason names the colour and the rule's bands, in the user's language.
        assert verdict.reason.startswith(colour.label + ":")
        assert verdict.band in verdict.reason


@pytest.mark.parametrize("kind", [k for k in KINDS if k.name.startswith("relative")], ids=str)
def test_a_relative_target_is_judged_like_its_worked_out_bands(kind, plan_goal, two_years):
    """The worked-out bands and the rule agree: judging the bands gives the verdict's colour."""
    indicator = build(kind, plan_goal, two_years[1])
    for value, colour in kind.values:
        assert indicator.colour_of(D(value)) == colour, (kind.name, value)


@pytest.mark.parametrize("kind", [*KINDS, *WORDS], ids=lambda kind: kind.name)
def test_no_value_is_never_green(kind, plan_goal, two_years):
    indicator = build(kind, plan_goal, two_years[1])
    expected = (
        Colour.NO_VALUE if TargetKind(kind.fields["target_kind"]).colours else Colour.UNCOLOURED
    )
    assert indicator.colour_of(None) == expected


# --- No colour, and why ---------------------------------------------------------------------------


def test_a_change_without_a_value_at_the_baseline_has_no_colour_and_says_so(
    plan_goal, two_years, english
):
    [kind] = [k for k in KINDS if k.name == "change increase"]
    indicator = build(kind, plan_goal, two_years[1], name="Utan basvärde")
    Measurement.objects.filter(indicator=indicator).delete()

    verdict = verdict_in(indicator, two_years[2], D("90"))

    assert verdict.colour == Colour.UNCOLOURED
    assert verdict.reason == ("No colour: there is no value at the baseline 2022 to compare with.")


def test_a_gap_to_a_reference_without_data_has_no_colour_and_says_so(plan_goal, two_years, english):
    """Linked to open data, but the source has no national value for the period's year."""
    [kind] = [k for k in KINDS if k.name == "gap national higher"]
    indicator = build(kind, plan_goal, two_years[1])
    ReferenceValue.objects.filter(indicator=indicator, year=2023).delete()

    verdict = verdict_in(indicator, two_years[2], D("75"))

    assert verdict.colour == Colour.UNCOLOURED
    assert verdict.reason == "No colour: there is no value of the whole country for the period."
    # A reference the source reports as missing (an empty value) is no data either.
    references_create(indicator, {2023: None})
    assert verdict_in(indicator, two_years[2], D("75")).colour == Colour.UNCOLOURED


def test_a_gap_without_the_reference_at_the_baseline_has_no_colour_and_says_so(
    plan_goal, two_years, english
):
    [kind] = [k for k in KINDS if k.name == "gap national higher"]
    indicator = build(kind, plan_goal, two_years[1])
    ReferenceValue.objects.filter(indicator=indicator, year=2022).delete()

    verdict = verdict_in(indicator, two_years[2], D("75"))

    assert verdict.colour == Colour.UNCOLOURED
    assert verdict.reason == (
        "No colour: there is no value of the whole country at the baseline 2022."
    )


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("monitor", "No colour: the indicator is monitored, not judged against a target."),
        ("developing", "No colour: the indicator is under development and has no measure yet."),
        ("text", "No colour: the target is written in words, and a person assesses the result."),
    ],
)
def test_the_kinds_that_never_colour_say_why(kind, reason, plan_goal, two_years, english):
    [found] = [k for k in (*KINDS, *WORDS) if k.name == kind]
    indicator = build(found, plan_goal, two_years[1])
    assert indicator.verdict(D("80")).colour == Colour.UNCOLOURED
    assert indicator.verdict(D("80")).reason == reason
    assert indicator.band_texts() == {Colour.UNCOLOURED: reason}


# --- Results in words -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", WORDS, ids=lambda kind: kind.name)
def test_a_kind_followed_up_in_words_takes_a_result_and_refuses_a_value(
    kind, plan_goal, two_years, english
):
    indicator = build(kind, plan_goal, two_years[1])
    period = two_years[2]
    measurement = measurement_record(
        indicator=indicator, period=period, value=None, result="partly", comment="Se bilaga",
        actor=None,
    )  # fmt: skip
    assert (measurement.result, measurement.value) == ("partly", None)

    with pytest.raises(ValidationError) as refused:
        measurement_record(indicator=indicator, period=period, value=D("3"), actor=None)

    assert "write its result in words instead of a value" in refused.value.message_dict["value"][0]
    measurement.refresh_from_db()
    assert (measurement.result, measurement.value) == ("partly", None)


# A banded indicator, and a monitored one: it takes a value too, never a result.
@pytest.mark.parametrize("kind", [KINDS[0], KINDS[-1]], ids=lambda kind: kind.name)
def test_a_result_in_words_on_a_numeric_indicator_is_refused_and_nothing_saved(
    kind, plan_goal, two_years, english
):
    indicator = build(kind, plan_goal, two_years[1])
    before = Measurement.objects.count()

    with pytest.raises(ValidationError) as refused:
        measurement_record(
            indicator=indicator, period=two_years[2], value=None, result="fulfilled", actor=None
        )

    message = refused.value.message_dict["result"][0]
    assert message == (
        f"{indicator.name} is followed up with a number, not a result in words: write its "
        "value, and any words in the comment."
    )
    assert Measurement.objects.count() == before


# --- Contradictory targets ------------------------------------------------------------------------

BANDS = {"target_kind": "bands", "green_bound": D("80"), "red_bound": D("70")}


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        # A kind given a field of another kind: refused on that field, naming it.
        ({**BANDS, "baseline_value": D("50")}, "baseline_value", "“value at the baseline”"),
        ({**BANDS, "relative_share": D("90")}, "relative_share", "“yellow from (% of the target)”"),
        ({**BANDS, "change_tolerance": D("1")}, "change_tolerance", "“tolerance for “unchanged”"),
        ({"target_kind": "relative", "target_value": D("100"), "green_bound": D("80")},
         "green_bound", "“green from”"),
        ({"target_kind": "monitor", "target_value": D("80")}, "target_value", "no target value"),
        ({"target_kind": "developing", "red_bound": D("3")}, "red_bound", "“red from”"),
        ({"target_kind": "change", "reference_label": "Länet", "baseline_value": D("3")},
         "reference_label", "“name of the reference”"),
        # What a kind needs and lacks.
        ({"target_kind": "relative"}, "target_value", "Write the target value"),
        ({"target_kind": "relative", "target_value": D("-5")}, "target_value", "0 or more"),
        ({"target_kind": "bands"}, "green_bound", "Write the green bound"),
        ({"target_kind": "change"}, "baseline_period", "Choose the baseline"),
        ({"target_kind": "text"}, "target_text", "Write the target in words"),
        ({"target_kind": "gap", "reference_kind": "entered", "reference_label": "Länet",
          "baseline_value": D("3")}, "reference_value", "Write the reference value"),
        ({"target_kind": "gap", "reference_kind": "entered", "reference_value": D("5"),
          "baseline_value": D("3")}, "reference_label", "Name the reference"),
        ({"target_kind": "gap", "baseline_value": D("3")}, "reference_kind", "Choose what the gap"),
        ({"target_kind": "gap", "reference_kind": "national", "reference_value": D("5"),
          "baseline_value": D("3"), "open_data": KOLADA}, "reference_value", "open data"),
        # A reference with no data: the whole country from open data, with no open-data link.
        ({"target_kind": "gap", "reference_kind": "national", "baseline_value": D("3")},
         "reference_kind", "linked to no open-data source"),
        ({"target_kind": "gap", "reference_kind": "group_mean", "baseline_value": D("3"),
          "open_data": KOLADA}, "reference_kind", "has no comparison group"),
        ({"target_kind": "change", "baseline_value": D("3"), "change_tolerance": D("-1")},
         "change_tolerance", "0 or more"),
        # Bands that contradict themselves or the target value.
        ({**BANDS, "red_bound": D("90")}, "red_bound", "must be below the green bound"),
        ({**BANDS, "target_value": D("75")}, "target_value", "outside the green band"),
    ],
)  # fmt: skip
def test_a_contradictory_target_is_refused_on_its_field_and_nothing_saved(
    fields, field, words, plan_goal, two_years, english
):
    fields = dict(fields)
    if fields["target_kind"] in ("change", "gap") and "baseline_value" in fields:
        fields["baseline_period"] = two_years[1]
    before = Indicator.objects.count(), Indicator.history.count()

    with pytest.raises(ValidationError) as refused:
        indicator_create(goal=plan_goal, name="Motsägelse", actor=None, **fields)

    errors = refused.value.message_dict
    assert field in errors, errors
    assert any(words in message for message in errors[field]), errors[field]
    assert (Indicator.objects.count(), Indicator.history.count()) == before


def test_a_baseline_period_of_another_organisation_is_refused(plan_goal, english):
    other = organisation_create(name="Grannkommun", actor=None)
    elsewhere = periods_ensure_year(organisation=other, year=2022, actor=None)[-1]

    with pytest.raises(ValidationError) as refused:
        indicator_create(
            goal=plan_goal,
            name="Ökar",
            target_kind="change",
            baseline_period=elsewhere,
            baseline_value=D("3"),
            actor=None,
        )

    assert refused.value.message_dict["baseline_period"] == [
        "Choose a follow-up period of the plan's organisation."
    ]
    assert not Indicator.objects.exists()


def test_changing_the_kind_refuses_the_old_kinds_fields_and_keeps_the_indicator(
    plan_goal, two_years, english
):
    indicator = build(KINDS[0], plan_goal, two_years[1])

    with pytest.raises(ValidationError) as refused:
        indicator_update(indicator=indicator, target_kind="monitor", actor=None)

    assert set(refused.value.message_dict) >= {"green_bound", "red_bound"}
    indicator.refresh_from_db()
    assert (indicator.target_kind, indicator.green_bound) == ("bands", D("80"))


# --- Open-data sync, roll-over and history --------------------------------------------------------


def test_a_monitored_indicator_syncs_like_any_other(organisation, units, settings):
    """Kolada's values land for a monitor-only indicator as for a banded one, against the
    recorded answers of the open-data tests."""
    from tests.opendata.test_sync import kolada_sync, stored, synthetic
    from tests.opendata_server import OpenDataServer

    plan = plan_of(organisation, 2022, 2024)
    goal = goal_create(plan=plan, number=1, title="Friska medarbetare", actor=None)
    monitored = indicator_create(
        goal=goal, name="Sjukfrånvaro (följs)", target_kind="monitor", direction="lower",
        open_data=KOLADA, actor=None,
    )  # fmt: skip
    banded = indicator_create(
        goal=goal, name="Sjukfrånvaro", direction="lower", green_bound=D("6"), red_bound=D("7"),
        open_data=KOLADA, actor=None,
    )  # fmt: skip
    with OpenDataServer() as server:
        settings.KOLADA_API_URL = server.url + "/v3/"
        settings.KOLADA_REQUESTS_PER_SECOND = 0
        settings.OPENDATA_ATTEMPTS = 1
        synthetic(server)
        run = kolada_sync(plan=plan, actor=None)

    assert (run.status, run.message) == ("ok", "")
    assert stored(monitored) == stored(banded)
    assert stored(monitored)[(2022, "T3", None, "T")] == D("8.3")
    value = Measurement.objects.get(indicator=monitored, period__year=2022, gender="T")
    assert monitored.colour_of(value.value) == Colour.UNCOLOURED


@pytest.mark.parametrize("kind", [*KINDS, *WORDS], ids=lambda kind: kind.name)
def test_roll_over_keeps_the_kind_the_baseline_and_the_reference(kind, plan_goal, two_years):
    plan = two_years[0]
    indicator = build(kind, plan_goal, two_years[1])
    decided(plan)

    new = plan_roll_over(plan=plan, actor=None)

    copy = Indicator.objects.get(goal__plan=new)
    assert copy.predecessor == indicator
    assert copy.target == indicator.target
    for name in ("target_kind", "baseline_period", "baseline_value", "change_tolerance",
                 "reference_kind", "reference_value", "reference_label", "target_text",
                 "relative_share", "open_data"):  # fmt: skip
        assert getattr(copy, name) == getattr(indicator, name), name
    # The copy is judged as the original was: by the same rule, from the same baseline.
    for value, colour in kind.values:
        basis = basis_of(
            copy,
            year=2023,
            measured=dict(
                Measurement.objects.filter(indicator=indicator).values_list("period", "value")
            ),
            references=ReferenceValue.objects.filter(indicator=indicator),
        )
        assert copy.colour_of(D(value), basis) == colour, (kind.name, value)


def test_the_history_shows_a_change_of_kind(plan_goal, two_years, client, django_user_model):
    from planning.models import Role
    from planning.services import membership_grant

    indicator = build(KINDS[0], plan_goal, two_years[1])
    indicator_update(
        indicator=indicator,
        target_kind="monitor",
        green_bound=None,
        red_bound=None,
        actor=None,
    )
    kinds = list(indicator.history.order_by("history_date").values_list("target_kind", flat=True))
    assert kinds == ["bands", "monitor"]

    user = django_user_model.objects.create_user("ledamot")
    membership_grant(
        user=user, organisation=plan_goal.plan.organisation, role=Role.ADMINISTRATOR, actor=None
    )
    client.force_login(user)
    page = client.get(
        reverse("authoring:object_history", args=["indicator", indicator.pk]),
        headers={"accept-language": "en"},
    )
    flat = " ".join(page.text.split())
    assert page.status_code == 200
    assert "<del>Bands: red, yellow and green bounds</del>" in flat
    assert "<ins>Monitor only (observation, no colour)</ins>" in flat


# --- The form: the same refusals, on their fields, in the user's language -------------------------


def _form_data(goal, **changes):
    from tests.indicators.test_views_planner import indicator_data

    data = indicator_data(goal, kolada_kpi="", target_text="", target_value="", green_bound="",
                          red_bound="", red_bound_inclusive=None)  # fmt: skip
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        # A baseline period that does not exist.
        ({"target_kind": "change", "baseline_period": "999999", "baseline_value": "5"},
         "baseline_period", "Select a valid choice"),
        # Bands with a baseline.
        ({"target_kind": "bands", "green_bound": "6,0", "baseline_value": "5"},
         "baseline_value", "has no “value at the baseline”"),
        # Relative without its target value.
        ({"target_kind": "relative"}, "target_value", "Write the target value"),
        # A gap to the whole country, with no open data to take it from.
        ({"target_kind": "gap", "reference_kind": "national", "baseline_value": "5",
          "baseline_period": "PERIOD"}, "reference_kind", "linked to no open-data source"),
    ],
)  # fmt: skip
def test_the_indicator_form_refuses_a_contradictory_target_on_its_field(
    changes, field, words, en_client, people, goal, periods
):
    changes = {k: str(periods[-1].pk) if v == "PERIOD" else v for k, v in changes.items()}
    en_client.force_login(people.planner)

    response = en_client.post(
        reverse("indicators:indicator_create", args=[goal.pk]), _form_data(goal, **changes)
    )

    assert response.status_code == 200
    error = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</(?:p|div)>', response.text, re.S)
    assert error, response.text
    assert words in html.unescape(" ".join(error.group(1).split()))
    assert not Indicator.objects.exists()


def test_a_rolled_over_change_is_judged_against_the_baseline_measured_in_the_old_plan(
    plan_goal, two_years, organisation
):
    """The new plan's copy counts from the baseline its predecessor measured: in the report
    and in the indicator list alike."""
    from reports.selectors import follow_up_report

    plan, baseline, _period = two_years
    [kind] = [k for k in KINDS if k.name == "change increase"]
    build(kind, plan_goal, baseline, name="Ökar")
    decided(plan)
    new = plan_roll_over(plan=plan, actor=None)
    copy = Indicator.objects.get(goal__plan=new)
    t2_2024 = periods_ensure_year(organisation=organisation, year=2024, actor=None)[1]

    for value, colour in kind.values:
        measurement_record(indicator=copy, period=t2_2024, value=D(value), actor=None)
        [row] = follow_up_report(new, t2_2024).goals[0].indicators
        in_list = listed(new, copy.pk)
        assert (row.colour, in_list.latest_colour) == (colour, colour), value


def test_a_gap_to_the_comparison_groups_mean(plan_goal, two_years, organisation, english):
    """The group's mean comes from the organisation's comparison group, never another's."""
    organisation_update(organisation=organisation, comparison_group="G33", actor=None)
    plan, baseline, period = two_years
    indicator = indicator_create(
        goal=plan_goal, name="Gapet till gruppen", target_kind="gap", direction="higher",
        reference_kind="group_mean", baseline_period=baseline, baseline_value=D("70"),
        open_data=KOLADA, decimals=2, actor=None,
    )  # fmt: skip
    fetched = datetime.datetime(2023, 9, 1, tzinfo=datetime.UTC)
    for group, values in (("G33", (D("80"), D("82"))), ("G99", (D("10"), D("10")))):
        for year, value in zip((2022, 2023), values, strict=True):
            ReferenceValue.objects.create(
                indicator=indicator, kind="group_mean", group=group, year=year, value=value,
                fetched_at=fetched,
            )  # fmt: skip
    for value, colour in (("71.99", "red"), ("72", "yellow"), ("72.01", "green")):
        verdict = verdict_in(indicator, period, D(value))
        in_list = listed(plan, indicator.pk)
        assert (verdict.colour, in_list.latest_colour) == (colour, colour), value
    assert "the comparison group" in verdict.reason
