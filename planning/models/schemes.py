"""An organisation's follow-up calendar: the named periods of its year, as data.

Every organisation follows up by its own scheme ("Tertial 1, Tertial 2, Helår"; Gotland's
"Delår 1" January–April and "Delår 2" January–August, cumulative; quarters; months). A scheme
starts from a preset and can be edited freely; a year's `FollowUpPeriod`s are made from it and
keep a copy of what they were made from, so a later change of scheme never moves a reported
value out of its period.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planning.models.organisations import Organisation

NAME_LANGUAGES = ("sv", "nb", "nn", "en")
month_validators = [MinValueValidator(1), MaxValueValidator(12)]


def in_language(item, prefix: str, language: str | None = None) -> str:
    """`item.<prefix>_<language>` (the active language by default); the Swedish one when it has
    none, or when the language is not one of the four."""
    code = (language or translation.get_language() or "sv").split("-")[0]
    code = {"no": "nb"}.get(code, code)
    if code not in NAME_LANGUAGES:
        code = "sv"
    return getattr(item, f"{prefix}_{code}") or getattr(item, f"{prefix}_sv")


def name_in(item, language: str | None = None) -> str:
    """`item.name_<language>`, see `in_language`."""
    return in_language(item, "name", language)


def months_mask(first: int, last: int) -> int:
    """The months `first`..`last` as bits (bit 0 is January): how activities' evaluated-in sets
    are stored and matched (see `goals.Activity.evaluated_months`)."""
    return sum(1 << (month - 1) for month in range(first, last + 1))


# The presets a scheme starts from: key -> (label, rows); a row is
# (code, first month, last month, cumulative, sv, nb, nn, en).
PRESETS = {
    "tertial": (
        _("Tertials (two tertial reports and the year-end)"),
        (
            ("T1", 1, 4, False, "Tertial 1", "1. tertial", "1. tertial", "Tertial 1"),
            ("T2", 5, 8, False, "Tertial 2", "2. tertial", "2. tertial", "Tertial 2"),
            ("T3", 9, 12, False, "Årsbokslut (tertial 3)", "Årsmelding (tertial 3)",
             "Årsmelding (tertial 3)", "Year-end (tertial 3)"),
        ),
    ),
    "interim": (
        _("Interim reports, cumulative (January–April, January–August, the year)"),
        (
            ("D1", 1, 4, True, "Delår 1", "Delår 1", "Delår 1", "Interim report 1"),
            ("D2", 1, 8, True, "Delårsrapport januari–augusti", "Delårsrapport januar–august",
             "Delårsrapport januar–august", "Interim report January–August"),
            ("HEL", 1, 12, True, "Helår", "Årsmelding", "Årsmelding", "Full year"),
        ),
    ),
    "half_year": (
        _("Half-years (a half-year report and the year-end)"),
        (
            ("H1", 1, 6, False, "Halvår 1", "1. halvår", "1. halvår", "Half-year 1"),
            ("H2", 7, 12, False, "Årsbokslut (halvår 2)", "Årsmelding (halvår 2)",
             "Årsmelding (halvår 2)", "Year-end (half-year 2)"),
        ),
    ),
    "quarter": (
        _("Quarters (three quarterly reports and the year-end)"),
        (
            ("Q1", 1, 3, False, "Kvartal 1", "1. kvartal", "1. kvartal", "Quarter 1"),
            ("Q2", 4, 6, False, "Kvartal 2", "2. kvartal", "2. kvartal", "Quarter 2"),
            ("Q3", 7, 9, False, "Kvartal 3", "3. kvartal", "3. kvartal", "Quarter 3"),
            ("Q4", 10, 12, False, "Årsbokslut (kvartal 4)", "Årsmelding (kvartal 4)",
             "Årsmelding (kvartal 4)", "Year-end (quarter 4)"),
        ),
    ),
    "monthly": (
        _("Months (a report every month, December with the year-end)"),
        tuple(
            (f"M{month:02}", month, month, False, sv, nb, nn, en)
            for month, (sv, nb, nn, en) in enumerate(
                (
                    ("Januari", "Januar", "Januar", "January"),
                    ("Februari", "Februar", "Februar", "February"),
                    ("Mars", "Mars", "Mars", "March"),
                    ("April", "April", "April", "April"),
                    ("Maj", "Mai", "Mai", "May"),
                    ("Juni", "Juni", "Juni", "June"),
                    ("Juli", "Juli", "Juli", "July"),
                    ("Augusti", "August", "August", "August"),
                    ("September", "September", "September", "September"),
                    ("Oktober", "Oktober", "Oktober", "October"),
                    ("November", "November", "November", "November"),
                    ("December (årsbokslut)", "Desember (årsmelding)",
                     "Desember (årsmelding)", "December (year-end)"),
                ),
                start=1,
            )
        ),
    ),
}  # fmt: skip
DEFAULT_PRESET = "tertial"


class SchemePeriod(models.Model):
    """One named period of an organisation's follow-up year: its months, whether it counts
    from the start of the year (cumulative, like "Delår 2, januari–augusti"), and its name in
    each language. The last period of the scheme ends in December: the year-end."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="scheme_periods",
        verbose_name=_("organisation"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(
        _("short code"),
        max_length=10,
        help_text=_("Short and unique in the scheme, e.g. T1 or D2; used in files."),
    )
    first_month = models.PositiveSmallIntegerField(
        _("first month"), choices=MONTHS.items(), validators=month_validators
    )
    last_month = models.PositiveSmallIntegerField(
        _("last month"), choices=MONTHS.items(), validators=month_validators
    )
    cumulative = models.BooleanField(
        _("cumulative from the start of the year"),
        default=False,
        help_text=_("The period's report covers the year so far, e.g. January–August."),
    )
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_nb = models.CharField(_("name in Norwegian Bokmål"), max_length=100)
    name_nn = models.CharField(_("name in Norwegian Nynorsk"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "position", "id"]
        verbose_name = _("period of the follow-up scheme")
        verbose_name_plural = _("periods of the follow-up scheme")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="scheme_period_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(last_month__gte=models.F("first_month")),
                name="scheme_period_months_in_order",
            ),
            models.CheckConstraint(
                condition=Q(cumulative=False) | Q(first_month=1),
                name="scheme_period_cumulative_from_january",
            ),
        ]

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        """The name in `language` (the active one by default)."""
        return name_in(self, language)

    def clean(self) -> None:
        errors = {}
        self.code = (self.code or "").strip().upper()
        if not self.code:
            errors["code"] = _("Give the period a short code, e.g. T1.")
        for code in NAME_LANGUAGES:
            field = f"name_{code}"
            setattr(self, field, (getattr(self, field) or "").strip())
            if not getattr(self, field):
                errors[field] = _("Write the name in every language.")
        if self.first_month and self.last_month and self.last_month < self.first_month:
            errors["last_month"] = _("The period must end in or after the month it starts.")
        if self.cumulative and self.first_month and self.first_month != 1:
            errors["first_month"] = _("A cumulative period starts in January.")
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class SchemeRow:
    """A period of a scheme being written (from a form, a preset or a stored scheme)."""

    code: str
    first_month: int
    last_month: int
    cumulative: bool
    name_sv: str
    name_nb: str
    name_nn: str
    name_en: str

    def name(self, language: str | None = None) -> str:
        return name_in(self, language)

    def months(self) -> str:
        """The months the period covers, in the active language: "januari–april"."""
        return _month_span(self.first_month, self.last_month)

    @classmethod
    def of(cls, period: "SchemePeriod") -> "SchemeRow":
        return cls(
            period.code, period.first_month, period.last_month, period.cumulative,
            period.name_sv, period.name_nb, period.name_nn, period.name_en,
        )  # fmt: skip


