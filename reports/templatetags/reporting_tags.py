"""The reporting page's rows of activities and indicators, and a value's band, from their Jinja2
template (`reports/reporting_rows.html`, see core/jinja.py): the same HTML as Django's template
language and forms would write, in a fraction of the time. A page of the unit manager's
reporting has fifty rows, and they are most of it."""

from collections.abc import Callable

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import formats, timezone
from django.utils.safestring import SafeString

from core.jinja import macro
from core.links import url_by_id
from reports.forms import MeasurementForm
from reports.selectors import ActivityRow, IndicatorRow

register = template.Library()

ROWS = "reports/reporting_rows.html"


def _when(moment) -> str:
    """A moment in words, as the rows say when a report was made ("" for none)."""
    if not moment:
        return ""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _rows(context: template.Context, name: str, rows: list, words) -> SafeString:
    """Macro `name`'s rows, each with where it is saved and when it was reported (in words),
    `words` the macro's own (the statuses, the form's labels). From the page's context:
    whether it shows only what is `unreported_only`, and (an htmx answer's) the
    `announcement` for screen readers, said out of band (`oob`)."""
    return macro(
        ROWS,
        name,
        rows,
        words,
        CsrfTokenNode().render(context),
        bool(context.get("unreported_only")),
        bool(context.get("oob")),
        context.get("announcement", ""),
    )


def _facts(rows: list, name: str, item, moment) -> list[tuple]:
    """Each row with the URL its form posts to (`name`, by the row's period and its
    `item(row)`; each period's URL resolved once, `core.links.url_by_id`) and when it was
    reported (`moment(row)`), in words."""
    makers: dict[int, Callable[[int], str]] = {}
    found = []
    for row in rows:
        period = row.period.pk
        if period not in makers:
            makers[period] = url_by_id(name, period)
        found.append((row, makers[period](item(row).pk), _when(moment(row))))
    return found


@register.simple_tag(takes_context=True)
def activity_rows(context: template.Context, rows: list[ActivityRow]) -> SafeString:
    """The activities' rows: each one's report, and the form that saves its status (one of
    the context's `statuses`) where the user may report it in an open period."""
    facts = _facts(
        rows,
        "reports:activity_status",
        lambda row: row.activity,
        lambda row: row.status.reported_at if row.status is not None else None,
    )
    return _rows(context, "activities", facts, context.get("statuses", ()))


@register.simple_tag(takes_context=True)
def activity_row(context: template.Context, row: ActivityRow) -> SafeString:
    """One activity's row (`activity_rows`): the answer to its status saved."""
    return activity_rows(context, [row])


def measurement_labels() -> dict:
    """`MeasurementForm`'s labels, help and choices, in the active language."""
    fields = MeasurementForm.base_fields
    return {
        "result": str(fields["result"].label),
        "result_choices": [(value, str(label)) for value, label in fields["result"].choices],
        "comment": str(fields["comment"].label),
        "source": str(fields["source"].label),
        "source_help": str(fields["source"].help_text),
    }


@register.simple_tag(takes_context=True)
def indicator_rows(context: template.Context, rows: list[IndicatorRow]) -> SafeString:
    """The indicators' rows: each one's value, and the form that saves it (its fields from
    `row.fields`, reports.views.reporting.rows.IndicatorFields) where the user may enter it
    in an open period."""
    facts = _facts(
        rows,
        "reports:measurement",
        lambda row: row.indicator,
        lambda row: row.measurement.entered_at if row.measurement is not None else None,
    )
    return _rows(context, "indicators", facts, measurement_labels())


@register.simple_tag(takes_context=True)
def indicator_row(context: template.Context, row: IndicatorRow) -> SafeString:
    """One indicator's row (`indicator_rows`): the answer to its value saved."""
    return indicator_rows(context, [row])


@register.simple_tag
def band_html(band, error: str = "") -> SafeString:
    """A value's band: its colour word and range, or why there is none (`error`)."""
    return macro(ROWS, "band", band, error)
