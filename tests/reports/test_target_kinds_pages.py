"""Every kind of target on the pages a committee reads: the colour (or no colour) of a value at
and around each boundary on the overview, in the report's HTML and in its PDF read back; and
no page shows a colour for an indicator whose kind gives none.

One plan carries an indicator per kind and boundary value (`tests.indicators.kinds`), each
with its value in T2 2023, so that each page is rendered once for all of them.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from goals.services import goal_create
from indicators.colour import Colour
from indicators.models import Indicator
from indicators.services import measurement_record
from planning.models import Plan
from planning.services import (
    organisation_update,
    period_set_open,
    periods_ensure_year,
)
from reports.pdf import report_pdf
from reports.selectors import follow_up_report
from tests.indicators.kinds import (
    KINDS,
    ORGANISATION_SHARE,
    WORDS,
    build,
    cases,
    decided,
    plan_of,
)
from tests.reports.conftest import pdf_text, squash

# PostgreSQL only in bin/test: what is checked is rendered output, not storage.
pytestmark = pytest.mark.rendering

ENGLISH = {"accept-language": "en"}
ROW = re.compile(r'<tr data-indicator="(\d+)"[^>]*>(.*?)</tr>', re.S)
COLOUR_CLASS = re.compile(r"colour--(green|yellow|red|none|uncoloured)\b")
COLOURED = ("green", "yellow", "red")


@pytest.fixture
def kinds_world(organisation, units):
    """A decided plan of 2022–2023 with an indicator per kind and boundary value, T2 2023 open
    for reporting; the kinds in words have a result. Returns (plan, T2 2023, expected colour
    by indicator)."""
    organisation_update(organisation=organisation, relative_share=ORGANISATION_SHARE, actor=None)
    plan = plan_of(organisation, 2022, 2023, owner_unit=units["operation"])
    baseline = periods_ensure_year(organisation=organisation, year=2022, actor=None)[-1]
    period = periods_ensure_year(organisation=organisation, year=2023, actor=None)[1]
    period = period_set_open(period=period, is_open=True, actor=None)
    goal = goal_create(plan=plan, number=1, title="Trygg och god omsorg", actor=None)
    expected: dict[int, Colour] = {}
    for number, (kind, value, colour) in enumerate(cases(), start=1):
        indicator = build(kind, goal, baseline, name=f"K{number:02d} {kind.name} {value}")
        measurement_record(indicator=indicator, period=period, value=Decimal(value), actor=None)
        expected[indicator.pk] = colour
    for number, kind in enumerate(WORDS, start=len(expected) + 1):
        indicator = build(kind, goal, baseline, name=f"K{number:02d} {kind.name}")
        measurement_record(
            indicator=indicator, period=period, value=None, result="partly", actor=None
        )
        expected[indicator.pk] = Colour.UNCOLOURED
    return decided(plan), period, expected


def html_colours(html: str) -> dict[int, list[str]]:
    """The colour classes of each indicator row of a page."""
    return {int(pk): COLOUR_CLASS.findall(row) for pk, row in ROW.findall(html)}


def overview_page(client, user, plan, period) -> str:
    client.force_login(user)
    page = client.get(reverse("reports:overview", args=[plan.pk, period.pk]), headers=ENGLISH)
    assert page.status_code == 200
    return page.text


def report_page(client, user, plan, period) -> str:
    client.force_login(user)
    page = client.get(reverse("reports:report", args=[plan.pk, period.pk]) + "?lang=en")
    assert page.status_code == 200
    return page.text


def pdf_read_back(plan, period) -> str:
    with translation.override("en"):
        return pdf_text(report_pdf(follow_up_report(plan, period)).content)


# --- The colour at and around every boundary, on each page ----------------------------------------


@pytest.mark.parametrize("render", [overview_page, report_page], ids=["overview", "report"])
def test_each_boundarys_colour_on_the_page(render, kinds_world, client, committee_member):
    plan, period, expected = kinds_world
    found = html_colours(render(client, committee_member, plan, period))
    names = dict(Indicator.objects.values_list("pk", "name"))
    wrong = {
        names[pk]: (found.get(pk), colour.value)
        for pk, colour in expected.items()
        if found.get(pk) != [colour.value]
    }
    assert wrong == {}


def pdf_rows(text: str, names: list[str]) -> dict[str, str]:
    """Each indicator's row in the goal's table of the PDF's text (after the summary, which
    quotes some of them): from its name to the next one's. `names` in the order of the rows,
    all of one goal."""
    body = text.index("Colour and band Trend")
    rows, starts = {}, [text.index(name, body) for name in names]
    # The charts follow the table, the first row's first.
    charts = text.index(names[0], starts[-1])
    for name, start, end in zip(names, starts, [*starts[1:], charts], strict=True):
        rows[name] = text[start + len(name) : end]
    return rows


def test_each_boundarys_colour_in_the_pdf_read_back(kinds_world, weasyprint_log):
    """Each indicator's row in the PDF names its colour in words first."""
    plan, period, expected = kinds_world
    text = pdf_read_back(plan, period)
    assert weasyprint_log() == []
    names = dict(Indicator.objects.values_list("pk", "name"))
    with translation.override("en"):
        label = {colour: colour.label for colour in Colour}
    labels = "|".join(re.escape(text) for text in label.values())
    rows = pdf_rows(text, sorted(names[pk] for pk in expected))
    wrong = {}
    for pk, colour in expected.items():
        found = re.search(rf"\b({labels})\b", rows[names[pk]])
        if (found.group(1) if found else None) != label[colour]:
            wrong[names[pk]] = (found and found.group(1), label[colour])
    assert wrong == {}


