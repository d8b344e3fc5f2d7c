"""The rows of the reporting page: an activity's and an indicator's, as the page shows them."""

from dataclasses import dataclass

from django.utils import timezone

from goals.deadlines import overdue_text
from goals.models import Activity, ActivityStatus
from indicators.colour import NO_BASIS, Basis, Colour, TargetKind
from indicators.models import Indicator, Measurement
from planning.models import FollowUpPeriod, Plan, Unit
from reports.selectors.display import Band, band_of, person_name, target_label, value_text
from reports.selectors.values import basis_for, load_values, predecessor_path


@dataclass
class ActivityRow:
    """An activity to report in a period, with its current report."""

    period: FollowUpPeriod
    plan: Plan
    activity: Activity
    status: ActivityStatus | None
    can_write: bool
    for_whole_plan: bool
    # Filled by the view: the row's fields as plain data (`fields`; a form is built only for
    # a posted row), and what to tell the user about their last post.
    fields: object = None
    form: object = None
    conflict: dict | None = None
    notice: str = ""
    saved: bool = False

    @property
    def key(self) -> str:
        return f"{self.period.pk}-{self.activity.pk}"

    @property
    def is_due(self) -> bool:
        return self.activity.is_due_by(self.period)

    @property
    def overdue_text(self) -> str:
        """ "Overdue since 31 May 2026" when the deadline has passed and neither the latest
        reported status (`with_overdue`) nor this period's is done; else empty."""
        latest = getattr(self.activity, "latest_status", None)
        if self.status is not None and self.status.status == ActivityStatus.Status.DONE:
            latest = self.status.status
        if not self.activity.is_overdue(timezone.localdate(), latest):
            return ""
        return overdue_text(self.activity.due_on)

    @property
    def is_reported(self) -> bool:
        return self.status is not None

    @property
    def status_value(self) -> str:
        """The reported status (`done`...), or "" before a report: what the status buttons
        compare with (asking the template for `status.status` of no status costs a failed
        lookup per button)."""
        return self.status.status if self.status is not None else ""

    @property
    def version(self) -> int:
        return self.status.version if self.status else 0

    @property
    def reporter_name(self) -> str:
        return person_name(self.status.reported_by) if self.status else ""


@dataclass
class IndicatorRow:
    """An indicator whose value is entered in a period: for the whole plan, or (`unit`) for the
    unit on whose behalf a unit manager below the plan's owner reports."""

    period: FollowUpPeriod
    plan: Plan
    indicator: Indicator
    measurement: Measurement | None
    can_write: bool
    unit: Unit | None = None
    # Filled by the view, as an activity's row: its fields as plain data (`fields`; a form is
    # built only for a posted row), and what to tell the user about their last post.
    fields: object = None
    form: object = None
    conflict: dict | None = None
    notice: str = ""
    saved: bool = False
    # What a change or gap target compares the value with (`comparison_bases`).
    basis: Basis = NO_BASIS

    @property
    def key(self) -> str:
        return f"{self.period.pk}-{self.indicator.pk}"

    @property
    def is_entered(self) -> bool:
        return self.measurement is not None

    @property
    def version(self) -> int:
        return self.measurement.version if self.measurement else 0

    @property
    def enterer_name(self) -> str:
        return person_name(self.measurement.entered_by) if self.measurement else ""

    @property
    def band(self) -> Band:
        value = self.measurement.value if self.measurement else None
        return band_of(self.indicator, value, self.basis)

    @property
    def value_text(self) -> str:
        value = self.measurement.value if self.measurement else None
        return value_text(self.indicator, value, empty=Colour.NO_VALUE.label)

    @property
    def target(self) -> str:
        return target_label(self.indicator)

    @property
    def bands(self) -> list[Band]:
        """Every band of the indicator, green first, for the legend beside the input."""
        texts = self.indicator.band_texts(self.basis)
        return [Band(colour, text) for colour, text in texts.items()]


# The indicators a row needs with it: its target's baseline, its organisation (the comparison
# group) and its predecessors (the baseline they measured).
ROW_INDICATOR_RELATED = ("baseline_period", "goal__plan__organisation", *predecessor_path())


def row_basis(period: FollowUpPeriod, indicator: Indicator) -> Basis:
    """One row's comparison basis, as `comparison_bases` gives it: the indicator's lineage
    (`predecessor_path`) is read only for a change or gap target, the only kinds compared with
    a baseline (one query more for those; a row of another kind reads none of it)."""
    if indicator.kind not in (TargetKind.CHANGE, TargetKind.GAP):
        return NO_BASIS
    if indicator.predecessor_id:
        with_lineage = Indicator.objects.select_related(*predecessor_path()).get(pk=indicator.pk)
        indicator.predecessor = with_lineage.predecessor
    return comparison_bases(period, [indicator]).get(indicator.pk, NO_BASIS)


def comparison_bases(period: FollowUpPeriod, indicators) -> dict[int, Basis]:
    """What the values of the change and gap targets among `indicators` are compared with in
    the period (the baseline, the reference), as the report compares them
    (`reports.selectors.values.basis_for`). Two queries; none without such a target."""
    comparing = [
        indicator
        for indicator in indicators
        if indicator.kind in (TargetKind.CHANGE, TargetKind.GAP)
    ]
    if not comparing:
        return {}
    values = load_values(period, comparing)
    return {
        indicator.pk: basis_for(values, indicator, values.measurements(indicator), period.year)
        for indicator in comparing
    }
