"""The admin of published reports and report generations: shown, never changed."""

import datetime

import pytest
from django.contrib import admin

from reports.models import PublishedReport, ReportJob
from reports.services import report_job_request, report_publish
from tests.planning.test_admin import admin_url


@pytest.fixture
def published(followed_up, periods, admin_user):
    return report_publish(
        plan=followed_up,
        period=periods[0],
        decided_by="Kommunstyrelsen",
        decision_date=datetime.date(2023, 5, 30),
        actor=admin_user,
    )


@pytest.fixture
def job(followed_up, periods, admin_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return report_job_request(
        organisation=followed_up.organisation,
        period=periods[0],
        plans=[followed_up],
        language="sv",
        actor=admin_user,
    )


@pytest.mark.parametrize("model", [PublishedReport, ReportJob], ids=lambda m: m.__name__)
def test_admin_is_read_only(admin_client, published, job, model):
    obj = {PublishedReport: published, ReportJob: job}[model]
    assert admin.site.is_registered(model)
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    page = admin_client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert b'type="submit" value="Save"' not in page.content
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    response = admin_client.post(admin_url(model, "change", obj.pk), {"title": "Ändrad"})
    assert response.status_code == 403


def test_published_report_admin_links_the_pdf_and_shows_history(admin_client, published):
    page = admin_client.get(admin_url(PublishedReport, "change", published.pk)).text
    assert f"/reports/published/{published.pk}/pdf/" in page
    assert published.sha256 in page
    assert admin_client.get(admin_url(PublishedReport, "history", published.pk)).status_code == 200
