"""Demo data: Sorsele kommun's Verksamhetsplan Omsorg 2023 (seed 002), complete and idempotent,
and beside it the joint plan of Dorotea kommun and Region Västerbotten (seed 003, `demo.joint`),
which `manage.py load_demo` loads too.

The data sits at the top as plain Python structures, written as close to the seed document as
the model allows; the loader below writes it through the services. Every object is looked up by
its natural key first, and what exists is left as it is, so loading twice creates and changes
nothing. Everything happens in one transaction.

The plan, its goals, indicators and activities are the document's. The measured values, activity
statuses and users are made up for the demo: they are not Sorsele's real figures.
"""

from collections.abc import Callable
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db import models, transaction

from demo import seed_003
from demo.joint import load_joint_plan
from demo.seed_002 import (
    ACTIVITIES,
    ACTIVITY_STATUSES,
    ADMIN_URL,
    COUNT_KEYS,
    DEMO_PASSWORD,
    EVALUATED,
    GOALS,
    INDICATORS,
    MEASUREMENTS,
    MONTHS,
    MUNICIPALITY_WIDE,
    ONGOING,
    OPEN_PERIOD,
    ORGANISATION,
    PLAN,
    PLAN_OWNER,
    SITE_URL,
    UNITS,
    USERS,
    YEAR,
)
from goals.deadlines import Precision, last_day
from goals.models import Activity, ActivityStatus, Goal, SubGoal
from goals.services import activity_create, activity_status_set, goal_create, sub_goal_create
from indicators.models import Indicator, Measurement
from indicators.services import indicator_create, measurement_record
from planning.models import (
    DecisionStep,
    FollowUpPeriod,
    Membership,
    Organisation,
    Plan,
    Unit,
)
from planning.services import (
    decision_step_add,
    membership_grant,
    organisation_create,
    period_set_open,
    periods_ensure_year,
    plan_create,
    unit_create,
)

# --- The loader -----------------------------------------------------------------------------------


def _ensure(
    created: dict[str, int],
    key: str,
    existing: models.QuerySet,
    create: Callable[..., Any],
    **fields: Any,
) -> Any:
    """The object `existing` finds, or a new one from `create(**fields)`, counted under `key`."""
    found = existing.first()
    if found is not None:
        return found
    created[key] += 1
    return create(**fields)


def _timing(when: str) -> dict[str, Any]:
    """The seed's "När genomfört" (Löpande, or a month of the plan's year) as `ongoing` and a
    deadline: the month's last day, precision month."""
    if when.lower() == ONGOING:
        return {"ongoing": True, "due_on": None}
    return {
        "ongoing": False,
        "due_on": last_day(PLAN["start_year"], MONTHS[when.lower()]),
        "due_precision": Precision.MONTH,
    }


def _evaluated(text: str) -> dict[str, int]:
    return {"evaluated_months": EVALUATED[text]}


