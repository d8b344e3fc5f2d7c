"""The city as run_all.py measures it: the machine, its people, plans and sessions."""

import os
import platform
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from make_city import CITY, setup_django

ROOT = Path(__file__).resolve().parent.parent

HOST = "127.0.0.1"
CSRF = secrets.token_hex(16)  # 32 characters: a cookie secret Django accepts as it is


def setup_for_city() -> None:
    """Django set up against the city in `DATABASE_URL` (required), answering as `HOST` and
    the test client, logging warnings only."""
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to the database holding the city (make_city.py).")
    os.environ.setdefault("ALLOWED_HOSTS", f"localhost,{HOST},testserver")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    setup_django()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# --- The machine ------------------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = cursor.fetchone()[0]
    import django
    import gunicorn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory": memory,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "database": database,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "system": platform.platform(),
    }


# --- Who looks at what ------------------------------------------------------------------------


@dataclass
class City:
    organisation: object
    open_period: object
    closed_period: object
    largest: object
    draft: object
    people: dict  # role -> user
    activity: object  # a status to change (the unit manager's, open period)
    indicator: object  # a value to enter


def rows_per_plan() -> dict[int, int]:
    from django.db.models import Count

    from goals.models import Activity
    from indicators.models import Indicator

    rows: dict[int, int] = {}
    for model in (Indicator, Activity):
        for plan_id, count in (
            model.objects.values_list("goal__plan_id").annotate(n=Count("pk")).order_by()
        ):
            rows[plan_id] = rows.get(plan_id, 0) + count
    return rows


def the_city() -> City:
    from goals.evaluation import YEAR_END
    from goals.models import Activity
    from indicators.models import Indicator
    from planning.models import FollowUpPeriod, Membership, Organisation, Plan, Role

    organisation = Organisation.objects.filter(name=CITY).first()
    if organisation is None:
        raise SystemExit(f"No {CITY} in this database: run bench/make_city.py first.")
    open_period = FollowUpPeriod.objects.get(organisation=organisation, is_open=True)
    closed_period = (
        FollowUpPeriod.objects.filter(organisation=organisation, ends_on__lt=open_period.starts_on)
        .order_by("-ends_on")
        .first()
    )
    rows = rows_per_plan()
    plans = Plan.objects.filter(organisation=organisation).select_related("owner_unit")
    decided = [
        p for p in plans if p.status == Plan.Status.DECIDED and p.end_year >= open_period.year
    ]
    largest = max(decided, key=lambda p: (rows.get(p.pk, 0), -p.pk))
    drafts = [p for p in plans if p.status == Plan.Status.DRAFT]
    draft = max(drafts, key=lambda p: (rows.get(p.pk, 0), -p.pk))
    owner = largest.owner_unit
    committee = owner
    while committee.parent_id is not None:
        committee = committee.parent
    members = Membership.objects.filter(organisation=organisation).select_related("user")
    people = {
        "unit manager": members.get(role=Role.UNIT_MANAGER, unit=owner).user,
        "planner": members.filter(role=Role.PLANNER, unit=None).order_by("user__username")[0].user,
        "administrator": members.filter(role=Role.ADMINISTRATOR, unit=None)
        .order_by("user__username")[0]
        .user,
        "committee member": members.filter(role=Role.COMMITTEE_MEMBER, unit=committee)
        .order_by("user__username")[0]
        .user,
    }
    activity = (
        Activity.objects.filter(goal__plan=largest, unit=None, evaluated_months__gte=YEAR_END)
        .order_by("pk")
        .first()
    )
    indicator = Indicator.objects.filter(goal__plan=largest).order_by("pk").first()
    return City(organisation, open_period, closed_period, largest, draft, people, activity,
                indicator)  # fmt: skip


def session_of(user) -> str:
    """A session for the user, stored in the database as a login stores it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- Floors: the rows of a page, with plain queries -------------------------------------------
