"""The admin of organisations, units, plans, follow-up periods and memberships.

The helpers at the top are shared by the goals and indicators admin tests.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from planning.models import (
    FollowUpPeriod,
    Membership,
    Organisation,
    Plan,
    ReportReadiness,
    Role,
    Unit,
)
from planning.services import (
    membership_grant,
    organisation_create,
    periods_ensure_year,
    plan_create,
    readiness_mark,
    unit_create,
)

# --- helpers shared by the admin tests of every app -------------------------------------------


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _add_form_fields(data: dict, form) -> None:
    """What a browser submits for a form left as it was rendered."""
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = str(value)


def management_data(response) -> dict:
    """The inline formsets' management forms of an admin change form page, as rendered."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        _add_form_fields(data, inline.formset.management_form)
    return data


def form_data(response) -> dict:
    """Everything an admin change form page submits when the user changes nothing."""
    data = {}
    _add_form_fields(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add_form_fields(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add_form_fields(data, form)
    return data


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def assert_constant_queries(client, url: str, add_rows, *, shown, few: int, many: int) -> None:
    """The page costs as many queries with `few` rows as with `many`: no query per row.

    `add_rows(n)` creates n more rows; `shown(response)` says how many rows the page shows.
    """
    add_rows(few)
    client.get(url)  # warm caches (content types, session) before counting
    queries_few = count_queries(client, url)
    assert shown(client.get(url)) == few
    add_rows(many - few)
    queries_many = count_queries(client, url)
    assert shown(client.get(url)) == many
    assert queries_many == queries_few


def changelist_rows(response) -> int:
    return len(response.context["cl"].result_list)


def assert_admin_pages_answer(client, obj) -> None:
    """Changelist, add, change (and history) pages of a registered model answer 200."""
    model = type(obj)
    model_admin = admin.site.get_model_admin(model)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    expected = 403 if model is FollowUpPeriod else 200  # periods are made from the scheme
    assert client.get(admin_url(model, "add")).status_code == expected
    response = client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"] == obj
    if isinstance(model_admin, SimpleHistoryAdmin):
        assert client.get(admin_url(model, "history", obj.pk)).status_code == 200


def assert_add_refused(client, model, data: dict):
    """Posting `data` to the add page answers 200 with form errors and saves nothing."""
    before = model.objects.count()
    page = client.get(admin_url(model, "add"))
    response = client.post(admin_url(model, "add"), {**management_data(page), **data})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert b"errornote" in response.content
    assert model.objects.count() == before
    return response


def assert_unchanged_form_saves(client, obj) -> None:
    """Submitting a change page as rendered saves without errors and returns to the list."""
    url = admin_url(type(obj), "change", obj.pk)
    response = client.post(url, form_data(client.get(url)))
    if response.status_code != 302:
        form = response.context["adminform"].form
        inlines = [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
        pytest.fail(f"not saved: {form.errors} {inlines}")
    assert response.url == admin_url(type(obj), "changelist")


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def membership(admin_user, organisation, units):
    return membership_grant(
        user=admin_user,
        organisation=organisation,
        unit=units["operation"],
        role=Role.UNIT_MANAGER,
        actor=None,
    )


@pytest.fixture
def readiness(plan, periods, units):
    return readiness_mark(plan=plan, period=periods[0], unit=units["unit_a"], actor=None)


@pytest.fixture
def existing(organisation, units, plan, periods, membership, readiness):
    return {
        Organisation: organisation,
        Unit: units["unit_a"],
        Plan: plan,
        FollowUpPeriod: periods[0],
        Membership: membership,
        ReportReadiness: readiness,
    }


MODELS = [Organisation, Unit, Plan, FollowUpPeriod, Membership, ReportReadiness]


# --- every page answers -------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_pages_answer(admin_client, existing, model):
    assert admin.site.is_registered(model)
    assert_admin_pages_answer(admin_client, existing[model])


@pytest.mark.parametrize(
    "model", [Plan, Membership, ReportReadiness], ids=lambda model: model.__name__
)
def test_models_with_history_show_it(model):
    assert isinstance(admin.site.get_model_admin(model), SimpleHistoryAdmin)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_unchanged_change_form_saves(admin_client, existing, model):
    assert_unchanged_form_saves(admin_client, existing[model])


# --- validation shows as form errors, never as a crash ------------------------------------------


# Periods are made from the scheme, not added in the admin (see below).
@pytest.mark.parametrize(
    "model", [m for m in MODELS if m is not FollowUpPeriod], ids=lambda model: model.__name__
)
def test_empty_add_form_shows_errors(admin_client, db, model):
    assert_add_refused(admin_client, model, {})


def test_unit_with_parent_but_no_organisation_is_refused(admin_client, units):
    response = assert_add_refused(
        admin_client, Unit, {"parent": units["operation"].pk, "name": "Ny", "kind": "unit"}
    )
    assert "organisation" in response.context["adminform"].form.errors


def test_plan_with_owner_unit_but_no_organisation_is_refused(admin_client, units):
    assert_add_refused(
        admin_client,
        Plan,
        {
            "owner_unit": units["operation"].pk,
            "name": "Plan",
            "kind": "operational_plan",
            "status": "draft",
            "start_year": "2024",
            "end_year": "2024",
        },
    )


def test_plan_owned_by_a_unit_of_another_organisation_is_refused(admin_client, units):
    other = organisation_create(name="Annan kommun", actor=None)
    response = assert_add_refused(
        admin_client,
        Plan,
        {
            "organisation": other.pk,
            "owner_unit": units["operation"].pk,
            "name": "Plan",
            "kind": "operational_plan",
            "status": "draft",
            "start_year": "2024",
            "end_year": "2024",
        },
    )
    assert "owner_unit" in response.context["adminform"].form.errors


def test_decided_plan_without_decision_date_is_refused(admin_client, organisation):
    response = assert_add_refused(
        admin_client,
        Plan,
        {
            "organisation": organisation.pk,
            "name": "Plan",
            "kind": "operational_plan",
            "status": "decided",
            "start_year": "2024",
            "end_year": "2024",
        },
    )
    assert "decision_date" in response.context["adminform"].form.errors


def test_membership_with_unit_but_no_organisation_is_refused(admin_client, admin_user, units):
    assert_add_refused(
        admin_client,
        Membership,
        {"user": admin_user.pk, "unit": units["unit_a"].pk, "role": Role.UNIT_MANAGER},
    )


def test_periods_are_made_from_the_scheme_not_added_in_the_admin(admin_client, organisation):
    assert admin_client.get(admin_url(FollowUpPeriod, "add")).status_code == 403


def test_period_of_another_scheme_is_refused(organisation):
    period = FollowUpPeriod(
        organisation=organisation,
        year=2024,
        kind="Q1",
        position=0,
        name_sv="Kvartal 1",
        name_nb="Kvartal 1",
        name_nn="Kvartal 1",
        name_en="Quarter 1",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 3, 31),
    )
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert "T1, T2, T3" in error.value.message_dict["kind"][0]


# --- data entry ---------------------------------------------------------------------------------


def test_plan_is_added_with_its_decision(admin_client, organisation, units):
    page = admin_client.get(admin_url(Plan, "add"))
    response = admin_client.post(
        admin_url(Plan, "add"),
        {
            **management_data(page),
            "organisation": organisation.pk,
            "owner_unit": units["operation"].pk,
            "name": "Verksamhetsplan Omsorg 2024",
            "kind": "operational_plan",
            "status": "decided",
            "start_year": "2024",
            "end_year": "2024",
            "decided_by": "Kommunstyrelsen",
            "decision_date": "2023-11-28",
            "decision_paragraph": "§ 190",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(name="Verksamhetsplan Omsorg 2024")
    assert plan.decision_date == datetime.date(2023, 11, 28)
    assert plan.history.count() == 1


def test_organisation_page_lists_its_units(admin_client, organisation, units):
    response = admin_client.get(admin_url(Organisation, "change", organisation.pk))
    assert "Hemtjänst" in response.content.decode()
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.model is Unit


def test_unit_inline_offers_only_the_organisations_units(admin_client, organisation, units):
    other = organisation_create(name="Annan kommun", actor=None)
    foreign = unit_create(organisation=other, name="Främmande", kind="unit", actor=None)
    response = admin_client.get(admin_url(Organisation, "change", organisation.pk))
    (inline,) = response.context["inline_admin_formsets"]
    offered = {value for value, _label in inline.formset.form.base_fields["parent"].choices}
    assert str(units["operation"].pk) in {str(value) for value in offered}
    assert str(foreign.pk) not in {str(value) for value in offered}


def test_periods_are_opened_and_closed_by_action(admin_client, periods):
    url = admin_url(FollowUpPeriod, "changelist")
    selected = [str(periods[0].pk), str(periods[1].pk)]
    response = admin_client.post(
        url, {"action": "open_for_reporting", "_selected_action": selected}
    )
    assert response.status_code == 302
    assert [p.is_open for p in FollowUpPeriod.objects.order_by("starts_on")] == [True, True, False]
    admin_client.post(url, {"action": "close_for_reporting", "_selected_action": selected[:1]})
    assert [p.is_open for p in FollowUpPeriod.objects.order_by("starts_on")] == [False, True, False]


# --- no query per row ---------------------------------------------------------------------------


def test_organisation_changelist_queries_constant(admin_client, db):
    made = []

    def add(n):
        for _ in range(n):
            made.append(organisation_create(name=f"Kommun {len(made)}", actor=None))

    assert_constant_queries(
        admin_client,
        admin_url(Organisation, "changelist"),
        add,
        shown=changelist_rows,
        few=1,
        many=10,
    )


def test_unit_changelist_queries_constant(admin_client, organisation):
    top = unit_create(organisation=organisation, name="Nämnd", kind="committee", actor=None)
    made = [top]

    def add(n):
        for _ in range(n):
            made.append(
                unit_create(
                    organisation=organisation,
                    name=f"Enhet {len(made)}",
                    kind="unit",
                    parent=made[-1],
                    actor=None,
                )
            )

    url = admin_url(Unit, "changelist")
    assert_constant_queries(
        admin_client, url, add, shown=lambda r: changelist_rows(r) - 1, few=1, many=10
    )


def test_plan_changelist_queries_constant(admin_client, organisation, units):
    made = []

    def add(n):
        for _ in range(n):
            made.append(
                plan_create(
                    organisation=organisation,
                    owner_unit=units["unit_a"],
                    kind="activity_plan",
                    name=f"Aktivitetsplan {len(made)}",
                    start_year=2024,
                    end_year=2024,
                    actor=None,
                )
            )

    assert_constant_queries(
        admin_client, admin_url(Plan, "changelist"), add, shown=changelist_rows, few=1, many=10
    )


def test_period_changelist_queries_constant(admin_client, organisation):
    years = iter(range(2020, 2030))

    def add(n):
        for _ in range(n // 3):
            periods_ensure_year(organisation=organisation, year=next(years), actor=None)

    assert_constant_queries(
        admin_client,
        admin_url(FollowUpPeriod, "changelist"),
        add,
        shown=changelist_rows,
        few=3,
        many=12,
    )


def test_membership_changelist_queries_constant(admin_client, organisation, units):
    made = []

    def add(n):
        for _ in range(n):
            user = get_user_model().objects.create_user(username=f"chef{len(made)}")
            made.append(
                membership_grant(
                    user=user,
                    organisation=organisation,
                    unit=units["unit_b"],
                    role=Role.UNIT_MANAGER,
                    actor=None,
                )
            )

    assert_constant_queries(
        admin_client,
        admin_url(Membership, "changelist"),
        add,
        shown=changelist_rows,
        few=1,
        many=10,
    )


def test_organisation_page_queries_do_not_grow_with_units(admin_client, organisation):
    made = []

    def add(n):
        for _ in range(n):
            made.append(
                unit_create(
                    organisation=organisation,
                    name=f"Enhet {len(made)}",
                    kind="unit",
                    parent=made[-1] if made else None,
                    actor=None,
                )
            )

    assert_constant_queries(
        admin_client,
        admin_url(Organisation, "change", organisation.pk),
        add,
        shown=lambda r: len(r.context["inline_admin_formsets"][0].formset.forms),
        few=1,
        many=10,
    )
