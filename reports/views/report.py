"""Report pages: the follow-up report in HTML, PDF and Excel, analysis, ready marks, publishing,
published reports, and large reports generated in the background.

Reading a report needs the plan to be visible to the user; writing the analysis and publishing
need `can_edit_plan`; marking a unit ready needs `can_report` on that unit. Anything else is a
404. Changes are POST-only and CSRF-protected.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.datastamp import kept
from core.versioning import EditConflict
from goals.models import Goal, GoalFollowUp
from goals.services import goal_follow_up_save
from planning.models import FollowUpPeriod, Plan, Unit
from planning.permissions import can_edit_plan, can_report, plan_or_404, require
from planning.selectors import Scope, plans_visible_to, scope_for
from planning.services import readiness_mark
from reports import excel
from reports.forms import GoalFollowUpForm, PublishForm, ReadinessForm
from reports.models import ReportJob, report_filename
from reports.pdf import is_large, report_pdf
from reports.selectors import (
    follow_up_report,
    goal_page,
    goal_page_key,
    jobs_of,
    kept_follow_up_report,
    organisation_plans_for,
    periods_for_plan,
    plan_readiness,
    published_for,
    published_reports_visible_to,
    report_language,
    report_sources,
    units_awaited,
)
from reports.services import report_job_request, report_job_retry, report_publish

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_and_period(request: HttpRequest, plan_id: int, period_id: int):
    """The user's scope, the plan (if visible) and one of its periods; 404 otherwise."""
    scope = scope_for(request.user)
    plan = plan_or_404(request.user, plan_id, scope)
    period = periods_for_plan(plan).filter(pk=period_id).first()
    if period is None:
        raise Http404
    return scope, plan, period


def _file(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Content-Length"] = str(len(content))
    return response


def _report_url(plan: Plan, period: FollowUpPeriod, anchor: str = "") -> str:
    url = reverse("reports:report", args=[plan.pk, period.pk])
    return f"{url}#{anchor}" if anchor else url


def _language(request: HttpRequest, plan: Plan) -> str:
    """The report's language: the organisation's, or the one asked for with ?lang=."""
    return report_language(plan, request.GET.get("lang"))


def _with_language(url: str, language: str) -> str:
    return f"{url}?{urlencode({'lang': language})}"


def _language_choices(request: HttpRequest, language: str) -> list[dict]:
    """Every language a report can be read in, each with the page's address in it."""
    choices = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        choices.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": _with_language(request.path, code),
                "current": code == language,
            }
        )
    return choices


@login_required
@require_GET
def report(request: HttpRequest, plan_id: int, period_id: int) -> HttpResponse:
    """The follow-up report in the browser, in the organisation's report language (or the one
    asked for), led by its PDF; the work on it (analysis, ready marks, publishing, Excel) is
    offered to those who do it."""
    scope, plan, period = _plan_and_period(request, plan_id, period_id)
    language = _language(request, plan)
    sources = report_sources(plan)
    with translation.override(language):
        data = kept_follow_up_report(plan, period, sources)
    can_edit = can_edit_plan(scope, plan)
    markable = _markable(scope, plan, units_awaited(data))
    # ?group=perspective: the goals under the organisation's perspectives (else by goal).
    by_perspective = request.GET.get("group") == "perspective"
    goal = request.GET.get("goal")
    context = {
        "report": data,
        "large": is_large(data),
        "plan": plan,
        "period": period,
        "periods": periods_for_plan(plan),
        "can_edit": can_edit,
        "can_mark_ready": bool(markable),
        "published": published_for(plan, period),
        "report_languages": _language_choices(request, language),
        "pdf_url": _with_language(reverse("reports:pdf", args=[plan.pk, period.pk]), language),
        "excel_url": _with_language(reverse("reports:excel", args=[plan.pk, period.pk]), language),
        "by_perspective": by_perspective,
        "language": language,
    }
    # The report itself, rendered as the report it shows is kept: alike for every reader but
    # for the links that write a goal's analysis (the planner's).
    key = (
        f"report-article:{plan.pk}:{period.pk}:{language}:{timezone.localdate().isoformat()}:"
        f"{by_perspective}:{goal_page_key(goal)}:{can_edit}"
    )
    context["article_html"] = kept(
        key, lambda: _article_html(context, goal), until=period.ends_on, plans=sources
    )
    return render(request, "reports/report.html", context)


def _article_html(context: dict, goal: str | None) -> str:
    """The report's own part of its page: every goal, or one page of them."""
    group = "perspective" if context["by_perspective"] else None
    # A long report a goal at a time (?goal=), its links keeping the language and grouping.
    pages = goal_page(context["report"], goal, {"lang": context["language"], "group": group})
    return render_to_string("reports/includes/report_article.html", {**context, "pages": pages})


