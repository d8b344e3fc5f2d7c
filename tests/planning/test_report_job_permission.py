"""A defect: a background report job stayed downloadable after its requester's role was taken
away. A job is its requester's only while they may still read every plan in it."""

import pytest
from django.urls import reverse

from planning.models import Membership, Role
from planning.services import membership_grant, membership_remove
from reports.jobs import report_job_finish
from reports.services import report_job_request


@pytest.fixture
def finished_job(django_user_model, organisation, units, plan, periods):
    planner = django_user_model.objects.create_user("planerare", password="pw")
    membership_grant(
        user=planner, organisation=organisation, unit=units["operation"], role=Role.PLANNER,
        actor=None,
    )  # fmt: skip
    job = report_job_request(
        organisation=organisation, period=periods[0], plans=[plan], language="sv", actor=planner
    )
    report_job_finish(job=job, content=b"%PDF-1.7 made up", pages=1)
    return job, planner


def test_a_job_is_not_readable_after_the_requesters_role_is_removed(client, finished_job):
    job, planner = finished_job
    client.force_login(planner)
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200
    assert client.get(reverse("reports:job_pdf", args=[job.pk])).status_code == 200

    membership_remove(membership=Membership.objects.get(user=planner), actor=None)

    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_pdf", args=[job.pk])).status_code == 404


def test_a_job_of_a_plan_still_readable_through_another_role_stays_readable(
    client, finished_job, organisation, units
):
    job, planner = finished_job
    membership_grant(
        user=planner, organisation=organisation, unit=units["committee"],
        role=Role.COMMITTEE_MEMBER, actor=None,
    )  # fmt: skip
    membership_remove(
        membership=Membership.objects.get(user=planner, role=Role.PLANNER), actor=None
    )
    client.force_login(planner)
    assert client.get(reverse("reports:job_pdf", args=[job.pk])).status_code == 200
