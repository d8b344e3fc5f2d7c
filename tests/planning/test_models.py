import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from planning.models import FollowUpPeriod, Membership, Plan, Role, Unit, preset_rows
from planning.services import (
    membership_grant,
    organisation_create,
    periods_ensure_year,
    plan_create,
    scheme_save,
    unit_create,
)


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_unit_parent_in_other_organisation_refused(units, english):
    other = organisation_create(name="Annan kommun", actor=None)
    with pytest.raises(ValidationError) as error:
        unit_create(
            organisation=other, name="X", kind=Unit.Kind.UNIT, parent=units["operation"], actor=None
        )
    assert "same organisation" in str(error.value)


def test_unit_cannot_be_moved_below_its_own_descendant(units, english):
    committee = units["committee"]
    committee.parent = units["unit_a"]
    with pytest.raises(ValidationError) as error:
        committee.full_clean()
    assert "below itself" in str(error.value)


def test_unit_names_unique_under_the_same_parent(units):
    refused_by_database(
        lambda: Unit.objects.create(
            organisation=units["operation"].organisation,
            parent=units["operation"],
            name="IFO",
            kind=Unit.Kind.UNIT,
        )
    )


def test_unit_ancestors_nearest_first(units):
    assert units["unit_a"].ancestors() == [
        units["operation"],
        units["administration"],
        units["committee"],
    ]


def test_plan_years_in_order_in_model_and_database(organisation):
    with pytest.raises(ValidationError) as error:
        plan_create(
            organisation=organisation,
            kind=Plan.Kind.STRATEGY,
            name="S",
            start_year=2030,
            end_year=2024,
            actor=None,
        )
    assert "end_year" in error.value.message_dict
    refused_by_database(
        lambda: Plan.objects.create(
            organisation=organisation,
            kind=Plan.Kind.STRATEGY,
            name="S",
            start_year=2030,
            end_year=2024,
        )
    )


def test_decided_plan_needs_decision_date(organisation):
    with pytest.raises(ValidationError) as error:
        plan_create(
            organisation=organisation,
            kind=Plan.Kind.OPERATIONAL_PLAN,
            name="VP",
            start_year=2023,
            end_year=2023,
            status=Plan.Status.DECIDED,
            actor=None,
        )
    assert "decision_date" in error.value.message_dict
    refused_by_database(
        lambda: Plan.objects.create(
            organisation=organisation,
            kind=Plan.Kind.OPERATIONAL_PLAN,
            name="VP",
            start_year=2023,
            end_year=2023,
            status=Plan.Status.DECIDED,
        )
    )


def test_plan_owner_unit_must_belong_to_the_organisation(units):
    other = organisation_create(name="Annan kommun", actor=None)
    with pytest.raises(ValidationError) as error:
        plan_create(
            organisation=other,
            owner_unit=units["operation"],
            kind=Plan.Kind.OPERATIONAL_PLAN,
            name="VP",
            start_year=2023,
            end_year=2023,
            actor=None,
        )
    assert "owner_unit" in error.value.message_dict


def test_joint_plan_has_partner_organisations(organisation):
    region = organisation_create(name="Region Västerbotten", kind="region", actor=None)
    plan = plan_create(
        organisation=region,
        partner_organisations=[organisation],
        kind=Plan.Kind.ACTION_PLAN,
        name="Gemensam systemledning Dorotea",
        start_year=2024,
        end_year=2025,
        actor=None,
    )
    assert list(plan.partner_organisations.all()) == [organisation]
    assert plan.owner_unit is None
    assert plan.period_label == "2024–2025"