@login_required
@require_GET
def report_pdf_view(request: HttpRequest, plan_id: int, period_id: int) -> HttpResponse:
    """The report as PDF, rendered in the request; a large one is made in the background."""
    _scope, plan, period = _plan_and_period(request, plan_id, period_id)
    with translation.override(_language(request, plan)):
        data = follow_up_report(plan, period)
        if is_large(data):
            messages.info(request, _("The report is large: generate its PDF in the background."))
            return redirect(_report_url(plan, period))
        rendered = report_pdf(data)
    filename = report_filename(plan.name, str(period)) + ".pdf"
    return _file(rendered.content, PDF, filename, inline=True)


@login_required
@require_POST
def report_pdf_job(request: HttpRequest, plan_id: int, period_id: int) -> HttpResponse:
    """Have the background worker make the report's PDF (for reports too large for a request)."""
    _scope, plan, period = _plan_and_period(request, plan_id, period_id)
    job = report_job_request(
        organisation=plan.organisation,
        period=period,
        plans=[plan],
        language=report_language(plan, request.POST.get("lang")),
        actor=request.user,
    )
    messages.success(request, _("The report is being generated."))
    return redirect("reports:job", job.pk)


@login_required
@require_GET
def report_excel(request: HttpRequest, plan_id: int, period_id: int) -> HttpResponse:
    """The report as an Excel workbook: ?layout=goals (a sheet per goal) or ?layout=flat."""
    _scope, plan, period = _plan_and_period(request, plan_id, period_id)
    layout = request.GET.get("layout", excel.PER_GOAL)
    if layout not in excel.LAYOUTS:
        raise Http404
    with translation.override(_language(request, plan)):
        content = excel.report_workbook(follow_up_report(plan, period), layout)
    filename = report_filename(plan.name, str(period), layout) + ".xlsx"
    return _file(content, XLSX, filename, inline=False)


def _save_analysis(request, form, goal: Goal, period: FollowUpPeriod) -> bool:
    """Save the form through the service; a message and False on a conflict or an error."""
    try:
        goal_follow_up_save(
            goal=goal,
            period=period,
            assessment=form.cleaned_data["assessment"],
            analysis=form.cleaned_data["analysis"],
            # Version 0: the writer saw no analysis; one written meanwhile is a conflict too.
            expected_version=form.cleaned_data["version"] or 0,
            actor=request.user,
        )
    except EditConflict:
        messages.error(
            request,
            _(
                "Someone else saved this analysis while you were writing. Their text is shown "
                "below yours: merge them and save again."
            ),
        )
        return False
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def analysis(request: HttpRequest, plan_id: int, period_id: int, goal_id: int) -> HttpResponse:
    """The planner writes a goal's analysis and sets its assessment for the period."""
    scope, plan, period = _plan_and_period(request, plan_id, period_id)
    require(can_edit_plan(scope, plan))
    goal = plan.goals.filter(pk=goal_id).first()
    if goal is None:
        raise Http404
    saved = GoalFollowUp.objects.filter(goal=goal, period=period).first()
    if request.method == "POST":
        form = GoalFollowUpForm(request.POST)
        if form.is_valid() and _save_analysis(request, form, goal, period):
            messages.success(
                request, _("The analysis of goal %(number)s is saved.") % {"number": goal.number}
            )
            return redirect(_report_url(plan, period, f"plan-{plan.pk}-goal-{goal.number}"))
        saved = GoalFollowUp.objects.filter(goal=goal, period=period).first()
        form = GoalFollowUpForm({**request.POST.dict(), "version": saved.version if saved else ""})
        form.is_valid()
    else:
        initial = {"assessment": "", "analysis": "", "version": None}
        if saved is not None:
            initial = {
                "assessment": saved.assessment,
                "analysis": saved.analysis,
                "version": saved.version,
            }
        form = GoalFollowUpForm(initial=initial)
    context = {"plan": plan, "period": period, "goal": goal, "form": form, "saved": saved}
    return render(request, "reports/analysis.html", context)


def _markable(scope: Scope, plan: Plan, units: Iterable[Unit]) -> set[int]:
    return {unit.pk for unit in units if can_report(scope, plan, unit)}


