"""The admin of goals, activities and activity statuses, and the goals inline of a plan."""

import pytest
from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
from goals.services import (
    activity_create,
    activity_status_set,
    goal_create,
    goal_follow_up_save,
)
from planning.models import Plan
from planning.services import organisation_create, periods_ensure_year, plan_create
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

MODELS = [Goal, Activity, ActivityStatus, GoalFollowUp]


@pytest.fixture
def status(activity, periods):
    return activity_status_set(
        activity=activity, period=periods[0], status="in_progress", comment="Påbörjad", actor=None
    )


@pytest.fixture
def follow_up(goal, periods):
    return goal_follow_up_save(
        goal=goal, period=periods[0], assessment="uncertain", analysis="Analys", actor=None
    )


@pytest.fixture
def existing(goal, activity, status, follow_up):
    return {Goal: goal, Activity: activity, ActivityStatus: status, GoalFollowUp: follow_up}


@pytest.fixture
def other_organisation_periods(db):
    other = organisation_create(name="Annan kommun", actor=None)
    return periods_ensure_year(organisation=other, year=2023, actor=None)


# --- every page answers -------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_pages_answer(admin_client, existing, model):
    assert isinstance(admin.site.get_model_admin(model), SimpleHistoryAdmin)
    assert_admin_pages_answer(admin_client, existing[model])


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_unchanged_change_form_saves(admin_client, existing, model):
    assert_unchanged_form_saves(admin_client, existing[model])


def test_plan_page_lists_its_goals_with_links(admin_client, plan, goal):
    response = admin_client.get(admin_url(Plan, "change", plan.pk))
    goal_inlines = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Goal
    ]
    assert len(goal_inlines) == 1
    assert admin_url(Goal, "change", goal.pk) in response.content.decode()


def test_plan_page_saves_with_its_goals(admin_client, plan, goal):
    assert_unchanged_form_saves(admin_client, plan)


# --- validation shows as form errors, never as a crash ------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_empty_add_form_shows_errors(admin_client, db, model):
    assert_add_refused(admin_client, model, {})


def test_goal_contributing_without_plan_is_refused(admin_client, goal):
    response = assert_add_refused(
        admin_client, Goal, {"number": "2", "title": "Mål", "contributes_to": goal.pk}
    )
    assert "plan" in response.context["adminform"].form.errors


def test_goal_contributing_to_a_goal_outside_the_parent_plan_is_refused(admin_client, plan, goal):
    response = assert_add_refused(
        admin_client,
        Goal,
        {"plan": plan.pk, "number": "2", "title": "Mål", "contributes_to": goal.pk},
    )
    assert "contributes_to" in response.context["adminform"].form.errors


def test_activity_with_unit_but_no_goal_is_refused(admin_client, units):
    assert_add_refused(
        admin_client,
        Activity,
        {
            "title": "Gör något",
            "unit": units["unit_a"].pk,
            "due_on": "2023-06",
            "evaluated_months": "4",
        },
    )


def test_activity_without_month_or_ongoing_is_refused(admin_client, goal):
    response = assert_add_refused(
        admin_client,
        Activity,
        {"goal": goal.pk, "title": "Gör något", "position": "0", "evaluated_months": "12"},
    )
    assert "due_on" in response.context["adminform"].form.errors


@pytest.mark.parametrize("missing", ["activity", "period"])
def test_status_missing_activity_or_period_is_refused(admin_client, activity, periods, missing):
    data = {"activity": activity.pk, "period": periods[0].pk, "status": "done"}
    del data[missing]
    response = assert_add_refused(admin_client, ActivityStatus, data)
    assert missing in response.context["adminform"].form.errors


def test_status_in_a_period_of_another_organisation_is_refused(
    admin_client, activity, other_organisation_periods
):
    response = assert_add_refused(
        admin_client,
        ActivityStatus,
        {"activity": activity.pk, "period": other_organisation_periods[0].pk, "status": "done"},
    )
    assert "period" in response.context["adminform"].form.errors


# --- who reported, and when, is never typed in --------------------------------------------------


def test_status_added_in_admin_records_reporter(admin_client, admin_user, activity, periods):
    before = timezone.now()
    page = admin_client.get(admin_url(ActivityStatus, "add"))
    response = admin_client.post(
        admin_url(ActivityStatus, "add"),
        {
            **management_data(page),
            "activity": activity.pk,
            "period": periods[1].pk,
            "status": "done",
            "comment": "Klart",
            # read-only: ignored even if sent
            "reported_by": "",
            "reported_at": "2000-01-01 00:00",
        },
    )
    assert response.status_code == 302
    status = ActivityStatus.objects.get(activity=activity, period=periods[1])
    assert status.reported_by == admin_user
    assert status.reported_at >= before


