"""The typed structure of a follow-up report: what every output (HTML, PDF, Excel, the published
snapshot) renders. Plain frozen dataclasses, so a report serialises to JSON as it is."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from indicators.colour import Bands, Colour
from planning.selectors import StepLine


class Change:
    """How a value moved against a comparison, judged by the indicator's direction."""

    BETTER = "better"
    WORSE = "worse"
    UNCHANGED = "unchanged"
    NONE = "none"


@dataclass(frozen=True)
class Comparison:
    """A value to compare with: the previous period, or the same period a year earlier.

    `rule` is which earlier value was taken (`reports.selectors.trend`: the same period last
    year, the previous year-end, the previous period) and `text` says it in words: "compared
    with Delår 2 2025 (same period last year)"."""

    period_label: str
    value: Decimal | None
    value_text: str
    change: str
    label: str
    arrow: str
    rule: str = ""
    text: str = ""


@dataclass(frozen=True)
class HistoryPoint:
    """One measured period of an indicator's history (for its chart)."""

    period_label: str
    value: Decimal | None
    colour: Colour


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator as the report and the overview show it for the period.

    The value is the one `reports.selectors.values.shown_value` picks: the period's own, or,
    when the period has no measurement, the latest earlier value, carried (`is_carried`) from
    the period `value_period_label` and marked with `carried_text` ("from T1 2023").
    """

    pk: int
    name: str
    subgoal: str
    definition: str
    unit_text: str
    decimals: int
    target_text: str
    value: Decimal | None
    value_text: str
    value_period_label: str
    colour: Colour
    colour_label: str
    band_text: str
    bands: tuple[tuple[Colour, str], ...]
    band_spec: Bands | None
    scale_max: Decimal | None
    previous: Comparison
    last_year: Comparison
    source: str
    source_text: str
    comment: str
    history: tuple[HistoryPoint, ...]
    # Open-data comparison values of the period's year: (whom, value as text), e.g.
    # ("Riket", "76,5"), with the credit of their source.
    comparisons: tuple[tuple[str, str], ...] = ()
    comparisons_credit: str = ""
    is_carried: bool = False
    carried_text: str = ""
    # Whether the indicator is asked for in the period (`Indicator.is_asked_in`); when it is
    # not, its latest value is shown with its period, and `not_asked_text` says why.
    is_asked: bool = True
    not_asked_text: str = ""
    # What the chart would be missing, in one line, when there is no measured value to draw
    # ("No values measured yet: the chart starts with the first value."); empty otherwise.
    chart_missing_text: str = ""
    # The kind of target (`indicators.colour.TargetKind`) and why the value has its colour, or
    # none ("No colour: the indicator is monitored..."): the rule that gave it, in words.
    kind: str = "bands"
    kind_label: str = ""
    colour_reason: str = ""
    # A result in words (fulfilled, partly...) for an indicator followed up that way.
    result: str = ""
    result_label: str = ""
    perspective: str = ""
    perspective_id: int | None = None
    # Who does the work and who reports it, in words.
    responsible: str = ""
    reporter: str = ""


@dataclass(frozen=True)
class ActivityRow:
    """An activity evaluated in the period, with how it stands: the period's own status, or,
    without one, the latest earlier status of the same year, carried (`status_is_carried`)
    from the period `status_period_label` and marked with `status_carried_text`."""

    pk: int
    title: str
    responsible: str
    timing: str
    status: str
    status_label: str
    status_period_label: str
    comment: str
    is_done: bool
    is_overdue: bool
    overdue_text: str = ""  # "Overdue since 31 May 2026"
    status_is_carried: bool = False
    status_carried_text: str = ""
    sub_goal: str = ""
    reporter: str = ""


@dataclass(frozen=True)
class ColourCount:
    colour: Colour
    label: str
    count: int


@dataclass(frozen=True)
class Contribution:
    """A goal of a lower plan (one level down the governance chain) that contributes to a goal
    of the report's plan, with how far its activities have come in the period."""

    plan_name: str
    owner: str
    number: int
    title: str
    activities_done: int
    activities_total: int
    share_done_text: str
    numbering: str = ""


@dataclass(frozen=True)
class GoalSection:
    """A goal of the plan: its indicators, activities, analysis and assessment."""

    pk: int
    number: int
    title: str
    description: str
    anchor: str
    indicators: tuple[IndicatorRow, ...]
    activities: tuple[ActivityRow, ...]
    colour_counts: tuple[ColourCount, ...]
    activities_done: int
    activities_total: int
    share_done_text: str
    assessment: str
    assessment_label: str
    analysis: str
    follow_up_version: int | None
    # How many activities stand how, besides the done ones: (status in words, count), in the
    # order of the statuses, "not reported" last; statuses with no activity left out.
    status_counts: tuple[tuple[str, int], ...] = ()
    # The lower plans' goals that contribute to this goal (`goals.Goal.contributes_to`).
    contributions: tuple[Contribution, ...] = ()
    # The goal's number as the document writes it ("Mål 4", "1.2", "A"), its perspective, what
    # its assessment means for the roll-ups (`planning.Meaning`), and its sub-goals.
    numbering: str = ""
    perspective: str = ""
    perspective_id: int | None = None
    assessment_meaning: str = ""
    sub_goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitReadiness:
    """Whether a unit has marked its part of the follow-up ready."""

    pk: int
    name: str
    ready: bool
    marked_by: str
    marked_at: datetime.datetime | None


