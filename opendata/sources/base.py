"""What every open-data source is: a declaration (`indicators.links.LinkSource`) and a fetch.

A `Source` fetches, for a plan, the figures of the plan's indicators linked to it, without
writing anything: `fetch(plan, indicators)` returns them as `Fetched`, which `opendata.sync`
writes (the same way for every source). A figure is the organisation's or a unit's value, or,
with a `kind`, a reference value (the whole country's, or the comparison group's).

The helpers below are what fetching from a municipality statistics service needs whatever the
service: the organisation's municipality code, and what a figure of each area is.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.links import LinkSource
from indicators.models import Indicator, ReferenceValue
from opendata.client import OpenDataError
from planning.models import Organisation, Plan, Unit


@dataclass(frozen=True)
class Figure:
    """A fetched figure of an indicator: the organisation's or a unit's value, or, with a
    `kind`, a reference value (the whole country's, or a group's)."""

    indicator: Indicator
    year: int
    gender: str
    value: Decimal | None
    unit: Unit | None = None
    kind: str = ""
    group: str = ""


@dataclass
class Fetched:
    """Everything one sync fetched, ready to write: `origin` is the source's name, `source`
    the text each figure's measurement or reference value gets as its source."""

    origin: str
    source: Callable[[Indicator], str]
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def values(self) -> list[Figure]:
        return [figure for figure in self.figures if not figure.kind]

    @property
    def references(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.kind]

    def collect(
        self,
        indicators: Iterable[Indicator],
        figure: tuple[int, str, Decimal | None],
        **details: Unit | str | None,
    ) -> None:
        """A (year, gender, value) figure for each indicator, with its unit, kind or group."""
        self.figures.extend(Figure(indicator, *figure, **details) for indicator in indicators)


@dataclass(frozen=True)
class Source(LinkSource):
    """An open-data source: its declaration (name, label, credit, link fields) and its fetch.

    `service` is what the source is called in short, in messages ("Kolada", "SSB").
    """

    service: str = ""

    def fetch(self, plan: Plan, indicators: list[Indicator]) -> Fetched:
        """The figures of `indicators` (the plan's, linked to this source, never empty) for the
        plan's years. Raises OpenDataError when the service gives no usable answer."""
        raise NotImplementedError

    def fetched(self) -> Fetched:
        """An empty `Fetched` of this source."""
        return Fetched(origin=self.name, source=self.source_text)

    def source_text(self, indicator: Indicator) -> str:
        """A fetched value's source: the credit and what the indicator is linked to."""
        reference = self.reference(indicator.open_data)
        return f"{self.credit}, {reference}" if reference else self.credit

    def linked(self, indicators: Iterable[Indicator]) -> list[Indicator]:
        """The indicators linked to this source."""
        return [indicator for indicator in indicators if self.is_linked(indicator.open_data)]


def municipality_code(organisation: Organisation) -> str:
    if not organisation.municipality_code:
        raise OpenDataError(
            _("%(organisation)s has no municipality code: add it to fetch open data.")
            % {"organisation": organisation}
        )
    return organisation.municipality_code


def area_kinds(code: str, national: Iterable[str], group: str = "") -> dict[str, str]:
    """What a figure of each area is: the organisation's (""), the country's or the group's."""
    kinds = dict.fromkeys(national, ReferenceValue.Kind.NATIONAL)
    if group:
        kinds[group] = ReferenceValue.Kind.GROUP_MEAN
    kinds[code] = ""
    return kinds


def mean(values: list[Decimal | None]) -> Decimal | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None
