"""The import and export page of a plan: who may do what, the upload, preview and confirmation,
and the pages in real Chromium (axe-clean, by keyboard)."""

import io
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from indicators.models import Measurement
from indicators.services import measurement_record
from planning.models import FollowUpPeriod, Role
from planning.services import membership_grant, period_set_open
from tests.browser import assert_no_axe_violations, new_page
from tests.reports import test_e2e_reporting as shared
from tests.reports.test_e2e_reporting import log_in
from transfer.models import ImportJob
from transfer.pending import pending_root as pending_dir
from transfer.tasks import run_import

MEASURED = ["Mål nr", "Indikator", "Period", "Enhet", "Kön", "Värde", "Kommentar"]
ENGLISH = {"accept-language": "en"}  # messages in the source language, whatever the catalogues
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

demo = shared.demo


def member(django_user_model, organisation, unit, role: str, username: str):
    user = django_user_model.objects.create_user(username, password="pw")
    membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=None)
    return user


@pytest.fixture
def planner(django_user_model, organisation, units):
    return member(django_user_model, organisation, units["operation"], Role.PLANNER, "planner")


@pytest.fixture
def committee_member(django_user_model, organisation, units):
    return member(
        django_user_model, organisation, units["committee"], Role.COMMITTEE_MEMBER, "ledamot"
    )


@pytest.fixture
def nobody(django_user_model, db):
    return django_user_model.objects.create_user("nobody", password="pw")


@pytest.fixture
def measured(indicator, periods):
    return measurement_record(indicator=indicator, period=periods[0], value=D("72"), actor=None)


