"""The small forms of the plan page, where a plan is written in place: a goal's words, an
indicator's row as the documents write it (sub-goal, target, indicator, red, yellow, green,
source) and an activity's row (activity, responsible, when done, evaluated in).

The thresholds are typed as people write them ("< 70", "71–79", "≥ 80", "minst 90 %") and read
by `indicators.thresholds`, as the import reads them. Each form gives the fields its service
takes; the full-page forms of `goals` and `indicators` stay for everything else.
"""

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import FieldSetupMixin, StyledForm, text_area
from goals.deadlines import parse_deadline
from goals.evaluation import YEAR_END, chosen_rows
from goals.forms import EvaluatedInField
from goals.models import Activity, Goal
from indicators.colour import Colour, band_texts, format_value
from indicators.models import Indicator
from indicators.targets import Target
from indicators.thresholds import ThresholdReading, UnitHint, thresholds_read
from planning.models import SchemeRow, scheme_rows

# --- Thresholds in words ------------------------------------------------------------------------

# Words for a bound, in sv, nb, nn and en, before the number they bound: "minst 90 %" is "≥ 90 %".
# `indicators.thresholds` reads the signs; the words are turned into signs first.
BOUND_WORDS = (
    (("minst", "lägst", "at least", "no less than", "min", "min."), "≥"),
    (("högst", "høgst", "høyst", "maximalt", "maks", "max", "max.", "at most", "no more than"),
     "≤"),
    (("mer än", "mer enn", "meir enn", "fler än", "fleire enn", "flere enn", "över", "over",
      "more than", "above", "greater than"), ">"),
    (("mindre än", "mindre enn", "färre än", "færre enn", "under", "less than", "below",
      "fewer than"), "<"),
)  # fmt: skip
_WORDS = sorted(
    ((word, sign) for words, sign in BOUND_WORDS for word in words),
    key=lambda pair: len(pair[0]),
    reverse=True,
)
_BOUND_WORD = re.compile(
    r"^\s*(?P<word>" + "|".join(re.escape(word) for word, _sign in _WORDS) + r")\s*(?=[+\-−\d])",
    re.IGNORECASE,
)


def signs_for_words(text: str) -> str:
    """ "minst 90 %" -> "≥ 90 %", "under 70" -> "< 70"; anything else as written."""
    match = _BOUND_WORD.match(text)
    if match is None:
        return text
    word = match["word"].casefold()
    sign = next(sign for written, sign in _WORDS if written == word)
    return f"{sign} {text[match.end() :].strip()}"


def read_thresholds(red: str, yellow: str, green: str, target: str) -> ThresholdReading:
    """The bands typed into a row, read as the import reads them (words turned into signs)."""
    return thresholds_read(
        red=signs_for_words(red),
        yellow=signs_for_words(yellow),
        green=signs_for_words(green),
        target=target,
    )


def written_bands(indicator: Indicator) -> dict[str, str]:
    """An indicator's bands as the row's fields show them: {"red": "< 70", ...}."""
    if indicator.green_bound is None:
        return {"red": "", "yellow": "", "green": ""}
    texts = indicator.band_texts()
    colours = (Colour.RED, Colour.YELLOW, Colour.GREEN)
    return {colour.value: texts.get(colour, "") for colour in colours}


def written_target(indicator: Indicator) -> str:
    if indicator.target_text:
        return indicator.target_text
    if indicator.target_value is None:
        return ""
    return format_value(indicator.target_value, indicator.decimals)


def reading_summary(reading: ThresholdReading, decimals: int = 0) -> dict[str, Any]:
    """What the live preview shows: the bands in words and colours, what was resolved by the
    conventions (notices), and what a person must decide (problems)."""
    bands = []
    if reading.bands is not None:
        texts = band_texts(reading.bands, decimals)
        bands = [
            (colour.value, colour.label, texts[colour])
            for colour in (Colour.RED, Colour.YELLOW, Colour.GREEN)
            if colour in texts
        ]
    return {
        "bands": bands,
        "notices": [f"{found.message} {found.resolution}" for found in reading.findings
                    if not found.is_error],
        "problems": [f"{found.message} {found.resolution}" for found in reading.errors],
    }  # fmt: skip