def _load_users(created: dict[str, int]) -> dict[str, Any]:
    user_model = get_user_model()
    return {
        username: _ensure(
            created,
            "users",
            user_model.objects.filter(username=username),
            user_model.objects.create_user,
            username=username,
            email=f"{username}@example.com",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        for username, first, last, _role, _unit, is_staff, is_superuser, _what in USERS
    }


def _load_units(created: dict[str, int], organisation: Organisation, actor: Any) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for name, kind, parent_name in UNITS:
        parent = units[parent_name] if parent_name else None
        units[name] = _ensure(
            created,
            "units",
            Unit.objects.filter(organisation=organisation, parent=parent, name=name),
            unit_create,
            organisation=organisation,
            name=name,
            kind=kind,
            parent=parent,
            actor=actor,
        )
    return units


def _load_memberships(
    created: dict[str, int],
    users: dict[str, Any],
    organisation: Organisation,
    units: dict[str, Unit],
    actor: Any,
) -> None:
    for username, _first, _last, role, unit_name, _staff, _su, _what in USERS:
        user = users[username]
        unit = units[unit_name] if unit_name else None
        _ensure(
            created,
            "memberships",
            Membership.objects.filter(user=user, organisation=organisation, unit=unit, role=role),
            membership_grant,
            user=user,
            organisation=organisation,
            role=role,
            unit=unit,
            actor=actor,
        )


def _load_periods(
    created: dict[str, int], organisation: Organisation, actor: Any
) -> dict[str, FollowUpPeriod]:
    existing = set(
        FollowUpPeriod.objects.filter(organisation=organisation, year=YEAR).values_list(
            "kind", flat=True
        )
    )
    periods = {
        period.kind: period
        for period in periods_ensure_year(organisation=organisation, year=YEAR, actor=actor)
    }
    created["periods"] += len(set(periods) - existing)
    # Open the reporting period only when this run created it: an existing period keeps
    # whatever state someone gave it.
    if OPEN_PERIOD in periods and OPEN_PERIOD not in existing:
        periods[OPEN_PERIOD] = period_set_open(
            period=periods[OPEN_PERIOD], is_open=True, actor=actor
        )
    return periods


def _load_goals(created: dict[str, int], plan: Plan, actor: Any) -> dict[int, Goal]:
    return {
        number: _ensure(
            created,
            "goals",
            Goal.objects.filter(plan=plan, number=number),
            goal_create,
            plan=plan,
            number=number,
            title=title,
            scope=MUNICIPALITY_WIDE,
            actor=actor,
        )
        for number, title in GOALS
    }


def _load_indicators(
    created: dict[str, int], goals: dict[int, Goal], actor: Any
) -> dict[tuple[int, str], Indicator]:
    indicators = {}
    for row in INDICATORS:
        fields = dict(row)
        goal = goals[fields.pop("goal")]
        # The seed's DELMÅL: a sub-goal of the goal, shared by the indicators that name it.
        text = fields.pop("subgoal", "")
        if text:
            fields["sub_goal"] = SubGoal.objects.filter(
                goal=goal, title=text
            ).first() or sub_goal_create(goal=goal, title=text, actor=actor)
        indicators[goal.number, fields["name"]] = _ensure(
            created,
            "indicators",
            Indicator.objects.filter(goal=goal, name=fields["name"]),
            indicator_create,
            goal=goal,
            actor=actor,
            **fields,
        )
    return indicators


def _load_activities(
    created: dict[str, int], goals: dict[int, Goal], actor: Any
) -> dict[tuple[int, str], Activity]:
    return {
        (number, title): _ensure(
            created,
            "activities",
            Activity.objects.filter(goal=goals[number], title=title),
            activity_create,
            goal=goals[number],
            title=title,
            responsible_role=responsible,
            actor=actor,
            **_timing(when),
            **_evaluated(evaluated),
        )
        for number, title, responsible, when, evaluated in ACTIVITIES
    }


def _find_activity(
    activities: dict[tuple[int, str], Activity], goal_number: int, title_start: str
) -> Activity:
    matches = [
        activity
        for (number, title), activity in activities.items()
        if number == goal_number and title.startswith(title_start)
    ]
    if len(matches) != 1:
        raise ValueError(
            f"Demo data: {len(matches)} activities of goal {goal_number} start {title_start!r}"
        )
    return matches[0]


def _load_statuses(
    created: dict[str, int],
    activities: dict[tuple[int, str], Activity],
    periods: dict[str, FollowUpPeriod],
    actor: Any,
) -> None:
    for number, title_start, kind, status, comment in ACTIVITY_STATUSES:
        activity = _find_activity(activities, number, title_start)
        period = periods[kind]
        if not activity.is_evaluated_in(period):
            raise ValueError(f"Demo data: {activity} is not evaluated in {period}")
        _ensure(
            created,
            "activity_statuses",
            ActivityStatus.objects.filter(activity=activity, period=period),
            activity_status_set,
            activity=activity,
            period=period,
            status=status,
            comment=comment,
            actor=actor,
        )


def _load_measurements(
    created: dict[str, int],
    indicators: dict[tuple[int, str], Indicator],
    periods: dict[str, FollowUpPeriod],
    actor: Any,
) -> None:
    for number, name, kind, value, comment, source in MEASUREMENTS:
        indicator, period = indicators[number, name], periods[kind]
        _ensure(
            created,
            "measurements",
            Measurement.objects.filter(indicator=indicator, period=period, unit=None),
            measurement_record,
            indicator=indicator,
            period=period,
            value=value,
            comment=comment,
            source=source,
            actor=actor,
        )


@transaction.atomic
def load_demo(*, stdout: TextIO | None = None, joint_plan: bool = False) -> dict[str, int]:
    """Load seed 002 with made-up follow-up data and demo users; return what was created.
    With `joint_plan` (as `manage.py load_demo` does), also seed 003's joint plan of Dorotea
    kommun and Region Västerbotten with its demo users.

    Idempotent: whatever exists (found by its natural key) is used as it is, never changed.
    The structure is recorded as made by the demo administrator, the goals and the follow-up
    by the demo planner. Writes the counts, the URLs and the demo logins to `stdout` if given.
    """
    created = dict.fromkeys(COUNT_KEYS, 0)
    users = _load_users(created)
    admin, planner = users["admin"], users["planerare"]

    organisation = _ensure(
        created,
        "organisations",
        Organisation.objects.filter(name=ORGANISATION["name"]),
        organisation_create,
        actor=admin,
        **ORGANISATION,
    )
    units = _load_units(created, organisation, admin)
    _load_memberships(created, users, organisation, units, admin)
    plans_before = created["plans"]
    plan = _ensure(
        created,
        "plans",
        Plan.objects.filter(
            organisation=organisation, name=PLAN["name"], start_year=PLAN["start_year"]
        ),
        plan_create,
        organisation=organisation,
        owner_unit=units[PLAN_OWNER],
        actor=admin,
        # Written as a draft and decided once complete, as a planner would: the decision then
        # locks the plan and its content as of then is the decided version.
        **{**PLAN, "status": Plan.Status.DRAFT},
    )
    periods = _load_periods(created, organisation, admin)
    goals = _load_goals(created, plan, planner)
    indicators = _load_indicators(created, goals, planner)
    activities = _load_activities(created, goals, planner)
    if created["plans"] > plans_before and PLAN["status"] == Plan.Status.DECIDED:
        # The seed's decision, recorded as the plan's decision process: it decides the plan.
        decision_step_add(
            plan=plan,
            kind=DecisionStep.Kind.DECISION,
            held_on=PLAN["decision_date"],
            body=PLAN["decided_by"],
            paragraph=PLAN.get("decision_paragraph", ""),
            registration_number=PLAN.get("registration_number", ""),
            outcome=DecisionStep.Outcome.DECIDED,
            actor=admin,
        )
        plan.refresh_from_db()
    _load_statuses(created, activities, periods, planner)
    _load_measurements(created, indicators, periods, planner)
    demo_users = [(username, what, users[username]) for username, *_rest, what in USERS]
    plans = [f"{PLAN['name']}, {ORGANISATION['name']}"]
    if joint_plan:
        joint_users = load_joint_plan(created, _ensure, DEMO_PASSWORD, admin)
        demo_users += [
            (username, what, joint_users[username]) for username, *_rest, what in seed_003.USERS
        ]
        plans.append(
            f"{seed_003.PLAN['name']}, {seed_003.LEAD['name']} och {seed_003.PARTNER['name']}"
        )

    if stdout is not None:
        write_summary(stdout, created, demo_users, plans)
    return created


def write_summary(
    stdout: TextIO, created: dict[str, int], users: list[tuple[str, str, Any]], plans: list[str]
) -> None:
    """What was created, where to go, and how to log in: (username, role, user) of each demo
    user."""
    if any(created.values()):
        made = ", ".join(f"{key.replace('_', ' ')} {count}" for key, count in created.items())
        lines = [f"Demo data loaded: {'; '.join(plans)}.", f"Created: {made}."]
    else:
        lines = ["Demo data already loaded: nothing created, nothing changed."]
    lines += ["", f"Styrkort: {SITE_URL}", f"Admin:    {ADMIN_URL}", ""]
    rows = [("Username", "Role", "Password")]
    for username, what, user in users:
        # Checked without the user's setter, which could rehash and save the password.
        if check_password(DEMO_PASSWORD, user.password):
            password = DEMO_PASSWORD
        else:
            password = "(not the demo password: the user existed before)"
        rows.append((username, what, password))
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    for username, what, password in rows:
        lines.append(f"{username:<{widths[0]}}  {what:<{widths[1]}}  {password}")
    stdout.write("\n".join(lines) + "\n")
