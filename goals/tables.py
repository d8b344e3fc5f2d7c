"""Tables of the planner's goal pages (django-tables2)."""

from collections.abc import Sequence

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from goals.evaluation import evaluated_names
from goals.models import Activity, ActivityStatus, Goal
from goals.selectors import NO_REPORT
from planning.models import FollowUpPeriod, SchemeRow
from planning.tables import TABLE_ATTRS, TABLE_TEMPLATE


def evaluated_text(activity: Activity, rows: Sequence[SchemeRow] | None = None) -> str:
    """The names of the scheme periods the activity is evaluated in: "Tertial 1, Tertial 2"."""
    return ", ".join(evaluated_names(activity, rows))


class ActivityTable(tables.Table):
    caption = _("Activities")

    title = tables.Column(verbose_name=_("Activity"))
    goal = tables.Column(verbose_name=_("Goal"), order_by=("goal__number", "position", "pk"))
    responsible_role = tables.Column(verbose_name=_("Responsible"))
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__name",))
    timing = tables.Column(
        verbose_name=_("When"), accessor="timing_label", order_by=("ongoing", "due_on")
    )
    evaluated = tables.Column(verbose_name=_("Evaluated in"), empty_values=(), orderable=False)
    latest_status = tables.Column(verbose_name=_("Latest status"), order_by=("latest_rank",))
    actions = tables.TemplateColumn(
        template_name="goals/includes/activity_actions.html",
        verbose_name=_("Actions"),
        orderable=False,
        empty_values=(),
    )

    class Meta:
        model = Activity
        fields = (
            "title",
            "goal",
            "responsible_role",
            "unit",
            "timing",
            "evaluated",
            "latest_status",
            "actions",
        )
        template_name = TABLE_TEMPLATE
        attrs = TABLE_ATTRS
        empty_text = _("No activities match the filter.")

    def __init__(self, *args, scheme: Sequence[SchemeRow], **kwargs):
        self.scheme = scheme
        super().__init__(*args, **kwargs)

    def render_goal(self, value: Goal) -> str:
        return str(value)

    def render_timing(self, value: str, record: Activity) -> str:
        if record.overdue_text:
            return format_html(
                '{} <strong class="overdue" data-fact="overdue">{}</strong>',
                value,
                record.overdue_text,
            )
        return value

    def render_evaluated(self, record: Activity) -> str:
        return evaluated_text(record, self.scheme)

    def render_latest_status(self, value: str, record: Activity) -> str:
        if value == NO_REPORT:
            return str(_("Not reported"))
        period = FollowUpPeriod(kind=record.latest_period_kind, year=record.latest_period_year)
        return f"{ActivityStatus.Status(value).label} ({period})"
