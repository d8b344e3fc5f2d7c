"""The rest of run_all.py: the background report, simulated users, exports, the table."""

import csv
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run_city import CSRF, HOST, ROOT, City, session_of
from run_pages import Page, Server, headers_for, request


def peak_memory(pid: int) -> dict:
    """The process's peak and current resident memory, in MiB (from /proc)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            found[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
    return {"peak_mib": found.get("VmHWM"), "resident_mib": found.get("VmRSS")}


def background_report(server: Server, environment: dict, session: str, url: str, log: Path,
                      timeout: float) -> dict:  # fmt: skip
    """Ask for a report through gunicorn, let a worker of its own render it; its time, pages
    and the worker's peak memory."""
    from reports.models import ReportJob

    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        time.sleep(3)  # started and idle: its memory before the job
        before = peak_memory(worker.pid)
        last = ReportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        started = time.perf_counter()
        status, _content, _seconds = request(
            server.port, "POST", url, headers_for(session, post=True), b""
        )
        if status != 302:
            raise SystemExit(f"asking for the report at {url} answered {status}")
        job = None
        deadline = time.monotonic() + timeout
        progress: list[tuple[float, float, int]] = []  # (seconds, percent, pages) at each change
        peak = 0.0
        while time.monotonic() < deadline:
            job = ReportJob.objects.filter(pk__gt=last).order_by("-pk").first()
            now = time.perf_counter() - started
            if job is not None and (
                not progress or progress[-1][1:] != (float(job.progress), job.pages or 0)
            ):
                progress.append((round(now, 1), float(job.progress), job.pages or 0))  # fmt: skip
            if job is not None and job.is_finished:
                break
            if worker.poll() is not None:
                raise SystemExit(f"The worker stopped:\n{log.read_text()[-3000:]}")
            peak = max(peak, peak_memory(worker.pid)["peak_mib"] or 0)
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        memory = peak_memory(worker.pid)
        if job is None or job.status != ReportJob.Status.DONE:
            return {"url": url, "status": job.status if job else "not queued",
                    "error": job.error if job else "", "seconds": round(seconds, 1)}  # fmt: skip
        return {
            "url": url,
            "status": job.status,
            "plans": job.plans.count(),
            "pages": job.pages,
            "pdf_bytes": len(bytes(ReportJob.objects.values_list("pdf", flat=True).get(pk=job.pk))),
            "seconds": round(seconds, 2),
            "rendering_s": round((job.finished_at - job.started_at).total_seconds(), 2),
            "worker_idle_mib": before["resident_mib"],
            "worker_peak_mib": memory["peak_mib"],
            **progress_summary(progress, job),
        }
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def progress_summary(progress: list[tuple[float, float, int]], job) -> dict:
    """How the job's page moved: the longest time its percent stood still, and the longest
    time neither the percent nor the count of pages laid out moved, while the job ran; its
    changes (seconds from the request, percent, pages laid out)."""
    started = next((at for at, value, _pages in progress if value > 0), 0.0)

    def longest(times: list[float]) -> float | None:
        stills = [b - a for a, b in itertools.pairwise(times)]
        return round(max(stills), 1) if stills else None

    percents = [at for number, (at, value, _pages) in enumerate(progress)
                if at >= started and (number == 0 or progress[number - 1][1] != value)]  # fmt: skip
    return {
        "progress_changes": len(progress),
        "progress_longest_still_s": longest(percents),
        "progress_or_pages_longest_still_s": longest(
            [at for at, _value, _pages in progress if at >= started]
        ),
        "progress": progress if len(progress) <= 400 else progress[:: len(progress) // 400 + 1],
    }


# --- Simulated users --------------------------------------------------------------------------


def locust_personas(city: City, count: int, seed: int) -> list[dict]:
    """Logged-in people for the simulated users: unit managers with the activities they tick,
    committee members and planners with the plans they read."""
    from django.urls import reverse

    from goals.evaluation import YEAR_END
    from goals.models import Activity, ActivityStatus
    from planning.models import Membership, Plan, Role, Unit
    from planning.selectors import plans_visible_to

    rng = random.Random(seed)
    organisation, open_, closed = city.organisation, city.open_period, city.closed_period
    members = Membership.objects.filter(organisation=organisation).select_related("user", "unit")
    current = Plan.objects.filter(
        organisation=organisation, status=Plan.Status.DECIDED, end_year__gte=open_.year
    ).select_related("owner_unit")
    below: dict[int, list[int]] = {}
    for unit in Unit.objects.filter(organisation=organisation):
        below.setdefault(unit.parent_id, []).append(unit.pk)

    def subtree(unit_id: int) -> set[int]:
        found, stack = set(), [unit_id]
        while stack:
            node = stack.pop()
            found.add(node)
            stack.extend(below.get(node, []))
        return found

    personas = []
    managers = [m for m in members if m.role == Role.UNIT_MANAGER]
    rng.shuffle(managers)
    managers.sort(key=lambda m: m.unit.kind != "operation")  # the heavy pages among them
    for membership in managers[: max(1, count * 6 // 10)]:
        units = subtree(membership.unit_id)
        activities = list(
            Activity.objects.filter(goal__plan__in=current, evaluated_months__gte=YEAR_END)
            .filter(unit_id__in=units)
            .values_list("pk", flat=True)[:60]
        )
        versions = dict(
            ActivityStatus.objects.filter(activity_id__in=activities, period=open_).values_list(
                "activity_id", "version"
            )
        )
        personas.append({
            "kind": "unit_manager",
            "session": session_of(membership.user),
            "reporting": reverse("reports:reporting"),
            "home": reverse("home"),
            "activities": [
                {"url": reverse("reports:activity_status", args=[open_.pk, pk]),
                 "version": versions.get(pk, 0)}
                for pk in activities
            ],
        })  # fmt: skip
    for role in (Role.COMMITTEE_MEMBER, Role.PLANNER):
        chosen = [m for m in members if m.role == role]
        rng.shuffle(chosen)
        for membership in chosen[: max(1, count * 2 // 10)]:
            visible = set(plans_visible_to(membership.user).values_list("pk", flat=True))
            plans = [p for p in current if p.pk in visible]
            if not plans:
                continue  # reads none of this year's plans
            personas.append({
                "kind": "committee_member" if role == Role.COMMITTEE_MEMBER else "planner",
                "session": session_of(membership.user),
                "overviews": [reverse("reports:overview", args=[p.pk, closed.pk])
                              for p in plans[:10]],
                "reports": [reverse("reports:report", args=[p.pk, closed.pk]) for p in plans[:10]],
            })  # fmt: skip
    return personas


def run_locust(server: Server, city: City, users: int, seconds: int, work: Path, seed: int):
    from django.conf import settings

    personas = locust_personas(city, users, seed)
    path = work / "personas.json"
    path.write_text(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "csrf": CSRF,
                                "personas": personas}))  # fmt: skip
    prefix = work / "locust"
    environment = {**os.environ, "STYRKORT_LOCUST_PERSONAS": str(path)}
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
        "--run-time", f"{seconds}s", "--host", f"http://{HOST}:{server.port}",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30",
    ]  # fmt: skip
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True,
                              text=True, timeout=seconds + 300)  # fmt: skip
    stats = list(csv.DictReader((work / "locust_stats.csv").open()))
    if not stats:
        raise SystemExit(f"locust wrote no statistics:\n{finished.stderr[-3000:]}")

    def row(entry: dict) -> dict:
        return {
            "requests": int(entry["Request Count"]),
            "failures": int(entry["Failure Count"]),
            "median_ms": float(entry["Median Response Time"]),
            "p99_ms": float(entry["99%"]),
            "requests_per_s": round(float(entry["Requests/s"]), 2),
        }

    return {
        "users": users,
        "seconds": seconds,
        "wall_s": round(time.perf_counter() - started, 1),
        "think_time_s": [3, 10],
        "all": row(next(e for e in stats if e["Name"] == "Aggregated")),
        "by_request": {e["Name"]: row(e) for e in stats if e["Name"] != "Aggregated"},
    }


def exports_and_import(work: Path, import_rows: int) -> dict:
    """bench/export_bench.py (the largest plan's export up to 100,000 rows, in the request and as
    the background job makes it) and
    bench/import_measurements.py (an import into PostgreSQL), each in a process of its own."""
    found = {}
    for name, script, arguments in (
        ("exports", "export_bench.py", []),
        ("import", "import_measurements.py", ["--rows", str(import_rows)]),
    ):
        print(f"\n{script} {' '.join(arguments)}...", flush=True)
        out = work / f"{name}.json"
        finished = subprocess.run([sys.executable, str(ROOT / "bench" / script), *arguments,
                                   "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                                  timeout=3600)  # fmt: skip
        print(finished.stdout[-2000:], flush=True)
        if finished.returncode != 0 or not out.exists():
            found[name] = {"error": finished.stderr[-3000:]}
        else:
            found[name] = json.loads(out.read_text())
    return found


# --- Main ---------------------------------------------------------------------------------------


def print_table(pages: list[Page]) -> None:
    print(f"\n{'page':<30} {'median s':>9} {'floor s':>9} {'ratio':>6} {'queries':>7} "
          f"{'KiB':>7}")  # fmt: skip
    for page in pages:
        r = page.result
        floor = f"{r['floor_median_s']:.4f}" if "floor_median_s" in r else "–"
        print(f"{page.name:<30} {r['median_s']:>9.3f} {floor:>9} {r.get('ratio', '–'):>6} "
              f"{r['queries']:>7} {r['bytes'] / 1024:>7.0f}")  # fmt: skip


def after_entries(server: Server, city: City, sessions: dict, workers: int, rounds: int) -> dict:
    """Pages of the largest plan read after a change in a plan they do not show and after one
    in their own plan, every worker having read them before: the open period's overview and
    report after a status entered, its largest goal's rows and its history after a goal's title
    changed; the same for the largest goal of the draft, as a planner who may change it loads it.
    The median seconds of each (the first kept, the second made again for its reader)."""
    from django.urls import reverse
    from run_floors import largest_goal

    from goals.models import Activity, Goal
    from goals.services import activity_status_set
    from reports.selectors import report_sources

    plan, period = city.largest, city.open_period
    own = Activity.objects.filter(goal__plan=plan).order_by("pk").first()
    other = (
        Activity.objects.exclude(goal__plan_id__in=report_sources(plan))
        .filter(goal__plan__start_year__lte=period.year, goal__plan__end_year__gte=period.year)
        .order_by("pk")
        .first()
    )
    own_goal = Goal.objects.get(pk=largest_goal(plan))
    draft_goal = Goal.objects.get(pk=largest_goal(city.draft))
    other_goal = Goal.objects.exclude(plan__in=[plan, city.draft]).order_by("pk").first()
    counter = itertools.count()

    def status(activity):
        states = ("done", "in_progress")
        activity_status_set(activity=activity, period=period, status=states[next(counter) % 2],
                            actor=None)  # fmt: skip

    def title(goal):  # as a planner's edit writes it (a decided plan's goal: not by a form)
        Goal.objects.filter(pk=goal.pk).update(title=f"{goal.title} ({next(counter)})")

    pages = [
        ("committee overview", reverse("reports:overview", args=[plan.pk, period.pk]),
         "committee member", False, status, other, own),
        ("report (HTML)", reverse("reports:report", args=[plan.pk, period.pk]),
         "committee member", False, status, other, own),
        ("plan page: largest goal (htmx)",
         reverse("authoring:plan_fragment", args=[plan.pk]) + f"?goal={own_goal.pk}&items=1",
         "planner", True, title, other_goal, own_goal),
        ("plan page: draft's largest goal (htmx)",
         reverse("authoring:plan_fragment", args=[city.draft.pk])
         + f"?goal={draft_goal.pk}&items=1",
         "planner", True, title, other_goal, draft_goal),
        ("change history", reverse("authoring:plan_history", args=[plan.pk]),
         "planner", False, title, other_goal, own_goal),
    ]  # fmt: skip
    found = {}
    for name, url, person, htmx, change, elsewhere, mine in pages:
        headers = headers_for(sessions[person], htmx=htmx)
        for _ in range(3 * workers):  # every worker has read it once, as a reader would
            request(server.port, "GET", url, headers)
        times: dict[str, list[float]] = {"after another plan's change": [],
                                         "after its own plan's change": []}  # fmt: skip
        for _round in range(rounds):
            for label, changed in (("after another plan's change", elsewhere),
                                   ("after its own plan's change", mine)):  # fmt: skip
                change(changed)
                answered, _content, seconds = request(server.port, "GET", url, headers)
                if answered != 200:
                    raise SystemExit(f"{url} answered {answered}")
                times[label].append(round(seconds, 4))
        found[name] = {
            "change": change.__name__,
            **{
                label: {"times_s": seen, "median_s": round(statistics.median(seen), 4)}
                for label, seen in times.items()
            },
        }
    return {"plan": plan.pk, "period": period.pk, "other_plans": [other.goal.plan_id,
            other_goal.plan_id], "rounds": rounds, "pages": found}  # fmt: skip
