"""Every URL name of the site, what each role gets from it, and the data it is asked about.

The table `CASES` is the permission model written out: one row per URL name with what each of
the six people gets for GET and, where the view takes one, for POST. `tests/test_url_matrix.py`
checks every answer; `tests/test_accessibility.py` runs axe on every page the table names.

The people (see `tests.planner_roles.people`) stand around the plans of the operation
"Omsorgsverksamheten":

    committee      committee member of the committee above the plans' owner (reads)
    own_manager    unit manager of "Hemtjänst", a unit below the owner (reports for it)
    other_manager  unit manager of an operation in another branch (may not even see the plans)
    planner        planner of the plans' owner unit (edits them)
    administrator  administrator of the whole organisation

and, in two other organisations:

    partner_committee  committee member of the partner region's committee (`world.partner`)
    partner_manager    unit manager of the partner's health centre, below that committee
    outsider           planner of the whole of a second, unrelated region (`world.other_region`)

The partner's people see nothing of the organisation's own plans; they read its joint plan
(`world.joint`, led by the organisation with the region as partner), in which the partner's
manager reports the activity of their own unit and nothing else. The outsider plans for their
own region, and gets nothing of the others'.

The planner and the administrator set up the organisation: the planner their part of the unit
tree and the people in it, the administrator all of it, and alone its settings and follow-up
periods (they are the whole organisation's).

Readers (the committee member and the unit manager below) may read everything about a plan:
its pages, history, exports, overview and reports. Only its planners and administrators change
it; unit managers report for their units; a background report job is its requester's own.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from goals.evaluation import months
from goals.services import (
    activity_create,
    activity_status_set,
    goal_add,
    goal_create,
    goal_delete,
)
from indicators.models import Indicator, SyncRun
from indicators.services import indicator_create, measurement_record
from planning.models import Membership, Plan, Role
from planning.models.schemes import preset_rows
from planning.services import (
    decision_step_add,
    membership_grant,
    organisation_create,
    period_set_open,
    plan_create,
    plan_set_status,
    relation_add,
    unit_create,
)
from reports.jobs import report_job_fail, report_job_finish
from reports.models import ReportJob
from reports.services import report_job_request, report_publish
from tests.deadlines import month_end
from tests.goals.test_views import activity_data
from tests.indicators.test_views_planner import indicator_data
from tests.planning.test_scheme_views import scheme_data
from tests.planning.test_setup_views import person_pk, settings_data, units_csv
from tests.planning.test_steering_views import formset_data
from tests.planning.test_views import plan_form_data
from transfer.exporting import plan_export_xlsx
from transfer.models import ExportJob, ImportJob

ROLES = (
    "anonymous",
    "committee",
    "own_manager",
    "other_manager",
    "planner",
    "administrator",
    "partner_committee",
    "partner_manager",
    "outsider",
)

# Expected answers, one word per role in the order of ROLES:
#   login  a redirect to the login page       redirect  any other redirect (302)
#   200, 204, 404, 405  that status code
# The plan's readers; the other branch and the other organisations get 404.
EVERYONE_READS = "login 200 200 404 200 200 404 404 404"
EDITORS_ONLY = "login 404 404 404 200 200 404 404 404"
EDITORS_CHANGE = "login 404 404 404 redirect redirect 404 404 404"
REPORTERS_CHANGE = "login 404 redirect 404 redirect redirect 404 404 404"
# A report made in the background.
READERS_ASK = "login redirect redirect 404 redirect redirect 404 404 404"
LOGGED_IN = "login 200 200 200 200 200 200 200 200"
POST_ONLY = "login 405 405 405 405 405 405 405 405"
ADMIN_SITE = "admin admin admin admin admin admin admin admin admin"  # nobody here is staff
EVERYONE = "200 200 200 200 200 200 200 200 200"
# Setting up an organisation: the planner of the operation sets up their part of it (units,
# people); only the administrator of the whole organisation its settings and periods.
SETTERS_UP = "login 404 404 404 200 200 404 404 404"
SETTERS_UP_CHANGE = "login 404 404 404 redirect redirect 404 404 404"
WHOLE_ORGANISATION = "login 404 404 404 404 200 404 404 404"
WHOLE_ORGANISATION_CHANGE = "login 404 404 404 404 redirect 404 404 404"
# A background job is its requester's own (here the planner's).
REQUESTER_ONLY = "login 404 404 404 200 404 404 404 404"
# The joint plan: read by the people of both its organisations.
JOINT_READS = "login 200 200 404 200 200 200 200 404"
JOINT_ASK = "login redirect redirect 404 redirect redirect redirect redirect 404"
# Pages of their own organisation that the outsider's role gives them (and nobody else here).
OUTSIDERS_OWN = "login 404 404 404 404 404 404 404 200"


@dataclass(frozen=True)
class Case:
    """One URL name: its arguments, the answers to GET and POST, and the POST's data."""

    name: str
    args: Callable[[SimpleNamespace], list] = lambda world: []
    get: str = ""
    post: str = ""
    data: Callable[[SimpleNamespace], dict] = lambda world: {}
    writes: bool = False
    query: str = ""