UNIT_FROM_HINT = {
    UnitHint.PERCENT: (Indicator.MeasureUnit.PERCENT, ""),
    UnitHint.DAYS: (Indicator.MeasureUnit.DAYS, ""),
    UnitHint.KRONOR: (Indicator.MeasureUnit.OTHER, "kr"),
    UnitHint.THOUSAND_KRONOR: (Indicator.MeasureUnit.OTHER, "tkr"),
}


# --- The forms ------------------------------------------------------------------------------------


class VersionField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, min_value=1, **kwargs)


def _text(max_length: int, label, *, required: bool = False, rows: int = 0) -> forms.CharField:
    widget = text_area(rows) if rows else forms.TextInput
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


class InPlaceForm(StyledForm):
    """A form of the plan page: changed fields are compared with the item's stored values."""

    def __init__(self, *args, item: Any = None, **kwargs):
        self.item = item
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(item)
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("autocomplete", "off")
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def initial_of(self, item: Any) -> dict[str, Any]:
        raise NotImplementedError

    def service_errors_field(self, name: str) -> str | None:
        """The field of this form a model or service error belongs to (None: the whole form)."""
        return name if name in self.fields else None

    @property
    def unchanged(self) -> bool:
        """Whether what was posted is what is stored (nothing to save)."""
        return not [name for name in self.changed_data if name != "version"]


class GoalTitleForm(InPlaceForm):
    """A new goal: its title; it is numbered after the last one."""

    title = _text(500, gettext_lazy("Goal"), required=True, rows=1)

    def initial_of(self, item: Goal) -> dict[str, Any]:
        return {"title": item.title}

    def service_fields(self) -> dict[str, Any]:
        return {"title": self.cleaned_data["title"]}


class GoalInPlaceForm(GoalTitleForm):
    """A goal's words, changed in place."""

    version = VersionField()
    description = _text(10_000, gettext_lazy("Description"), rows=2)

    def initial_of(self, item: Goal) -> dict[str, Any]:
        return {"title": item.title, "description": item.description, "version": item.version}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "description")}


