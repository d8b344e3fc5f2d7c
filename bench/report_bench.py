"""Report benchmark: the HTML and PDF of a follow-up report against WeasyPrint's own time.

    .venv/bin/python bench/report_bench.py [--repeat 3] [--scale 10] [--period T2]

Builds a throwaway SQLite database in a temporary directory, loads the seed 002 demo and a
generated plan `--scale` times its size (every goal, indicator, activity, value, status and
analysis copied), then times, for each plan:

- HTML: the report page through Django (request, permissions, queries, templates, charts);
- PDF: the PDF view through Django (the same, then WeasyPrint); the generated plan is over the
  in-request limit, so the view would send it to the worker: the limit is lifted here;
- ours: assembling the report and its print HTML, the part of the PDF that is ours;
- WeasyPrint: `HTML(...).render().write_pdf()` alone on the very HTML and stylesheets the PDF
  view renders, with the same options (tagged PDF/UA-1).

PDF/WeasyPrint is our overhead over WeasyPrint as a ratio. Medians of `--repeat` interleaved
runs. Nothing here touches the project's own database.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(directory: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def scaled_copy(plan, scale: int):
    """A new plan with the demo plan's goals `scale` times over, follow-up data included."""
    from goals.models import ActivityStatus, GoalFollowUp
    from goals.services import activity_create, activity_status_set, goal_create
    from indicators.models import Measurement
    from indicators.services import indicator_create, measurement_record
    from planning.services import plan_create

    copy = plan_create(
        organisation=plan.organisation,
        owner_unit=plan.owner_unit,
        kind=plan.kind,
        name=f"{plan.name} ×{scale}",
        start_year=plan.start_year,
        end_year=plan.end_year,
        actor=None,
    )
    goals = list(plan.goals.order_by("number"))
    number = 0
    for round_ in range(scale):
        for goal in goals:
            number += 1
            new_goal = goal_create(
                plan=copy, number=number, title=f"{goal.title} ({round_ + 1})", actor=None
            )
            _copy_indicators(goal, new_goal, indicator_create, measurement_record, Measurement)
            _copy_activities(goal, new_goal, activity_create, activity_status_set, ActivityStatus)
            for follow_up in GoalFollowUp.objects.filter(goal=goal):
                GoalFollowUp.objects.create(
                    goal=new_goal,
                    period=follow_up.period,
                    assessment=follow_up.assessment,
                    analysis=follow_up.analysis,
                    updated_at=follow_up.updated_at,
                )
    return copy


INDICATOR_FIELDS = (
    "position", "scope", "subgoal", "definition", "unit", "unit_label", "decimals", "source",
    "frequency", "scale_max", "target_value", "target_text", "direction", "green_bound_inclusive",
    "red_bound", "red_bound_inclusive",
)  # fmt: skip


def _copy_indicators(goal, new_goal, indicator_create, measurement_record, measurement_model):
    for indicator in goal.indicators.all():
        fields = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
        new = indicator_create(
            goal=new_goal,
            name=indicator.name,
            green_bound=indicator.green_bound,
            actor=None,
            **fields,
        )
        for m in measurement_model.objects.filter(indicator=indicator, unit=None):
            measurement_record(
                indicator=new, period=m.period, value=m.value, comment=m.comment,
                source=m.source, actor=None,
            )  # fmt: skip


def _copy_activities(goal, new_goal, activity_create, activity_status_set, status_model):
    for activity in goal.activities.all():
        new = activity_create(
            goal=new_goal,
            title=activity.title,
            responsible_role=activity.responsible_role,
            ongoing=activity.ongoing,
            due_on=activity.due_on,
            due_precision=activity.due_precision,
            evaluated_months=activity.evaluated_months,
            actor=None,
        )
        for status in status_model.objects.filter(activity=activity):
            activity_status_set(
                activity=new, period=status.period, status=status.status,
                comment=status.comment, actor=None,
            )  # fmt: skip


def timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def measure(client, plan, period, repeat: int, keep: Path | None = None) -> dict:
    """Median times of the HTML page, the PDF view, our own part of the PDF (assembling the
    report and its print HTML) and WeasyPrint alone, run interleaved so that a busy machine
    slows them alike."""
    from django.urls import reverse
    from weasyprint import HTML

    from reports.pdf import PDF_OPTIONS, STATIC_BASE, StaticOnlyFetcher, report_html, stylesheets
    from reports.selectors import follow_up_report

    args = [plan.pk, period.pk]
    html_url, pdf_url = reverse("reports:report", args=args), reverse("reports:pdf", args=args)
    client.get(html_url)  # warm caches (templates, fonts) before timing

    def ours():
        report = follow_up_report(plan, period)
        return report, report_html([report], title=report.title)

    def weasyprint_alone(html: str):
        fetcher = StaticOnlyFetcher()
        document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).render(
            stylesheets=stylesheets(fetcher), **PDF_OPTIONS
        )
        return document, document.write_pdf(**PDF_OPTIONS)

    times: dict[str, list[float]] = {"html": [], "pdf": [], "ours": [], "weasyprint": []}
    for _ in range(repeat):
        seconds, response = timed(lambda: client.get(html_url))
        times["html"].append(seconds)
        seconds, response = timed(lambda: client.get(pdf_url))
        assert response.status_code == 200, response.status_code
        times["pdf"].append(seconds)
        seconds, (report, html) = timed(ours)
        times["ours"].append(seconds)
        seconds, (document, content) = timed(lambda html=html: weasyprint_alone(html))
        times["weasyprint"].append(seconds)
    if keep is not None:
        name = f"report-{plan.pk}-{period.kind}"
        (keep / f"{name}.html").write_text(html, encoding="utf-8")
        (keep / f"{name}.pdf").write_bytes(content)
    return {
        "plan": plan.name,
        "goals": len(report.goals),
        "indicators": report.indicator_count,
        "activities": report.activity_count,
        "pages": len(document.pages),
        **{key: statistics.median(values) for key, values in times.items()},
    }


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'plan':<32} {'goals':>5} {'ind.':>4} {'act.':>4} {'pages':>5} {'HTML s':>7} "
        f"{'PDF s':>7} {'ours s':>7} {'WeasyPrint s':>12} {'PDF/WeasyPrint':>14} {'s/page':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['plan'][:32]:<32} {row['goals']:>5} {row['indicators']:>4} "
            f"{row['activities']:>4} {row['pages']:>5} {row['html']:>7.3f} {row['pdf']:>7.3f} "
            f"{row['ours']:>7.3f} {row['weasyprint']:>12.3f} "
            f"{row['pdf'] / row['weasyprint']:>14.2f} {row['weasyprint'] / row['pages']:>6.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--scale", type=int, default=10, help="size of the generated plan")
    parser.add_argument("--period", default="T2", help="T1, T2 or T3 (year-end)")
    parser.add_argument("--keep", type=Path, help="write each report's HTML and PDF here")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        setup_django(directory)
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.utils import translation

        import reports.pdf
        from planning.models import FollowUpPeriod, Plan

        # Time the PDF view for the large plan too (it normally sends it to the worker).
        reports.pdf.IN_REQUEST_MAX_PAGES = 10_000
        translation.activate("sv")
        demo = Plan.objects.select_related("organisation", "owner_unit").get(
            name="Verksamhetsplan Omsorg 2023"
        )
        started = time.perf_counter()
        big = scaled_copy(demo, options.scale)
        print(f"Generated {big.name} in {time.perf_counter() - started:.1f} s.")
        period = FollowUpPeriod.objects.get(organisation=demo.organisation, kind=options.period)
        client = Client(HTTP_ACCEPT_LANGUAGE="sv")
        client.force_login(get_user_model().objects.get(username="admin"))
        if options.keep:
            options.keep.mkdir(parents=True, exist_ok=True)
        rows = [measure(client, plan, period, options.repeat, options.keep) for plan in (demo, big)]
        print(f"\nReport {period}, median of {options.repeat} runs:\n")
        print_table(rows)
        print(
            "\nHTML and PDF: whole requests through Django. ours: assembling the report and its"
            "\nprint HTML (queries, charts, templates). WeasyPrint: HTML(...).render().write_pdf()"
            "\nalone on that HTML with the same stylesheets and options (tagged PDF/UA-1)."
            "\nPDF/WeasyPrint is our overhead as a ratio; s/page is WeasyPrint's."
        )


if __name__ == "__main__":
    main()
