import pytest
from django.core.exceptions import ValidationError

from core.versioning import EditConflict, save_validated
from planning.models import ReportReadiness
from planning.services import organisation_create, periods_ensure_year, readiness_mark, unit_create


def test_every_update_raises_the_version(plan):
    assert plan.version == 1
    plan.vision = "Den livskraftiga kommunen"
    save_validated(plan, actor=None)
    plan.refresh_from_db()
    assert plan.version == 2


def test_edit_based_on_an_older_version_is_refused(plan):
    mine, theirs = type(plan).objects.get(pk=plan.pk), type(plan).objects.get(pk=plan.pk)
    theirs.vision = "Their vision"
    save_validated(theirs, actor=None, expected_version=1)
    mine.vision = "My vision"
    with pytest.raises(EditConflict) as conflict:
        save_validated(mine, actor=None, expected_version=1)
    assert (conflict.value.expected_version, conflict.value.current_version) == (1, 2)
    plan.refresh_from_db()
    assert plan.vision == "Their vision"


def test_edit_based_on_the_current_version_is_saved(plan):
    plan.vision = "Ny vision"
    save_validated(plan, actor=None, expected_version=1)
    plan.refresh_from_db()
    assert (plan.vision, plan.version) == ("Ny vision", 2)


def test_readiness_marked_once_and_withdrawn(plan, periods, units, django_user_model):
    user = django_user_model.objects.create_user("enhetschef")
    first = readiness_mark(plan=plan, period=periods[0], unit=units["unit_a"], actor=user)
    again = readiness_mark(plan=plan, period=periods[0], unit=units["unit_a"], actor=user)
    assert first.pk == again.pk
    assert first.marked_by == user
    readiness_mark(plan=plan, period=periods[0], unit=units["unit_a"], ready=False, actor=user)
    assert not ReportReadiness.objects.exists()


def test_readiness_refused_for_a_unit_of_another_organisation(plan, periods):
    other = organisation_create(name="Annan kommun", actor=None)
    foreign = unit_create(organisation=other, name="Enhet", kind="unit", actor=None)
    with pytest.raises(ValidationError) as error:
        readiness_mark(plan=plan, period=periods[0], unit=foreign, actor=None)
    assert "unit" in error.value.message_dict


def test_readiness_refused_for_a_period_outside_the_plan(plan, organisation, units):
    period_2024 = periods_ensure_year(organisation=organisation, year=2024, actor=None)[0]
    with pytest.raises(ValidationError) as error:
        readiness_mark(plan=plan, period=period_2024, unit=units["unit_a"], actor=None)
    assert "period" in error.value.message_dict
