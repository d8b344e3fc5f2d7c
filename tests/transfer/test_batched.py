"""Measured values and activity statuses are inserted in batches (`PlanResource.batched`): the
same objects, creation records, versions and report as saving them row by row, and a row the
database refuses in a batch is named, with nothing saved."""

import io
from decimal import Decimal as D
from functools import cached_property

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from goals.models import ActivityStatus
from indicators.models import Measurement
from indicators.services import measurement_record
from tests.transfer import test_services
from tests.transfer.test_services import MEASURED, problems, run, snapshot, xlsx
from transfer.resources import ActivityStatusResource, MeasurementResource
from transfer.resources.base import Lookups
from transfer.services import plan_export_xlsx

# The fixtures of the import tests.
demo_plan = test_services.demo_plan
demo_planner = test_services.demo_planner
empty_plan = test_services.empty_plan
measured = test_services.measured
planner = test_services.planner

RECORDS = (MeasurementResource, ActivityStatusResource)


@pytest.fixture
def row_by_row(monkeypatch):
    """Saves every row on its own, as before batches: `run()` within `with row_by_row():`."""

    class Switch:
        def __enter__(self):
            for resource in RECORDS:
                monkeypatch.setattr(resource, "batched", False)

        def __exit__(self, *exc_info):
            for resource in RECORDS:
                monkeypatch.setattr(resource, "batched", True)

    return Switch


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two rows, so that a file of a few rows has several."""
    for resource in RECORDS:
        monkeypatch.setattr(resource, "batch_size", 2)


def written(plan) -> dict:
    """The plan's values and statuses and each one's history records, by natural key, without
    ids and dates (which differ between two imports)."""
    untracked = {"id", "entered_at", "reported_at"}

    def fields(obj) -> dict:
        return {
            f.attname: getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if f.attname not in untracked
        }

    def history(obj) -> list[dict]:
        records = []
        for record in obj.history.order_by("history_date", "history_id"):
            tracked = {f.attname: getattr(record, f.attname) for f in record.tracked_fields}
            assert tracked["id"] == obj.pk
            records.append(
                {
                    "type": record.history_type,
                    "user": record.history_user_id,
                    "reason": record.history_change_reason,
                    **{k: v for k, v in tracked.items() if k not in untracked},
                }
            )
        return records

    found = {}
    for value in Measurement.objects.filter(indicator__goal__plan=plan):
        key = ("value", value.indicator.name, str(value.period), value.unit_id, value.gender)
        found[key] = (fields(value), history(value))
    for status in ActivityStatus.objects.filter(activity__goal__plan=plan):
        key = ("status", status.activity.title, str(status.period))
        found[key] = (fields(status), history(status))
    return found


def report_rows(report) -> list:
    return [
        (sheet.kind, row.number, row.label, row.action, row.problems, row.changes)
        for sheet in report.sheets
        for row in sheet.rows
    ]


def clear(plan) -> None:
    """Remove the plan's values and statuses and their history, for the second import."""
    values = Measurement.objects.filter(indicator__goal__plan=plan)
    statuses = ActivityStatus.objects.filter(activity__goal__plan=plan)
    ids = list(values.values_list("pk", flat=True)), list(statuses.values_list("pk", flat=True))
    values.delete()
    statuses.delete()
    Measurement.history.filter(id__in=ids[0]).delete()
    ActivityStatus.history.filter(id__in=ids[1]).delete()


def test_batches_write_what_rows_one_by_one_write(
    demo_plan, empty_plan, demo_planner, row_by_row, small_batches
):
    """The demo plan's 16 statuses and 11 values into an empty plan: the same objects and
    the same creation records (type, person, reason, every field) either way."""
    content = plan_export_xlsx(plan=demo_plan)
    batched = run(empty_plan, content, actor=demo_planner)
    assert batched.applied, batched.problems()
    assert (batched.count("new"), len(written(empty_plan))) == (6 + 8 + 12 + 23 + 16 + 11, 27)
    in_batches = written(empty_plan)
    clear(empty_plan)
    with row_by_row():
        one_by_one = run(empty_plan, content, actor=demo_planner)
    assert one_by_one.applied
    assert written(empty_plan) == in_batches
    assert report_rows(batched)[-27:] == report_rows(one_by_one)[-27:]
    records = [record for _fields, history in in_batches.values() for record in history]
    assert {(r["type"], r["user"], r["version"]) for r in records} == {("+", demo_planner.pk, 1)}