# --- No colour where the kind gives none ----------------------------------------------------------


def no_colour_world(kinds_world):
    """Only the indicators whose kind never colours, by pk."""
    plan, _period, _expected = kinds_world
    kinds = ("monitor", "developing", "text")
    return {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(goal__plan=plan, target_kind__in=kinds)
    }


def test_no_page_shows_a_colour_for_a_kind_that_gives_none(
    kinds_world, client, committee_member, unit_manager, planner
):
    plan, period, _expected = kinds_world
    uncoloured = no_colour_world(kinds_world)
    assert len(uncoloured) == 5  # three monitored values, one under development, one in words
    words = {Colour.GREEN.label, Colour.YELLOW.label, Colour.RED.label}
    with translation.override("en"):
        words |= {colour.label for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED)}
    pages = {
        "overview": overview_page(client, committee_member, plan, period),
        "report": report_page(client, committee_member, plan, period),
    }
    client.force_login(planner)
    goal = plan.goals.get()
    for name, url in (
        # The plan page shows a large goal's items on their own page.
        ("plan", reverse("authoring:plan_structure", args=[plan.pk]) + f"?goal={goal.pk}"),
        # The list colours in the database: filtered to what has no colour.
        (
            "list",
            reverse("indicators:indicator_list", args=[plan.pk]) + "?latest_colour=uncoloured",
        ),
    ):
        page = client.get(url, headers=ENGLISH)
        assert page.status_code == 200, name
        pages[name] = page.text
    client.force_login(unit_manager)
    pages["reporting"] = client.get(
        reverse("reports:reporting") + f"?period={period.pk}&size=100", headers=ENGLISH
    ).text
    for name, html in pages.items():
        rows = {pk: row for pk, row in ROW.findall(html)}
        for pk, indicator in uncoloured.items():
            row = rows.get(str(pk)) or _item_html(html, indicator)
            assert row, (name, indicator.name)
            assert not {c for c in COLOUR_CLASS.findall(row) if c in COLOURED}, (name, row)
            assert not [word for word in words if re.search(rf"\b{word}\b", row)], (name, row)
    names = sorted(Indicator.objects.filter(goal__plan=plan).values_list("name", flat=True))
    rows = pdf_rows(pdf_read_back(plan, period), names)
    for indicator in uncoloured.values():
        row = rows[indicator.name]
        assert "No colour" in row
        assert not [word for word in words if re.search(rf"\b{word}\b", row)], row


