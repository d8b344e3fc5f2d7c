"""The roll-ups: the whole plan, its perspectives and the lower plans' goals (the cascade)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goals.models import Goal, GoalFollowUp
from indicators.colour import Colour
from indicators.models import Gender, Indicator, Measurement, ReferenceValue
from indicators.selectors import basis_of
from planning.models import (
    AssessmentLevel,
    FollowUpPeriod,
    Meaning,
    Perspective,
    Plan,
    default_levels,
)
from reports.selectors.data import GoalSection, RollUp
from reports.selectors.summary.connections import CONTRIBUTING_STATUSES

# How many plans down the governance chain a goal's roll-up reaches (plans of plans of plans).
CASCADE_DEPTH = 3
COLOURED = frozenset({Colour.GREEN, Colour.YELLOW, Colour.RED})


def _rollup(
    kind: str,
    label: str,
    meanings: Iterable[str],
    colours: Iterable[Colour],
    anchor: str = "",
) -> RollUp:
    """The counts in words: "9 of 14 goals fulfilled", "2 of 3 indicators green; 1 without a
    colour" (the indicators that no rule colours, or that have no value, are not counted as
    anything but themselves)."""
    meanings, colours = list(meanings), list(colours)
    fulfilled = sum(1 for meaning in meanings if meaning == Meaning.FULFILLED)
    green = sum(1 for colour in colours if colour == Colour.GREEN)
    coloured = sum(1 for colour in colours if colour in COLOURED)
    goals_text = ngettext(
        "%(count)s of %(total)s goal fulfilled",
        "%(count)s of %(total)s goals fulfilled",
        len(meanings),
    ) % {"count": fulfilled, "total": len(meanings)}
    indicators_text = ngettext(
        "%(count)s of %(total)s indicator green",
        "%(count)s of %(total)s indicators green",
        coloured,
    ) % {"count": green, "total": coloured}
    rest = len(colours) - coloured
    if rest:
        indicators_text += "; " + ngettext(
            "%(count)s without a colour or a value",
            "%(count)s without a colour or a value",
            rest,
        ) % {"count": rest}
    return RollUp(
        kind=kind,
        label=label,
        goals_fulfilled=fulfilled,
        goals_total=len(meanings),
        goals_text=goals_text,
        indicators_green=green,
        indicators_coloured=coloured,
        indicators_total=len(colours),
        indicators_text=indicators_text,
        anchor=anchor,
    )


def _perspective_rollups(
    goals: tuple[GoalSection, ...], perspectives: Sequence[Perspective]
) -> list[RollUp]:
    """Per perspective of the organisation: its goals, and the indicators that have it (their
    own, else their goal's)."""
    rows = [row for goal in goals for row in goal.indicators]
    if not any(goal.perspective_id for goal in goals) and not any(r.perspective_id for r in rows):
        return []
    found = []
    for perspective in perspectives:
        mine = [goal for goal in goals if goal.perspective_id == perspective.pk]
        indicators = [row for row in rows if row.perspective_id == perspective.pk]
        if mine or indicators:
            found.append(
                _rollup(
                    "perspective",
                    perspective.name,
                    (goal.assessment_meaning for goal in mine),
                    (row.colour for row in indicators),
                    f"perspective-{perspective.pk}",
                )
            )
    return found


def _lower_goals(goal_ids: list[int]) -> tuple[list[Goal], dict[int, int]]:
    """The goals of decided lower plans that contribute to the goals, directly or through the
    goals in between (up to CASCADE_DEPTH plans down), and the top goal each one serves.
    A query per level."""
    top_of: dict[int, int] = {}
    frontier = {pk: pk for pk in goal_ids}
    found: list[Goal] = []
    for _level in range(CASCADE_DEPTH):
        below = list(
            Goal.objects.filter(
                contributes_to_id__in=list(frontier), plan__status__in=CONTRIBUTING_STATUSES
            )
            .exclude(pk__in=[*top_of, *goal_ids])
            .select_related("plan__organisation")
        )
        if not below:
            break
        above, frontier = frontier, {}
        for goal in below:
            top_of[goal.pk] = frontier[goal.pk] = above[goal.contributes_to_id]
            found.append(goal)
    return found, top_of


def _lower_colours(goals: list[Goal], period: FollowUpPeriod) -> dict[int, list[Colour]]:
    """The colours of the lower goals' indicators in the period's year: each indicator's latest
    whole-plan value of the year up to the period, coloured by its target (with its baseline
    and reference). Three queries."""
    indicators = list(
        Indicator.objects.filter(goal__in=goals).select_related(
            "goal__plan__organisation", "baseline_period"
        )
    )
    if not indicators:
        return {}
    measured: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in Measurement.objects.filter(
        indicator__in=indicators,
        unit__isnull=True,
        gender=Gender.TOTAL,
        period__ends_on__lte=period.ends_on,
    ).select_related("period"):
        measured[measurement.indicator_id].append(measurement)
    references: dict[int, list[ReferenceValue]] = defaultdict(list)
    for reference in ReferenceValue.objects.filter(
        indicator__in=indicators, year__lte=period.year, gender=Gender.TOTAL
    ):
        references[reference.indicator_id].append(reference)
    colours: dict[int, list[Colour]] = defaultdict(list)
    for indicator in indicators:
        mine = measured[indicator.pk]
        this_year = [
            m
            for m in mine
            if m.period.year == period.year and m.period.starts_on <= period.starts_on
        ]
        latest = max(this_year, key=lambda m: m.period.starts_on, default=None)
        value = latest.value if latest is not None else None
        basis = basis_of(
            indicator,
            year=period.year,
            measured={m.period_id: m.value for m in mine},
            references=references[indicator.pk],
        )
        colours[indicator.goal_id].append(indicator.colour_of(value, basis))
    return colours


def _lower_meanings(goals: list[Goal], period: FollowUpPeriod) -> dict[int, str]:
    """What each lower goal's latest assessment of the period's year means (by its own
    organisation's scale). Two queries."""
    follow_ups: dict[int, GoalFollowUp] = {}
    for follow_up in (
        GoalFollowUp.objects.filter(
            goal__in=goals,
            period__year=period.year,
            period__starts_on__lte=period.starts_on,
        )
        .select_related("period")
        .order_by("period__starts_on")
    ):
        if follow_up.assessment:
            follow_ups[follow_up.goal_id] = follow_up
    organisations = {goal.plan.organisation_id for goal in goals}
    stored: dict[int, dict[str, str]] = defaultdict(dict)
    for level in AssessmentLevel.objects.filter(organisation_id__in=organisations):
        stored[level.organisation_id][level.key] = level.meaning
    defaults = {level.key: level.meaning for level in default_levels()}
    meanings = {}
    for goal in goals:
        follow_up = follow_ups.get(goal.pk)
        scale = stored.get(goal.plan.organisation_id) or defaults
        meanings[goal.pk] = scale.get(follow_up.assessment, "") if follow_up else ""
    return meanings


# What the goals of lower plans that serve a plan's goal say in a period: their assessments'
# meanings and their indicators' colours.
Serving = tuple[tuple[str, ...], tuple[Colour, ...]]


def lower_goals(goal_ids: list[int], period: FollowUpPeriod) -> dict[int, Serving]:
    """What the goals of lower plans that contribute to the goals (`goal_ids`: a plan's), at
    any depth of the cascade, say in the period, by the goal they serve; the goals no lower
    goal serves are left out. A query per level of the cascade, and five more when any lower
    goal serves."""
    lower, top_of = _lower_goals(goal_ids)
    if not lower:
        return {}
    meanings = _lower_meanings(lower, period)
    colours = _lower_colours(lower, period)
    found: dict[int, tuple[list[str], list[Colour]]] = {}
    for goal in lower:
        said, coloured = found.setdefault(top_of[goal.pk], ([], []))
        said.append(meanings[goal.pk])
        coloured += colours.get(goal.pk, [])
    return {pk: (tuple(said), tuple(coloured)) for pk, (said, coloured) in found.items()}


def _cascade_rollups(goals: tuple[GoalSection, ...], lower: dict[int, Serving]) -> list[RollUp]:
    """Per goal of the plan with goals of lower plans contributing to it (`lower_goals`): how
    many of those are fulfilled, and how many of their indicators are green."""
    found = []
    for goal in goals:
        if goal.pk not in lower:
            continue
        label = _("Goal %(number)s: the goals of lower plans that contribute to it") % {
            "number": goal.numbering or goal.number
        }
        meanings, colours = lower[goal.pk]
        found.append(_rollup("cascade", label, meanings, colours, goal.anchor))
    return found


def report_rollups(
    plan: Plan,
    goals: tuple[GoalSection, ...],
    perspectives: Sequence[Perspective],
    lower: dict[int, Serving],
) -> tuple[RollUp, ...]:
    """The roll-ups of the report's summary: the whole plan, each perspective (when the plan
    uses them), and each goal that lower plans' goals contribute to (`lower`:
    `lower_goals`). No query."""
    rows = [row for goal in goals for row in goal.indicators]
    whole = _rollup(
        "plan",
        _("The whole plan"),
        (goal.assessment_meaning for goal in goals),
        (row.colour for row in rows),
        f"plan-{plan.pk}",
    )
    return (whole, *_perspective_rollups(goals, perspectives), *_cascade_rollups(goals, lower))
