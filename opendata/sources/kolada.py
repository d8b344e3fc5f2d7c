"""Kolada (Sweden): the source `kolada`, its link (a KPI), its client and its fetch.

The client speaks Kolada's API v3 (https://api.kolada.se/v3/): KPIs, municipalities and values.
Every answer is `{count, values, next_url, previous_url}`; the client follows `next_url` until it
is null (`count` is the page's, not the total). Lists of ids are sent at most 25 to a call, and
longer lists are split. Values are typed records: a figure Kolada does not have (status
"Missing", or no value) is None, a normal state for small municipalities.

A sync fetches, for each indicator linked to a KPI and each of the plan's years Kolada has:
the organisation's value, total and by gender where Kolada divides it; the values of the
organisation's units that have a `kolada_ou` (below the plan's owner unit); the whole country's
value (0000) and the mean of the comparison group's members (missing figures left out).

Values shown from Kolada must say "Källa: Kolada"; a colour computed from them is ours.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import product

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.links import LinkField
from indicators.models import Indicator, ReferenceValue
from opendata.client import OpenDataError, ServiceClient, invalid_answer
from opendata.sources.base import Fetched, Source, area_kinds, mean, municipality_code
from planning.models import Organisation, Plan, Unit
from planning.selectors import unit_and_below

BASE_URL = "https://api.kolada.se/v3/"
SERVICE = "Kolada"
CREDIT = "Källa: Kolada"
NATIONAL = "0000"  # the whole country as a Kolada municipality id
MAX_IDS = 25
GENDERS = frozenset({"T", "K", "M"})
MISSING = "Missing"
_ID = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Kpi:
    id: str
    title: str
    description: str
    is_divided_by_gender: bool
    has_ou_data: bool
    municipality_type: str


@dataclass(frozen=True)
class Municipality:
    id: str
    title: str
    type: str  # "K" municipality, "L" region (0000 is the whole country)


@dataclass(frozen=True)
class MunicipalityGroup:
    id: str
    title: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class OrganisationalUnit:
    id: str
    title: str
    municipality: str


@dataclass(frozen=True)
class KoladaValue:
    """One figure: a KPI's value for a municipality or unit (ou), year and gender."""

    kpi: str
    year: int
    gender: str  # "T" total, "K" women, "M" men
    value: Decimal | None
    status: str
    municipality: str = ""
    ou: str = ""


class KoladaClient(ServiceClient):
    """Kolada API v3, throttled and retried (see `opendata.client`). Use it in a `with`."""

    SERVICE = SERVICE
    BASE_URL = BASE_URL
    CALLS, PERIOD = 3, 1.0  # no documented limit: a few requests a second
    URL_SETTING, CALLS_SETTING = "KOLADA_API_URL", "KOLADA_REQUESTS_PER_SECOND"

    def __init__(self, *, requests_per_second: int | None = None, **options) -> None:
        super().__init__(calls=requests_per_second, **options)

    # --- Metadata

    def kpis(self, *, title: str) -> list[Kpi]:
        """KPIs whose title contains `title`."""
        return [_kpi(row) for row in self._rows("kpi", {"title": title})]

    def municipalities(self) -> list[Municipality]:
        """All municipalities and regions, with 0000 for the whole country."""
        return [
            Municipality(_text(row, "id"), _text(row, "title"), _text(row, "type"))
            for row in self._rows("municipality")
        ]

    def municipality_groups(self) -> list[MunicipalityGroup]:
        """All municipality groups with their members."""
        return [_group(row) for row in self._rows("municipality_groups")]

    def units(self, *, municipality: str) -> list[OrganisationalUnit]:
        """A municipality's organisational units (ou), e.g. its care homes and schools."""
        return [
            OrganisationalUnit(_text(row, "id"), _text(row, "title"), _text(row, "municipality"))
            for row in self._rows("ou", {"municipality": _checked_id(municipality)})
        ]

    # --- Data

    def values(
        self, *, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int]
    ) -> list[KoladaValue]:
        """Values of KPIs for municipalities and years, every gender Kolada has."""
        return [
            value
            for path in _paths("data", "municipality", kpis, municipalities, years)
            for row in self._rows(path)
            for value in _values(row, "municipality")
        ]

    def unit_values(
        self, *, kpis: Sequence[str], units: Sequence[str], years: Sequence[int]
    ) -> list[KoladaValue]:
        """Values of KPIs for organisational units (ou) and years."""
        return [
            value
            for path in _paths("oudata", "ou", kpis, units, years)
            for row in self._rows(path)
            for value in _values(row, "ou")
        ]

    def _rows(self, path: str, params: dict[str, str] | None = None) -> Iterator[dict]:
        """Every row of every page, following `next_url` until it is null."""
        return self.fetcher.pages(path, params, items="values", next_page="next_url")


def _checked_id(value: str) -> str:
    """An id safe to put in a URL path; Kolada's ids are letters, digits, - and _."""
    if not _ID.fullmatch(value):
        raise OpenDataError(_('"%(id)s" is not a Kolada id.') % {"id": value})
    return value


def _chunks(ids: Iterable[str]) -> list[str]:
    """Comma lists of at most MAX_IDS ids."""
    unique = list(dict.fromkeys(_checked_id(str(item)) for item in ids))
    return [",".join(unique[start : start + MAX_IDS]) for start in range(0, len(unique), MAX_IDS)]


def _paths(
    kind: str, area: str, kpis: Sequence[str], areas: Sequence[str], years: Sequence[int]
) -> list[str]:
    """`data/kpi/{kpis}/municipality/{ids}/year/{years}` for every chunk of each list."""
    return [
        f"{kind}/kpi/{kpi}/{area}/{ids}/year/{year}"
        for kpi, ids, year in product(_chunks(kpis), _chunks(areas), _chunks(map(str, years)))
    ]


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise invalid_answer(SERVICE, _('"%(key)s" missing or not text') % {"key": key})
    return value