def workbook(rows: list[list], *, title: str = "Mätvärden", headers=MEASURED) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def upload(content: bytes, name: str = "plan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def counts() -> dict[str, int]:
    """Rows of every table (a preview's uploaded files waiting for confirmation apart)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label != "transfer"
    }


def urls(plan) -> dict[str, str]:
    return {
        "page": reverse("transfer:plan_transfer", args=[plan.pk]),
        "xlsx": reverse("transfer:plan_export_xlsx", args=[plan.pk]),
        "csv": reverse("transfer:plan_export_csv", args=[plan.pk, "measurements"]),
        "zip": reverse("transfer:plan_export_zip", args=[plan.pk]),
        "import": reverse("transfer:plan_import", args=[plan.pk]),
        "confirm": reverse("transfer:plan_import_confirm", args=[plan.pk]),
        "cancel": reverse("transfer:plan_import_cancel", args=[plan.pk]),
    }


# --- Who may do what ------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, plan):
    for name, url in urls(plan).items():
        response = client.post(url) if name in ("import", "confirm", "cancel") else client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_a_user_without_a_role_gets_404_everywhere(client, plan, nobody):
    client.force_login(nobody)
    for name, url in urls(plan).items():
        if name in ("import", "confirm", "cancel"):
            response = client.post(url, {"files": upload(workbook([]))})
        else:
            response = client.get(url)
        assert response.status_code == 404, name


def test_committee_member_may_export_but_not_import(client, plan, measured, committee_member):
    client.force_login(committee_member)
    page = client.get(urls(plan)["page"])
    assert page.status_code == 200
    assert "Preview the import" not in page.text and 'type="file"' not in page.text
    response = client.get(urls(plan)["xlsx"])
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert (
        response["Content-Disposition"] == 'attachment; filename="verksamhetsplan-omsorg-2023.xlsx"'
    )
    assert load_workbook(io.BytesIO(response.content))["Mätvärden"]["F2"].value == 72
    before = counts()
    content = workbook([[1, "HME-index", "T1 2023", "", "", 99, ""]])
    assert client.post(urls(plan)["import"], {"files": upload(content)}).status_code == 404
    assert client.post(urls(plan)["confirm"], {"token": "x" * 32}).status_code == 404
    assert counts() == before


def test_import_is_post_only_and_csrf_protected(plan, planner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    assert client.get(urls(plan)["import"]).status_code == 405
    assert client.get(urls(plan)["confirm"]).status_code == 405
    content = workbook([[1, "HME-index", "T1 2023", "", "", 99, ""]])
    assert client.post(urls(plan)["import"], {"files": upload(content)}).status_code == 403


def test_csv_of_an_unknown_kind_is_404(client, plan, planner):
    client.force_login(planner)
    url = reverse("transfer:plan_export_csv", args=[plan.pk, "users"])
    assert client.get(url).status_code == 404


def test_csv_download_is_named_by_its_kind(client, plan, measured, planner):
    client.force_login(planner)
    response = client.get(urls(plan)["csv"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "M%C3%A4tv%C3%A4rden.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "1;HME-index;Tertial 1 2023;;Totalt;72;;;"


# --- Upload, preview, confirm ---------------------------------------------------------------------


def test_planner_previews_then_confirms(client, plan, measured, planner):
    client.force_login(planner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(urls(plan)["page"])
    assert 'enctype="multipart/form-data"' in page.text and 'accept=".xlsx,.csv,.zip"' in page.text
    content = workbook(
        [
            [1, "HME-index", "T1 2023", "", "Totalt", "74,5", "Ny enkät"],
            [1, "HME-index", "T2 2023", "", "Totalt", 81, ""],
        ]
    )
    before = counts()

    preview = client.post(urls(plan)["import"], {"files": upload(content)})

    assert preview.status_code == 200
    assert counts() == before
    html = preview.text
    assert "Preview of the import" in html
    assert "1 · HME-index · T2 2023 · Totalt" in html  # created
    assert "<del>72</del>" in html and "<ins>74.5</ins>" in html  # changed (English page)
    token = preview.context["token"]
    assert token and f'value="{token}"' in html

    response = client.post(urls(plan)["confirm"], {"token": token})

    assert response.status_code == 302
    assert response["Location"] == urls(plan)["page"]
    values = dict(Measurement.objects.values_list("period__kind", "value"))
    assert values == {"T1": D("74.5"), "T2": D("81")}
    message = client.get(urls(plan)["page"], headers=ENGLISH).text
    assert "Rows created: 1, changed: 1, left as they were: 0." in message
    # The token was used up: confirming again imports nothing.
    again = client.post(urls(plan)["confirm"], {"token": token}, follow=True)
    assert "The preview has expired" in again.text
    assert not (pending_dir() / token).exists()


def test_the_confirmation_reads_the_kept_file_not_the_browser(client, plan, measured, planner):
    client.force_login(planner)
    content = workbook([[1, "HME-index", "T1 2023", "", "", 75, ""]])
    token = client.post(urls(plan)["import"], {"files": upload(content)}).context["token"]
    other = workbook([[1, "HME-index", "T1 2023", "", "", 10, ""]])
    client.post(urls(plan)["confirm"], {"token": token, "files": upload(other)})
    assert Measurement.objects.get().value == D("75")


def test_another_user_cannot_use_the_token(
    client, plan, measured, planner, django_user_model, organisation, units
):
    client.force_login(planner)
    content = workbook([[1, "HME-index", "T1 2023", "", "", 75, ""]])
    token = client.post(urls(plan)["import"], {"files": upload(content)}).context["token"]
    colleague = member(django_user_model, organisation, units["operation"], Role.PLANNER, "kollega")
    other = Client(headers=ENGLISH)
    other.force_login(colleague)
    # Another planner of the same plan gets a 404 for every use of the token.
    assert other.post(urls(plan)["confirm"], {"token": token}).status_code == 404
    assert other.post(urls(plan)["cancel"], {"token": token}).status_code == 404
    job_url = reverse("transfer:plan_import_job", args=[plan.pk, token])
    assert other.get(job_url).status_code == 404
    assert Measurement.objects.get().value == D("72")
    # The uploader's files are still there: they can confirm.
    assert (pending_dir() / token).is_dir()
    assert client.post(urls(plan)["confirm"], {"token": token}).status_code == 302
    assert Measurement.objects.get().value == D("75")


def test_cancel_forgets_the_file(client, plan, measured, planner):
    client.force_login(planner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    content = workbook([[1, "HME-index", "T1 2023", "", "", 75, ""]])
    token = client.post(urls(plan)["import"], {"files": upload(content)}).context["token"]
    assert (pending_dir() / token).is_dir()
    response = client.post(urls(plan)["cancel"], {"token": token}, follow=True)
    assert "Nothing was imported." in response.text
    assert not (pending_dir() / token).exists()
    assert Measurement.objects.get().value == D("72")


def test_a_preview_with_problems_offers_no_confirmation(client, plan, measured, planner, english):
    client.force_login(planner)
    content = workbook([[1, "HME-index", "T4 2023", "", "", "sjuttio", ""]])
    response = client.post(urls(plan)["import"], {"files": upload(content)}, headers=ENGLISH)
    html = response.text
    assert "Nothing was imported" in html
    assert "There are 2 problems to fix in the file." in html
    assert '<th scope="col">Column</th>' in html
    assert "“sjuttio” is not a number." in html
    assert "has no follow-up period T4 2023" in html
    assert "plan_import_confirm" not in html and 'name="token"' not in html
    assert Measurement.objects.get().value == D("72")


def test_a_50_megabyte_file_is_refused_by_its_size(
    client, plan, measured, planner, english, monkeypatch
):
    def never(**kwargs):
        raise AssertionError("a file too large must not be read")

    monkeypatch.setattr("transfer.services.read_files", never)
    client.force_login(planner)
    before = counts()
    big = SimpleUploadedFile("stor.xlsx", b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024))
    response = client.post(urls(plan)["import"], {"files": big}, headers=ENGLISH)
    assert response.status_code == 200
    assert "The file “stor.xlsx” is 50.0 MB; at most 10 MB can be imported." in response.text
    assert counts() == before


def test_formulas_are_refused_with_a_message(client, plan, measured, planner, english):
    client.force_login(planner)
    content = workbook([[1, "HME-index", "T1 2023", "", "", "=70+5", ""]])
    response = client.post(urls(plan)["import"], {"files": upload(content)}, headers=ENGLISH)
    assert "The sheet “Mätvärden” has formulas in F2." in response.text
    assert Measurement.objects.get().value == D("72")


def test_an_empty_upload_is_explained(client, plan, measured, planner, english):
    client.force_login(planner)
    response = client.post(
        urls(plan)["import"], {"files": upload(b"", "tom.xlsx")}, headers=ENGLISH
    )
    assert "The file “tom.xlsx” is empty." in response.text


def test_export_queries_do_not_grow_with_rows(
    client,
    plan,
    indicator,
    periods,
    planner,
    django_assert_num_queries,
    settings,
):
    settings.ASSEMBLED_CACHE_SECONDS = 0  # every part assembled every time, counted
    client.force_login(planner)
    measurement_record(indicator=indicator, period=periods[0], value=D("1"), actor=None)
    # The sheets' queries (a sub-goals sheet, the activities' numbers), the page's own and the
    # rows counted (one query: few enough to make the file while the request waits).
    with django_assert_num_queries(12) as one:
        client.get(urls(plan)["xlsx"])
    for period in periods[1:]:
        for gender in ("T", "K", "M"):
            measurement_record(
                indicator=indicator, period=period, gender=gender, value=D("2"), actor=None
            )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(urls(plan)["xlsx"])
    assert load_workbook(io.BytesIO(response.content))["Mätvärden"].max_row == 1 + 1 + 6


# --- In a real browser ----------------------------------------------------------------------------


def test_planner_imports_by_keyboard_on_axe_clean_pages(browser, live_server, demo, tmp_path):
    from planning.models import Plan

    plan = Plan.objects.get(name="Verksamhetsplan Omsorg 2023")
    open_year_end(plan)
    page = new_page(browser)
    log_in(page, live_server, "planerare")
    page.goto(f"{live_server.url}{reverse('transfer:plan_transfer', args=[plan.pk])}")
    assert_no_axe_violations(page)

    file = tmp_path / "varden.xlsx"
    file.write_bytes(workbook([[2, "Total sjukfrånvaro", "T3 2023", "", "Totalt", "5,9", "Bra"]]))
    page.locator("input[type=file]").set_input_files(str(file))
    page.locator("input[type=file]").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Preview the import"
    page.wait_for_selector("table.transfer-summary")
    assert_no_axe_violations(page)
    expect(page.locator("main")).to_contain_text("2 · Total sjukfrånvaro · T3 2023 · Totalt")

    page.locator("form[action$='/import/confirm/'] button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('transfer:plan_transfer', args=[plan.pk])}")
    expect(page.locator("#messages")).to_contain_text("1")
    assert Measurement.objects.filter(period__kind="T3").get().value == D("5.9")


def test_the_preview_lists_rows_left_as_they_are(client, plan, measured, planner):
    client.force_login(planner)
    content = workbook([[1, "HME-index", "T1 2023", "", "Totalt", 72, ""]])
    response = client.post(urls(plan)["import"], {"files": upload(content)}, headers=ENGLISH)
    html = response.text
    assert "Nothing to import: every row is already as in Styrkort." in html
    assert "1 row left as it is" in html and "Row 2: 1 · HME-index · T1 2023 · Totalt" in html
    assert 'name="token"' not in html


def test_an_upload_without_files_asks_for_one(client, plan, planner):
    client.force_login(planner)
    response = client.post(urls(plan)["import"], {}, headers=ENGLISH)
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Preview of the import" not in response.text


def open_year_end(plan) -> None:
    """Open the demo's T3 2023 for reporting (the demo reports T2)."""
    t3 = FollowUpPeriod.objects.get(organisation=plan.organisation, year=2023, kind="T3")
    period_set_open(period=t3, is_open=True, actor=None)


def test_a_background_import_shows_its_progress_then_its_preview(
    browser, live_server, demo, tmp_path, settings
):
    from planning.models import Plan

    settings.IMPORT_BACKGROUND_ROWS = 0  # every import in the background
    plan = Plan.objects.get(name="Verksamhetsplan Omsorg 2023")
    open_year_end(plan)
    page = new_page(browser)
    log_in(page, live_server, "planerare")
    page.goto(f"{live_server.url}{reverse('transfer:plan_transfer', args=[plan.pk])}")
    file = tmp_path / "varden.xlsx"
    file.write_bytes(workbook([[2, "Total sjukfrånvaro", "T3 2023", "", "Totalt", "5,9", "Bra"]]))
    page.locator("input[type=file]").set_input_files(str(file))
    page.locator("input[type=file]").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Preview the import": handed to the worker

    page.wait_for_selector("progress#import-progress-bar")
    assert_no_axe_violations(page)
    job = ImportJob.objects.get()
    assert job.status == "queued"
    run_import.call(job.pk)  # as the worker runs it
    # The page polls its progress and reloads itself when the preview is ready.
    page.wait_for_selector("table.transfer-summary", timeout=10_000)
    assert_no_axe_violations(page)
    expect(page.locator("main")).to_contain_text("2 · Total sjukfrånvaro · T3 2023 · Totalt")

    page.locator("form[action$='/import/confirm/'] button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("progress#import-progress-bar")
    run_import.call(job.pk)
    page.wait_for_selector(".ds-alert[data-color=success]", timeout=10_000)
    assert_no_axe_violations(page)
    assert Measurement.objects.filter(period__kind="T3").get().value == D("5.9")
