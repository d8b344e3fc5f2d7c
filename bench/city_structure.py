"""Making the large city: helpers, organisation, units, people, plans and goals."""

import datetime
import random
from collections import defaultdict

from city_words import (
    BATCH,
    CITY,
    COMMITTEES,
    FIRST_NAMES,
    FIRST_YEAR,
    GOAL_TITLES,
    LAST_NAMES,
    LAST_YEAR,
    NEXT_YEAR,
    NOW,
    OPEN_PERIOD,
    OPERATION_WORDS,
    PASSWORD,
    UNIT_WORDS,
    Shape,
)


class CityStructure:
    """The helpers and the structure of the city (a part of `make_city.City`)."""

    def __init__(self, scale: float, seed: int) -> None:
        self.rng = random.Random(seed)
        self.kind_rng = random.Random(seed + 1_000_003)  # kinds added later, the rest unchanged
        self.shape = Shape.at(scale)
        self.counts: dict[str, int] = defaultdict(int)
        self.history_rows = 0

    # helpers ------------------------------------------------------------------------------

    def moment(self, day: datetime.date, spread_days: int = 0) -> datetime.datetime:
        """A time on `day` (plus up to `spread_days`), never after the city's today."""
        days = self.rng.randint(0, spread_days) if spread_days else 0
        at = datetime.datetime.combine(
            day + datetime.timedelta(days=days),
            datetime.time(self.rng.randint(7, 17), self.rng.randint(0, 59)),
            tzinfo=datetime.UTC,
        )
        return min(at, NOW - datetime.timedelta(minutes=self.rng.randint(1, 600)))

    def create(self, model, objects: list, *, when, who, label: str | None = None) -> list:
        """Bulk-insert objects and their creation history record (when/who per object)."""
        model.objects.bulk_create(objects, batch_size=BATCH)
        self.counts[label or model._meta.verbose_name_plural] += len(objects)
        if hasattr(model, "history"):
            self.history(model, objects, kind="+", when=when, who=who)
        return objects

    def history(self, model, objects, *, kind: str, when, who, before=None) -> None:
        """History records of `objects` as they are now (or as `before(obj)` says they were)."""
        historical = model.history.model
        names = [f.attname for f in historical.tracked_fields]
        rows = []
        for obj in objects:
            values = {name: getattr(obj, name) for name in names}
            if before is not None:
                values.update(before(obj))
            rows.append(
                historical(
                    history_date=when(obj),
                    history_user_id=who(obj),
                    history_type=kind,
                    history_change_reason=None,
                    **values,
                )
            )
        historical.objects.bulk_create(rows, batch_size=BATCH)
        self.history_rows += len(rows)

    def person_name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    # the organisation ---------------------------------------------------------------------

    def build(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            self.organisation_and_periods()
            self.units()
            self.people()
            self.plans()
            self.goals()
            self.indicators()
            self.activities()
            self.follow_up()

    def organisation_and_periods(self) -> None:
        from planning.models import FollowUpPeriod, Organisation
        from planning.services.periods import year_periods

        if Organisation.objects.filter(name=CITY).exists():
            raise SystemExit(f"{CITY} is in this database already: use a new database.")
        created = datetime.date(FIRST_YEAR - 1, 9, 1)
        self.organisation = Organisation(
            name=CITY,
            official_name=CITY,
            municipality_code="2499",
            comparison_group="G33",
            level_committee="nämnd",
            level_administration="förvaltning",
            level_operation="verksamhet",
            level_unit="enhet",
        )
        self.create(Organisation, [self.organisation], when=lambda o: self.moment(created),
                    who=lambda o: None)  # fmt: skip
        periods = []
        for year in range(FIRST_YEAR, NEXT_YEAR + 1):
            for period in year_periods(self.organisation, year):
                period.is_open = (year, period.kind) == OPEN_PERIOD
                periods.append(period)
        self.create(FollowUpPeriod, periods, when=None, who=None)
        self.periods = periods
        self.open_period = next(p for p in periods if p.is_open)

    def units(self) -> None:
        from planning.models import Unit

        shape, org = self.shape, self.organisation
        created = datetime.date(FIRST_YEAR - 1, 9, 2)

        def when(_unit):
            return self.moment(created)

        def nobody(_unit):
            return None

        self.committees = [
            Unit(organisation=org, name=name, kind=Unit.Kind.COMMITTEE)
            for name, _administration in COMMITTEES[: shape.committees]
        ]
        self.create(Unit, self.committees, when=when, who=nobody)
        self.administrations = [
            Unit(organisation=org, parent=committee, name=COMMITTEES[index][1],
                 kind=Unit.Kind.ADMINISTRATION)
            for index, committee in enumerate(self.committees)
        ]  # fmt: skip
        self.create(Unit, self.administrations, when=when, who=nobody)
        words = iter(self.rng.sample(OPERATION_WORDS * 3, len(OPERATION_WORDS) * 3))
        self.operations, used = [], set()
        for administration in self.administrations:
            for _ in range(shape.operations_per_administration):
                name = next(words)
                while (administration.pk, name) in used:
                    name = next(words)
                used.add((administration.pk, name))
                self.operations.append(
                    Unit(organisation=org, parent=administration, name=name,
                         kind=Unit.Kind.OPERATION)
                )  # fmt: skip
        self.create(Unit, self.operations, when=when, who=nobody)
        self.leaf_units = []
        self.units_below: dict[int, list] = defaultdict(list)
        for operation in self.operations:
            for place in self.rng.sample(UNIT_WORDS, shape.units_per_operation):
                unit = Unit(organisation=org, parent=operation, name=f"{operation.name} {place}",
                            kind=Unit.Kind.UNIT)  # fmt: skip
                self.leaf_units.append(unit)
        self.create(Unit, self.leaf_units, when=when, who=nobody)
        for unit in self.leaf_units:
            self.units_below[unit.parent_id].append(unit)

    def people(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from planning.models import Membership, Role

        user_model = get_user_model()
        password = make_password(PASSWORD)  # once: the same password for everyone
        joined = datetime.datetime(FIRST_YEAR - 1, 9, 5, 8, tzinfo=datetime.UTC)
        users, grants = [], []  # grants: (user, unit or None, role)

        def person(username: str) -> object:
            first, last = self.person_name()
            user = user_model(
                username=username, first_name=first, last_name=last,
                email=f"{username}@storvik.example", password=password, date_joined=joined,
            )  # fmt: skip
            users.append(user)
            return user

        for n in range(1, 3):
            grants.append((person(f"admin{n:02}"), None, Role.ADMINISTRATOR))
        for n in range(1, 5 if len(self.committees) > 2 else 2):
            grants.append((person(f"planerare{n:02}"), None, Role.PLANNER))
        for n, administration in enumerate(self.administrations, start=1):
            grants.append((person(f"forvaltningsplanerare{n:02}"), administration, Role.PLANNER))
        for c, committee in enumerate(self.committees, start=1):
            for m in range(1, self.shape.members_per_committee + 1):
                grants.append((person(f"ledamot{c}{m:02}"), committee, Role.COMMITTEE_MEMBER))
        self.managers: dict[int, object] = {}  # unit id -> its manager
        for n, operation in enumerate(self.operations, start=1):
            manager = person(f"verksamhetschef{n:02}")
            grants.append((manager, operation, Role.UNIT_MANAGER))
            self.managers[operation.pk] = manager
        # A manager for every 1.4 units: some lead two.
        leaves = list(self.leaf_units)
        number = 0
        while leaves:
            number += 1
            manager = person(f"enhetschef{number:03}")
            for unit in leaves[: 2 if number % 5 in (1, 3) else 1]:
                grants.append((manager, unit, Role.UNIT_MANAGER))
                self.managers[unit.pk] = manager
            leaves = leaves[2 if number % 5 in (1, 3) else 1 :]
        user_model.objects.bulk_create(users, batch_size=BATCH)
        self.counts["people"] += len(users)
        self.users = users
        self.planners = [user for user, unit, role in grants if role == Role.PLANNER and not unit]
        self.administration_planner = {
            unit.pk: user for user, unit, role in grants if role == Role.PLANNER and unit
        }
        memberships = [
            Membership(user=user, organisation=self.organisation, unit=unit, role=role)
            for user, unit, role in grants
        ]
        admin = users[0]
        self.create(Membership, memberships, when=lambda m: self.moment(joined.date()),
                    who=lambda m: admin.pk)  # fmt: skip

    # plans ----------------------------------------------------------------------------------

    def plans(self) -> None:
        from planning.models import Plan

        rng, org = self.rng, self.organisation
        plans = []

        def plan(kind, name, owner, parent, years, decided_on, level, **extra):
            item = Plan(
                organisation=org, owner_unit=owner, parent=parent, kind=kind, name=name,
                start_year=years[0], end_year=years[1], status=Plan.Status.DRAFT,
                responsible=" ".join(self.person_name()),
                vision="Storvik – en hållbar kommun där alla kan växa.",
                core_values="Öppenhet, respekt, engagemang",
                steering_documents="Vision Storvik 2030; Budget och verksamhetsplan",
                gender_equality="Alla nyckeltal som rör personer redovisas uppdelat på kön.",
                child_rights="Barnets bästa ska särskilt beaktas i alla beslut som rör barn.",
                sustainability="Planen bidrar till Agenda 2030:s mål 3, 4, 8 och 11.",
                **extra,
            )  # fmt: skip
            item.level = level
            item.created_on = datetime.date(years[0] - 1, 9, rng.randint(1, 28))
            item.decided_on = decided_on
            if decided_on is not None:
                item.status = Plan.Status.DECIDED
                item.decision_date = decided_on
                item.decided_at = datetime.datetime.combine(
                    decided_on, datetime.time(15, 0), tzinfo=datetime.UTC
                )
                item.decided_by = "Kommunfullmäktige" if level == "strategy" else (
                    owner.name if owner and owner.kind == "committee" else "Nämnden"
                )  # fmt: skip
                item.decision_paragraph = f"§ {rng.randint(10, 250)}"
                item.registration_number = f"{decided_on.year}/{rng.randint(100, 999)}-012"
                item.valid_from = datetime.date(years[0], 1, 1)
                item.version = 2
            plans.append(item)
            return item

        self.strategy = plan(
            Plan.Kind.STRATEGY, "Strategisk plan 2017–2026", self.committees[0], None,
            (FIRST_YEAR, LAST_YEAR), datetime.date(FIRST_YEAR - 1, 11, 28), "strategy",
        )  # fmt: skip
        self._save_plans([self.strategy])
        self.committee_plans = [
            plan(Plan.Kind.SECTOR_PLAN, f"Nämndplan {committee.name} 2023–2026", committee,
                 self.strategy, (2023, LAST_YEAR), datetime.date(2022, 12, rng.randint(5, 20)),
                 "committee")
            for committee in self.committees
        ]  # fmt: skip
        self._save_plans(self.committee_plans)
        committee_plan_of = {p.owner_unit_id: p for p in self.committee_plans}
        administration_of = {a.pk: a for a in self.administrations}
        owners = rng.sample(
            self.operations, min(len(self.operations), self.shape.operational_plans)
        )
        self.operational_plans = []
        for operation in owners:
            committee_id = administration_of[operation.parent_id].parent_id
            self.operational_plans.append(
                plan(Plan.Kind.OPERATIONAL_PLAN, f"Verksamhetsplan {operation.name} {LAST_YEAR}",
                     operation, committee_plan_of[committee_id], (LAST_YEAR, LAST_YEAR),
                     datetime.date(LAST_YEAR - 1, 12, rng.randint(1, 15)), "operational")
            )  # fmt: skip
        self._save_plans(self.operational_plans)
        operational_of = {p.owner_unit_id: p for p in self.operational_plans}
        self.activity_plans = []
        for index in range(self.shape.activity_plans):
            operation = owners[index % len(owners)] if index < len(owners) else rng.choice(owners)
            suffix = "" if index < len(owners) else f" – {rng.choice(UNIT_WORDS)}"
            self.activity_plans.append(
                plan(Plan.Kind.ACTIVITY_PLAN,
                     f"Aktivitetsplan {operation.name}{suffix} {LAST_YEAR}", operation,
                     operational_of[operation.pk], (LAST_YEAR, LAST_YEAR),
                     datetime.date(LAST_YEAR, 1, rng.randint(10, 30)), "activity")
            )  # fmt: skip
        self._save_plans(self.activity_plans)
        # Sizes: each plan its kind's mean, give or take 30 %; the first operational plan is the
        # largest, and next year's draft copies it.
        for item in plans:
            goals, indicators, activities = self.shape.sizes[item.level]
            factor = 1.3 if item is self.operational_plans[0] else rng.uniform(0.8, 1.25)
            item.size = (goals, round(indicators * factor), round(activities * factor))
        largest = self.operational_plans[0]
        self.draft = plan(
            Plan.Kind.OPERATIONAL_PLAN, f"Verksamhetsplan {largest.owner_unit.name} {NEXT_YEAR}",
            largest.owner_unit, largest.parent, (NEXT_YEAR, NEXT_YEAR), None, "operational",
            rolled_over_from=largest,
        )  # fmt: skip
        self.draft.size = largest.size
        self._save_plans([self.draft])
        self.all_plans = plans

    def _save_plans(self, plans) -> None:
        from planning.models import Plan

        from_planner = self.planners[0].pk
        Plan.objects.bulk_create(plans, batch_size=BATCH)
        self.counts["plans"] += len(plans)

        def drafted(item):
            return {"status": Plan.Status.DRAFT, "decision_date": None, "decided_at": None,
                    "decided_by": "", "decision_paragraph": "", "registration_number": "",
                    "valid_from": None, "version": 1}  # fmt: skip

        self.history(Plan, plans, kind="+", when=lambda p: self.moment(p.created_on),
                     who=lambda p: from_planner, before=drafted)  # fmt: skip
        decided = [p for p in plans if p.decided_on is not None]
        self.history(Plan, decided, kind="~", when=lambda p: p.decided_at,
                     who=lambda p: from_planner)  # fmt: skip

    # goals, indicators, activities ----------------------------------------------------------

    def structure_time(self, item) -> datetime.datetime:
        """When a plan's content was written: after the plan was created, before its decision."""
        start = datetime.datetime.combine(item.created_on, datetime.time(8), tzinfo=datetime.UTC)
        end = item.decided_at or (NOW - datetime.timedelta(days=2))
        return start + (end - start) * self.rng.uniform(0.1, 0.9)

    def writer(self, item) -> int:
        owner = item.owner_unit
        node_ids = {owner.pk, owner.parent_id} if owner else set()
        for unit_id, user in self.administration_planner.items():
            if unit_id in node_ids:
                return user.pk
        return self.rng.choice(self.planners).pk

    def goals(self) -> None:
        """Level by level: each goal contributes to a goal of the plan above, saved before it."""
        from goals.models import Goal, Scope

        rng = self.rng
        self.goals_of: dict[int, list] = {}
        levels = [[self.strategy], self.committee_plans, self.operational_plans,
                  self.activity_plans, [self.draft]]  # fmt: skip
        for plans in levels:
            batch = []
            for item in plans:
                parent_goals = self.goals_of.get(item.parent_id, []) if item.parent_id else []
                count = item.size[0]
                titles = rng.sample(GOAL_TITLES, min(count, len(GOAL_TITLES)))
                mine = []
                for number in range(1, count + 1):
                    goal = Goal(
                        plan=item, number=number, title=titles[(number - 1) % len(titles)],
                        description=rng.choice(["", "Målet konkretiseras i delmål och mått."]),
                        scope=Scope.MUNICIPALITY_WIDE if number <= 2 else Scope.OPERATION_SPECIFIC,
                        contributes_to=rng.choice(parent_goals) if parent_goals else None,
                    )  # fmt: skip
                    goal.plan_item = item
                    mine.append(goal)
                self.goals_of[item.pk] = mine
                batch.extend(mine)
            self.create(Goal, batch, when=lambda g: self.structure_time(g.plan_item),
                        who=lambda g: self.writer(g.plan_item))  # fmt: skip

    def spread(self, total: int, goals: list) -> list[int]:
        """`total` items over the goals, unevenly (as real plans are)."""
        if not goals or total <= 0:
            return [0] * len(goals)
        weights = [self.rng.uniform(0.4, 1.6) for _ in goals]
        shares = [int(total * w / sum(weights)) for w in weights]
        shares[0] += total - sum(shares)
        return shares