def plan(world):
    return [world.plan.pk]


def in_place_activity(**changes):
    """An activity's row as the plan page's in-place form posts it (evaluated in Tertial 1 and
    2: their last months)."""
    row = {"title": "Vi utbildar i HLR", "responsible_role": "Alla chefer", "when": "5",
           "evaluated": ["4", "8"]}  # fmt: skip
    return {**row, **changes}


def pasted_activities(world):
    """An activity table pasted from Word into the world's first goal."""
    text = "Aktivitet\tAnsvarig\tNär genomfört\tUtvärderas\nVi inför HLR\tAlla\tLöpande\tÅrsbokslut"
    return {"goal": world.goal.pk, "text": text, "versions": "{}"}


def planners_import(world) -> str:
    """The token of a large import the planner uploaded, queued for the background worker."""
    job, _created = ImportJob.objects.get_or_create(
        token="planerarens-import-" + "x" * 24,
        defaults={
            "plan": world.plan,
            "owner": get_user_model().objects.get(username="planerare"),
            "language": "sv",
            "file_names": ["plan.xlsx"],
            "rows": 5000,
            "background": True,
            "uploaded_at": timezone.now(),
        },
    )
    return job.token


def planners_export(world, status: str) -> list:
    """The plan's workbook the planner had made in the background: done, or failed."""
    job, _created = ExportJob.objects.get_or_create(
        plan=world.plan,
        error="" if status == "done" else "Filen kunde inte skapas: MemoryError",
        defaults={
            "format": "xlsx",
            "language": "sv",
            "filename": "verksamhetsplan-omsorg-2023.xlsx",
            "rows": 6000,
            "status": status,
            "progress": 100 if status == "done" else 40,
            "content": world.workbook if status == "done" else None,
            "requested_by": get_user_model().objects.get(username="planerare"),
            "requested_at": timezone.now(),
            "finished_at": timezone.now(),
        },
    )
    return [world.plan.pk, job.pk]


def decided_t1(world):
    return [world.decided.pk, world.t1.pk]


def decided_t2(world):
    return [world.decided.pk, world.t2.pk]


def organisation(world):
    return [world.organisation.pk]


def joint(world):
    return [world.joint.pk]


def joint_t1(world):
    return [world.joint.pk, world.t1.pk]