def preset_rows(preset: str) -> list[SchemeRow]:
    """A preset's periods."""
    return [SchemeRow(*row) for row in PRESETS[preset][1]]


def scheme_rows(organisation: Organisation) -> list[SchemeRow]:
    """The organisation's scheme in order: its stored periods (prefetched ones are used), or the
    tertial preset when it has stored none."""
    stored = sorted(organisation.scheme_periods.all(), key=lambda p: (p.position, p.pk))
    return [SchemeRow.of(period) for period in stored] or preset_rows(DEFAULT_PRESET)


def first_new_months(rows: list[SchemeRow]) -> list[int]:
    """For each period, the first month it adds to the year: its first month, or for a
    cumulative period the month after the period before it ends."""
    result, previous_end = [], 0
    for row in rows:
        result.append(previous_end + 1 if row.cumulative else row.first_month)
        previous_end = row.last_month
    return result


def month_name(month: int) -> str:
    return str(MONTHS[month])


def scheme_problems(rows: list[SchemeRow]) -> list[str]:
    """What is wrong with a scheme as a whole, each message naming the period: the periods
    follow each other through the year without gaps or overlaps (a cumulative one counts from
    January and ends after the one before it), and the last ends in December."""
    if not rows:
        return [gettext("A follow-up scheme needs at least one period, the year-end.")]
    problems = []
    seen: set[str] = set()
    previous: SchemeRow | None = None
    for row in rows:
        name = row.name()
        if row.code.upper() in seen:
            problems.append(
                gettext("Two periods have the short code %(code)s; each needs its own.")
                % {"code": row.code}
            )
        seen.add(row.code.upper())
        previous_end = previous.last_month if previous else 0
        if row.last_month <= previous_end:
            problems.append(
                gettext(
                    "%(name)s ends in %(end)s, but the period before it (%(previous)s) already "
                    "ends in %(previous_end)s. Put the periods in the order they end."
                )
                % {
                    "name": name,
                    "end": month_name(row.last_month),
                    "previous": previous.name(),
                    "previous_end": month_name(previous_end),
                }
            )
        elif row.cumulative:
            if row.first_month != 1:
                problems.append(
                    gettext("%(name)s is cumulative, so it starts in January.") % {"name": name}
                )
        elif row.first_month > previous_end + 1:
            problems.append(
                gettext(
                    "%(name)s starts in %(start)s, so %(gap)s is not followed up in any period."
                )
                % {
                    "name": name,
                    "start": month_name(row.first_month),
                    "gap": _month_span(previous_end + 1, row.first_month - 1),
                }
            )
        elif row.first_month <= previous_end:
            problems.append(
                gettext(
                    "%(name)s starts in %(start)s, before the period before it (%(previous)s) "
                    "ends in %(previous_end)s: the periods overlap. If %(name)s counts from the "
                    "start of the year, mark it cumulative."
                )
                % {
                    "name": name,
                    "start": month_name(row.first_month),
                    "previous": previous.name(),
                    "previous_end": month_name(previous_end),
                }
            )
        previous = row
    if rows[-1].last_month != 12:
        problems.append(
            gettext(
                "The last period, %(name)s, ends in %(end)s; the scheme must run to December, "
                "the year-end, so %(gap)s is not followed up."
            )
            % {
                "name": rows[-1].name(),
                "end": month_name(rows[-1].last_month),
                "gap": _month_span(rows[-1].last_month + 1, 12),
            }
        )
    return problems


def _month_span(first: int, last: int) -> str:
    if first == last:
        return month_name(first)
    return f"{month_name(first)}–{month_name(last)}"