@login_required
@require_http_methods(["GET", "POST"])
def readiness(request: HttpRequest, plan_id: int, period_id: int) -> HttpResponse:
    """Which units have marked their part ready; each unit marks its own (POST)."""
    scope, plan, period = _plan_and_period(request, plan_id, period_id)
    rows = plan_readiness(plan, period)
    markable = _markable(scope, plan, (unit for unit, _row in rows))
    if request.method == "POST":
        form = ReadinessForm(request.POST)
        units = {unit.pk: unit for unit, _row in rows}
        if not form.is_valid() or form.cleaned_data["unit"] not in markable:
            raise Http404
        unit = units[form.cleaned_data["unit"]]
        ready = form.cleaned_data["ready"]
        readiness_mark(plan=plan, period=period, unit=unit, ready=ready, actor=request.user)
        if ready:
            messages.success(request, _("%(unit)s is marked ready.") % {"unit": unit.name})
        else:
            messages.success(
                request, _("The ready mark of %(unit)s is withdrawn.") % {"unit": unit.name}
            )
        return redirect("reports:readiness", plan.pk, period.pk)
    context = {
        "plan": plan,
        "period": period,
        "rows": [(row, row.pk in markable) for _unit, row in rows],
        "missing": [row for _unit, row in rows if not row.ready],
    }
    return render(request, "reports/readiness.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, plan_id: int, period_id: int) -> HttpResponse:
    """The planner publishes the report the committee decided: frozen from then on."""
    scope, plan, period = _plan_and_period(request, plan_id, period_id)
    require(can_edit_plan(scope, plan))
    published = published_for(plan, period)
    form = PublishForm(request.POST or None, initial={"decided_by": plan.decided_by})
    if request.method == "POST" and published is None and form.is_valid():
        try:
            # Published in the organisation's report language, whatever the planner reads in.
            with translation.override(report_language(plan)):
                published = report_publish(
                    plan=plan, period=period, actor=request.user, **form.cleaned_data
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report is published."))
            return redirect("reports:published")
    context = {
        "plan": plan,
        "period": period,
        "form": form,
        "published": published,
        "missing": [row for _unit, row in plan_readiness(plan, period) if not row.ready],
    }
    return render(request, "reports/publish.html", context)


@login_required
@require_GET
def published_list(request: HttpRequest) -> HttpResponse:
    """The published reports of the plans the user may read."""
    reports = published_reports_visible_to(request.user)
    return render(request, "reports/published_list.html", {"reports": reports})


def _published_or_404(request: HttpRequest, pk: int):
    found = published_reports_visible_to(request.user).filter(pk=pk).defer(None).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def published_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A published report's PDF, byte for byte as it was published."""
    published = _published_or_404(request, pk)
    response = _file(bytes(published.pdf), PDF, published.filename + ".pdf", inline=False)
    response["ETag"] = f'"{published.sha256}"'
    return response


@login_required
@require_GET
def published_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The data behind a published report, as it was published (JSON)."""
    published = _published_or_404(request, pk)
    response = JsonResponse(
        {
            "title": published.title,
            "decided_by": published.decided_by,
            "decision": published.decision_label,
            "registration_number": published.registration_number,
            "published_at": published.published_at,
            "pdf_sha256": published.sha256,
            **published.snapshot,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    filename = published.filename + ".json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def organisation_report(request: HttpRequest, organisation_id: int, period_id: int) -> HttpResponse:
    """A report of every plan of an organisation that the user may read, made in the background."""
    period = (
        FollowUpPeriod.objects.filter(pk=period_id, organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )
    plans = list(organisation_plans_for(request.user, organisation_id, period)) if period else []
    if not plans:
        raise Http404
    if request.method == "POST":
        job = report_job_request(
            organisation=period.organisation,
            period=period,
            plans=plans,
            language=period.organisation.report_language or get_language(),
            actor=request.user,
        )
        messages.success(request, _("The report is being generated."))
        return redirect("reports:job", job.pk)
    context = {
        "organisation": period.organisation,
        "period": period,
        "plans": plans,
        "jobs": jobs_of(request.user, organisation_id),
    }
    return render(request, "reports/organisation.html", context)


def _job_or_404(request: HttpRequest, pk: int, **extra) -> ReportJob:
    """The user's own job, while they may still read every plan in it: a job asked for before
    a role was taken away is not theirs to see or download any more."""
    job = jobs_of(request.user).filter(pk=pk, **extra).first()
    if job is None:
        raise Http404
    readable = plans_visible_to(request.user).values("pk")
    if job.plans.exclude(pk__in=readable).exists():
        raise Http404
    return job


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background generation: its progress bar (polled by htmx until it is finished)."""
    found = _job_or_404(request, pk)
    template = "reports/job.html#progress" if request.htmx else "reports/job.html"
    return render(request, template, {"job": found})


@login_required
@require_GET
def job_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished PDF of a background generation."""
    found = _job_or_404(request, pk, status=ReportJob.Status.DONE)
    content = ReportJob.objects.values_list("pdf", flat=True).get(pk=found.pk)
    return _file(bytes(content), PDF, found.filename + ".pdf", inline=False)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed generation again."""
    found = _job_or_404(request, pk, status=ReportJob.Status.FAILED)
    report_job_retry(job=found, actor=request.user)
    messages.success(request, _("The report is being generated again."))
    return redirect("reports:job", found.pk)
