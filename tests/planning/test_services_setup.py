"""The services that set up an organisation: its settings, relations, unit tree and people.

Each write is validated, atomic and recorded with its actor; each refusal says why, in the
user's language, and leaves everything as it was.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from goals.evaluation import months
from goals.models import ActivityStatus
from goals.services import activity_create, activity_status_set
from indicators.models import Measurement
from indicators.services import measurement_record
from planning.models import AccountEvent, Membership, Role, Unit
from planning.selectors import mutual_relations, tree_order, unit_tree
from planning.services import (
    membership_grant,
    membership_remove,
    organisation_create,
    organisation_update,
    person_invite,
    person_set_active,
    relation_add,
    relation_remove,
    unit_close,
    unit_create,
    unit_move,
    unit_reopen,
    unit_update,
)
from tests.deadlines import month_end

SITE = "https://styrkort.example"


@pytest.fixture
def actor(django_user_model):
    return django_user_model.objects.create_user("anna", password="pw", first_name="Anna")


# --- The organisation ---------------------------------------------------------------------------


def test_settings_are_saved_with_their_author(organisation, actor):
    organisation_update(
        organisation=organisation,
        official_name="Testkommuns kommun",
        report_language="nn",
        level_committee="utval",
        level_administration="etat",
        actor=actor,
    )
    organisation.refresh_from_db()
    assert organisation.display_name == "Testkommuns kommun"
    assert organisation.level_word("committee") == "utval"
    assert organisation.level_word("unit") == "Enhet"  # the standard word, in Swedish
    assert organisation.history.latest().history_user == actor


@pytest.mark.parametrize(
    ("country", "code", "ok"),
    [("SE", "2422", True), ("SE", "242", False), ("SE", "24x2", False), ("NO", "4631", True),
     ("NO", "46", True), ("NO", "463", False)],
)  # fmt: skip
def test_the_municipality_code_has_the_countrys_form(organisation, country, code, ok, english):
    if ok:
        organisation_update(
            organisation=organisation, country=country, municipality_code=code, actor=None
        )
        return
    with pytest.raises(ValidationError) as error:
        organisation_update(
            organisation=organisation, country=country, municipality_code=code, actor=None
        )
    assert "municipality_code" in error.value.message_dict
    organisation.refresh_from_db()
    assert organisation.municipality_code == "2422"


def test_relations_count_for_joint_plans_only_when_both_have_listed_each_other(organisation):
    region = organisation_create(name="Region Västerbotten", kind="region", actor=None)
    relation_add(organisation=organisation, related=region, actor=None)
    assert mutual_relations([organisation.pk]) == {organisation.pk: set()}
    relation_add(organisation=region, related=organisation, actor=None)
    relation_add(organisation=region, related=organisation, actor=None)  # again: no change
    assert mutual_relations([organisation.pk, region.pk]) == {
        organisation.pk: {region.pk},
        region.pk: {organisation.pk},
    }
    relation_remove(organisation=region, related=organisation, actor=None)
    assert mutual_relations([organisation.pk]) == {organisation.pk: set()}


def test_an_organisation_is_not_related_to_itself(organisation):
    with pytest.raises(ValidationError):
        relation_add(organisation=organisation, related=organisation, actor=None)


# --- The unit tree ------------------------------------------------------------------------------


def test_the_tree_is_in_order_with_depths(units):
    names = [(unit.name, depth) for unit, depth in unit_tree(units["committee"].organisation)]
    assert names == [
        ("Kommunstyrelsen", 0),
        ("Kommunförvaltningen", 1),
        ("Omsorgsverksamheten", 2),
        ("Hemtjänst", 3),
        ("IFO", 3),
    ]


def test_a_part_of_the_tree_starts_at_its_own_top(units):
    part = [units["unit_b"], units["operation"], units["unit_a"]]
    assert [(unit.name, depth) for unit, depth in tree_order(part)] == [
        ("Omsorgsverksamheten", 0),
        ("Hemtjänst", 1),
        ("IFO", 1),
    ]


def test_a_unit_is_renamed_and_linked_to_kolada(units, actor):
    unit = unit_update(
        unit=units["unit_a"],
        name="Hemtjänsten",
        kind="unit",
        kolada_ou="V15E242200101",
        actor=actor,
    )
    unit.refresh_from_db()
    assert (unit.name, unit.kolada_ou) == ("Hemtjänsten", "V15E242200101")
    assert unit.history.latest().history_user == actor


def test_a_kolada_unit_id_is_letters_and_digits(units, english):
    with pytest.raises(ValidationError) as error:
        unit_update(
            unit=units["unit_a"], name="Hemtjänst", kind="unit", kolada_ou="V15-E", actor=None
        )
    assert "letters and digits" in str(error.value)


def test_two_open_units_in_one_place_cannot_share_a_name(units, english):
    with pytest.raises(ValidationError) as error:
        unit_create(
            organisation=units["operation"].organisation,
            parent=units["operation"],
            name="ifo",
            kind="unit",
            actor=None,
        )
    assert "already a unit called ifo" in str(error.value)


def test_moving_a_unit_below_its_own_unit_is_refused(units, english):
    with pytest.raises(ValidationError) as error:
        unit_move(unit=units["administration"], parent=units["unit_a"], actor=None)
    assert error.value.message_dict["parent"] == [
        "A unit cannot be placed below itself or one of its own units: Hemtjänst is part of "
        "Kommunförvaltningen."
    ]
    units["administration"].refresh_from_db()
    assert units["administration"].parent == units["committee"]


def test_a_move_keeps_every_value_reported_for_the_unit_and_below(
    organisation, units, plan, periods, indicator, actor
):
    """Statuses and measurements of the moved unit and of the units below it stay theirs."""
    t1 = periods[0]
    goal = indicator.goal
    below = unit_create(
        organisation=organisation, parent=units["unit_a"], name="Nattpatrull", kind="unit",
        actor=None,
    )  # fmt: skip
    reported = {}
    for unit in (units["unit_a"], below):
        activity = activity_create(
            goal=goal, title=f"Utbilda {unit}", unit=unit, due_on=month_end(4),
            evaluated_months=months(4, 12), actor=None,
        )  # fmt: skip
        status = activity_status_set(activity=activity, period=t1, status="done", actor=None)
        value = measurement_record(
            indicator=indicator, period=t1, value=Decimal("81.5"), unit=unit, actor=None
        )
        reported[unit.pk] = (status.pk, value.pk)
    other = unit_create(
        organisation=organisation, parent=units["administration"], name="Vård och omsorg",
        kind="operation", actor=None,
    )  # fmt: skip
    statuses_before = list(ActivityStatus.objects.order_by("pk").values_list())
    values_before = list(Measurement.objects.order_by("pk").values_list())

    unit_move(unit=units["unit_a"], parent=other, actor=actor)

    units["unit_a"].refresh_from_db()
    assert units["unit_a"].parent == other
    assert list(ActivityStatus.objects.order_by("pk").values_list()) == statuses_before
    assert list(Measurement.objects.order_by("pk").values_list()) == values_before
    for unit_pk, (status_pk, value_pk) in reported.items():
        assert ActivityStatus.objects.get(pk=status_pk).activity.unit_id == unit_pk
        assert Measurement.objects.get(pk=value_pk).unit_id == unit_pk
    assert Unit.objects.get(pk=below.pk).parent_id == units["unit_a"].pk
    moved = units["unit_a"].history.latest()
    assert (moved.parent_id, moved.history_user) == (other.pk, actor)
    assert goal.plan.pk == plan.pk


def test_closing_a_unit_with_open_activities_is_refused_and_names_them(
    units, goal, periods, english
):
    open_one = activity_create(
        goal=goal, title="Vi inför trygghetsringning", unit=units["unit_b"], due_on=month_end(3),
        actor=None,
    )  # fmt: skip
    done = activity_create(
        goal=goal, title="Vi utbildar i MHFA", unit=units["unit_b"], due_on=month_end(3), actor=None
    )
    activity_status_set(activity=done, period=periods[2], status="done", actor=None)
    with pytest.raises(ValidationError) as error:
        unit_close(unit=units["unit_b"], actor=None)
    message = " ".join(error.value.messages)
    assert "IFO cannot be closed while it has open activities" in message
    assert "Vi inför trygghetsringning (Verksamhetsplan Omsorg 2023)" in message
    assert "MHFA" not in message
    units["unit_b"].refresh_from_db()
    assert units["unit_b"].closed_on is None

    activity_status_set(activity=open_one, period=periods[2], status="cancelled", actor=None)
    unit_close(unit=units["unit_b"], actor=None, on=datetime.date(2024, 1, 1))
    units["unit_b"].refresh_from_db()
    assert units["unit_b"].closed_on == datetime.date(2024, 1, 1)


def test_closing_a_unit_with_open_units_below_is_refused(units, english):
    with pytest.raises(ValidationError) as error:
        unit_close(unit=units["operation"], actor=None)
    assert "while units below it are open: Hemtjänst, IFO" in " ".join(error.value.messages)


def test_a_closed_unit_keeps_its_history_and_values_and_its_name_can_be_used_again(
    organisation, units, indicator, periods
):
    value = measurement_record(
        indicator=indicator, period=periods[0], value=Decimal(75), unit=units["unit_b"], actor=None
    )
    unit_close(unit=units["unit_b"], actor=None)
    assert Measurement.objects.get(pk=value.pk).unit_id == units["unit_b"].pk
    successor = unit_create(
        organisation=organisation, parent=units["operation"], name="IFO", kind="unit", actor=None
    )
    assert successor.pk != units["unit_b"].pk
    assert not Unit.objects.open().filter(pk=units["unit_b"].pk).exists()
    # Reopening the old one now would give two open units one name in one place.
    with pytest.raises(ValidationError):
        unit_reopen(unit=units["unit_b"], actor=None)


def test_a_unit_cannot_be_placed_below_a_closed_unit(organisation, units, english):
    unit_close(unit=units["unit_b"], actor=None)
    with pytest.raises(ValidationError) as error:
        unit_create(
            organisation=organisation, parent=units["unit_b"], name="Ny", kind="unit", actor=None
        )
    assert "IFO is closed" in str(error.value)


# --- People -------------------------------------------------------------------------------------


def test_an_invitation_makes_an_account_without_password_a_role_and_an_email(
    organisation, units, actor
):
    person = person_invite(
        email="Karin.Berg@Example.se",
        first_name="Karin",
        last_name="Berg",
        organisation=organisation,
        role=Role.UNIT_MANAGER,
        unit=units["unit_a"],
        site_url=SITE,
        actor=actor,
    )
    assert person.username == "karin.berg@example.se"
    assert not person.has_usable_password()
    assert Membership.objects.get(user=person).unit == units["unit_a"]
    assert AccountEvent.objects.get(user=person).kind == "invited"
    (sent,) = mail.outbox
    assert sent.to == ["Karin.Berg@example.se"]
    assert f"{SITE}/invitation/" in sent.body
    assert "Anna" in sent.body  # who invited, in the organisation's language (Swedish)
    assert "Välj ditt lösenord" in sent.body


def test_an_invitation_to_an_address_with_an_account_changes_nothing(
    organisation, units, django_user_model, english
):
    django_user_model.objects.create_user("karin", email="karin@example.se", password="pw")
    users = django_user_model.objects.count()
    with pytest.raises(ValidationError) as error:
        person_invite(
            email="KARIN@example.se",
            first_name="Karin",
            last_name="Berg",
            organisation=organisation,
            role=Role.UNIT_MANAGER,
            unit=units["unit_a"],
            site_url=SITE,
            actor=None,
        )
    assert "There is already an account for KARIN@example.se" in str(error.value)
    assert django_user_model.objects.count() == users
    assert mail.outbox == []


def test_a_closed_unit_takes_no_new_roles(organisation, units, actor, english):
    unit_close(unit=units["unit_b"], actor=None)
    with pytest.raises(ValidationError) as error:
        membership_grant(
            user=actor, organisation=organisation, unit=units["unit_b"], role="planner", actor=None
        )
    assert "IFO is closed" in str(error.value)


def test_the_last_organisation_wide_administrator_keeps_the_role(organisation, actor, english):
    only = membership_grant(
        user=actor, organisation=organisation, role=Role.ADMINISTRATOR, actor=None
    )
    with pytest.raises(ValidationError) as error:
        membership_remove(membership=only, actor=None)
    assert "only administrator of the whole organisation" in str(error.value)
    second = get_user_model().objects.create_user("johan")
    membership_grant(user=second, organisation=organisation, role=Role.ADMINISTRATOR, actor=None)
    membership_remove(membership=only, actor=second)
    assert not Membership.objects.filter(pk=only.pk).exists()
    assert Membership.history.latest().history_type == "-"


def test_a_deactivated_person_keeps_roles_and_history(organisation, units, actor, english):
    person = get_user_model().objects.create_user("erik", password="pw")
    membership_grant(
        user=person, organisation=organisation, unit=units["unit_a"], role="unit_manager",
        actor=None,
    )  # fmt: skip
    person_set_active(user=person, organisation=organisation, active=False, actor=actor)
    person.refresh_from_db()
    assert not person.is_active
    assert Membership.objects.filter(user=person).count() == 1
    assert [event.kind for event in AccountEvent.objects.filter(user=person)] == ["deactivated"]
    with pytest.raises(ValidationError, match="cannot deactivate yourself"):
        person_set_active(user=actor, organisation=organisation, active=False, actor=actor)