@dataclass(frozen=True)
class ReportDecision:
    """The committee's decision on the report, printed on a published report's cover."""

    decided_by: str
    label: str
    registration_number: str


@dataclass(frozen=True)
class Perspective:
    """A cross-cutting perspective the plan addresses (gender equality, the child's rights,
    sustainability): its name and the plan's text."""

    key: str
    label: str
    text: str


@dataclass(frozen=True)
class AssessmentCount:
    """How many goals have an assessment (the five steps, then "not assessed")."""

    assessment: str
    label: str
    count: int


@dataclass(frozen=True)
class Attention:
    """An indicator a committee should look at first: red, or worse than the previous value."""

    goal_number: int
    goal_title: str
    goal_anchor: str
    name: str
    value_text: str
    colour: Colour
    colour_label: str
    is_red: bool
    fell: bool
    # "Worse than T1 2023 (7,8 %)" when the value fell; empty otherwise.
    fell_text: str
    goal_numbering: str = ""


@dataclass(frozen=True)
class OverdueActivity:
    """An activity that was due by the end of the period and is not done."""

    goal_number: int
    goal_anchor: str
    title: str
    timing: str
    status_label: str
    comment: str
    goal_numbering: str = ""
    overdue_text: str = ""  # "Overdue since 31 May 2026"


@dataclass(frozen=True)
class GoalAnalysis:
    """A goal's written analysis as the summary quotes it: the goal, its assessment, and the
    analysis's first paragraph (`is_shortened` when the analysis goes on)."""

    goal_number: int
    goal_title: str
    goal_anchor: str
    assessment: str
    assessment_label: str
    text: str
    is_shortened: bool
    goal_numbering: str = ""


@dataclass(frozen=True)
class RollUp:
    """The counts committees look for, of a part of the plan: the whole plan, a perspective,
    or a goal with the goals of the lower plans that contribute to it (the cascade)."""

    kind: str  # "plan", "perspective" or "cascade"
    label: str
    goals_fulfilled: int
    goals_total: int
    goals_text: str  # "9 of 14 goals fulfilled"
    indicators_green: int
    indicators_coloured: int
    indicators_total: int
    indicators_text: str  # "2 of 3 indicators green"
    anchor: str = ""


@dataclass(frozen=True)
class PerspectiveGroup:
    """The goals of one of the organisation's perspectives, for the report read by perspective."""

    name: str
    anchor: str
    goal_pks: tuple[int, ...]


@dataclass(frozen=True)
class Summary:
    """The page a committee member reads first: the roll-up counts in words, what needs
    attention, overdue activities and the written analyses."""

    lead: str
    indicators_text: str
    activities_text: str
    goals_text: str
    assessment_counts: tuple[AssessmentCount, ...]
    attention: tuple[Attention, ...]
    overdue: tuple[OverdueActivity, ...]
    analyses: tuple[GoalAnalysis, ...]
    # "9 of 14 goals fulfilled, 2 of 3 indicators green": the whole plan, each perspective,
    # each goal with the lower plans' goals that contribute to it.
    rollups: tuple[RollUp, ...] = ()


@dataclass(frozen=True)
class Report:
    """A plan's follow-up for one period: everything the report shows, nothing more."""

    plan_id: int
    plan_name: str
    plan_kind: str
    organisation: str
    committee: str
    owner_unit: str
    responsible: str
    plan_years: str
    plan_decided_by: str
    plan_decision: str
    registration_number: str
    period_id: int
    period_kind: str
    period_label: str
    period_name: str
    period_dates: str
    is_year_end: bool
    title: str
    anchor: str
    goals: tuple[GoalSection, ...]
    colour_totals: tuple[ColourCount, ...]
    activities_done: int
    activities_total: int
    share_done_text: str
    readiness: tuple[UnitReadiness, ...]
    language: str
    generated_at: datetime.datetime
    decision: ReportDecision | None = None
    # Every organisation that owns the plan: the lead first, then a joint plan's partners.
    owners: tuple[str, ...] = ()
    perspectives: tuple[Perspective, ...] = ()
    summary: Summary | None = None
    # The report's date and time texts in its language ("2023-05-01 – 2023-08-31").
    generated_text: str = ""
    # The goals by the organisation's perspectives (empty when no goal has one).
    perspective_groups: tuple[PerspectiveGroup, ...] = ()
    # The plan's decision process, step by step (`planning.selectors.StepLine`).
    decision_steps: tuple[StepLine, ...] = ()

    @property
    def missing_units(self) -> list[UnitReadiness]:
        return [unit for unit in self.readiness if not unit.ready]

    def goals_of(self, group: PerspectiveGroup) -> list[GoalSection]:
        return [goal for goal in self.goals if goal.pk in group.goal_pks]

    @property
    def by_perspective(self) -> list[tuple[PerspectiveGroup, list[GoalSection]]]:
        """Each perspective with its goals, for the report read by perspective."""
        return [(group, self.goals_of(group)) for group in self.perspective_groups]

    @property
    def indicator_count(self) -> int:
        return sum(len(goal.indicators) for goal in self.goals)

    @property
    def activity_count(self) -> int:
        return sum(len(goal.activities) for goal in self.goals)