def test_status_changed_in_admin_records_the_new_reporter(admin_client, admin_user, status):
    url = admin_url(ActivityStatus, "change", status.pk)
    data = form_data(admin_client.get(url))
    data["status"] = "done"
    assert admin_client.post(url, data).status_code == 302
    status.refresh_from_db()
    assert (status.status, status.reported_by) == ("done", admin_user)


def test_status_added_in_activity_inline_records_reporter(
    admin_client, admin_user, activity, periods, status
):
    url = admin_url(Activity, "change", activity.pk)
    data = form_data(admin_client.get(url))
    prefix = "statuses"
    assert data[f"{prefix}-TOTAL_FORMS"] == "1"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-1-period": str(periods[2].pk),
            f"{prefix}-1-status": "not_started",
            f"{prefix}-1-comment": "",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    added = ActivityStatus.objects.get(activity=activity, period=periods[2])
    assert added.reported_by == admin_user
    assert added.reported_at is not None
    status.refresh_from_db()
    assert status.reported_by is None  # unchanged rows keep their reporter


def test_status_inline_offers_only_the_plans_periods(
    admin_client, activity, periods, other_organisation_periods
):
    response = admin_client.get(admin_url(Activity, "change", activity.pk))
    (inline,) = response.context["inline_admin_formsets"]
    offered = {str(value) for value, _label in inline.formset.form.base_fields["period"].choices}
    assert {str(period.pk) for period in periods} <= offered
    assert not {str(period.pk) for period in other_organisation_periods} & offered


# --- no query per row ---------------------------------------------------------------------------


def test_goal_changelist_queries_constant(admin_client, organisation, plan):
    made = []
    parent = plan_create(
        organisation=organisation,
        kind="strategy",
        name="Strategi",
        start_year=2020,
        end_year=2030,
        actor=None,
    )
    plan.parent = parent
    plan.save()
    parent_goal = goal_create(plan=parent, number=1, title="Övergripande", actor=None)

    def add(n):
        for _ in range(n):
            made.append(
                goal_create(
                    plan=plan,
                    number=len(made) + 1,
                    title=f"Mål {len(made)}",
                    contributes_to=parent_goal,
                    actor=None,
                )
            )

    url = admin_url(Goal, "changelist") + f"?plan__id__exact={plan.pk}"
    assert_constant_queries(admin_client, url, add, shown=changelist_rows, few=1, many=10)


def test_activity_changelist_queries_constant(admin_client, goal, units):
    def add(n):
        for _ in range(n):
            activity_create(
                goal=goal, title="Aktivitet", unit=units["unit_a"], ongoing=True, actor=None
            )

    assert_constant_queries(
        admin_client,
        admin_url(Activity, "changelist"),
        add,
        shown=changelist_rows,
        few=1,
        many=10,
    )


def test_status_changelist_queries_constant(admin_client, admin_user, goal, periods):
    activities = iter(
        activity_create(goal=goal, title=f"Aktivitet {i}", ongoing=True, actor=None)
        for i in range(4)
    )
    slots = iter((activity, period) for activity in activities for period in periods)

    def add(n):
        for _ in range(n):
            activity, period = next(slots)
            activity_status_set(activity=activity, period=period, status="done", actor=admin_user)

    assert_constant_queries(
        admin_client,
        admin_url(ActivityStatus, "changelist"),
        add,
        shown=changelist_rows,
        few=1,
        many=10,
    )


def test_plan_page_queries_do_not_grow_with_goals(admin_client, plan):
    made = []

    def add(n):
        for _ in range(n):
            made.append(goal_create(plan=plan, number=len(made) + 1, title="Mål", actor=None))

    assert_constant_queries(
        admin_client,
        admin_url(Plan, "change", plan.pk),
        add,
        shown=lambda r: len(r.context["inline_admin_formsets"][0].formset.forms),
        few=1,
        many=10,
    )


def test_activity_page_queries_do_not_grow_with_statuses(admin_client, admin_user, activity):
    periods = iter(
        period
        for year in (2023, 2024)
        for period in periods_ensure_year(
            organisation=activity.goal.plan.organisation, year=year, actor=None
        )
    )
    activity.goal.plan.end_year = 2024
    activity.goal.plan.save()

    def add(n):
        for _ in range(n):
            activity_status_set(
                activity=activity, period=next(periods), status="done", actor=admin_user
            )

    assert_constant_queries(
        admin_client,
        admin_url(Activity, "change", activity.pk),
        add,
        shown=lambda r: len(r.context["inline_admin_formsets"][0].formset.forms),
        few=1,
        many=6,
    )