CASES = [
    # --- site -----------------------------------------------------------------------------------
    Case("home", get="200 200 200 200 200 200 200 200 200"),  # anonymous: a way to log in
    Case("login", get="200 200 200 200 200 200 200 200 200", post="redirect " * 9,
         data=lambda world: {"username": "planerare", "password": "pw"}),
    Case("logout", get="405 405 405 405 405 405 405 405 405", post="login " * 9),
    # No worker beats in the test: not ok (503), for everyone alike; tests/test_health.py.
    Case("health", get="503 503 503 503 503 503 503 503 503",
         post="405 405 405 405 405 405 405 405 405"),
    # Single sign-on: not configured in the tests (tests/sso configure it), so not there.
    Case("sso_login", get="404 " * 9, post="405 " * 9),
    Case("sso_callback", get="404 " * 9, post="405 " * 9),
    Case("set_language", get="redirect " * 9, post="redirect " * 9,
         data=lambda world: {"language": "en", "next": "/"}, query="next=/"),
    Case("admin:index", get=ADMIN_SITE),
    # --- planning -------------------------------------------------------------------------------
    Case("planning:plan_list", get=LOGGED_IN),
    # The outsider plans for their own region: the form, which refuses this organisation.
    Case("planning:plan_create", get="login 404 404 404 200 200 404 404 200",
         post="login 404 404 404 redirect redirect 404 404 200", writes=True,
         data=lambda world: plan_form_data(organisation=str(world.organisation.pk),
                                           owner_unit=str(world.units["unit_a"].pk))),
    Case("planning:plan_detail", plan, get=EVERYONE_READS),
    Case("planning:plan_update", plan, get=EDITORS_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {**plan_form_data(world.plan, vision="Ny vision"),
                             "version": world.plan.version}),
    Case("planning:plan_set_status", plan, get=POST_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"status": "consultation", "version": world.plan.version}),
    Case("planning:decision_step_add", plan, get=POST_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"kind": "preparation", "body": "Arbetsutskottet",
                             "held_on": "2023-02-01", "outcome": "left_open"}),
    Case("planning:decision_step_delete", lambda world: [world.plan.pk, world.decision_step.pk],
         get=POST_ONLY, post=EDITORS_CHANGE, writes=True),
    # The periods are the whole organisation's: not the planner of one operation's.
    Case("planning:period_list", get="login 404 404 404 404 200 404 404 200"),
    Case("planning:periods_create", lambda world: [world.organisation.pk], get=POST_ONLY,
         post=WHOLE_ORGANISATION_CHANGE, writes=True, data=lambda world: {"year": "2024"}),
    Case("planning:period_set_open", lambda world: [world.t2.pk], get=POST_ONLY,
         post=WHOLE_ORGANISATION_CHANGE, writes=True, data=lambda world: {"is_open": "1"}),
    Case("planning:period_set_deadline", lambda world: [world.t2.pk], get=POST_ONLY,
         post=WHOLE_ORGANISATION_CHANGE, writes=True,
         data=lambda world: {"deadline": "2023-09-15"}),
    # Everyone's own settings.
    Case("planning:my_settings", get=LOGGED_IN,
         post="login redirect redirect redirect redirect redirect redirect redirect redirect",
         writes=True, data=lambda world: {"language": "en", "reminders": "on"}),
    # --- planning: setting up an organisation ---------------------------------------------------
    Case("planning:organisation_list", get="login 404 404 404 200 200 404 404 200"),
    Case("planning:organisation_settings", organisation, get=WHOLE_ORGANISATION,
         post=WHOLE_ORGANISATION_CHANGE, writes=True,
         data=lambda world: settings_data(world.organisation, official_name="Testkommun kommun")),
    Case("planning:relation_add", organisation, get=POST_ONLY, post=WHOLE_ORGANISATION_CHANGE,
         writes=True, data=lambda world: {"related": world.other_region.pk}),
    Case("planning:relation_remove", lambda world: [world.organisation.pk, world.partner.pk],
         get=POST_ONLY, post=WHOLE_ORGANISATION_CHANGE, writes=True),
    Case("planning:steering", organisation, get=WHOLE_ORGANISATION),
    Case("planning:perspectives_save", organisation, get=POST_ONLY,
         post=WHOLE_ORGANISATION_CHANGE, writes=True,
         data=lambda world: formset_data("perspectives", [{"name": "Medborgare"}], 0)),
    Case("planning:assessment_levels_save", organisation, get=POST_ONLY,
         post=WHOLE_ORGANISATION_CHANGE, writes=True,
         data=lambda world: formset_data("levels", [{"label_sv": "Delvis", "label_nb": "Delvis",
                                                     "label_nn": "Delvis", "label_en": "Partly",
                                                     "meaning": "partly", "is_active": True}], 0)),
    Case("planning:assessment_scale_use", organisation, get=POST_ONLY,
         post=WHOLE_ORGANISATION_CHANGE, writes=True, data=lambda world: {"scale": "three"}),
    # The follow-up scheme: the whole organisation's, like its settings.
    Case("planning:scheme", organisation, get=WHOLE_ORGANISATION),
    Case("planning:scheme_save", organisation, get=POST_ONLY, post=WHOLE_ORGANISATION_CHANGE,
         writes=True, data=lambda world: scheme_data(preset_rows("tertial"),
                                                     {0: {"name_sv": "Första tertialen"}})),
    Case("planning:scheme_preset", organisation, get=POST_ONLY, post=WHOLE_ORGANISATION_CHANGE,
         writes=True, data=lambda world: {"preset": "quarter"}),
    Case("planning:unit_list", organisation, get=SETTERS_UP),
    Case("planning:unit_create", organisation, get=SETTERS_UP, post=SETTERS_UP_CHANGE,
         writes=True, data=lambda world: {"name": "Nattpatrullen", "kind": "unit",
                                          "parent": world.units["unit_a"].pk}),
    Case("planning:unit_import", organisation, get=SETTERS_UP, post=SETTERS_UP_CHANGE,
         writes=True, data=lambda world: {"file": units_csv("Nattpatrullen;Hemtjänst;enhet")}),
    Case("planning:unit_update", lambda world: [world.units["unit_a"].pk], get=SETTERS_UP,
         post=SETTERS_UP_CHANGE, writes=True,
         data=lambda world: {"name": "Hemtjänsten", "kind": "unit", "kolada_ou": "V15E242200101",
                             "parent": world.units["operation"].pk}),
    Case("planning:unit_set_closed", lambda world: [world.units["unit_b"].pk], get=POST_ONLY,
         post=SETTERS_UP_CHANGE, writes=True, data=lambda world: {"closed": "1"}),
    Case("planning:people", organisation, get=SETTERS_UP),
    Case("planning:person_invite", organisation, get=SETTERS_UP, post=SETTERS_UP_CHANGE,
         writes=True,
         data=lambda world: {"email": "ny.person@example.com", "first_name": "Ny",
                             "last_name": "Person", "role": "unit_manager",
                             "unit": world.units["unit_a"].pk}),
    Case("planning:person_detail", lambda world: [world.organisation.pk, person_pk("enhetschef")],
         get=SETTERS_UP),
    Case("planning:membership_grant",
         lambda world: [world.organisation.pk, person_pk("enhetschef")], get=POST_ONLY,
         post=SETTERS_UP_CHANGE, writes=True,
         data=lambda world: {"role": "unit_manager", "unit": world.units["unit_b"].pk}),
    Case("planning:membership_remove",
         lambda world: [Membership.objects.get(user__username="enhetschef").pk], get=POST_ONLY,
         post=SETTERS_UP_CHANGE, writes=True),
    # Deactivating needs an administrator of every organisation the person works in.
    Case("planning:person_set_active",
         lambda world: [world.organisation.pk, person_pk("enhetschef")], get=POST_ONLY,
         post=WHOLE_ORGANISATION_CHANGE, writes=True, data=lambda world: {"active": "0"}),
    # The unit manager has a password already: refused with a message, nothing sent.
    Case("planning:invitation_resend",
         lambda world: [world.organisation.pk, person_pk("enhetschef")], get=POST_ONLY,
         post=SETTERS_UP_CHANGE),
    # --- accounts: invitations and password reset (a link that does not work is a page) --------
    Case("invitation_accept", lambda world: ["MQ", "not-a-token"], get=EVERYONE, post=EVERYONE),
    Case("password_reset", get=EVERYONE, post="redirect " * 9,
         data=lambda world: {"email": "nobody@example.com"}),
    Case("password_reset_done", get=EVERYONE),
    Case("password_reset_confirm", lambda world: ["MQ", "not-a-token"], get=EVERYONE,
         post=EVERYONE),
    Case("password_reset_complete", get=EVERYONE),
    # A file nobody has: uploaded files are served only to those who may see their organisation.
    Case("media", lambda world: ["logos/none.png"], get="login 404 404 404 404 404 404 404 404"),
    # --- goals ----------------------------------------------------------------------------------
    Case("goals:goal_create", plan, get=EDITORS_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"title": "Nytt mål", "scope": "operation_specific"}),
    Case("goals:activity_list", plan, get=EVERYONE_READS),
    Case("goals:goal_update", lambda world: [world.goal.pk], get=EDITORS_ONLY,
         post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"title": "Friska medarbetare", "scope": "operation_specific",
                             "version": world.goal.version}),
    Case("goals:goal_delete", lambda world: [world.goal.pk], get=EDITORS_ONLY,
         post=EDITORS_CHANGE, writes=True),
    Case("goals:goal_move", lambda world: [world.goal.pk], get=POST_ONLY, post=EDITORS_CHANGE,
         writes=True, data=lambda world: {"direction": "down"}),
    Case("goals:activity_create", lambda world: [world.goal.pk], get=EDITORS_ONLY,
         post=EDITORS_CHANGE, writes=True, data=lambda world: activity_data(world.goal)),
    Case("goals:activity_update", lambda world: [world.activity.pk], get=EDITORS_ONLY,
         post=EDITORS_CHANGE, writes=True,
         data=lambda world: activity_data(world.goal, version=world.activity.version)),
    Case("goals:activity_delete", lambda world: [world.activity.pk], get=EDITORS_ONLY,
         post=EDITORS_CHANGE, writes=True),
    Case("goals:activity_move", lambda world: [world.activity.pk], get=POST_ONLY,
         post=EDITORS_CHANGE, writes=True, data=lambda world: {"direction": "down"}),
    # --- indicators: reporting ------------------------------------------------------------------
    Case("reports:reporting", get=LOGGED_IN),
    Case("reports:activity_status",
         lambda world: [world.t1.pk, world.decided_activity.pk],
         get=POST_ONLY, post=REPORTERS_CHANGE, writes=True,
         data=lambda world: {"status": "done", "comment": "Alla utbildade",
                             "expected_version": world.status.version}),
    Case("reports:measurement", lambda world: [world.t1.pk, world.decided_indicator.pk],
         get=POST_ONLY, post=REPORTERS_CHANGE, writes=True,
         data=lambda world: {"value": "82", "expected_version": world.value.version}),
    Case("reports:band_preview", lambda world: [world.decided_indicator.pk], get=POST_ONLY,
         post="login 200 200 404 200 200 404 404 404", data=lambda world: {"value": "75"}),
    # --- indicators: the committee's overview ---------------------------------------------------
    Case("reports:overview", plan, get=EVERYONE_READS),
    Case("reports:overview", decided_t1, get=EVERYONE_READS),
    # --- indicators: the planner's pages --------------------------------------------------------
    Case("authoring:plan_structure", plan, get=EVERYONE_READS),
    Case("indicators:indicator_list", plan, get=EVERYONE_READS),
    Case("authoring:plan_decided", lambda world: [world.decided.pk], get=EVERYONE_READS),
    Case("authoring:plan_roll_over", plan, get=POST_ONLY, post=EDITORS_CHANGE, writes=True),
    Case("indicators:bands_preview", plan, get=POST_ONLY, post=EDITORS_ONLY,
         data=lambda world: indicator_data(world.goal)),
    Case("indicators:indicator_create", lambda world: [world.goal.pk], get=EDITORS_ONLY,
         post=EDITORS_CHANGE, writes=True, data=lambda world: indicator_data(world.goal)),
    Case("indicators:indicator_update", lambda world: [world.indicator.pk], get=EDITORS_ONLY,
         post=EDITORS_CHANGE, writes=True,
         data=lambda world: indicator_data(world.goal, version=world.indicator.version)),
    Case("indicators:indicator_delete", lambda world: [world.indicator.pk], get=EDITORS_ONLY,
         post=EDITORS_CHANGE, writes=True),
    Case("indicators:indicator_move", lambda world: [world.indicator.pk], get=POST_ONLY,
         post=EDITORS_CHANGE, writes=True, data=lambda world: {"direction": "down"}),
    Case("authoring:plan_history", plan, get=EVERYONE_READS),
    Case("authoring:history_restore", plan, get=POST_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"kind": "goal", "history_id": world.deleted_goal_history}),
    Case("authoring:object_history", lambda world: ["goal", world.goal.pk], get=EVERYONE_READS),
    # The plan page written in place (htmx); without htmx each answers with the plan page.
    Case("authoring:goal_add", plan, get=POST_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"title": "Nytt mål"}),
    Case("authoring:item_add", lambda world: [world.goal.pk, "activity"], get=POST_ONLY,
         post=EDITORS_CHANGE, writes=True, data=lambda world: in_place_activity()),
    Case("authoring:item_in_place", lambda world: ["activity", world.activity.pk],
         get="login 404 404 404 redirect redirect 404 404 404", post=EDITORS_CHANGE, writes=True,
         data=lambda world: in_place_activity(version=world.activity.version)),
    Case("authoring:item_delete", lambda world: ["activity", world.activity.pk],
         get=POST_ONLY, post=EDITORS_CHANGE, writes=True),
    Case("authoring:item_place", lambda world: ["activity", world.activity.pk],
         get=POST_ONLY, post=EDITORS_CHANGE, writes=True, data=lambda world: {"index": "1"}),
    Case("authoring:undo", plan, get=POST_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"kind": "goal", "history_id": world.deleted_goal_history}),
    Case("authoring:thresholds_preview", plan, get=POST_ONLY,
         post=EDITORS_ONLY, data=lambda world: {"red": "<70", "green": "≥80"}),
    Case("authoring:plan_fragment", plan, get=READERS_ASK),
    # --- indicators: files ----------------------------------------------------------------------
    Case("transfer:plan_transfer", plan, get=EVERYONE_READS),
    # A small plan's files at once; a POST has the worker make them (for large plans).
    Case("transfer:plan_export_xlsx", plan, get=EVERYONE_READS, post=READERS_ASK, writes=True),
    Case("transfer:plan_export_csv", lambda world: [world.plan.pk, "indicators"],
         get=EVERYONE_READS, post=READERS_ASK, writes=True),
    Case("transfer:plan_export_zip", plan, get=EVERYONE_READS, post=READERS_ASK, writes=True),
    # A background export is its asker's (the planner's) only.
    Case("transfer:plan_export_job", lambda world: planners_export(world, "done"),
         get=REQUESTER_ONLY),
    Case("transfer:plan_export_job_file", lambda world: planners_export(world, "done"),
         get=REQUESTER_ONLY),
    Case("transfer:plan_export_job_retry", lambda world: planners_export(world, "failed"),
         get=POST_ONLY, post="login 404 404 404 redirect 404 404 404 404", writes=True),
    Case("transfer:plan_import", plan, get=POST_ONLY, post=EDITORS_ONLY,
         data=lambda world: {"files": SimpleUploadedFile("plan.xlsx", world.workbook)}),
    Case("transfer:plan_import_confirm", plan, get=POST_ONLY, post=EDITORS_CHANGE,
         data=lambda world: {"token": "x" * 32}),
    Case("transfer:plan_import_cancel", plan, get=POST_ONLY, post=EDITORS_CHANGE,
         data=lambda world: {"token": "x" * 32}),
    # A background import's page is its uploader's (the planner's) only.
    Case("transfer:plan_import_job", lambda world: [world.plan.pk, planners_import(world)],
         get=REQUESTER_ONLY),
    Case("transfer:plan_paste", plan, get=EDITORS_ONLY, post=EDITORS_ONLY,
         data=lambda world: pasted_activities(world)),
    Case("transfer:plan_paste_confirm", plan, get=POST_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: pasted_activities(world)),
    # --- indicators: open data ------------------------------------------------------------------
    Case("opendata:kolada_kpi_search", get=LOGGED_IN),
    Case("opendata:plan_sync_runs", plan, get=EVERYONE_READS),
    Case("opendata:plan_sync", plan, get=POST_ONLY, post=EDITORS_CHANGE, writes=True),
    Case("opendata:indicator_comparison", lambda world: [world.indicator.pk],
         get=EVERYONE_READS),
    # --- reports --------------------------------------------------------------------------------
    Case("reports:report", decided_t1, get=EVERYONE_READS),
    Case("reports:pdf", decided_t1, get=EVERYONE_READS),
    Case("reports:pdf_job", decided_t1, get=POST_ONLY, post=READERS_ASK, writes=True),
    Case("reports:excel", decided_t1, get=EVERYONE_READS),
    Case("reports:analysis", lambda world: [*decided_t1(world), world.decided_goal.pk],
         get=EDITORS_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"assessment": "uncertain", "analysis": "Arbetet går framåt."}),
    Case("reports:readiness", decided_t1, get=EVERYONE_READS, post=REPORTERS_CHANGE, writes=True,
         data=lambda world: {"unit": world.units["unit_a"].pk, "ready": "on"}),
    Case("reports:publish", decided_t1, get=EDITORS_ONLY, post=EDITORS_CHANGE, writes=True,
         data=lambda world: {"decided_by": "Kommunstyrelsen", "decision_date": "2023-10-10"}),
    Case("reports:published", get=LOGGED_IN),
    Case("reports:published_pdf", lambda world: [world.published.pk], get=EVERYONE_READS),
    Case("reports:published_data", lambda world: [world.published.pk], get=EVERYONE_READS),
    # The partner's people read the organisation's report too: of its plans, the joint one.
    Case("reports:organisation", lambda world: [world.organisation.pk, world.t1.pk],
         get=JOINT_READS, post=JOINT_ASK, writes=True),
    # A background job is its requester's own (here the planner's).
    Case("reports:job", lambda world: [world.finished_job.pk], get=REQUESTER_ONLY),
    Case("reports:job_pdf", lambda world: [world.finished_job.pk],
         get=REQUESTER_ONLY),
    Case("reports:job_retry", lambda world: [world.failed_job.pk], get=POST_ONLY,
         post="login 404 404 404 redirect 404 404 404 404", writes=True),
    # --- a joint plan (led by the organisation, the region a partner) ---------------------------
    Case("planning:plan_detail", joint, get=JOINT_READS),
    Case("authoring:plan_structure", joint, get=JOINT_READS),
    Case("reports:overview", joint, get=JOINT_READS),
    Case("reports:report", joint_t1, get=JOINT_READS),
    # The partner's unit manager reports their unit's activity; the organisation's does not.
    Case("reports:activity_status", lambda world: [world.t1.pk, world.joint_partner_activity.pk],
         get=POST_ONLY, post="login 404 404 404 redirect redirect 404 redirect 404", writes=True,
         data=lambda world: {"status": "in_progress", "expected_version": 0}),
    Case("reports:activity_status", lambda world: [world.t1.pk, world.joint_activity.pk],
         get=POST_ONLY, post=REPORTERS_CHANGE, writes=True,
         data=lambda world: {"status": "in_progress", "expected_version": 0}),
    # The plan's values: the owner's people (the unit manager below for their unit only).
    Case("reports:measurement", lambda world: [world.t1.pk, world.joint_indicator.pk],
         get=POST_ONLY, post=REPORTERS_CHANGE, writes=True,
         data=lambda world: {"value": "12", "expected_version": 0}),
    # --- the partner's and the outsider's own organisations -------------------------------------
    Case("planning:organisation_settings", lambda world: [world.other_region.pk],
         get=OUTSIDERS_OWN),
    Case("planning:people", lambda world: [world.other_region.pk], get=OUTSIDERS_OWN),
    Case("planning:steering", lambda world: [world.other_region.pk], get=OUTSIDERS_OWN),
    Case("planning:scheme", lambda world: [world.other_region.pk], get=OUTSIDERS_OWN),
    Case("planning:unit_list", lambda world: [world.partner.pk],
         get="login 404 404 404 404 404 404 404 404"),
]  # fmt: skip


