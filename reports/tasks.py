"""Background tasks (Django's tasks framework; `manage.py db_worker` runs them).

`generate_report` renders a `ReportJob`: it assembles every plan's report (the first 30 % of
the progress bar), lays the document out (up to 88 %, followed page by page through
WeasyPrint's progress log) and writes the PDF. One plan's report has that plan's cover; several
plans' have the organisation's, and a chapter per plan: those are rendered a plan at a time and
merged (`reports.pdf_organisation`), so that the worker's memory is that of the largest
plan, and the progress moves, to a tenth of a percent, with every step of every chapter's
rendering and every page laid out and painted (30 % to 97 %, by the pages estimated; the job
also counts the pages laid out).

A task whose worker died is run again by another worker (`core.worker`), up to
`TASK_MAX_ATTEMPTS` tries: the job then starts over. After the last try the task is marked
failed, and `reports.jobs.report_jobs_reconcile` fails the job with the reason.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.tasks import TaskContext, task
from django.utils import translation

from reports import jobs
from reports.models import ReportJob
from reports.pdf import estimate_pages, html_to_pdf, rendering_steps, report_html
from reports.pdf_organisation import organisation_pdf
from reports.reminders import reminders_send
from reports.selectors import follow_up_report

logger = logging.getLogger(__name__)

ASSEMBLED, LAID_OUT, WRITTEN = 30, 88, 97


@contextmanager
def layout_progress(report_progress: Callable[[int], None], expected_pages: int) -> Iterator[None]:
    """Follow WeasyPrint's progress while rendering (its pages laid out of those expected, then
    the PDF made and written), without echoing it to the log."""
    laid_out = 0

    def on_step(step: str, number: int) -> None:
        nonlocal laid_out
        if step == "page":
            laid_out = max(laid_out, number)
            share = min(laid_out / max(expected_pages, 1), 0.98)
            report_progress(ASSEMBLED + round((LAID_OUT - ASSEMBLED) * share))
        elif step == "laid out":
            report_progress(LAID_OUT)
        elif step == "painted":
            report_progress(WRITTEN)

    with rendering_steps(on_step):
        yield


def render_job(job: ReportJob) -> None:
    """Assemble, lay out and write the job's report, recording progress on the way."""

    def progress(value: float, pages: int | None = None) -> None:
        jobs.report_job_progress(job=job, progress=value, pages=pages)

    plans = list(job.plans.select_related("organisation", "owner_unit").order_by("name", "pk"))
    reports = []
    for index, plan in enumerate(plans, start=1):
        reports.append(follow_up_report(plan, job.period))
        progress(round(ASSEMBLED * index / len(plans)))
    if len(reports) > 1:
        rendered = organisation_pdf(
            reports,
            title=job.title,
            progress=lambda share: progress(ASSEMBLED + (WRITTEN - ASSEMBLED) * share),
            pages=lambda laid_out: progress(0, pages=laid_out),
        )
    else:
        html = report_html(reports, title=job.title)
        with layout_progress(progress, estimate_pages(reports)):
            rendered = html_to_pdf(html)
    jobs.report_job_finish(job=job, content=rendered.content, pages=rendered.pages)


@task(takes_context=True)
def generate_report(context: TaskContext, job_id: int) -> int:
    """Render a report job's PDF in the background; returns its number of pages.

    A failure is recorded on the job with its reason (so the person who asked sees why and can
    retry) and raised again, so that the task result is marked failed too.
    """
    job = ReportJob.objects.select_related("organisation", "period").get(pk=job_id)
    if job.status == ReportJob.Status.DONE:
        return job.pages or 0  # run again after its worker died, but the PDF was stored
    # The request that queued the task writes its id on the job once queued; a worker quick
    # enough to read the job before that saves it whole after it. So the worker writes the id
    # too, and neither write loses it.
    job.task_id = str(context.task_result.id)[:64]
    with translation.override(job.language):
        jobs.report_job_start(job=job)
        try:
            render_job(job)
        except Exception as error:
            jobs.report_job_fail(job=job, error=error)
            raise
    return job.pages or 0


@task()
def send_reminders() -> int:
    """Send the reporting reminders due today (`reports.reminders`); returns how many."""
    run = reminders_send()
    logger.info(
        "Reminders: %s sent, %s sent before, %s failed", run.sent, run.already_sent, run.failed
    )
    return run.total
