"""A reporting row's form and fields, as plain data or as a form object."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reports.forms import ActivityStatusForm, MeasurementForm, input_value, value_label
from reports.selectors.reporting import ActivityRow, IndicatorRow, person_name

PAGE = "reports/reporting.html"


def _person(user) -> str:
    return person_name(user) or _("someone")


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _preview_url(row: IndicatorRow) -> str:
    return reverse("reports:band_preview", args=[row.indicator.pk])


def _activity_form(row: ActivityRow) -> ActivityStatusForm:
    return ActivityStatusForm(
        activity=row.activity,
        period=row.period,
        initial={
            "status": row.status.status if row.status else "",
            "comment": row.status.comment if row.status else "",
            "expected_version": row.version,
        },
    )


@dataclass
class ActivityFields:
    """What an activity row's form shows, as plain data: the markup of `ActivityStatusForm`'s
    fields (`{{ form.expected_version }}`, `{{ form.comment.as_field_group }}`, the errors of
    the status and of the whole form), rendered by the `activity_fields` macro of
    reports/reporting_rows.html."""

    expected_version: object
    comment: str
    help_text: str
    comment_errors: list = field(default_factory=list)
    status_errors: list = field(default_factory=list)
    version_errors: list = field(default_factory=list)
    non_field_errors: list = field(default_factory=list)
    autofocus: bool = False  # on the comment: its error is the form's first


def _help_text(row: ActivityRow) -> str:
    """The comment's help, as `ActivityStatusForm` gives it."""
    if row.activity.is_due_by(row.period):
        return _("Due by %(month)s: explain in a comment if the activity is not done.") % {
            "month": row.activity.timing_label
        }
    return _("Write the comment first, then choose a status.")


def _activity_fields(row: ActivityRow, form: ActivityStatusForm | None = None) -> ActivityFields:
    """The row's fields: from its report (`form` None), or as a posted form has them."""
    if form is None or not form.is_bound:
        return ActivityFields(
            expected_version=row.version,
            comment=row.status.comment if row.status else "",
            help_text=_help_text(row),
        )
    errors = form.errors
    first_shown = next((name for name in errors if name in ("status", "comment")), None)
    return ActivityFields(
        expected_version=form["expected_version"].value(),
        comment=form["comment"].value() or "",
        help_text=_help_text(row),
        comment_errors=list(errors.get("comment", [])),
        status_errors=list(errors.get("status", [])),
        version_errors=list(errors.get("expected_version", [])),
        non_field_errors=list(form.non_field_errors()),
        autofocus=first_shown == "comment",
    )


def _measurement_initial(row: IndicatorRow) -> dict:
    """What the row's form holds before anything is posted: the stored value, as typed."""
    measurement = row.measurement
    return {
        "value": input_value(measurement.value if measurement else None, row.indicator.decimals),
        "result": measurement.result if measurement else "",
        "comment": measurement.comment if measurement else "",
        "source": measurement.source if measurement else "",
        "expected_version": row.version,
    }


def _measurement_form(row: IndicatorRow) -> MeasurementForm:
    return MeasurementForm(
        indicator=row.indicator,
        period=row.period,
        preview_url=_preview_url(row),
        initial=_measurement_initial(row),
    )


@dataclass
class FieldState:
    """A field of an indicator row's form as plain data: what its input holds, its errors,
    and whether it takes the focus (the form's first error, as `MeasurementForm` puts it)."""

    value: str = ""
    errors: list = field(default_factory=list)
    autofocus: bool = False


# The fields of `MeasurementForm`, as `IndicatorFields` has them.
MEASUREMENT_FIELDS = ("value", "result", "comment", "source", "expected_version")


@dataclass
class IndicatorFields:
    """What an indicator row's form shows, as plain data: the markup of `MeasurementForm`'s
    fields (`{{ form.expected_version }}` and each field's `as_field_group`) and of the whole
    form's errors, rendered by the `indicator_fields` macro of reports/reporting_rows.html.
    A page of rows builds no form; a posted row's form is read into it."""

    key: str
    value_label: str
    preview_url: str
    takes_value: bool
    takes_result: bool
    value: FieldState
    result: FieldState
    comment: FieldState
    source: FieldState
    expected_version: FieldState
    non_field_errors: list = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """Whether "Comment and source" is shown open: either holds something, or an error."""
        return any(found.value or found.errors for found in (self.comment, self.source))


def _as_typed(value) -> str:
    """A field's value as its input holds it (nothing for None)."""
    return "" if value is None else str(value)


def _indicator_fields(row: IndicatorRow, form: MeasurementForm | None = None) -> IndicatorFields:
    """The row's fields: from its stored value (`form` None or not posted), or as a posted
    form has them, with its errors."""
    kind = row.indicator.kind
    about = {
        "key": row.key,
        "value_label": value_label(row.indicator),
        "preview_url": _preview_url(row),
        "takes_value": kind.takes_value,
        "takes_result": kind.takes_result,
    }
    if form is None or not form.is_bound:
        initial = _measurement_initial(row)
        return IndicatorFields(
            **about, **{name: FieldState(_as_typed(initial[name])) for name in MEASUREMENT_FIELDS}
        )
    errors = form.errors
    focused = next(
        (name for name in errors if name in form.fields and not form.fields[name].widget.is_hidden),
        None,
    )
    return IndicatorFields(
        **about,
        **{
            name: FieldState(
                _as_typed(form[name].value()), list(errors.get(name, [])), name == focused
            )
            for name in MEASUREMENT_FIELDS
        },
        non_field_errors=list(form.non_field_errors()),
    )