def test_plan_cannot_be_its_own_ancestor(plan, organisation):
    child = plan_create(
        organisation=organisation,
        parent=plan,
        kind=Plan.Kind.ACTIVITY_PLAN,
        name="AP",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    plan.parent = child
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "parent" in error.value.message_dict


def test_plan_decision_label_as_written_on_the_document(plan):
    plan.decision_date = datetime.date(2022, 11, 29)
    plan.decision_paragraph = "§ 190"
    assert plan.decision_label == "2022-11-29 § 190"


def test_period_problem_for_period_outside_plan_years(plan, organisation):
    (period_2024,) = periods_ensure_year(organisation=organisation, year=2024, actor=None)[:1]
    assert "2023" in plan.period_problem(period_2024)


def test_period_problem_for_other_organisations_period(plan):
    other = organisation_create(name="Annan kommun", actor=None)
    period = periods_ensure_year(organisation=other, year=2023, actor=None)[0]
    assert "organisation" in plan.period_problem(period)


def test_tertials_by_default_with_calendar_dates(organisation):
    periods = periods_ensure_year(organisation=organisation, year=2024, actor=None)
    assert [(p.kind, p.starts_on, p.ends_on, p.is_year_end) for p in periods] == [
        ("T1", datetime.date(2024, 1, 1), datetime.date(2024, 4, 30), False),
        ("T2", datetime.date(2024, 5, 1), datetime.date(2024, 8, 31), False),
        ("T3", datetime.date(2024, 9, 1), datetime.date(2024, 12, 31), True),
    ]


def test_half_years_and_quarters_as_options(db):
    half = organisation_create(name="Halvårskommun", actor=None)
    scheme_save(organisation=half, rows=preset_rows("half_year"), actor=None)
    quarter = organisation_create(name="Kvartalskommun", actor=None)
    scheme_save(organisation=quarter, rows=preset_rows("quarter"), actor=None)
    assert [p.kind for p in periods_ensure_year(organisation=half, year=2024, actor=None)] == [
        "H1",
        "H2",
    ]
    quarters = periods_ensure_year(organisation=quarter, year=2024, actor=None)
    assert [p.kind for p in quarters] == ["Q1", "Q2", "Q3", "Q4"]
    assert quarters[0].ends_on == datetime.date(2024, 3, 31)
    assert [p.is_year_end for p in quarters] == [False, False, False, True]


def test_periods_ensure_year_is_idempotent(organisation):
    first = periods_ensure_year(organisation=organisation, year=2024, actor=None)
    second = periods_ensure_year(organisation=organisation, year=2024, actor=None)
    assert [p.pk for p in first] == [p.pk for p in second]
    assert FollowUpPeriod.objects.filter(organisation=organisation).count() == 3


def test_period_unique_per_organisation_year_and_kind(organisation, periods):
    refused_by_database(
        lambda: FollowUpPeriod.objects.create(
            organisation=organisation,
            year=2023,
            kind="T1",
            starts_on=datetime.date(2023, 1, 1),
            ends_on=datetime.date(2023, 4, 30),
        )
    )


def test_period_must_end_after_it_starts(organisation):
    refused_by_database(
        lambda: FollowUpPeriod.objects.create(
            organisation=organisation,
            year=2024,
            kind="T1",
            starts_on=datetime.date(2024, 4, 30),
            ends_on=datetime.date(2024, 1, 1),
        )
    )


def test_membership_unit_must_belong_to_organisation(units):
    user = get_user_model().objects.create_user("anna")
    other = organisation_create(name="Annan kommun", actor=None)
    with pytest.raises(ValidationError):
        membership_grant(
            user=user, organisation=other, unit=units["unit_a"], role=Role.PLANNER, actor=None
        )


def test_membership_grant_twice_returns_the_same(units, organisation):
    user = get_user_model().objects.create_user("anna")
    first = membership_grant(
        user=user,
        organisation=organisation,
        unit=units["unit_a"],
        role=Role.UNIT_MANAGER,
        actor=None,
    )
    again = membership_grant(
        user=user,
        organisation=organisation,
        unit=units["unit_a"],
        role=Role.UNIT_MANAGER,
        actor=None,
    )
    assert first.pk == again.pk


@pytest.mark.parametrize("with_unit", [True, False])
def test_membership_unique_in_database_with_and_without_unit(units, organisation, with_unit):
    user = get_user_model().objects.create_user("anna")
    unit = units["unit_a"] if with_unit else None
    Membership.objects.create(user=user, organisation=organisation, unit=unit, role=Role.PLANNER)
    refused_by_database(
        lambda: Membership.objects.create(
            user=user, organisation=organisation, unit=unit, role=Role.PLANNER
        )
    )


def test_unknown_role_refused_before_writing(units, organisation):
    user = get_user_model().objects.create_user("anna")
    with pytest.raises(ValueError):
        membership_grant(user=user, organisation=organisation, role="king", actor=None)
    assert not Membership.objects.exists()


def test_history_records_the_actor(organisation):
    user = get_user_model().objects.create_user("anna")
    plan = plan_create(
        organisation=organisation,
        kind=Plan.Kind.STRATEGY,
        name="S",
        start_year=2024,
        end_year=2030,
        actor=user,
    )
    assert plan.history.get().history_user == user
