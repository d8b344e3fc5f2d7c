"""Every kind of target with the values at and around each of its boundaries, and the colour
each value must get: shared by the model tests (test_target_kinds) and the page tests
(tests/reports/test_target_kinds_pages).

A plan of 2022–2023 is followed up in T2 2023; the comparing kinds count from the year-end
period of 2022 (their baseline). `build` makes one indicator of a target on a goal, with its
baseline measured or entered and its open-data references, through the real services.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.colour import Colour
from indicators.models import ReferenceValue
from indicators.selectors import plan_indicators, with_latest_colour
from indicators.services import indicator_create, measurement_record
from planning.models import Plan
from planning.services import plan_create

D = Decimal
GREEN, YELLOW, RED, NONE = Colour.GREEN, Colour.YELLOW, Colour.RED, Colour.UNCOLOURED
KOLADA = {"kolada": {"kpi": "N00090"}}


@dataclass(frozen=True)
class Kind:
    """A target (the indicator's fields), what it compares with, and values with their colours.

    `baseline` is the value measured in the baseline period (year-end 2022), `references` the
    whole country's values by year (open data); `baseline_period` says whether the target
    names the baseline period."""

    name: str
    fields: dict
    values: tuple[tuple[str, Colour], ...]
    baseline: Decimal | None = None
    baseline_period: bool = False
    references: dict[int, Decimal] = field(default_factory=dict)


def _bands(direction, green, green_inclusive, red=None, red_inclusive=True):
    return {
        "target_kind": "bands",
        "direction": direction,
        "green_bound": D(green),
        "green_bound_inclusive": green_inclusive,
        "red_bound": None if red is None else D(red),
        "red_bound_inclusive": red_inclusive,
    }


def _change(direction, tolerance=None, **more):
    return {
        "target_kind": "change",
        "direction": direction,
        "change_tolerance": None if tolerance is None else D(tolerance),
        **more,
    }


def _gap(direction, reference_kind, tolerance=None, **more):
    return {
        "target_kind": "gap",
        "direction": direction,
        "reference_kind": reference_kind,
        "change_tolerance": None if tolerance is None else D(tolerance),
        **more,
    }


KINDS = (
    # HME index as seed 002 writes it, without its holes: green ≥ 80, red < 70.
    Kind(
        "bands higher",
        _bands("higher", "80", True, "70", False),
        (("69.99", RED), ("70", YELLOW), ("79.99", YELLOW), ("80", GREEN), ("80.01", GREEN)),
    ),
    # Sick leave: green ≤ 6, red ≥ 7.
    Kind(
        "bands lower",
        _bands("lower", "6", True, "7", True),
        (("5.99", GREEN), ("6", GREEN), ("6.01", YELLOW), ("6.99", YELLOW), ("7", RED)),
    ),
    # Waiting days: green < 9, red > 20 (both bounds themselves yellow).
    Kind(
        "bands lower exclusive",
        _bands("lower", "9", False, "20", False),
        (("8.99", GREEN), ("9", YELLOW), ("20", YELLOW), ("20.01", RED)),
    ),
    # Two bands: 100 % or red.
    Kind("bands two", _bands("higher", "100", True), (("100", GREEN), ("99.99", RED))),
    Kind(
        "relative higher",
        {
            "target_kind": "relative",
            "direction": "higher",
            "target_value": D("100"),
            "relative_share": D("90"),
        },
        (("120", GREEN), ("100", GREEN), ("99.99", YELLOW), ("90", YELLOW), ("89.99", RED)),
    ),
    # Lower is better: yellow up to the target × (2 − 90 %) = 11.
    Kind(
        "relative lower",
        {
            "target_kind": "relative",
            "direction": "lower",
            "target_value": D("10"),
            "relative_share": D("90"),
        },
        (("9", GREEN), ("10", GREEN), ("10.01", YELLOW), ("11", YELLOW), ("11.01", RED)),
    ),
    # No share of its own: the organisation's (80 %, set by `build`'s caller) decides.
    Kind(
        "relative organisation share",
        {"target_kind": "relative", "direction": "higher", "target_value": D("50")},
        (("50", GREEN), ("40", YELLOW), ("39.99", RED)),
    ),
    Kind(
        "relative share 100",
        {
            "target_kind": "relative",
            "direction": "higher",
            "target_value": D("100"),
            "relative_share": D("100"),
        },
        (("100", GREEN), ("99.99", RED)),
    ),
    # Shall increase compared with 2022 (measured 50 then).
    Kind(
        "change increase",
        _change("higher"),
        (("50.01", GREEN), ("50", YELLOW), ("49.99", RED)),
        baseline=D("50"),
        baseline_period=True,
    ),
    Kind(
        "change decrease",
        _change("lower"),
        (("49.99", GREEN), ("50", YELLOW), ("50.01", RED)),
        baseline=D("50"),
        baseline_period=True,
    ),
    # Within ± 2 of the baseline is "unchanged"; the baseline entered, not measured.
    Kind(
        "change increase tolerance",
        _change("higher", "2", baseline_value=D("50")),
        (("52.01", GREEN), ("52", YELLOW), ("48", YELLOW), ("47.99", RED)),
        baseline_period=True,
    ),
    Kind(
        "change decrease tolerance",
        _change("lower", "2", baseline_value=D("50")),
        (("47.99", GREEN), ("48", YELLOW), ("52", YELLOW), ("52.01", RED)),
        baseline_period=True,
    ),
    # 70 against the country's 80 in 2022 (a gap of 10); the country has 82 in 2023.
    Kind(
        "gap national higher",
        _gap("higher", "national", open_data=KOLADA),
        (("71.99", RED), ("72", YELLOW), ("72.01", GREEN), ("82", GREEN), ("90", GREEN)),
        baseline=D("70"),
        baseline_period=True,
        references={2022: D("80"), 2023: D("82")},
    ),
    # Lower is better: 8 against 6 in 2022 (a gap of 2), the country 6,5 in 2023; ± 0,5.
    Kind(
        "gap national lower tolerance",
        _gap("lower", "national", "0.5", open_data=KOLADA),
        (("6", GREEN), ("7.99", GREEN), ("8", YELLOW), ("9", YELLOW), ("9.01", RED)),
        baseline=D("8"),
        baseline_period=True,
        references={2022: D("6"), 2023: D("6.5")},
    ),
    # The county's 100, entered; 90 at the baseline.
    Kind(
        "gap entered",
        _gap(
            "higher",
            "entered",
            reference_value=D("100"),
            reference_label="Länet",
            baseline_value=D("90"),
        ),
        (("89.99", RED), ("90", YELLOW), ("90.01", GREEN), ("100", GREEN)),
        baseline_period=True,
    ),
    Kind("monitor", {"target_kind": "monitor"}, (("0", NONE), ("80", NONE), ("1000", NONE))),
)
# Followed up in words: no value at all, a result instead.
WORDS = (
    Kind("developing", {"target_kind": "developing"}, ()),
    Kind("text", {"target_kind": "text", "target_text": "Alla ska känna sig trygga"}, ()),
)
ORGANISATION_SHARE = D("80")


def cases(kinds=KINDS):
    """(kind, value, colour) for every boundary of every kind, with readable ids."""
    return [(kind, value, colour) for kind in kinds for value, colour in kind.values]


def case_id(case) -> str:
    kind, value, colour = case
    return f"{kind.name}-{value}-{colour}"


def references_create(indicator, references: dict[int, Decimal]) -> None:
    """The whole country's values of the indicator, as the open-data sync stores them."""
    for year, value in references.items():
        ReferenceValue.objects.create(
            indicator=indicator,
            kind=ReferenceValue.Kind.NATIONAL,
            year=year,
            value=value,
            source="Källa: Kolada",
            fetched_at=datetime.datetime(2023, 9, 1, tzinfo=datetime.UTC),
        )


def build(kind: Kind, goal, baseline_period, name: str | None = None, **more):
    """The indicator of `kind` on `goal`, with its baseline and references."""
    fields = dict(kind.fields)
    if kind.baseline_period:
        fields["baseline_period"] = baseline_period
    indicator = indicator_create(
        goal=goal, name=name or kind.name, decimals=2, actor=None, **fields, **more
    )
    if kind.baseline is not None:
        measurement_record(
            indicator=indicator, period=baseline_period, value=kind.baseline, actor=None
        )
    references_create(indicator, kind.references)
    return indicator


def plan_of(organisation, start_year: int, end_year: int, name: str = "", **fields) -> Plan:
    """A draft operational plan of the years."""
    return plan_create(
        organisation=organisation,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name=name or f"Verksamhetsplan {start_year}–{end_year}",
        start_year=start_year,
        end_year=end_year,
        actor=None,
        **fields,
    )


def decided(plan: Plan, status: str = Plan.Status.DECIDED) -> Plan:
    """The plan decided (or in another status) the year before it starts, as a committee
    decides it; set directly, as a test world's fact."""
    Plan.objects.filter(pk=plan.pk).update(
        status=status, decision_date=datetime.date(plan.start_year - 1, 11, 29)
    )
    plan.refresh_from_db()
    return plan


def listed(plan: Plan, pk: int):
    """An indicator as the plan's indicator list shows it, with its latest colour."""
    return next(row for row in with_latest_colour(plan_indicators(plan)) if row.pk == pk)