def _item_html(html: str, indicator) -> str:
    """The part of a page about an indicator where it is not a table row: from its name to the
    next indicator's name."""
    start = html.find(indicator.name)
    if start < 0:
        return ""
    following = re.search(r"K\d\d ", html[start + len(indicator.name) :])
    end = start + len(indicator.name) + following.start() if following else len(html)
    return html[start:end]


# --- Roll-ups on a two-level cascade --------------------------------------------------------------


def _plan(organisation, name, parent=None, status=Plan.Status.DECIDED):
    return decided(plan_of(organisation, 2023, 2023, name, parent=parent), status)


def _measured(goal, name, kind, value, period, **more):
    """An indicator of `kind` (by name in `tests.indicators.kinds`) with a value in `period`."""
    [found] = [k for k in (*KINDS, *WORDS) if k.name == kind]
    indicator = build(found, goal, None, name=name, **more)
    if value is not None:
        measurement_record(indicator=indicator, period=period, value=Decimal(value), actor=None)
    return indicator


@pytest.fixture
def cascade(organisation):
    """A council plan with three goals, a committee plan whose goals contribute to two of them,
    and a unit plan whose goal contributes to a committee goal (so to the council's goal 1),
    followed up in T2 2023; a draft plan's goal contributes to goal 3 and is not counted."""
    from goals.services import goal_follow_up_save
    from planning.services import perspectives_save

    citizens, staff = perspectives_save(
        organisation=organisation,
        rows=[{"name": "Medborgare"}, {"name": "Medarbetare"}],
        actor=None,
    )
    t1, t2, t3 = periods_ensure_year(organisation=organisation, year=2023, actor=None)
    council = _plan(organisation, "Kommunplan 2023")
    goal_1 = goal_create(plan=council, number=1, title="Trygg uppväxt", perspective=citizens,
                         actor=None)  # fmt: skip
    goal_2 = goal_create(plan=council, number=2, title="Attraktiv arbetsgivare",
                         perspective=staff, actor=None)  # fmt: skip
    goal_3 = goal_create(plan=council, number=3, title="God ekonomi", actor=None)
    _measured(goal_1, "Andel behöriga lärare", "bands higher", "85", t2)  # green
    _measured(goal_1, "Meritvärde", "bands higher", "60", t2)  # red
    _measured(goal_2, "Sjukfrånvaro (följs)", "monitor", "5", t2)  # no colour, staff
    # Its own perspective (citizens) before its goal's (staff): yellow.
    _measured(goal_2, "Nöjda brukare", "relative higher", "95", t2, perspective=citizens)
    text = _measured(goal_3, "Budget i balans", "text", None, t2)
    measurement_record(indicator=text, period=t2, value=None, result="fulfilled", actor=None)
    for goal, level in ((goal_1, "achieved"), (goal_2, "expected")):
        goal_follow_up_save(goal=goal, period=t2, assessment=level, analysis="", actor=None)

    committee = _plan(organisation, "Verksamhetsplan Utbildning 2023", parent=council)
    middle = {
        number: goal_create(plan=committee, number=number, title=f"Nämndmål {number}",
                            contributes_to=top, actor=None)
        for number, top in ((1, goal_1), (2, goal_1), (3, goal_2))
    }  # fmt: skip
    _measured(middle[1], "Närvaro", "bands higher", "90", t1)  # green, reported in T1
    _measured(middle[2], "Elevhälsa (följs)", "monitor", "3", t2)  # no colour
    _measured(middle[3], "Personalomsättning", "bands lower", "8", t1)  # red at T2...
    measurement_record(
        indicator=middle[3].indicators.get(), period=t3, value=Decimal("5"), actor=None
    )  # ...green only in T3, after the period
    for number, level in ((1, "achieved"), (2, "not_achieved"), (3, "achieved")):
        goal_follow_up_save(goal=middle[number], period=t1, assessment=level, analysis="",
                            actor=None)  # fmt: skip
    school = _plan(organisation, "Aktivitetsplan Skolan 2023", parent=committee)
    lowest = goal_create(plan=school, number=1, title="Alla elever når målen",
                         contributes_to=middle[1], actor=None)  # fmt: skip
    _measured(lowest, "Godkända i alla ämnen", "relative organisation share", "50", t2)  # green
    goal_follow_up_save(goal=lowest, period=t2, assessment="achieved", analysis="", actor=None)

    draft = _plan(organisation, "Utkast 2023", parent=council, status=Plan.Status.DRAFT)
    drafted = goal_create(plan=draft, number=1, title="Utkast", contributes_to=goal_3,
                          actor=None)  # fmt: skip
    goal_follow_up_save(goal=drafted, period=t2, assessment="achieved", analysis="", actor=None)
    return council, t2


