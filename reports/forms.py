"""Forms of the follow-up: the unit manager's report of an activity's status and an
indicator's value, a goal's analysis, a unit's ready mark, publishing a report."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from goals.models import Activity, ActivityStatus, GoalFollowUp
from indicators.models import VALUE_DIGITS, VALUE_PLACES, Indicator, Measurement, Result
from planning.models import FollowUpPeriod

# Spaces people and number formatting put between thousands: space, no-break and narrow ones.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")


def _focus_first_error(form: forms.Form) -> None:
    """Put the focus on the first field with an error when the form is shown again.

    Also forgets the bound fields made while a bound form validated itself: they copied the
    labels and help texts from before the form set its own.
    """
    form._bound_fields_cache.clear()
    if form.is_bound and form.errors:
        for name in form.errors:
            if name in form.fields and not form.fields[name].widget.is_hidden:
                form.fields[name].widget.attrs["autofocus"] = True
                return


class LocalizedDecimalField(forms.DecimalField):
    """A number written the local way: "6,4" in Swedish and Norwegian, "6.4" in English.

    Spaces between thousands ("1 850") and the typographic minus ("−1 850") are accepted too.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault("max_digits", VALUE_DIGITS)
        kwargs.setdefault("decimal_places", VALUE_PLACES)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # A phone shows its number pad with the decimal sign, not the full keyboard.
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value).replace("\u2212", "-")
        return super().to_python(value)


def input_value(value: Decimal | None, decimals: int = 0) -> str:
    """A stored value as the user would type it: local decimal sign, no grouping."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = max(decimals, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=False)


class ActivityStatusForm(StyledForm):
    """An activity's status in a period; the status comes from the button that was pressed.

    An activity due by the end of the period that is not done needs a comment saying why.
    """

    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.Status.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, activity: Activity, period: FollowUpPeriod, **kwargs):
        kwargs.setdefault("auto_id", f"activity-{period.pk}-{activity.pk}-%s")
        # Set before the form is built: a bound StyledForm validates while it is built.
        self.activity = activity
        self.period = period
        super().__init__(*args, **kwargs)
        if activity.is_due_by(period):
            self.fields["comment"].help_text = _(
                "Due by %(month)s: explain in a comment if the activity is not done."
            ) % {"month": activity.timing_label}
        else:
            self.fields["comment"].help_text = _("Write the comment first, then choose a status.")
        _focus_first_error(self)

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        comment = (cleaned.get("comment") or "").strip()
        cleaned["comment"] = comment
        if (
            status
            and status != ActivityStatus.Status.DONE
            and self.activity.is_due_by(self.period)
            and not comment
        ):
            self.add_error(
                "comment",
                ValidationError(
                    _(
                        "The activity was due by %(month)s: write in the comment why its "
                        "status is “%(status)s” and what happens now."
                    ),
                    code="comment_required",
                    params={
                        "month": self.activity.timing_label,
                        "status": ActivityStatus.Status(status).label,
                    },
                ),
            )
        return cleaned


def value_label(indicator: Indicator) -> str:
    """The label of an indicator's value: "Värde (%)"."""
    return _("Value (%(unit)s)") % {"unit": indicator.unit_text}


class MeasurementForm(StyledForm):
    """An indicator's value in a period for the whole plan, with a comment and its source.

    An empty value records that the figure is missing (say why in the comment). An indicator
    followed up in words takes a result (fulfilled, partly...) instead; which of the two a kind
    takes is the model's rule (`Measurement.clean`), whose messages name the field.
    """

    value = LocalizedDecimalField(label=_("Value"), required=False)
    result = forms.ChoiceField(
        label=capfirst(Measurement._meta.get_field("result").verbose_name),
        choices=[("", "–"), *Result.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=500,
        help_text=_("Where the figure comes from, e.g. Previa, May–August."),
    )
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        indicator: Indicator,
        period: FollowUpPeriod,
        preview_url: str = "",
        **kwargs,
    ):
        self.key = f"{period.pk}-{indicator.pk}"
        self.indicator, self.period = indicator, period
        kwargs.setdefault("auto_id", f"indicator-{self.key}-%s")
        super().__init__(*args, **kwargs)
        self.fields["value"].label = value_label(indicator)
        self.fields["value"].decimal_places = VALUE_PLACES
        value_field = self.fields["value"].widget
        value_field.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "class": f"{value_field.attrs.get('class', '')} value-input".strip(),
            }
        )
        described = [f"band-{self.key}"]
        if self.is_bound and "value" in self.errors:
            described.insert(0, f"{self['value'].auto_id}_error")
        value_field.attrs["aria-describedby"] = " ".join(described)
        if preview_url:
            value_field.attrs.update(
                {
                    "hx-post": preview_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": f"#band-{self.key}",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )
        _focus_first_error(self)

    def clean(self) -> dict:
        cleaned = super().clean()
        written = Measurement(
            indicator=self.indicator,
            period=self.period,
            value=cleaned.get("value"),
            result=cleaned.get("result") or "",
        )
        try:
            written.clean()
        except ValidationError as error:
            for name in ("value", "result"):
                for message in error.message_dict.get(name, []):
                    self.add_error(name, message)
        return cleaned


class BandPreviewForm(forms.Form):
    """The value being typed, for the band shown beside it."""

    value = LocalizedDecimalField(required=False)


class GoalFollowUpForm(StyledForm):
    """The planner's analysis of a goal for a period and the assessment on the five-step scale."""

    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[("", _("Not assessed yet")), *GoalFollowUp.Assessment.choices],
        required=False,
        help_text=_(
            "How the goal stands: achieved, expected, uncertain, not expected, not achieved."
        ),
    )
    analysis = forms.CharField(
        label=_("Analysis"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=_("What went well, what did not, and what we do now."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ReadinessForm(StyledForm):
    """A unit marks its part of the follow-up ready, or withdraws the mark."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    ready = forms.BooleanField(widget=forms.HiddenInput, required=False)


class PublishForm(StyledForm):
    """The committee's decision on the report, printed on the published report's cover."""

    decided_by = forms.CharField(
        label=_("Decided by"), max_length=200, help_text=_("The committee, e.g. Kommunstyrelsen.")
    )
    decision_date = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    decision_paragraph = forms.CharField(
        label=_("Paragraph"), max_length=50, required=False, help_text=_("e.g. § 45")
    )
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=100,
        required=False,
        help_text=_("The registration number of the decision, e.g. 2023/112-012."),
    )
