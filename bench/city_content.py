"""Making the large city: indicators, activities, follow-up and comparison values."""

import datetime
from collections import defaultdict
from decimal import Decimal

from city_words import (
    ACTIONS,
    ANALYSES,
    BATCH,
    FIRST_YEAR,
    FREQUENCIES,
    LAST_YEAR,
    NOW,
    QUALIFIERS,
    ROLES_TEXT,
    STATUS_COMMENTS,
    STATUS_SHARES,
    SUBJECTS,
    TEMPLATES,
    UNIT_WORDS,
    Template,
    pick,
)


class CityContent:
    """What the city's plans hold (a part of `make_city.City`)."""

    def indicators(self) -> None:
        from indicators.models import Indicator

        self.indicators_of_plan: dict[int, list] = defaultdict(list)
        reusable: list = []
        by_level = [
            [self.strategy], self.committee_plans, self.operational_plans, self.activity_plans,
        ]  # fmt: skip
        for plans in by_level:
            batch = []
            for item in plans:
                goals = self.goals_of[item.pk]
                for goal, count in zip(goals, self.spread(item.size[1], goals), strict=True):
                    for position in range(count):
                        indicator = self.indicator(goal, position, reusable)
                        indicator.plan_item = item
                        batch.append(indicator)
                        self.indicators_of_plan[item.pk].append(indicator)
            self.create(Indicator, batch, when=lambda i: self.structure_time(i.plan_item),
                        who=lambda i: self.writer(i.plan_item))  # fmt: skip
            if plans and plans[0].level in ("strategy", "committee"):
                reusable += [i for i in batch if i.scope == "municipality_wide"]
        # Next year's draft: this year's largest plan's indicators, each following its own.
        source = self.operational_plans[0]
        draft_goals = self.goals_of[self.draft.pk]
        batch = []
        for indicator in self.indicators_of_plan[source.pk]:
            copy = Indicator(
                **{f.attname: getattr(indicator, f.attname) for f in Indicator._meta.concrete_fields
                   if f.attname not in ("id", "goal_id", "version", "predecessor_id")},
                goal=draft_goals[(indicator.goal.number - 1) % len(draft_goals)],
                predecessor=indicator,
            )  # fmt: skip
            copy.plan_item = self.draft
            batch.append(copy)
        self.create(Indicator, batch, when=lambda i: self.structure_time(self.draft),
                    who=lambda i: self.writer(self.draft))  # fmt: skip

    def indicator(self, goal, position: int, reusable: list):
        from indicators.models import Indicator

        rng = self.rng
        template = rng.choice(TEMPLATES)
        wide = goal.scope == "municipality_wide" and rng.random() < 0.5
        reuses = None
        if wide and reusable and goal.plan_item.level in ("operational", "activity"):
            reuses = rng.choice(reusable)
            template = reuses.template
        rng.random()  # was a sub-goal in words: drawn still, so the seed gives the same city
        indicator = Indicator(
            goal=goal, position=position,
            scope="municipality_wide" if wide else "operation_specific",
            name=template.name if rng.random() < 0.6
            else f"{template.name} – {rng.choice(UNIT_WORDS).lower()}",
            definition="Andel av samtliga svarande, enligt källans definition."
            if rng.random() < 0.3 else "",
            unit=template.unit, unit_label=template.unit_label, decimals=template.decimals,
            source=template.source, frequency=pick(rng, FREQUENCIES),
            scale_max=Decimal(template.scale_max) if template.scale_max else None,
            target_value=Decimal(template.target) if template.target else None,
            target_text=template.target_text, direction=template.direction,
            green_bound=Decimal(template.green), green_bound_inclusive=template.green_inclusive,
            red_bound=Decimal(template.red) if template.red else None,
            red_bound_inclusive=template.red_inclusive, reuses=reuses,
            open_data={"kolada": {"kpi": template.kpi}}
            if template.kpi and rng.random() < 0.35 else {},
        )  # fmt: skip
        if self.kind_rng.random() < 0.03 and not reuses:  # only followed: charted, no colour
            indicator.target_kind = "monitor"
            indicator.target_value = indicator.green_bound = indicator.red_bound = None
        indicator.template = template
        return indicator

    def activities(self) -> None:
        from goals.deadlines import last_day
        from goals.models import Activity

        rng = self.rng
        self.activities_of_plan: dict[int, list] = defaultdict(list)
        batch = []
        for item in [*self.committee_plans, *self.operational_plans, *self.activity_plans]:
            goals = self.goals_of[item.pk]
            owner = item.owner_unit
            if item.level == "committee":
                administration = next(a for a in self.administrations if a.parent_id == owner.pk)
                places = [None, administration] + [
                    o for o in self.operations if o.parent_id == administration.pk
                ]
            else:
                places = [None, None, *self.units_below[owner.pk]]
                if item.level == "activity":
                    places = [None, *self.units_below[owner.pk] * 4]
            for goal, count in zip(goals, self.spread(item.size[2], goals), strict=True):
                for position in range(count):
                    activity = self.activity(goal, position, rng.choice(places))
                    activity.plan_item = item
                    batch.append(activity)
                    self.activities_of_plan[item.pk].append(activity)
        self.create(Activity, batch, when=lambda a: self.structure_time(a.plan_item),
                    who=lambda a: self.writer(a.plan_item))  # fmt: skip
        # Next year's draft: this year's unfinished activities, as roll-over copies them.
        draft_goals = self.goals_of[self.draft.pk]
        source = self.activities_of_plan[self.operational_plans[0].pk]
        copies = []
        for activity in source[: len(source) // 2]:
            copy = self.activity(
                draft_goals[(activity.goal.number - 1) % len(draft_goals)], activity.position,
                activity.unit,
            )  # fmt: skip
            copy.title = activity.title
            copy.plan_item = self.draft
            copies.append(copy)
        self.create(Activity, copies, when=lambda a: self.structure_time(self.draft),
                    who=lambda a: self.writer(self.draft))  # fmt: skip
        # A few activities were changed after their plan was decided (the decided page shows it).
        changed = [a for a in batch if rng.random() < 0.03]
        for activity in changed:
            activity.version = 2
            activity.ongoing, activity.due_precision = False, "month"
            activity.due_on = last_day(activity.plan_item.start_year, rng.randint(9, 12))
        Activity.objects.bulk_update(
            changed, ["version", "ongoing", "due_on", "due_precision"], batch_size=BATCH
        )
        self.history(
            Activity, changed, kind="~",
            when=lambda a: a.plan_item.decided_at + datetime.timedelta(days=rng.randint(20, 200)),
            who=lambda a: self.writer(a.plan_item),
        )  # fmt: skip

    def activity(self, goal, position: int, unit):
        from goals.deadlines import last_day
        from goals.evaluation import legacy_mask
        from goals.models import Activity
        from planning.models import scheme_rows

        if not hasattr(self, "scheme"):
            self.scheme = scheme_rows(self.organisation)

        rng = self.rng
        ongoing = rng.random() < 0.3
        t1, t2 = rng.random() < 0.5, rng.random() < 0.7
        year_end = rng.random() < 0.9 or not (t1 or t2)
        title = f"{rng.choice(ACTIONS)} {rng.choice(SUBJECTS)}{rng.choice(QUALIFIERS)}"
        manager = self.managers.get(unit.pk) if unit is not None else None
        return Activity(
            goal=goal, position=position, title=title, responsible_role=rng.choice(ROLES_TEXT),
            unit=unit, responsible_user=manager if manager and rng.random() < 0.2 else None,
            ongoing=ongoing,
            due_on=None if ongoing else last_day(goal.plan_item.start_year, rng.randint(1, 12)),
            evaluated_months=legacy_mask(self.scheme, t1, t2, year_end),
        )  # fmt: skip

    # follow-up --------------------------------------------------------------------------------

    def periods_of(self, item) -> list:
        """The plan's periods up to the open one."""
        open_key = (self.open_period.year, self.open_period.ordinal)
        return [
            p for p in self.periods
            if item.start_year <= p.year <= item.end_year and (p.year, p.ordinal) <= open_key
        ]  # fmt: skip

    def reporter(self, item, unit) -> int:
        if unit is not None and unit.pk in self.managers:
            return self.managers[unit.pk].pk
        owner = item.owner_unit
        if owner is not None and owner.pk in self.managers:
            return self.managers[owner.pk].pk
        return self.writer(item)

    def reported_at(self, period) -> datetime.datetime:
        if period.is_open:
            return self.moment(period.starts_on, (NOW.date() - period.starts_on).days)
        return self.moment(period.ends_on, 30)

    def follow_up(self) -> None:
        self.measurements()
        self.statuses()
        self.analyses()
        self.reference_values()

    def value(self, template: Template, year: int) -> Decimal | None:
        if self.rng.random() < 0.03:
            return None  # known to be missing
        drift = (year - FIRST_YEAR) * template.spread * 0.03
        direction = 1 if template.direction == "higher" else -1
        number = self.rng.gauss(template.mean + direction * drift, template.spread)
        if template.low is not None:
            number = max(template.low, number)
        if template.high is not None:
            number = min(template.high, number)
        return Decimal(str(round(number, template.decimals)))

    def measured_in(self, frequency: str, period) -> bool:
        year_end = period.ordinal == 3
        if frequency in ("every_period", "monthly"):
            return True
        if frequency in ("yearly", "other"):
            return year_end
        if frequency == "every_second_year":
            return year_end and period.year % 2 == 0
        return year_end and period.year % 3 == 0

    def measurements(self) -> None:
        from indicators.models import Measurement

        rng = self.rng
        batch = []
        for item in self.all_plans:
            periods = self.periods_of(item)
            owner_units = self.units_below.get(item.owner_unit_id, [])
            for indicator in self.indicators_of_plan[item.pk]:
                template = indicator.template
                kolada = bool(indicator.open_data)
                genders = ("T", "K", "M") if rng.random() < 0.05 else ("T",)
                per_unit = item.level == "operational" and owner_units and rng.random() < 0.08
                for period in periods:
                    if not self.measured_in(indicator.frequency, period):
                        continue
                    if period.is_open and rng.random() > 0.4:
                        continue  # not entered yet
                    entered_at = self.reported_at(period)
                    who = self.reporter(item, None)
                    targets = [(None, g) for g in genders]
                    if per_unit:
                        targets += [(u, "T") for u in owner_units]
                    for unit, gender in targets:
                        batch.append(
                            Measurement(
                                indicator=indicator, period=period, unit=unit, gender=gender,
                                value=self.value(template, period.year),
                                origin="kolada" if kolada and unit is None else "manual",
                                fetched_at=entered_at if kolada and unit is None else None,
                                comment=rng.choice(STATUS_COMMENTS[:6]),
                                source="Kolada" if kolada else template.source,
                                entered_by_id=None if kolada else
                                (self.reporter(item, unit) if unit else who),
                                entered_at=entered_at,
                            )
                        )  # fmt: skip
        self.create(Measurement, batch, when=lambda m: m.entered_at,
                    who=lambda m: m.entered_by_id)  # fmt: skip

    def statuses(self) -> None:
        from goals.models import ActivityStatus

        rng = self.rng
        batch = []
        for item in self.all_plans:
            periods = self.periods_of(item)
            for activity in self.activities_of_plan[item.pk]:
                for period in periods:
                    if not activity.is_evaluated_in(period):
                        continue
                    if rng.random() > (0.6 if period.is_open else 0.97):
                        continue
                    due = activity.is_due_by(period)
                    status = pick(rng, STATUS_SHARES) if due else rng.choice(
                        ["in_progress", "in_progress", "not_started", "done", "delayed"]
                    )  # fmt: skip
                    batch.append(
                        ActivityStatus(
                            activity=activity, period=period, status=status,
                            comment=rng.choice(STATUS_COMMENTS),
                            reported_by_id=self.reporter(item, activity.unit),
                            reported_at=self.reported_at(period),
                        )
                    )  # fmt: skip
        self.create(ActivityStatus, batch, when=lambda s: s.reported_at,
                    who=lambda s: s.reported_by_id)  # fmt: skip
        # One report in ten was changed later: "in progress" first, then what it is now.
        changed = [s for s in batch if rng.random() < 0.1]
        for status in changed:
            status.version = 2
        ActivityStatus.objects.bulk_update(changed, ["version"], batch_size=BATCH)
        for status in changed:
            status.first_at = status.reported_at - datetime.timedelta(days=rng.randint(3, 40))
        self.history(ActivityStatus, changed, kind="~", when=lambda s: s.reported_at,
                     who=lambda s: s.reported_by_id)  # fmt: skip
        # ... and its creation record says what it was first (created above with today's values).
        historical = ActivityStatus.history.model
        first = {s.pk: s.first_at for s in changed}
        rows = list(historical.objects.filter(id__in=list(first), history_type="+"))
        for row in rows:
            row.history_date, row.status, row.version = first[row.id], "in_progress", 1
        historical.objects.bulk_update(rows, ["history_date", "status", "version"],
                                       batch_size=BATCH)  # fmt: skip

    def analyses(self) -> None:
        from goals.models import GoalFollowUp

        rng = self.rng
        batch = []
        for item in self.all_plans:
            for period in self.periods_of(item):
                if period.is_open and rng.random() > 0.3:
                    continue
                for goal in self.goals_of[item.pk]:
                    batch.append(
                        GoalFollowUp(
                            goal=goal, period=period,
                            assessment=rng.choice(["achieved", "expected", "uncertain",
                                                   "not_expected", "not_achieved", ""]),
                            analysis=" ".join(rng.sample(ANALYSES, rng.randint(2, 4))),
                            written_by_id=self.writer(item),
                            updated_at=self.reported_at(period),
                        )
                    )  # fmt: skip
        self.create(GoalFollowUp, batch, when=lambda f: f.updated_at,
                    who=lambda f: f.written_by_id)  # fmt: skip

    def reference_values(self) -> None:
        """National and comparison-group values of the linked indicators, for the years
        published (not this year's yet)."""
        from indicators.models import ReferenceValue

        batch = []
        for item in self.all_plans:
            for indicator in self.indicators_of_plan[item.pk]:
                if not indicator.open_data:
                    continue
                for year in range(item.start_year, min(item.end_year, LAST_YEAR - 1) + 1):
                    for kind, group in (("national", ""), ("group_mean", "G33")):
                        batch.append(
                            ReferenceValue(
                                indicator=indicator, kind=kind, group=group, year=year,
                                value=self.value(indicator.template, year), source="Kolada",
                                fetched_at=self.moment(datetime.date(year + 1, 3, 1), 60),
                            )
                        )  # fmt: skip
        self.create(ReferenceValue, batch, when=lambda r: r.fetched_at, who=lambda r: None)
