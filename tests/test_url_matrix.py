"""Every URL name against every role: the answer each person gets (the table is
`tests.site_map.CASES`), and that a refused change changes nothing.

Every POST a role is refused (a 404, a 405 or a login redirect) must leave every row of every
table of the apps and of the task queue exactly as it was; a POST marked `writes` must
change something when it is allowed (a redirect; a 200 shows the form again with its errors).
Each request runs in a savepoint that is rolled back, so
every request starts from the same data.
"""

import copy
import re

from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import site_map
from tests.site_map import CASES, ROLES, Case, url_of

pytest_plugins = ["tests.planner_roles"]

world = site_map.world


REFUSED = {"login", "404", "405", "admin"}
CHECKED_APPS = ("planning", "goals", "indicators", "reports", "transfer", "django_tasks_database")


def checked_models() -> dict:
    """The models of the apps (history included) and of the task queue, by table."""
    return {
        model._meta.db_table: model
        for label in CHECKED_APPS
        for model in apps.get_app_config(label).get_models()
    }


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def written_tables(queries, models: dict) -> set[str]:
    """The checked tables that the statements wrote to (inserted, updated or deleted rows)."""
    found = (WRITE.match(query["sql"]) for query in queries)
    return {match.group(1) for match in found if match and match.group(1) in models}


def database_contents(tables, models: dict) -> dict:
    """Every row of the tables."""
    return {table: list(models[table].objects.order_by("pk").values_list()) for table in tables}


def answer_word(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return "admin"
        return "login" if location.startswith(reverse("login")) else "redirect"
    return str(response.status_code)


def ask(client, case: Case, world, method: str) -> tuple[str, bool]:
    """The answer to one request by the client's user, and whether a POST changed the
    database; rolled back after, and the client's cookies (who it is) put back as they were.

    A POST that ran no INSERT, UPDATE or DELETE on a checked table changed none of their rows.
    One that did is asked again, the rows of the tables it wrote to read before and after.
    """
    url = url_of(case, world)
    models = checked_models()

    def request(tables: set[str]) -> tuple:
        cookies = copy.deepcopy(client.cookies)  # a log-out or a log-in changes who it is
        with transaction.atomic():
            if method == "GET":
                response, written, changed = client.get(url), set(), False
            else:
                before = database_contents(tables, models)
                with CaptureQueriesContext(connection) as queries:
                    response = client.post(url, case.data(world))
                written = written_tables(queries, models)
                changed = database_contents(tables, models) != before
            transaction.set_rollback(True)
        client.cookies = cookies
        return response, written, changed

    response, written, changed = request(set())
    if written:
        response, _written, changed = request(written)
    return answer_word(response), changed


def test_every_url_answers_each_role_as_the_permission_model_says(client, world, people):
    # One test for all roles: the world is built once (it renders a PDF).
    wrong = []
    for index, role in enumerate(ROLES):
        # The people of the other organisations are the world's (see tests.site_map).
        user = getattr(people, role, None) or world.users.get(role)
        client.logout()
        if user is not None:
            client.force_login(user)
        for case in CASES:
            for method, expected_row in (("GET", case.get), ("POST", case.post)):
                if not expected_row:
                    continue
                expected = expected_row.split()[index]
                answer, changed = ask(client, case, world, method)
                where = f"{role}: {method} {case.name}"
                if answer != expected:
                    wrong.append(f"{where}: expected {expected}, got {answer}")
                if expected in REFUSED and changed:
                    wrong.append(f"{where} was refused but changed the database")
                # Allowed is a redirect: a 200 to a POST shows the form again, refused.
                if case.writes and method == "POST" and expected == "redirect" and not changed:
                    wrong.append(f"{where} was allowed but changed nothing")
    assert not wrong, "\n".join(wrong)


def url_names(resolvers=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_the_table_covers_every_url_name():
    # The admin site is Django's own, for staff only; its index stands for all of its pages.
    ours = {name for name in url_names() if not name.startswith("admin:")}
    assert ours - {case.name for case in CASES} == set()


def test_every_row_gives_an_answer_for_each_role():
    for case in CASES:
        for row in (case.get, case.post):
            assert not row or len(row.split()) == len(ROLES), case.name