def test_creation_records_are_dated_when_their_row_was_read(
    plan, indicator, periods, planner, small_batches
):
    """Each creation record is dated when its row was validated, after the row's stamp (who
    entered it, when) and before the import ended, rows in the file's order."""
    rows = [
        [1, "HME-index", period, "", gender, 70, ""]
        for period in ("T1 2023", "T2 2023")
        for gender in ("Totalt", "Kvinnor", "Män")
    ]
    started = timezone.now()
    assert run(plan, xlsx(MEASURED, rows={"Mätvärden": rows}), actor=planner).applied
    ended = timezone.now()
    dates = []
    for value in Measurement.objects.order_by("pk"):
        (record,) = value.history.all()
        assert started <= value.entered_at <= record.history_date <= ended
        assert record.history_user == planner == value.entered_by
        dates.append(record.history_date)
    assert dates == sorted(dates)


def changed_values(demo_plan) -> bytes:
    """The demo plan's export with two values of T2 (the period open) changed and one added."""
    workbook = load_workbook(io.BytesIO(plan_export_xlsx(plan=demo_plan)))
    sheet = workbook["Mätvärden"]
    changes = {"Total sjukfrånvaro": 6.2, "Väntetid försörjningsstöd": 9}
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == "Tertial 2 2023" and row[1].value in changes:
            row[5].value = changes[row[1].value]
    sheet.append([2, "Total sjukfrånvaro", "Tertial 2 2023", "", "Kvinnor", 5, "", ""])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_changes_raise_versions_as_before(demo_plan, demo_planner, row_by_row, small_batches):
    """Changed values beside a new one: versions raised by one, "~" records by the importer,
    and the versions the preview hands to the confirmation, the same either way."""
    content = changed_values(demo_plan)
    before = written(demo_plan)
    with row_by_row():
        one_by_one_preview = run(demo_plan, content, actor=demo_planner, apply=False)
    preview = run(demo_plan, content, actor=demo_planner, apply=False)
    assert written(demo_plan) == before
    assert preview.versions == one_by_one_preview.versions
    assert report_rows(preview) == report_rows(one_by_one_preview)
    assert (preview.count("new"), preview.count("update")) == (1, 2)

    report = run(demo_plan, content, actor=demo_planner, expected_versions=preview.versions)
    assert report.applied, report.problems()
    after = written(demo_plan)
    changed = {key: value for key, value in after.items() if before.get(key) != value}
    assert len(changed) == 3
    for key, (fields, history) in changed.items():
        if key in before:
            assert fields["version"] == before[key][0]["version"] + 1
            assert history[:-1] == before[key][1]
            assert (history[-1]["type"], history[-1]["user"]) == ("~", demo_planner.pk)
        else:
            assert (fields["version"], fields["value"], fields["gender"]) == (1, D("5"), "K")
            assert [(r["type"], r["user"]) for r in history] == [("+", demo_planner.pk)]


@pytest.fixture
def stored_unseen(measured, monkeypatch):
    """A value stored that the import's lookups do not see: as if someone saved it after the
    import looked (the database's unique key then refuses the import's insert)."""

    def measurements(self):
        rows = Measurement.objects.filter(indicator__goal__plan=self.plan).exclude(pk=measured.pk)
        return {(m.indicator_id, m.period_id, m.unit_id, m.gender): m for m in rows}

    hidden = cached_property(measurements)
    hidden.__set_name__(Lookups, "measurements")
    monkeypatch.setattr(Lookups, "measurements", hidden)
    return measured


def five_values(periods) -> bytes:
    """Five new values of HME index; the fourth (row 5 of the sheet) is `stored_unseen`'s."""
    rows = [
        [1, "HME-index", "T2 2023", "", "Totalt", 71, ""],
        [1, "HME-index", "T3 2023", "", "Totalt", 72, ""],
        [1, "HME-index", "T1 2023", "", "Kvinnor", 73, ""],
        [1, "HME-index", "T1 2023", "", "Totalt", 74, ""],
        [1, "HME-index", "T1 2023", "", "Män", 75, ""],
    ]
    return xlsx(MEASURED, rows={"Mätvärden": rows})


@pytest.mark.parametrize("batch_size", [1000, 2])
def test_a_row_the_database_refuses_is_named_and_nothing_is_saved(
    stored_unseen, plan, periods, planner, row_by_row, monkeypatch, batch_size, english
):
    monkeypatch.setattr(MeasurementResource, "batch_size", batch_size)
    content = five_values(periods)
    before = snapshot()
    with row_by_row():
        one_by_one = run(plan, content, actor=planner)
    assert snapshot() == before

    report = run(plan, content, actor=planner)

    assert not report.applied
    assert snapshot() == before
    stored_unseen.refresh_from_db()
    assert (stored_unseen.value, stored_unseen.version) == (D("72"), 1)
    ((number, column, message),) = problems(report)
    assert (number, column) == (5, "")
    assert message.startswith("The row could not be saved (")
    assert problems(report) == problems(one_by_one)
    assert report_rows(report) == report_rows(one_by_one)
    assert [row.action for row in report.sheets[0].rows] == ["new", "new", "new", "error", "new"]


