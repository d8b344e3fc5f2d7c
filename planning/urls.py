from django.urls import path

from planning.views import (
    accounts,
    decisions,
    organisation,
    people,
    periods,
    plans,
    schemes,
    steering,
    units,
)

app_name = "planning"

urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("new/", plans.plan_create_view, name="plan_create"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", plans.plan_update_view, name="plan_update"),
    path("<int:pk>/status/", plans.plan_status_view, name="plan_set_status"),
    path("<int:pk>/decision/steps/", decisions.decision_step_add_view, name="decision_step_add"),
    path(
        "<int:pk>/decision/steps/<int:step_pk>/delete/",
        decisions.decision_step_delete_view,
        name="decision_step_delete",
    ),
    path("periods/", periods.period_list, name="period_list"),
    path(
        "periods/organisation/<int:organisation_pk>/year/",
        periods.periods_create_view,
        name="periods_create",
    ),
    path("periods/<int:pk>/open/", periods.period_open_view, name="period_set_open"),
    path("periods/<int:pk>/deadline/", periods.period_deadline_view, name="period_set_deadline"),
    path("me/", accounts.my_settings, name="my_settings"),
    # Setting up an organisation.
    path("organisations/", organisation.organisation_list, name="organisation_list"),
    path(
        "organisations/<int:pk>/settings/",
        organisation.organisation_settings,
        name="organisation_settings",
    ),
    path(
        "organisations/<int:pk>/relations/add/",
        organisation.relation_add_view,
        name="relation_add",
    ),
    path(
        "organisations/<int:pk>/relations/<int:related_pk>/remove/",
        organisation.relation_remove_view,
        name="relation_remove",
    ),
    path("organisations/<int:pk>/steering/", steering.steering, name="steering"),
    path(
        "organisations/<int:pk>/perspectives/",
        steering.rows_save_view,
        {"rows": steering.PERSPECTIVES},
        name="perspectives_save",
    ),
    path(
        "organisations/<int:pk>/assessment-scale/",
        steering.rows_save_view,
        {"rows": steering.LEVELS},
        name="assessment_levels_save",
    ),
    path(
        "organisations/<int:pk>/assessment-scale/use/",
        steering.assessment_scale_use_view,
        name="assessment_scale_use",
    ),
    path("organisations/<int:pk>/follow-up-scheme/", schemes.scheme, name="scheme"),
    path(
        "organisations/<int:pk>/follow-up-scheme/periods/",
        schemes.scheme_save_view,
        name="scheme_save",
    ),
    path(
        "organisations/<int:pk>/follow-up-scheme/preset/",
        schemes.scheme_preset_view,
        name="scheme_preset",
    ),
    path("organisations/<int:pk>/units/", units.unit_list, name="unit_list"),
    path("organisations/<int:pk>/units/new/", units.unit_create_view, name="unit_create"),
    path("organisations/<int:pk>/units/import/", units.unit_import_view, name="unit_import"),
    path("units/<int:pk>/edit/", units.unit_update_view, name="unit_update"),
    path("units/<int:pk>/closed/", units.unit_set_closed_view, name="unit_set_closed"),
    path("organisations/<int:pk>/people/", people.people, name="people"),
    path("organisations/<int:pk>/people/invite/", people.person_invite_view, name="person_invite"),
    path(
        "organisations/<int:pk>/people/<int:user_pk>/",
        people.person_detail,
        name="person_detail",
    ),
    path(
        "organisations/<int:pk>/people/<int:user_pk>/roles/",
        people.membership_grant_view,
        name="membership_grant",
    ),
    path(
        "organisations/<int:pk>/people/<int:user_pk>/active/",
        people.person_set_active_view,
        name="person_set_active",
    ),
    path(
        "organisations/<int:pk>/people/<int:user_pk>/invitation/",
        people.invitation_resend_view,
        name="invitation_resend",
    ),
    path("roles/<int:pk>/remove/", people.membership_remove_view, name="membership_remove"),
]