# (kind, label, goals, indicators) of every roll-up the council plan shows, in order.
ROLLUPS = [
    ("plan", "The whole plan", "1 of 3 goals fulfilled",
     "1 of 3 indicators green; 2 without a colour or a value"),
    ("perspective", "Perspective: Medborgare", "1 of 1 goal fulfilled", "1 of 3 indicators green"),
    ("perspective", "Perspective: Medarbetare", "0 of 1 goal fulfilled",
     "0 of 0 indicators green; 1 without a colour or a value"),
    ("cascade", "Goal 1: the goals of lower plans that contribute to it",
     "2 of 3 goals fulfilled", "2 of 2 indicators green; 1 without a colour or a value"),
    ("cascade", "Goal 2: the goals of lower plans that contribute to it",
     "1 of 1 goal fulfilled", "0 of 1 indicator green"),
]  # fmt: skip
ROLLUP = re.compile(
    r'<(?:li|tr) data-rollup="(\w+)">(?:<th scope="row">)?(.*?):? ?(?:</th>)?'
    r'<(?:span|td) data-fact="goals">(.*?)</(?:span|td)>;? ?'
    r'<(?:span|td) data-fact="indicators">(.*?)</(?:span|td)>'
)


def rollups_of(html: str) -> list[tuple[str, ...]]:
    return [
        (kind, " ".join(label.rstrip(":").split()), goals, indicators)
        for kind, label, goals, indicators in ROLLUP.findall(html)
    ]


def test_the_roll_up_counts_on_a_two_level_cascade(cascade, client, django_user_model):
    from planning.models import Role
    from planning.services import membership_grant

    council, period = cascade
    reader = django_user_model.objects.create_user("ledamot2")
    membership_grant(
        user=reader, organisation=council.organisation, role=Role.ADMINISTRATOR, actor=None
    )
    assert rollups_of(overview_page(client, reader, council, period)) == ROLLUPS
    assert rollups_of(report_page(client, reader, council, period)) == ROLLUPS
    text = pdf_read_back(council, period)
    for _kind, label, goals, indicators in ROLLUPS:
        assert squash(f"{label.removeprefix('Perspective: ')} {goals} {indicators}") in text


# --- Results in words on the reporting page -------------------------------------------------------


@pytest.fixture
def reported(plan, periods, units):
    """The fixture plan, decided, with T2 2023 open: a number and a target in words."""
    from indicators.services import indicator_create

    t2 = period_set_open(period=periods[1], is_open=True, actor=None)
    goal = goal_create(plan=plan, number=1, title="Trygg omsorg", actor=None)
    number = indicator_create(
        goal=goal, name="Väntetid", direction="lower", green_bound=Decimal("9"), actor=None
    )
    words = indicator_create(
        goal=goal, name="Trygghet", target_kind="text", target_text="Alla känner sig trygga",
        actor=None,
    )  # fmt: skip
    decided(plan)
    return t2, number, words