def test_a_preview_with_a_refused_row_keeps_its_report(stored_unseen, plan, periods, planner):
    """The preview of the same file says the same (and keeps nothing either)."""
    before = snapshot()
    report = run(plan, five_values(periods), actor=planner, apply=False)
    assert not report.ok and snapshot() == before
    assert [row.number for row in report.sheets[0].with_problems] == [5]


def test_a_row_repeating_a_row_in_the_batch_is_a_problem(
    plan, indicator, periods, planner, row_by_row, english
):
    """A row with the key of a row added earlier in the file finds it (inserted first), and
    is refused as a repeated row, as when rows are saved one by one."""
    rows = [
        [1, "HME-index", "T1 2023", "", "Totalt", 71, ""],
        [1, "HME-index", "T2 2023", "", "Totalt", 72, ""],
        [1, "HME-index", "T1 2023", "", "", 73, ""],
    ]
    content = xlsx(MEASURED, rows={"Mätvärden": rows})
    before = snapshot()
    with row_by_row():
        one_by_one = run(plan, content, actor=planner, apply=False)
    preview = run(plan, content, actor=planner, apply=False)
    assert report_rows(preview) == report_rows(one_by_one)
    # The repeated row met the first one's value stored: its version is noted, as before.
    assert list(preview.versions["measurements"].values()) == [1]
    assert list(one_by_one.versions["measurements"].values()) == [1]
    assert problems(preview)[0][:2] == (4, "Kön")
    assert "as row 2" in problems(preview)[0][2]
    assert snapshot() == before


def test_values_are_inserted_per_batch_not_per_row(plan, indicator, periods, planner, monkeypatch):
    """Nine new values in batches of four: three inserts of values and three of their
    history records, no savepoint and no statement per row."""
    monkeypatch.setattr(MeasurementResource, "batch_size", 4)
    rows = [
        [1, "HME-index", period, "", gender, 70, ""]
        for period in ("T1 2023", "T2 2023", "T3 2023")
        for gender in ("Totalt", "Kvinnor", "Män")
    ]
    content = xlsx(MEASURED, rows={"Mätvärden": rows})
    with CaptureQueriesContext(connection) as captured:
        report = run(plan, content, actor=planner)
    assert report.applied and Measurement.objects.count() == 9
    statements = [query["sql"] for query in captured.captured_queries]
    inserts = [sql for sql in statements if sql.startswith("INSERT")]
    assert [sql.split('"')[1] for sql in inserts] == [
        "indicators_measurement",
        "indicators_historicalmeasurement",
    ] * 3
    savepoints = [sql for sql in statements if sql.startswith("SAVEPOINT")]
    # The import's and the sheet's, and one per batch.
    assert len(savepoints) <= 2 + 3
    assert {record.history_type for record in Measurement.history.all()} == {"+"}
    assert {record.history_user for record in Measurement.history.all()} == {planner}


def test_a_value_that_fails_validation_is_not_inserted(plan, indicator, periods, planner, english):
    """A row whose checks fail (a value of a closed period) is reported and never queued."""
    period = periods[2]
    period.is_open = False
    period.save()
    rows = [
        [1, "HME-index", "T1 2023", "", "Totalt", 71, ""],
        [1, "HME-index", "T3 2023", "", "Totalt", 72, ""],
    ]
    before = snapshot()
    report = run(plan, xlsx(MEASURED, rows={"Mätvärden": rows}), actor=planner)
    assert not report.applied and snapshot() == before
    assert [(number, column) for number, column, _m in problems(report)] == [(3, "Period")]


def test_records_written_by_the_reporting_page_meanwhile_still_conflict(
    measured, plan, periods, planner, english
):
    """An unchanged check of the versions: a value changed after the preview stops a batched
    import as it stopped a row-by-row one."""
    content = xlsx(
        MEASURED,
        rows={
            "Mätvärden": [
                [1, "HME-index", "T1 2023", "", "", 80, "Ny"],
                [1, "HME-index", "T2 2023", "", "", 81, ""],
            ]
        },
    )
    preview = run(plan, content, actor=planner, apply=False)
    assert preview.ok
    measurement_record(indicator=measured.indicator, period=periods[0], value=D("75"), actor=None)
    report = run(plan, content, actor=planner, expected_versions=preview.versions)
    assert not report.applied
    assert "after the preview" in problems(report)[0][2]
    assert Measurement.objects.count() == 1
