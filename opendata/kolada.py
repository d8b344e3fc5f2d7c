"""A client for Kolada's API v3 (https://api.kolada.se/v3/): KPIs, municipalities and values.

Every answer is `{count, values, next_url, previous_url}`; the client follows `next_url` until it
is null (`count` is the page's, not the total). Lists of ids are sent at most 25 to a call, and
longer lists are split. Values are typed records: a figure Kolada does not have (status
"Missing", or no value) is None, a normal state for small municipalities.

Values shown from Kolada must say "Källa: Kolada"; a colour computed from them is ours.
"""

import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from typing import Self

from django.conf import settings
from django.utils.translation import gettext as _

from opendata.client import JsonFetcher, OpenDataError, RetryPolicy, Sleep, Throttle, invalid_answer

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


class KoladaClient:
    """Kolada API v3, throttled and retried (see `indicators.opendata`). Use it in a `with`."""

    def __init__(
        self,
        *,
        base_url: str = BASE_URL,
        timeout: float = 20.0,
        requests_per_second: int = 3,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
    ):
        self.fetcher = JsonFetcher(
            service=SERVICE,
            base_url=base_url,
            timeout=timeout,
            throttle=Throttle(calls=requests_per_second, period=1.0, sleep=sleep),
            retry=retry or RetryPolicy(),
            sleep=sleep,
        )

    @classmethod
    def from_settings(cls) -> Self:
        return cls(
            base_url=settings.KOLADA_API_URL,
            timeout=settings.OPENDATA_TIMEOUT,
            requests_per_second=settings.KOLADA_REQUESTS_PER_SECOND,
            retry=RetryPolicy.from_settings(),
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.fetcher.close()

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
        url: str | None = path
        while url is not None:
            page = self.fetcher.get(url, params)
            if not isinstance(page, dict) or not isinstance(page.get("values"), list):
                raise invalid_answer(SERVICE, _("no list of values"))
            for row in page["values"]:
                if not isinstance(row, dict):
                    raise invalid_answer(SERVICE, _("a value that is not an object"))
                yield row
            url = page.get("next_url")
            if url is not None and not isinstance(url, str):
                raise invalid_answer(SERVICE, _("a next page that is not an address"))
            params = None  # next_url carries the query


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
