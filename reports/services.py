"""Writes for reports: publishing a decided report, and the background generation jobs.

A published report is written once and never changed: there is no update service. The jobs'
steps (start, progress, finish, fail) are written by the task in `reports.tasks`, each in its
own short transaction so that the browser sees the progress while the worker renders.
"""

import json
from dataclasses import asdict
from functools import partial

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.versioning import Actor, save_validated
from planning.models import FollowUpPeriod, Organisation, Plan
from reports.models import PublishedReport, ReportJob, sha256_of
from reports.pdf import report_pdf
from reports.selectors import (
    Report,
    ReportDecision,
    follow_up_report,
    period_label,
    report_title,
)
from reports.selectors.display import decision_text
from reports.tasks import generate_report

SNAPSHOT_FORMAT = 1


def report_snapshot(report: Report) -> dict:
    """The report's data as plain JSON values (numbers as exact decimal strings)."""
    data = json.loads(json.dumps(asdict(report), cls=DjangoJSONEncoder))
    return {"format": SNAPSHOT_FORMAT, "report": data}


def _actor_name(actor: Actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.get_full_name() or actor.get_username()


@transaction.atomic
def report_publish(
    *,
    plan: Plan,
    period: FollowUpPeriod,
    decided_by: str,
    decision_date,
    decision_paragraph: str = "",
    registration_number: str = "",
    actor: Actor,
) -> PublishedReport:
    """Freeze a plan's report for a period as the committee decided it: PDF, data, decision.

    Renders the report as it stands now, with the decision on its cover, and stores the PDF's
    bytes, their SHA-256 and the data behind them. Later edits to the plan change nothing in
    it. A period's report is published once; ValidationError if it already is.
    """
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one publisher at a time
    if PublishedReport.objects.filter(plan=plan, period=period).exists():
        raise ValidationError(
            _("The report for %(period)s is already published.") % {"period": period}
        )
    if period.starts_on > decision_date:
        raise ValidationError(
            {"decision_date": _("The report cannot be decided before its period starts.")}
        )
    decision = ReportDecision(
        decided_by, decision_text(decision_date, decision_paragraph), registration_number
    )
    report = follow_up_report(plan, period, decision=decision)
    rendered = report_pdf(report)
    published = PublishedReport(
        plan=plan,
        period=period,
        title=report.title,
        language=report.language,
        decided_by=decided_by,
        decision_date=decision_date,
        decision_paragraph=decision_paragraph,
        registration_number=registration_number,
        pdf=rendered.content,
        sha256=sha256_of(rendered.content),
        snapshot=report_snapshot(report),
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
        published_by_name=_actor_name(actor),
        published_at=timezone.now(),
    )
    return save_validated(published, actor=actor)


# --- Background generation ------------------------------------------------------------------------


def _enqueue(job_pk: int) -> None:

    result = generate_report.enqueue(job_pk)
    ReportJob.objects.filter(pk=job_pk).update(task_id=str(result.id)[:64])


def job_title(organisation: Organisation, period: FollowUpPeriod, plans: list[Plan]) -> str:
    """One plan's report title, or the organisation's report title for several plans."""
    if len(plans) == 1:
        return report_title(plans[0].name, period)
    if period.is_year_end:
        return _("Year-end report %(year)s: %(organisation)s") % {
            "year": period.year,
            "organisation": organisation.name,
        }
    return _("Follow-up report %(period)s: %(organisation)s") % {
        "period": period_label(period),
        "organisation": organisation.name,
    }


@transaction.atomic
def report_job_request(
    *,
    organisation: Organisation,
    period: FollowUpPeriod,
    plans: list[Plan],
    language: str,
    actor: Actor,
) -> ReportJob:
    """Ask the background worker for a report covering `plans`: an organisation's whole report,
    or one plan's report that is too large to render in a request.

    The job is queued when the transaction commits; `manage.py db_worker` renders it. The title
    is written in `language`.
    """
    if not plans:
        raise ValidationError(_("There is no plan to report on for this period."))
    with translation.override(language):
        title = job_title(organisation, period, plans)
    job = save_validated(
        ReportJob(
            organisation=organisation,
            period=period,
            title=title,
            language=language,
            requested_by=actor,
            requested_at=timezone.now(),
        ),
        actor=actor,
    )
    job.plans.set(plans)
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


@transaction.atomic
def report_job_retry(*, job: ReportJob, actor: Actor) -> ReportJob:
    """Queue a failed job again; ValidationError for a job that has not failed."""
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ReportJob.Status.FAILED:
        raise ValidationError(_("Only a failed generation can be retried."))
    job.status, job.progress, job.error = ReportJob.Status.QUEUED, 0, ""
    job.started_at = job.finished_at = None
    job.task_id = ""  # the failed task's until the new one is queued (reports.jobs reconciles)
    save_validated(job, actor=actor)
    transaction.on_commit(partial(_enqueue, job.pk))
    return job
