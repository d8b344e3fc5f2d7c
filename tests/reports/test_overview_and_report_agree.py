"""The overview and report agree: for every reading role and every period, the overview page
and the report page show each indicator with the same value, colour, carried marker and trend,
and each activity with the same status (both render `follow_up_report`).

The facts are read from the pages' markup (`data-indicator`/`data-activity` rows and their
`data-fact` elements), not from free text."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from goals.evaluation import months
from goals.services import activity_create, activity_status_set
from indicators.services import indicator_create, measurement_record
from tests.deadlines import month_end

D = Decimal
READERS = ["committee_member", "unit_manager", "planner", "administrator"]


class Facts(HTMLParser):
    """{("indicator"|"activity", pk): {fact: text, fact + ".change": data-change}} of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[tuple[str, int], dict[str, str]] = {}
        self.row: tuple[str, int] | None = None
        self.row_tag = ""
        self.fact: str | None = None
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for kind in ("indicator", "activity"):
            if f"data-{kind}" in attributes:
                self.row = (kind, int(attributes[f"data-{kind}"]))
                self.row_tag = tag
                self.rows.setdefault(self.row, {})
        if self.fact is not None:
            self.depth += 1
        elif self.row is not None and "data-fact" in attributes:
            self.fact, self.depth, self.text = attributes["data-fact"], 1, []
            if "data-change" in attributes:
                self.rows[self.row][f"{self.fact}.change"] = attributes["data-change"]

    def handle_endtag(self, tag):
        if self.fact is not None:
            self.depth -= 1
            if self.depth == 0:
                # Collapse the markup's whitespace, keeping no-break spaces ("7,8\u00a0%").
                text = re.sub(r"[ \t\r\n]+", " ", "".join(self.text))
                self.rows[self.row][self.fact] = text.strip()
                self.fact = None
        elif tag == self.row_tag:
            self.row = None

    def handle_data(self, data):
        if self.fact is not None:
            self.text.append(data)


def facts(client, url: str) -> dict[tuple[str, int], dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = Facts()
    parser.feed(response.text)
    return parser.rows


@pytest.fixture
def world(plan, periods, goal, indicator):
    """HME 65 in T1, nothing in T2, 82 in T3; sick leave 7,8 in T1 and known to be missing in
    T2; a count measured only in T2; an activity reported in T1 only."""
    t1, t2, t3 = periods
    sick_leave = indicator_create(
        goal=goal, name="Total sjukfrånvaro", unit="percent", decimals=1, direction="lower",
        green_bound=D("6"), red_bound=D("7"), actor=None,
    )  # fmt: skip
    visits = indicator_create(goal=goal, name="Hembesök", green_bound=D("5"), actor=None)
    for item, period, value in (
        (indicator, t1, "65"),
        (indicator, t3, "82"),
        (sick_leave, t1, "7.8"),
        (sick_leave, t2, None),
        (visits, t2, "6"),
    ):
        measurement_record(
            indicator=item, period=period, value=None if value is None else D(value), actor=None
        )
    activity = activity_create(
        goal=goal, title="Friskvårdstimme", due_on=month_end(10), evaluated_months=months(4, 8, 12),
        actor=None,
    )  # fmt: skip
    activity_status_set(activity=activity, period=t1, status="in_progress", actor=None)
    return {"hme": indicator, "sick_leave": sick_leave, "visits": visits, "activity": activity}


# What each period must show (Swedish): value, colour, carried marker, trend.
EXPECTED = {
    "T1": {
        "hme": ("65", "Röd", None, "none"),
        "sick_leave": ("7,8\u00a0%", "Röd", None, "none"),
        "visits": ("–", "Inget värde", None, "none"),
    },
    "T2": {
        "hme": ("65", "Röd", "från T1 2023", "none"),
        "sick_leave": ("–", "Inget värde", None, "none"),
        "visits": ("6", "Grön", None, "none"),
    },
    "T3": {
        "hme": ("82", "Grön", None, "better"),
        "sick_leave": ("7,8\u00a0%", "Röd", "från T1 2023", "none"),
        "visits": ("6", "Grön", "från T2 2023", "none"),
    },
}


@pytest.mark.parametrize("role", READERS)
def test_overview_and_report_agree(client, users, world, plan, periods, role):
    client.force_login(users[role])
    for period in periods:
        overview = facts(client, reverse("reports:overview", args=[plan.pk, period.pk]))
        report = facts(client, reverse("reports:report", args=[plan.pk, period.pk]))
        for name, (value, colour, carried, change) in EXPECTED[period.kind].items():
            key = ("indicator", world[name].pk)
            shown = overview[key]
            assert shown == report[key], (role, str(period), name)
            assert shown["value"] == value, (str(period), name)
            assert shown["colour"] == colour, (str(period), name)
            assert shown.get("carried") == carried, (str(period), name)
            assert shown["trend.change"] == change, (str(period), name)
            assert shown["trend"]  # the trend in words, beside any arrow
        activity = ("activity", world["activity"].pk)
        assert overview[activity] == report[activity], (role, str(period))
        assert overview[activity]["status"] == "Pågår"
        expected = None if period.kind == "T1" else "från T1 2023"
        assert overview[activity].get("carried") == expected, str(period)


def test_the_trend_word_is_the_same_on_both_pages(client, users, world, plan, periods):
    client.force_login(users["committee_member"])
    url_args = [plan.pk, periods[2].pk]
    key = ("indicator", world["hme"].pk)
    overview = facts(client, reverse("reports:overview", args=url_args))[key]
    report = facts(client, reverse("reports:report", args=url_args))[key]
    assert overview["trend"] == report["trend"] == "Bättre"
