"""Demo data: the joint plan of Dorotea kommun and Region Västerbotten (seed 003), idempotent.

As `demo.loader` does for seed 002: every object is looked up by its natural key first and what
exists is left as it is; the data is in `demo.seed_003`, which says what is the seed's and what
is illustrative. Both organisations list each other as related (a joint plan needs that), the
plan is Dorotea's with the region as partner, its activities are owned by units of both, and it
is followed up in Dorotea's periods, where T1 is open.
"""

from typing import Any

from django.contrib.auth import get_user_model

from demo import seed_003 as seed
from goals.deadlines import Precision, last_day
from goals.evaluation import legacy_mask
from goals.models import Activity, ActivityStatus, Goal
from goals.services import activity_create, activity_status_set, goal_create
from indicators.models import Indicator
from indicators.services import indicator_create
from planning.models import (
    FollowUpPeriod,
    Membership,
    Organisation,
    OrganisationRelation,
    Plan,
    Unit,
    preset_rows,
)
from planning.services import (
    decision_step_add,
    membership_grant,
    organisation_create,
    period_set_open,
    periods_ensure_year,
    plan_create,
    relation_add,
    unit_create,
)


def load_joint_plan(created: dict[str, int], ensure, password: str, admin: Any) -> dict[str, Any]:
    """Load seed 003 with its demo users; counts go to `created` through `ensure` (the demo
    loader's `_ensure`). The demo users by username."""
    organisations = {
        side: ensure(
            created,
            "organisations",
            Organisation.objects.filter(name=fields["name"]),
            organisation_create,
            actor=admin,
            **fields,
        )
        for side, fields in (("lead", seed.LEAD), ("partner", seed.PARTNER))
    }
    lead, partner = organisations["lead"], organisations["partner"]
    for source, target in ((lead, partner), (partner, lead)):
        ensure(
            created,
            "relations",
            OrganisationRelation.objects.filter(organisation=source, related=target),
            relation_add,
            organisation=source,
            related=target,
            actor=admin,
        )
    units: dict[str, Unit] = {}
    for side, name, kind, parent_name in seed.UNITS:
        parent = units[parent_name] if parent_name else None
        organisation = organisations[side]
        units[name] = ensure(
            created,
            "units",
            Unit.objects.filter(organisation=organisation, parent=parent, name=name),
            unit_create,
            organisation=organisation,
            name=name,
            kind=kind,
            parent=parent,
            actor=admin,
        )
    users = _load_users(created, ensure, password, organisations, units, admin)
    planner = users["planerare.dorotea"]

    plans_before = created["plans"]
    plan = ensure(
        created,
        "plans",
        Plan.objects.filter(
            organisation=lead, name=seed.PLAN["name"], start_year=seed.PLAN["start_year"]
        ),
        plan_create,
        organisation=lead,
        partner_organisations=[partner],
        owner_unit=units[seed.PLAN_OWNER],
        actor=admin,
        **seed.PLAN,
    )
    periods = _load_periods(created, lead, admin)
    goal = ensure(
        created,
        "goals",
        Goal.objects.filter(plan=plan, number=seed.GOAL["number"]),
        goal_create,
        plan=plan,
        actor=planner,
        **seed.GOAL,
    )
    for fields in seed.INDICATORS:
        ensure(
            created,
            "indicators",
            Indicator.objects.filter(goal=goal, name=fields["name"]),
            indicator_create,
            goal=goal,
            actor=planner,
            **fields,
        )
    activities = {}
    for title, responsible, unit_name, month, (t1, t2, year_end) in seed.ACTIVITIES:
        activities[title] = ensure(
            created,
            "activities",
            Activity.objects.filter(goal=goal, title=title),
            activity_create,
            goal=goal,
            title=title,
            responsible_role=responsible,
            unit=units[unit_name],
            ongoing=month is None,
            due_on=None if month is None else last_day(seed.PLAN["start_year"], month),
            due_precision=Precision.MONTH,
            evaluated_months=legacy_mask(preset_rows("tertial"), t1, t2, year_end),
            actor=planner,
        )
    if created["plans"] > plans_before:
        # Decided once complete, as a planner would: its content as of then is what was decided.
        # Each owner decides it (`seed.DECISION_STEPS`); the last decision decides the plan.
        for owner, kind, held_on, body, paragraph, outcome in seed.DECISION_STEPS:
            decision_step_add(
                plan=plan,
                kind=kind,
                organisation=partner if owner == "partner" else None,
                held_on=held_on,
                body=body,
                paragraph=paragraph,
                registration_number=(
                    seed.PLAN["registration_number"] if body == seed.PLAN["decided_by"] else ""
                ),
                outcome=outcome,
                actor=admin,
            )
        plan.refresh_from_db()
    for title_start, kind, status, comment in seed.ACTIVITY_STATUSES:
        (activity,) = [a for title, a in activities.items() if title.startswith(title_start)]
        ensure(
            created,
            "activity_statuses",
            ActivityStatus.objects.filter(activity=activity, period=periods[kind]),
            activity_status_set,
            activity=activity,
            period=periods[kind],
            status=status,
            comment=comment,
            actor=planner,
        )
    return users


def _load_users(created, ensure, password, organisations, units, admin) -> dict[str, Any]:
    user_model = get_user_model()
    users = {}
    for username, first, last, role, side, unit_name, _what in seed.USERS:
        user = ensure(
            created,
            "users",
            user_model.objects.filter(username=username),
            user_model.objects.create_user,
            username=username,
            email=f"{username}@example.com",
            password=password,
            first_name=first,
            last_name=last,
        )
        organisation, unit = organisations[side], units[unit_name]
        ensure(
            created,
            "memberships",
            Membership.objects.filter(user=user, organisation=organisation, unit=unit, role=role),
            membership_grant,
            user=user,
            organisation=organisation,
            unit=unit,
            role=role,
            actor=admin,
        )
        users[username] = user
    return users


def _load_periods(created, organisation: Organisation, admin) -> dict[str, FollowUpPeriod]:
    existing = set(
        FollowUpPeriod.objects.filter(organisation=organisation, year=seed.YEAR).values_list(
            "kind", flat=True
        )
    )
    periods = {
        period.kind: period
        for period in periods_ensure_year(organisation=organisation, year=seed.YEAR, actor=admin)
    }
    created["periods"] += len(set(periods) - existing)
    if seed.OPEN_PERIOD not in existing:
        periods[seed.OPEN_PERIOD] = period_set_open(
            period=periods[seed.OPEN_PERIOD], is_open=True, actor=admin
        )
    return periods