class IndicatorRowForm(InPlaceForm):
    """An indicator as a document's measure row: sub-goal, target, indicator, red, yellow,
    green and source. The band texts are read by `indicators.thresholds`."""

    subgoal = _text(500, gettext_lazy("Sub-goal"))
    target = _text(200, gettext_lazy("Target"))
    name = _text(500, gettext_lazy("Indicator"), required=True, rows=1)
    red = _text(100, gettext_lazy("Red"))
    yellow = _text(100, gettext_lazy("Yellow"))
    green = _text(100, gettext_lazy("Green"), required=True)
    source = _text(500, gettext_lazy("Source"))

    BAND_FIELDS = ("red", "yellow", "green", "target")
    reading: ThresholdReading | None = None  # set by clean() when the band texts changed

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.BAND_FIELDS:
            self.fields[name].widget.attrs["data-thresholds"] = ""
        self.fields["green"].error_messages["required"] = _(
            "Write where green starts, e.g. ≥ 80, < 6 % or minst 90 %."
        )
        self.fields["name"].error_messages["required"] = _("Write what is measured.")

    def initial_of(self, item: Indicator) -> dict[str, Any]:
        return {
            "subgoal": item.sub_goal.title if item.sub_goal_id else "",
            "target": written_target(item),
            "name": item.name,
            **written_bands(item),
            "source": item.source,
        }

    @property
    def bands_changed(self) -> bool:
        return self.item is None or bool(set(self.changed_data) & set(self.BAND_FIELDS))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.bands_changed or "green" not in cleaned:
            return cleaned
        self.reading = read_thresholds(
            cleaned.get("red", ""),
            cleaned.get("yellow", ""),
            cleaned.get("green", ""),
            cleaned.get("target", ""),
        )
        for found in self.reading.errors:
            self.add_error(self._field_of(found), f"{found.message} {found.resolution}")
        return cleaned

    def _field_of(self, found) -> str:
        message = found.message
        for name in ("red", "yellow", "green"):
            if message.startswith(str(Colour(name).label)):
                return name
        if "target" in found.code.value:
            return "target"
        return "green"

    def service_fields(self) -> dict[str, Any]:
        """What `indicator_add`/`indicator_update` take: the measure's words and, when the band
        texts changed, the target and bands they say."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "sub_goal_title": data["subgoal"],
            "name": data["name"],
            "source": data["source"],
            "target_text": data["target"],
        }
        if self.reading is not None and self.reading.bands is not None:
            fields.update(Target.from_bands(self.reading.bands, self.reading.target).as_fields())
            if self.reading.scale_max is not None:
                fields["scale_max"] = self.reading.scale_max
            if self.item is None and self.reading.unit_hint in UNIT_FROM_HINT:
                fields["unit"], fields["unit_label"] = UNIT_FROM_HINT[self.reading.unit_hint]
        return fields

    def service_errors_field(self, name: str) -> str | None:
        """The field of this form a model or service error belongs to."""
        if name in Target.fields() or name == "scale_max":
            return "target" if name == "target_value" else "green"
        if name == "target_text":
            return "target"
        if name == "sub_goal":
            return "subgoal"
        return name if name in self.fields else None


class IndicatorInPlaceForm(IndicatorRowForm):
    version = VersionField()

    def initial_of(self, item: Indicator) -> dict[str, Any]:
        return {**super().initial_of(item), "version": item.version}


WHEN_ONGOING = "ongoing"


def read_when(text: str, first_year: int | None) -> tuple[bool, Any, str]:
    """(ongoing, due_on, precision) from "Löpande", "maj 2026", "15 maj 2026", "2026-05" or a
    month alone ("maj": in the plan's first year). ValueError if it is none of them."""
    if words_ongoing(text):
        return True, None, "month"
    due_on, precision = parse_deadline(text, first_year)
    return False, due_on, precision


def words_ongoing(text: str) -> bool:
    word = " ".join(text.split()).casefold()
    return word in {WHEN_ONGOING, str(_("Ongoing")).casefold(), "löpande", "løpande", "løpende"}


class ActivityRowForm(FieldSetupMixin, InPlaceForm):
    """An activity as a document's row: activity, responsible, when done, evaluated in."""

    title = _text(10_000, gettext_lazy("Activity"), required=True, rows=1)
    responsible_role = _text(200, gettext_lazy("Responsible"))
    when = forms.CharField(
        label=gettext_lazy("When done"),
        max_length=40,
        help_text=gettext_lazy("Ongoing, a month (maj 2026) or a day (15 maj 2026)."),
    )
    evaluated = EvaluatedInField(initial=YEAR_END)

    def __init__(
        self,
        *args,
        scheme: Sequence[SchemeRow] | None = None,
        first_year: int | None = None,
        **kwargs,
    ):
        """`scheme`: the periods of the plan's organisation (by default read from the item's);
        `first_year`: the plan's first year, for a month written without a year."""
        item = kwargs.get("item")
        if scheme is None:
            scheme = scheme_rows(item.goal.plan.organisation) if item is not None else []
        self.scheme = scheme
        self.first_year = first_year
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Write the activity.")
        self.fields["when"].error_messages["required"] = _(
            "Write when the activity is done (a month or a day), or ongoing."
        )

    def setup_fields(self) -> None:
        super().setup_fields()
        self.fields["evaluated"].rows = self.scheme
        self.fields["evaluated"].help_text = ""

    def clean_when(self):
        text = self.cleaned_data["when"]
        year = self.first_year
        if year is None and self.item is not None:
            year = self.item.goal.plan.start_year
        try:
            return read_when(text, year)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def initial_of(self, item: Activity) -> dict[str, Any]:
        return {
            "title": item.title,
            "responsible_role": item.responsible_role,
            "when": item.timing_label if item.ongoing or item.due_on else "",
            "evaluated": item.evaluated_months,
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        ongoing, due_on, precision = data["when"]
        return {
            "title": data["title"],
            "responsible_role": data["responsible_role"],
            "ongoing": ongoing,
            "due_on": due_on,
            "due_precision": precision,
            "evaluated_months": self.evaluated_months(),
        }

    def evaluated_months(self) -> int:
        """The months chosen; the stored ones when they are the same periods of this scheme."""
        chosen, rows = self.cleaned_data["evaluated"], self.fields["evaluated"].rows
        if self.item is None:
            return chosen
        stored = self.item.evaluated_months
        return stored if chosen_rows(rows, stored) == chosen_rows(rows, chosen) else chosen

    def service_errors_field(self, name: str) -> str | None:
        if name in ("ongoing", "due_on", "due_precision"):
            return "when"
        if name.startswith("evaluated"):
            return "evaluated"
        return name if name in self.fields else None


class ActivityInPlaceForm(ActivityRowForm):
    version = VersionField()

    def initial_of(self, item: Activity) -> dict[str, Any]:
        return {**super().initial_of(item), "version": item.version}
