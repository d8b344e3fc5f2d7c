"""An import follows the reporting page's rules: no statuses or values are written into a
period closed for reporting, or into one whose report is published; rows it leaves as they are
pass whatever their period (an exported plan imports again)."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.apps import apps
from openpyxl import Workbook

from goals.models import ActivityStatus
from goals.services import activity_status_set
from indicators.models import Measurement
from indicators.services import measurement_record
from planning.services import period_set_open
from reports.services import report_publish
from transfer.resources.files import UploadedFile
from transfer.services import plan_export_xlsx, plan_import

MEASURED = ["Mål nr", "Indikator", "Period", "Enhet", "Kön", "Värde", "Kommentar"]
STATUSES = ["Mål nr", "Aktivitet", "Period", "Status", "Kommentar"]
CLOSED = (
    "T2 2023 is closed for reporting: its statuses and values cannot be imported. Leave its "
    "rows as they are, or ask an administrator to open the period."
)
PUBLISHED = (
    "The report for T1 2023 is published: its statuses and values can no longer be changed. "
    "Leave its rows as they are."
)


def workbook(title: str, headers: list, rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def run(plan, content: bytes, apply: bool = True):
    files = [UploadedFile("plan.xlsx", content)]
    return plan_import(plan=plan, files=files, actor=None, apply=apply, language="en")


def problems(report) -> list[tuple[int, str, str]]:
    return [(row.number, problem.column, problem.message) for _s, row, problem in report.problems()]


def rows_of_every_table() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def t2_closed(periods):
    period_set_open(period=periods[1], is_open=False, actor=None)
    return periods[1]


def test_no_value_is_imported_into_a_closed_period(plan, indicator, periods, t2_closed, english):
    before = rows_of_every_table()
    content = workbook(
        "Mätvärden",
        MEASURED,
        [[1, "HME-index", "T1 2023", "", "", 70, ""], [1, "HME-index", "T2 2023", "", "", 75, ""]],
    )
    report = run(plan, content)
    assert not report.applied
    assert problems(report) == [(3, "Period", CLOSED)]
    assert rows_of_every_table() == before  # all or nothing: T1's value is not saved either


def test_no_status_is_imported_into_a_closed_period(plan, activity, periods, t2_closed, english):
    content = workbook(
        "Aktivitetsstatus", STATUSES, [[1, activity.title, "T2 2023", "Done", "Klart"]]
    )
    report = run(plan, content, apply=False)
    assert problems(report) == [(2, "Period", CLOSED)]
    assert not ActivityStatus.objects.exists()


def test_rows_of_a_closed_period_left_as_they_are_import_again(plan, indicator, periods, english):
    measurement_record(indicator=indicator, period=periods[1], value=D("72"), actor=None)
    content = plan_export_xlsx(plan=plan)
    period_set_open(period=periods[1], is_open=False, actor=None)
    report = run(plan, content)
    assert report.ok and report.count("skip") >= 1


def test_nothing_is_imported_into_a_period_whose_report_is_published(
    plan, indicator, activity, periods, english, django_user_model
):
    t1 = periods[0]
    measurement_record(indicator=indicator, period=t1, value=D("72"), actor=None)
    activity_status_set(activity=activity, period=t1, status="in_progress", actor=None)
    report_publish(
        plan=plan,
        period=t1,
        decided_by="Kommunstyrelsen",
        decision_date=datetime.date(2023, 5, 30),
        actor=django_user_model.objects.create_user("publicerare", first_name="Pia"),
    )
    assert t1.is_open  # open for reporting, but its report is frozen

    values = workbook(
        "Mätvärden",
        MEASURED,
        [[1, "HME-index", "T1 2023", "", "", 80, ""], [1, "HME-index", "T2 2023", "", "", 75, ""]],
    )
    report = run(plan, values)
    assert not report.applied
    assert problems(report) == [(2, "Period", PUBLISHED)]
    statuses = workbook("Aktivitetsstatus", STATUSES, [[1, activity.title, "T1 2023", "Done", ""]])
    assert problems(run(plan, statuses)) == [(2, "Period", PUBLISHED)]
    assert Measurement.objects.get(period=t1).value == D("72")
    assert ActivityStatus.objects.get(period=t1).status == "in_progress"

    # The other periods are imported as usual; T1's rows left as they are pass.
    later = workbook(
        "Mätvärden",
        MEASURED,
        [[1, "HME-index", "T1 2023", "", "", 72, ""], [1, "HME-index", "T2 2023", "", "", 75, ""]],
    )
    assert run(plan, later).applied
    assert Measurement.objects.get(period=periods[1]).value == D("75")
