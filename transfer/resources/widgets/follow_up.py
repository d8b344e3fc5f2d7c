"""Widgets for follow-up periods: a period cell and a target's baseline."""

from typing import Any

from django.utils.translation import gettext as _

from indicators.targets import period_label
from transfer.resources import periods
from transfer.resources import vocabulary as words
from transfer.resources.widgets.cells import cell_text, is_empty
from transfer.resources.widgets.values import BoundWidget


class PeriodWidget(BoundWidget):
    """A follow-up period of the plan's organisation, by its name in the scheme in any of our
    languages or its short code, and the year ("Delårsrapport januari–augusti 2026", "D2 2026");
    or as documents write it: "Helår 2025", "Delår 2 2025", "Årsbokslut 2025", or a bare year
    ("2025", the year-end period) where the row's item is measured once a year or less often
    (`allow_year`). Written as its name in the file's language and its year
    (`transfer.resources.periods`)."""

    def __init__(self, *, allow_year=None, **kwargs):
        super().__init__(**kwargs)
        # A function of the row: whether a bare year may stand for the year's last period.
        self.allow_year = allow_year

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        text = cell_text(value)
        lookups = self.resource.lookups
        named = periods.name_and_year(text)
        if named is not None:
            found = lookups.period_named(*named)
            if found is not None:
                return found
        parts = words.period_parts(text)
        if parts is None and named is None:
            raise ValueError(self._not_a_period(text))
        if (
            words.BARE_YEAR.match(text.strip())
            and self.allow_year is not None
            and not self.allow_year(row or {})
        ):
            raise ValueError(
                _(
                    "“%(value)s” is a year, and the row's indicator is measured more often "
                    "than once a year: write which period, e.g. T1 %(value)s or Helår "
                    "%(value)s."
                )
                % {"value": text.strip()}
            )
        period = lookups.period_of(*parts) if parts is not None else None
        if period is None:
            year = parts[1] if parts is not None else named[1]
            known = lookups.periods_by_year.get(year) or sorted(
                lookups.periods.values(), key=lambda p: (p.year, p.position, p.starts_on)
            )
            raise ValueError(
                _(
                    "%(organisation)s has no follow-up period %(period)s. Write one of its "
                    "periods: %(periods)s."
                )
                % {
                    "organisation": lookups.organisation,
                    "period": text,
                    "periods": periods.period_list(known, self.language) or "–",
                }
            )
        return period

    def _not_a_period(self, text: str) -> str:
        if not text:
            return _("The cell is empty. Write the period's name and year, e.g. %(example)s.") % {
                "example": self._example()
            }
        return _(
            "“%(value)s” is not a period. Write the period's name or short code and the year, "
            "e.g. %(example)s."
        ) % {"value": text, "example": self._example()}

    def _example(self) -> str:
        """An example of a period cell: the organisation's first period (or "T1 2023")."""
        known = sorted(self.resource.lookups.periods.values(), key=lambda p: (p.year, p.position))
        if not known:
            return "T1 2023"
        return f"“{periods.period_cell(known[0], self.language)}”, “{known[0]}”"

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else periods.period_cell(value, self.language)


class BaselineWidget(PeriodWidget):
    """A target's baseline: a year ("2024", its year-end period) or a period ("T1 2024")."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        if is_empty(value):
            return None
        return super().clean(value, row, **kwargs)

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return period_label(value)