def _kpi(row: dict) -> Kpi:
    return Kpi(
        id=_text(row, "id"),
        title=_text(row, "title"),
        description=row.get("description") or "",
        is_divided_by_gender=bool(row.get("is_divided_by_gender")),
        has_ou_data=bool(row.get("has_ou_data")),
        municipality_type=row.get("municipality_type") or "",
    )


def _group(row: dict) -> MunicipalityGroup:
    members = row.get("members")
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise invalid_answer(SERVICE, _("a group without a list of members"))
    return MunicipalityGroup(
        id=_text(row, "id"),
        title=_text(row, "title"),
        members=tuple(_text(member, "member_id") for member in members),
    )


def _year(row: dict) -> int:
    period = row.get("period")
    if isinstance(period, str) and period.isdigit():
        period = int(period)
    if not isinstance(period, int) or isinstance(period, bool):
        raise invalid_answer(SERVICE, _("a period that is not a year"))
    return period


def _number(cell: dict) -> Decimal | None:
    value = cell.get("value")
    if value is None or cell.get("status") == MISSING:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise invalid_answer(SERVICE, _("a value that is not a number"))
    return Decimal(value)


def _values(row: dict, area_key: str) -> Iterator[KoladaValue]:
    """The typed values of one data row: one per gender."""
    kpi, area, year = _text(row, "kpi"), _text(row, area_key), _year(row)
    cells = row.get("values")
    if not isinstance(cells, list):
        raise invalid_answer(SERVICE, _("a row without a list of values"))
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("gender") not in GENDERS:
            raise invalid_answer(SERVICE, _("a value without gender T, K or M"))
        yield KoladaValue(
            kpi=kpi,
            year=year,
            gender=cell["gender"],
            value=_number(cell),
            status=cell.get("status") or "",
            **{area_key: area},
        )


# --- The source: the link, and the fetch for a sync -----------------------------------------------


class Kolada(Source):
    def fetch(self, plan: Plan, indicators: list[Indicator]) -> Fetched:
        fetched = self.fetched()
        by_kpi: dict[str, list[Indicator]] = defaultdict(list)
        for indicator in indicators:
            kpi = self.links(indicator.open_data).get("kpi")
            if kpi:
                by_kpi[str(kpi)].append(indicator)
        code = municipality_code(plan.organisation)
        units = _units(plan)
        kpis, years = list(by_kpi), list(plan.years)
        with KoladaClient.from_settings() as client:
            rows = client.values(kpis=kpis, municipalities=[code, NATIONAL], years=years)
            unit_rows = (
                client.unit_values(kpis=kpis, units=list(units), years=years) if units else []
            )
            group_means = _group_means(client, plan.organisation, kpis, years, fetched.notes)
        kinds = area_kinds(code, [NATIONAL])
        for row in rows:
            if row.year in plan.years and row.municipality in kinds:
                figure = (row.year, row.gender, row.value)
                fetched.collect(by_kpi.get(row.kpi, ()), figure, kind=kinds[row.municipality])
        for row in unit_rows:
            if row.year in plan.years and row.ou in units:
                figure = (row.year, row.gender, row.value)
                fetched.collect(by_kpi.get(row.kpi, ()), figure, unit=units[row.ou])
        group = plan.organisation.comparison_group
        for (kpi, year, gender), value in group_means.items():
            if year in plan.years:
                kind = ReferenceValue.Kind.GROUP_MEAN
                fetched.collect(by_kpi.get(kpi, ()), (year, gender, value), kind=kind, group=group)
        return fetched


def _units(plan: Plan) -> dict[str, Unit]:
    """The organisation's units with a Kolada id, below the plan's owner unit if it has one."""
    units = list(Unit.objects.filter(organisation=plan.organisation))
    if plan.owner_unit_id is not None:
        below = unit_and_below(units, plan.owner_unit_id)
        units = [unit for unit in units if unit.pk in below]
    return {unit.kolada_ou: unit for unit in units if unit.kolada_ou}


def _group_means(
    client: KoladaClient,
    organisation: Organisation,
    kpis: list[str],
    years: list[int],
    notes: list[str],
) -> dict[tuple[str, int, str], Decimal | None]:
    """The mean of the comparison group's members by (KPI, year, gender), missing left out."""
    wanted = organisation.comparison_group
    if not wanted:
        return {}
    members = {group.id: group.members for group in client.municipality_groups()}.get(wanted)
    if members is None:
        notes.append(
            _("Kolada has no municipality group %(group)s: no group mean was fetched.")
            % {"group": wanted}
        )
        return {}
    figures: dict[tuple[str, int, str], list[Decimal | None]] = defaultdict(list)
    for row in client.values(kpis=kpis, municipalities=list(members), years=years):
        figures[row.kpi, row.year, row.gender].append(row.value)
    return {key: mean(values) for key, values in figures.items()}


KOLADA = Kolada(
    name="kolada",
    label=gettext_lazy("Kolada"),
    credit=CREDIT,
    service=SERVICE,
    help_text=gettext_lazy("Swedish municipalities' key figures (kolada.se)."),
    fields=(
        LinkField(
            name="kpi",
            label=gettext_lazy("Kolada KPI"),
            help_text=gettext_lazy("e.g. N00090"),
            pattern=r"[A-Z]\d{5}",
            example="N00090",
            transform=str.upper,
            headers=("Kolada KPI", "Kolada KPI", "Kolada KPI", "Kolada KPI"),
            finder="opendata/includes/kpi_finder.html",
        ),
    ),
)