def post_measurement(client, user, period, indicator, **data):
    client.force_login(user)
    fields = {"value": "", "result": "", "comment": "", "source": "", "expected_version": 0}
    return client.post(
        reverse("reports:measurement", args=[period.pk, indicator.pk]),
        fields | data,
        headers=ENGLISH,
    )


@pytest.mark.parametrize(
    ("which", "data", "field", "message"),
    [
        ("number", {"result": "fulfilled"}, "result",
         "Väntetid is followed up with a number, not a result in words"),
        ("words", {"value": "3"}, "value",
         "Trygghet has no measure (Target in words, assessed by a person): write its result"),
    ],
)  # fmt: skip
def test_the_reporting_page_refuses_what_the_kind_does_not_take(
    which, data, field, message, reported, client, unit_manager
):
    period, number, words = reported
    indicator = number if which == "number" else words

    page = post_measurement(client, unit_manager, period, indicator, **data)

    assert page.status_code == 200
    errors = re.search(
        rf'id="indicator-{period.pk}-{indicator.pk}-{field}_error"[^>]*>(.*?)</', page.text, re.S
    )
    assert errors and message in " ".join(errors.group(1).split()), page.text
    assert not indicator.measurements.exists()


def test_the_reporting_page_takes_a_result_in_words(reported, client, unit_manager):
    period, _number, words = reported
    page = post_measurement(
        client, unit_manager, period, words, result="partly", comment="Se bilaga"
    )
    assert page.status_code == 302
    saved = words.measurements.get()
    assert (saved.value, saved.result, saved.comment) == (None, "partly", "Se bilaga")
    client.force_login(unit_manager)
    html = client.get(page["Location"], headers=ENGLISH).text
    start = html.index(f'id="indicator-{period.pk}-{words.pk}"')
    form = html[start : html.index("</form>", start)]
    assert '<option value="partly" selected>' in form
    assert 'name="value"' not in form  # followed up in words: no value to write


def test_the_reporting_page_colours_a_change_against_its_baseline(
    reported, client, unit_manager, periods, units
):
    """As the report does: 55 against 50 measured at the baseline T1 is green, with the rule's
    bands beside the input (not "no value at the baseline")."""
    from indicators.services import indicator_create

    period, number, _words = reported
    t1 = periods[0]
    change = indicator_create(
        goal=number.goal, name="Ökar", target_kind="change", baseline_period=t1, actor=None
    )
    measurement_record(indicator=change, period=t1, value=Decimal("50"), actor=None)
    # The unit manager below the plan's owner reports their own unit's value.
    measurement_record(
        indicator=change, period=period, unit=units["unit_a"], value=Decimal("55"), actor=None
    )
    client.force_login(unit_manager)

    html = client.get(reverse("reports:reporting") + f"?period={period.pk}", headers=ENGLISH).text

    start = html.index(f'id="indicator-{period.pk}-{change.pk}"')
    row = html[start : html.index("</li>\n", html.index("report-row__state", start))]
    band = re.search(rf'<output id="band-{period.pk}-{change.pk}"[^>]*>(.*?)</output>', row, re.S)
    assert band and 'colour--green">Green' in band.group(1), row
    assert "higher than" not in row and "&gt; 50" in row


def test_the_band_preview_of_a_kind_without_bounds_asks_for_a_number(
    reported, client, unit_manager
):
    from indicators.services import indicator_create

    _period, _number, words = reported
    monitored = indicator_create(goal=words.goal, name="Följs", target_kind="monitor", actor=None)
    client.force_login(unit_manager)
    page = client.post(
        reverse("reports:band_preview", args=[monitored.pk]),
        {"value": "mycket"},
        headers={**ENGLISH, "HX-Request": "true"},
    )
    assert page.status_code == 200
    assert "Write a number, for example 6.4." in page.text