@pytest.fixture
def world(people, organisation, units, plan, periods, goal, indicator) -> SimpleNamespace:
    """From the shared fixtures (see `tests.conftest`), two plans of the operation.

    Use it by assigning it in a test module (`world = site_map.world`) that also has
    `pytest_plugins = ["tests.planner_roles"]` for `people`.

    The draft `plan` is what the planner edits: two goals, two indicators (one linked to
    Kolada) and two activities of Hemtjänst, a deleted goal to restore and a sync run. The
    `decided` plan is what is followed up in the open T1: a goal with an indicator and an
    activity of Hemtjänst, a value, a status, a published T2 report, and a finished and a
    failed background job of the planner's. The organisation works with a region, `partner`
    (each has listed the other), and not with `other_region`.
    """
    t1, t2, _t3 = periods
    period_set_open(period=t1, is_open=True, actor=None)
    Indicator.objects.filter(pk=indicator.pk).update(open_data={"kolada": {"kpi": "N00090"}})
    second_goal = goal_add(plan=plan, title="Ökad kvalitet", actor=None)
    indicator_create(
        goal=goal,
        name="Sjukfrånvaro",
        direction="lower",
        green_bound=Decimal(6),
        green_bound_inclusive=False,
        red_bound=Decimal(7),
        red_bound_inclusive=True,
        actor=None,
    )
    activity, _second = (
        activity_create(
            goal=goal, title=title, unit=units["unit_a"], due_on=month_end(4), actor=None
        )
        for title in ("Vi utbildar i MHFA", "Vi genomför RUS-samtal")
    )
    removed = goal_add(plan=plan, title="Ett borttaget mål", actor=None)
    goal_delete(goal=removed, actor=None)

    decided = plan_create(
        organisation=organisation,
        owner_unit=units["operation"],
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan Omsorg 2023 (beslutad)",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    decided_goal = goal_create(plan=decided, number=1, title="Trygg omsorg", actor=None)
    decided_indicator = indicator_create(
        goal=decided_goal,
        name="Nöjdhet",
        direction="higher",
        green_bound=Decimal(80),
        green_bound_inclusive=True,
        red_bound=Decimal(70),
        red_bound_inclusive=False,
        actor=None,
    )
    decided_activity = activity_create(
        goal=decided_goal,
        title="Vi inför trygghetsringning",
        unit=units["unit_a"],
        due_on=month_end(3),
        evaluated_months=months(4, 12),
        actor=None,
    )
    plan_set_status(
        plan=decided,
        status="decided",
        decision_date=datetime.date(2022, 11, 29),
        expected_version=None,
        actor=None,
    )
    value = measurement_record(
        indicator=decided_indicator, period=t1, value=Decimal(76), actor=None
    )
    status = activity_status_set(
        activity=decided_activity, period=t1, status="in_progress", actor=None
    )
    # T2's report is published (frozen); T1 stays open for reporting.
    published = report_publish(
        plan=decided,
        period=t2,
        decided_by="Kommunstyrelsen",
        decision_date=datetime.date(2023, 6, 1),
        actor=people.planner,
    )
    finished, failed = (
        report_job_request(
            organisation=organisation,
            period=t1,
            plans=[decided],
            language="sv",
            actor=people.planner,
        )
        for _ in range(2)
    )
    report_job_finish(job=finished, content=published.pdf, pages=1)
    report_job_fail(job=failed, error=RuntimeError("Tog slut på minne"))
    # A region the organisation works with (each has listed the other), and one it does not.
    partner = organisation_create(name="Region Testlän", kind="region", actor=None)
    relation_add(organisation=organisation, related=partner, actor=None)
    relation_add(organisation=partner, related=organisation, actor=None)
    other_region = organisation_create(name="Region Annanlän", kind="region", actor=None)
    joint_world = _joint_plan(organisation, units, partner, other_region, t1)
    # The draft plan's decision process has begun: a working committee proposed it.
    decision_step = decision_step_add(
        plan=plan,
        kind="preparation",
        held_on=datetime.date(2023, 1, 10),
        body="Arbetsutskottet",
        paragraph="§ 3",
        outcome="proposes",
        actor=None,
    )
    now = timezone.now()
    SyncRun.objects.create(
        source="kolada",
        organisation=organisation,
        plan=plan,
        started_by=people.planner,
        started_at=now,
        finished_at=now,
        status="ok",
        created=1,
    )
    return SimpleNamespace(
        organisation=organisation,
        units=units,
        plan=plan,
        t1=t1,
        t2=t2,
        goal=goal,
        second_goal=second_goal,
        indicator=indicator,
        activity=activity,
        decided=decided,
        decided_goal=decided_goal,
        decided_indicator=decided_indicator,
        decided_activity=decided_activity,
        value=value,
        status=status,
        published=published,
        finished_job=ReportJob.objects.get(pk=finished.pk),
        failed_job=ReportJob.objects.get(pk=failed.pk),
        deleted_goal_history=removed.history.latest().history_id,
        workbook=plan_export_xlsx(plan=plan),
        partner=partner,
        other_region=other_region,
        decision_step=decision_step,
        **joint_world,
    )


def _joint_plan(organisation, units, partner, other_region, t1) -> dict:
    """The organisation's joint plan with the region `partner`, decided and followed up in the
    open T1, with an activity of the region's health centre, one of Hemtjänst and an indicator;
    the people of the two other organisations (see the module's docstring)."""
    committee = unit_create(
        organisation=partner, name="Hälso- och sjukvårdsnämnden", kind="committee", actor=None
    )
    centre = unit_create(
        organisation=partner, name="Hälsocentralen", kind="unit", parent=committee, actor=None
    )
    joint_plan = plan_create(
        organisation=organisation,
        partner_organisations=[partner],
        owner_unit=units["operation"],
        kind=Plan.Kind.ACTION_PLAN,
        name="Handlingsplan gemensam systemledning",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    joint_goal = goal_create(plan=joint_plan, number=1, title="Nära vård", actor=None)
    partner_activity, own_activity = (
        activity_create(goal=joint_goal, title=title, unit=unit, ongoing=True,
                        evaluated_months=months(4, 12), actor=None)
        for title, unit in (("Gemensam bemanning", centre), ("Trygg hemgång", units["unit_a"]))
    )  # fmt: skip
    joint_indicator = indicator_create(
        goal=joint_goal, name="Undvikbar slutenvård", direction="lower",
        green_bound=Decimal(10), actor=None,
    )  # fmt: skip
    plan_set_status(
        plan=joint_plan,
        status="decided",
        decision_date=datetime.date(2023, 2, 1),
        expected_version=None,
        actor=None,
    )
    user_model = get_user_model()

    def person(username, organisation, role, unit=None):
        user = user_model.objects.create_user(username, password="pw", first_name=username)
        membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=None)
        return user

    return {
        "joint": Plan.objects.get(pk=joint_plan.pk),
        "joint_partner_activity": partner_activity,
        "joint_activity": own_activity,
        "joint_indicator": joint_indicator,
        "users": {
            "partner_committee": person("hsn", partner, Role.COMMITTEE_MEMBER, committee),
            "partner_manager": person("hcchef", partner, Role.UNIT_MANAGER, centre),
            "outsider": person("annanplan", other_region, Role.PLANNER),
        },
    }


def url_of(case: Case, world: SimpleNamespace) -> str:
    """The case's URL for the world's objects, with its query string."""
    url = reverse(case.name, args=case.args(world))
    return f"{url}?{case.query}" if case.query else url


def readable_by(role: str, leave_out: frozenset[str] = frozenset()) -> list[Case]:
    """The cases whose GET gives `role` a 200, but those named in `leave_out`."""
    index = ROLES.index(role)
    return [
        case
        for case in CASES
        if case.get and case.get.split()[index] == "200" and case.name not in leave_out
    ]
