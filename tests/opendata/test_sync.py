"""Open-data syncs against a local server: Kolada and SSB values into measurements."""

import datetime
import io
import json
from decimal import Decimal as D
from functools import partial
from urllib.parse import parse_qsl

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus
from django.utils.timezone import now

from goals.services import goal_create
from indicators.models import Measurement, Origin, ReferenceValue, SyncRun
from indicators.services import indicator_create, measurement_record
from opendata.sync import plans_with_opendata, source_sync
from opendata.tasks import opendata_sync_all, opendata_sync_plan
from planning.models import FollowUpPeriod, Organisation, Plan
from planning.services import organisation_create, periods_ensure_year, plan_create
from tests.opendata_server import OpenDataServer, Reply, json_reply, recorded, recorded_reply

YEARS = "2022,2023,2024"
DATA = f"/v3/data/kpi/N00090/municipality/2422,0000/year/{YEARS}"
PAGE_2 = "/v3/data/kpi/N00090/municipality/2422?page=2&per_page=2"
SOURCE = "Källa: Kolada, N00090"

kolada_sync = partial(source_sync, source="kolada")
ssb_sync = partial(source_sync, source="ssb")


@pytest.fixture
def server(settings):
    """The local open-data server, with the clients pointed at it and no waiting."""
    with OpenDataServer() as running:
        settings.KOLADA_API_URL = running.url + "/v3/"
        settings.SSB_API_URL = running.url + "/api/pxwebapi/v2/"
        settings.KOLADA_REQUESTS_PER_SECOND = 0
        settings.SSB_CALLS_PER_MINUTE = 0
        settings.OPENDATA_ATTEMPTS = 2
        settings.OPENDATA_BACKOFF = 0
        settings.OPENDATA_TIMEOUT = 2
        yield running


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def plan(organisation, units):
    """Sorsele-like (2422) operational plan over three years."""
    return plan_create(
        organisation=organisation,
        owner_unit=units["operation"],
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan Omsorg 2022–2024",
        start_year=2022,
        end_year=2024,
        actor=None,
    )


@pytest.fixture
def sick_leave(plan):
    goal = goal_create(plan=plan, number=2, title="Nöjda och friska medarbetare", actor=None)
    return indicator_create(
        goal=goal,
        name="Total sjukfrånvaro",
        unit="percent",
        decimals=1,
        direction="lower",
        green_bound=D("6"),
        red_bound=D("7"),
        open_data={"kolada": {"kpi": "N00090"}},
        actor=None,
    )


def synthetic(server) -> None:
    """The SYNTHETIC pages: 2022 by gender, 2023 Missing, 2024 on page 2."""
    server.route(DATA, recorded_reply("kolada_v3_data_SYNTHETIC_edgecases_page1.json"))
    server.route(PAGE_2, recorded_reply("kolada_v3_data_SYNTHETIC_edgecases_page2.json"))


def row(municipality: str, year: int, *values: tuple[str, float | None]) -> dict:
    return {
        "kpi": "N00090",
        "municipality": municipality,
        "period": year,
        "values": [
            {"gender": gender, "count": 1, "status": "" if value is not None else "Missing",
             "value": value}
            for gender, value in values
        ],
    }  # fmt: skip


def page(*rows: dict) -> Reply:
    return json_reply({"count": len(rows), "values": list(rows), "next_url": None})


def stored(indicator) -> dict[tuple, D | None]:
    return {
        (m.period.year, m.period.kind, m.unit_id, m.gender): m.value
        for m in Measurement.objects.filter(indicator=indicator).select_related("period")
    }


# --- Kolada ---------------------------------------------------------------------------------------


def test_values_land_in_the_year_end_period_with_gender_origin_and_source(server, sick_leave):
    synthetic(server)

    run = kolada_sync(plan=sick_leave.goal.plan, actor=None)

    assert (run.status, run.message) == ("ok", "")
    assert stored(sick_leave) == {
        (2022, "T3", None, "T"): D("8.3"),
        (2022, "T3", None, "K"): D("9.1"),
        (2022, "T3", None, "M"): D("5.2"),
        (2023, "T3", None, "T"): None,
        (2024, "T3", None, "T"): D("7.6"),
    }
    for measurement in Measurement.objects.all():
        assert (measurement.origin, measurement.source) == (Origin.KOLADA, SOURCE)
        assert measurement.fetched_at is not None
        assert measurement.period.is_year_end
    # Each year's periods were created, by the organisation's scheme.
    assert FollowUpPeriod.objects.filter(kind__in=["T1", "T2", "T3"]).count() == 9
    assert (run.created, run.updated, run.unchanged, run.skipped_manual) == (5, 0, 0, 0)
    assert (run.source, run.plan, run.organisation) == (
        "kolada",
        sick_leave.goal.plan,
        run.plan.organisation,
    )


def test_missing_becomes_a_measurement_without_value(server, sick_leave):
    synthetic(server)
    kolada_sync(plan=sick_leave.goal.plan, actor=None)
    missing = Measurement.objects.get(period__year=2023)
    assert missing.value is None
    assert missing.colour.value == "none"


def test_a_second_sync_changes_nothing(server, sick_leave):
    synthetic(server)
    kolada_sync(plan=sick_leave.goal.plan, actor=None)
    before = list(Measurement.objects.order_by("pk").values_list())
    history = Measurement.history.count()

    again = kolada_sync(plan=sick_leave.goal.plan, actor=None)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert list(Measurement.objects.order_by("pk").values_list()) == before
    assert Measurement.history.count() == history
    assert SyncRun.objects.count() == 2


def test_a_changed_figure_is_updated(server, sick_leave):
    synthetic(server)
    kolada_sync(plan=sick_leave.goal.plan, actor=None)
    server.route(DATA, page(row("2422", 2023, ("T", 6.4))))

    run = kolada_sync(plan=sick_leave.goal.plan, actor=None)

    assert (run.created, run.updated, run.unchanged) == (0, 1, 0)
    updated = Measurement.objects.get(period__year=2023, gender="T")
    assert (updated.value, updated.version) == (D("6.4"), 2)


def test_values_entered_by_a_person_are_kept_and_reported(server, sick_leave, english):
    plan = sick_leave.goal.plan
    t3_2022 = periods_ensure_year(organisation=plan.organisation, year=2022, actor=None)[-1]
    measurement_record(indicator=sick_leave, period=t3_2022, value=D("8.0"), actor=None)
    measurement_record(
        indicator=sick_leave,
        period=t3_2022,
        value=D("9.5"),
        gender="K",
        origin=Origin.IMPORT,
        actor=None,
    )
    synthetic(server)

    run = kolada_sync(plan=plan, actor=None)

    assert stored(sick_leave)[2022, "T3", None, "T"] == D("8.0")
    assert stored(sick_leave)[2022, "T3", None, "K"] == D("9.5")
    assert stored(sick_leave)[2022, "T3", None, "M"] == D("5.2")
    assert (run.status, run.created, run.skipped_manual) == ("ok", 3, 2)
    assert run.message == (
        "2 values entered by a person were kept: Total sjukfrånvaro, T3 2022, Women; "
        "Total sjukfrånvaro, T3 2022, Total."
    )


def test_kolada_down_writes_nothing_and_the_next_sync_picks_up(server, sick_leave, english):
    server.route(DATA, Reply("<h1>502 Bad Gateway</h1>", status=502, content_type="text/html"))

    failed = kolada_sync(plan=sick_leave.goal.plan, actor=None)

    assert failed.status == "failed"
    assert failed.message == (
        "Kolada could not be used: it answered with error 502, 2 times. Try again later."
    )
    assert (failed.created, failed.updated) == (0, 0)
    assert not Measurement.objects.exists()
    assert not ReferenceValue.objects.exists()
    assert not FollowUpPeriod.objects.exists()

    synthetic(server)
    assert kolada_sync(plan=sick_leave.goal.plan, actor=None).created == 5


def test_garbage_writes_nothing(server, sick_leave, english):
    server.route(DATA, Reply("<html>Underhåll</html>", content_type="text/html"))
    run = kolada_sync(plan=sick_leave.goal.plan, actor=None)
    assert run.status == "failed"
    assert "not JSON" in run.message
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("too_large", [1e20, 1e30])  # more digits than a value holds
def test_a_failure_while_writing_leaves_nothing_half_written(
    server, sick_leave, english, too_large
):
    server.route(DATA, page(row("2422", 2022, ("T", 8.3)), row("2422", 2023, ("T", too_large))))

    run = kolada_sync(plan=sick_leave.goal.plan, actor=None)

    assert run.status == "failed"
    assert run.message.startswith("A fetched value could not be saved:")
    assert not Measurement.objects.exists()
    assert not FollowUpPeriod.objects.exists()


def test_a_row_given_twice_is_written_once(server, sick_leave):
    server.route(DATA, page(row("2422", 2023, ("T", 6.1)), row("2422", 2023, ("T", 6.1))))
    run = kolada_sync(plan=sick_leave.goal.plan, actor=None)
    assert (run.status, run.created, run.unchanged) == ("ok", 1, 1)
    assert stored(sick_leave) == {(2023, "T3", None, "T"): D("6.1")}


def test_national_value_and_the_comparison_group_mean(server, sick_leave):
    organisation = sick_leave.goal.plan.organisation
    organisation.comparison_group = "G114418"  # members 0682, 1499, 1885, 2081
    organisation.save()
    server.route(
        DATA, page(row("2422", 2023, ("T", 6.1)), row("0000", 2023, ("T", 7.0), ("K", 8.2)))
    )
    server.route(
        "/v3/municipality_groups", recorded_reply("kolada_v3_municipality_groups_sample.json")
    )
    members = f"/v3/data/kpi/N00090/municipality/0682,1499,1885,2081/year/{YEARS}"
    server.route(
        members,
        page(
            row("0682", 2023, ("T", 5.0)),
            row("1499", 2023, ("T", 7.0)),
            row("1885", 2023, ("T", None)),  # Missing: left out of the mean
            row("2081", 2023, ("T", 6.5)),
            row("2081", 2024, ("T", None)),
        ),
    )

    run = kolada_sync(plan=sick_leave.goal.plan, actor=None)

    references = {
        (r.kind, r.group, r.year, r.gender): r.value for r in ReferenceValue.objects.all()
    }
    assert references == {
        ("national", "", 2023, "T"): D("7.0"),
        ("national", "", 2023, "K"): D("8.2"),
        ("group_mean", "G114418", 2023, "T"): D("6.1667"),
        ("group_mean", "G114418", 2024, "T"): None,
    }
    assert set(ReferenceValue.objects.values_list("source", flat=True)) == {SOURCE}
    assert run.created == 1 + 4


def test_a_group_kolada_does_not_have_is_noted(server, sick_leave, english):
    organisation = sick_leave.goal.plan.organisation
    organisation.comparison_group = "G999"
    organisation.save()
    server.route(DATA, page(row("2422", 2023, ("T", 6.1))))
    server.route(
        "/v3/municipality_groups", recorded_reply("kolada_v3_municipality_groups_sample.json")
    )

    run = kolada_sync(plan=sick_leave.goal.plan, actor=None)

    assert run.status == "ok"
    assert run.message == "Kolada has no municipality group G999: no group mean was fetched."
    assert not ReferenceValue.objects.exists()


def test_unit_values_for_units_with_a_kolada_id(server, sick_leave, units):
    home_care = units["unit_a"]
    home_care.kolada_ou = "V45E242200001"
    home_care.save()
    server.route(DATA, page())
    answer = {
        "values": [
            {
                "kpi": "N00090",
                "ou": "V45E242200001",
                "period": 2023,
                "values": [{"gender": "T", "count": 1, "status": "", "value": 5.5}],
            }
        ],
        "next_url": None,
    }
    server.route(f"/v3/oudata/kpi/N00090/ou/V45E242200001/year/{YEARS}", json_reply(answer))

    kolada_sync(plan=sick_leave.goal.plan, actor=None)

    assert stored(sick_leave) == {(2023, "T3", home_care.pk, "T"): D("5.5")}


def test_a_plan_without_linked_indicators(server, plan, english):
    run = kolada_sync(plan=plan, actor=None)
    assert (run.status, run.message) == ("ok", "No indicator of the plan is linked to Kolada.")
    assert server.requests == []


def test_an_organisation_without_municipality_code(server, sick_leave, english):
    organisation = sick_leave.goal.plan.organisation
    organisation.municipality_code = ""
    organisation.save()
    run = kolada_sync(plan=sick_leave.goal.plan, actor=None)
    assert run.status == "failed"
    assert run.message == "Testkommun has no municipality code: add it to fetch open data."


def test_the_run_records_who_started_it(server, sick_leave, django_user_model):
    planner = django_user_model.objects.create_user(username="planerare")
    synthetic(server)
    run = kolada_sync(plan=sick_leave.goal.plan, actor=planner)
    assert run.started_by == planner
    assert run.started_at <= run.finished_at
    assert Measurement.objects.first().history.first().history_user == planner


# --- SSB (KOSTRA) ---------------------------------------------------------------------------------

TABLE = "/api/pxwebapi/v2/tables/12362/data"


def kostra(regions: list[str], values: list[float | None], genders: list[str] | None = None):
    """A json-stat2 answer of table 12362 for regions × (genders) × 2022-2023."""
    dimensions = {
        "KOKkommuneregion0000": {
            "label": "region",
            "category": {"index": {code: i for i, code in enumerate(regions)}},
        },
        "ContentsCode": {
            "label": "statistikkvariabel",
            "category": {"label": {"KOSAG110000": "x"}},
        },
        "Tid": {"label": "år", "category": {"index": {"2022": 0, "2023": 1}}},
    }
    ids, sizes = ["KOKkommuneregion0000", "ContentsCode", "Tid"], [len(regions), 1, 2]
    if genders:
        dimensions["Kjonn"] = {"category": {"index": {code: i for i, code in enumerate(genders)}}}
        ids.insert(1, "Kjonn")
        sizes.insert(1, len(genders))
    return json_reply(
        {
            "class": "dataset",
            "id": ids,
            "size": sizes,
            "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
            "dimension": dimensions,
            "value": values,
        }
    )


@pytest.fixture
def alver(db):
    organisation = organisation_create(
        name="Alver kommune",
        country=Organisation.Country.NORWAY,
        municipality_code="4631",
        comparison_group="EKG11",
        actor=None,
    )
    plan = plan_create(
        organisation=organisation,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksemdsplan 2022–2023",
        start_year=2022,
        end_year=2023,
        actor=None,
    )
    goal = goal_create(plan=plan, number=1, title="Gode tenester", actor=None)
    return indicator_create(
        goal=goal,
        name="Netto driftsutgifter",
        direction="lower",
        green_bound=D("100"),
        open_data={
            "ssb": {
                "table": "12362",
                "selection": {
                    "KOKkommuneregion0000": ["4631", "EAK", "EKG11"],
                    "ContentsCode": "KOSAG110000",
                },
            }
        },
        actor=None,
    )


def test_ssb_values_and_reference_values(server, alver):
    server.route(TABLE, kostra(["4631", "EAK", "EKG11"], [101.5, None, 98, 99.25, 103, 104]))

    run = ssb_sync(plan=alver.goal.plan, actor=None)

    assert run.status == "ok", run.message
    [request] = server.requests
    path, query = request.split("?")
    assert path == TABLE
    assert dict(parse_qsl(query)) == {
        "lang": "no",
        "valueCodes[KOKkommuneregion0000]": "4631,EAK,EKG11",
        "valueCodes[ContentsCode]": "KOSAG110000",
        "valueCodes[Tid]": "2022,2023",
    }
    assert stored(alver) == {(2022, "T3", None, "T"): D("101.5"), (2023, "T3", None, "T"): None}
    measurement = Measurement.objects.first()
    assert (measurement.origin, measurement.source) == (
        Origin.SSB,
        "Kilde: Statistisk sentralbyrå, 12362",
    )
    references = {(r.kind, r.group, r.year): r.value for r in ReferenceValue.objects.all()}
    assert references == {
        ("national", "", 2022): D("98"),
        ("national", "", 2023): D("99.25"),
        ("group_mean", "EKG11", 2022): D("103"),
        ("group_mean", "EKG11", 2023): D("104"),
    }
    assert ssb_sync(plan=alver.goal.plan, actor=None).unchanged == 6


def test_ssb_gender_split(server, alver):
    # Kjonn: 0 both, 1 men, 2 women
    server.route(TABLE, kostra(["4631"], [10, 11, 8, 9, 12, 13], genders=["0", "1", "2"]))
    ssb_sync(plan=alver.goal.plan, actor=None)
    assert stored(alver) == {
        (2022, "T3", None, "T"): D("10"),
        (2023, "T3", None, "T"): D("11"),
        (2022, "T3", None, "M"): D("8"),
        (2023, "T3", None, "M"): D("9"),
        (2022, "T3", None, "K"): D("12"),
        (2023, "T3", None, "K"): D("13"),
    }


def test_ssb_selection_giving_several_values_a_year_fails_clearly(server, alver, english):
    server.route(TABLE, Reply(recorded("ssb_pxwebapi_v2_table03024_jsonstat2_REAL.json")))
    run = ssb_sync(plan=alver.goal.plan, actor=None)
    assert run.status == "failed"
    assert run.message == (
        'The SSB selection of "Netto driftsutgifter" gives several values a year: choose one '
        "code of VareGrupper2, ContentsCode."
    )
    assert not Measurement.objects.exists()


def test_ssb_selection_that_is_not_codes_per_variable(server, alver, english):
    alver.open_data["ssb"]["selection"] = ["4631"]
    alver.save()
    run = ssb_sync(plan=alver.goal.plan, actor=None)
    assert run.status == "failed"
    assert run.message.startswith('The SSB selection of "Netto driftsutgifter" must give codes')
    assert server.requests == []


# --- Tasks and the command ------------------------------------------------------------------------


def test_task_syncs_one_plan(server, sick_leave, immediate_tasks):
    synthetic(server)
    result = opendata_sync_plan.enqueue(plan_id=sick_leave.goal.plan.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    run = SyncRun.objects.get()
    assert result.return_value == [run.pk]
    assert run.created == 5


def test_scheduled_task_syncs_every_linked_plan_but_archived_ones(
    server, sick_leave, alver, immediate_tasks
):
    synthetic(server)
    server.route(TABLE, kostra(["4631"], [1, 2]))
    archived = plan_create(
        organisation=sick_leave.goal.plan.organisation,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Gammal plan",
        start_year=2020,
        end_year=2020,
        status=Plan.Status.ARCHIVED,
        actor=None,
    )
    goal = goal_create(plan=archived, number=1, title="Mål", actor=None)
    indicator_create(
        goal=goal,
        name="X",
        green_bound=D("1"),
        open_data={"kolada": {"kpi": "N00090"}},
        actor=None,
    )

    assert list(plans_with_opendata()) == [sick_leave.goal.plan, alver.goal.plan]
    result = opendata_sync_all.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    runs = SyncRun.objects.order_by("pk")
    assert [(run.plan, run.source, run.status) for run in runs] == [
        (sick_leave.goal.plan, "kolada", "ok"),
        (alver.goal.plan, "ssb", "ok"),
    ]


def test_command_runs_the_syncs_and_fails_when_one_failed(server, sick_leave, alver):
    synthetic(server)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 sync"):
        call_command("sync_opendata", stdout=out, stderr=err)  # no SSB route: 404
    assert "kolada: ok. Created 5" in out.getvalue()
    assert "ssb: failed" in err.getvalue()

    server.route(TABLE, kostra(["4631"], [1, 2]))
    out = io.StringIO()
    call_command("sync_opendata", "--plan", str(alver.goal.plan.pk), stdout=out)
    assert "ssb: ok. Created 2" in out.getvalue()


def test_command_can_queue_the_syncs(server, sick_leave, immediate_tasks):
    synthetic(server)
    out = io.StringIO()
    call_command("sync_opendata", "--enqueue", stdout=out)
    assert out.getvalue() == "Queued the sync of 1 plan(s).\n"
    assert SyncRun.objects.get().created == 5


def test_recorded_answers_are_never_the_real_services(server):
    synthetic(server)
    for replies in server.routes.values():
        for reply in replies:
            assert "api.kolada.se" not in reply.body
            assert json.loads(reply.body)


# --- The models' rules ----------------------------------------------------------------------------


def refused_by_database(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def reference(indicator, **fields) -> ReferenceValue:
    values = {"indicator": indicator, "kind": "national", "year": 2023, "fetched_at": now()}
    return ReferenceValue(**{**values, **fields})


def test_reference_value_group_matches_its_kind(sick_leave, english):
    with pytest.raises(ValidationError) as error:
        reference(sick_leave, kind="group_mean").full_clean()
    assert error.value.message_dict["group"] == ["Name the group whose mean this is."]
    with pytest.raises(ValidationError) as error:
        reference(sick_leave, group="G33").full_clean()
    assert error.value.message_dict["group"] == ["A value for the whole country has no group."]
    refused_by_database(lambda: reference(sick_leave, kind="group_mean").save())
    refused_by_database(lambda: reference(sick_leave, group="G33").save())
    refused_by_database(lambda: reference(sick_leave, gender="X").save())


def test_one_reference_value_per_indicator_year_kind_group_and_gender(sick_leave):
    reference(sick_leave, value=D("7")).save()
    refused_by_database(lambda: reference(sick_leave, value=D("8")).save())
    reference(sick_leave, gender="K").save()
    reference(sick_leave, kind="group_mean", group="G33").save()
    assert ReferenceValue.objects.count() == 3


def sync_run(plan, **fields) -> SyncRun:
    started = now()
    values = {
        "source": "kolada",
        "organisation": plan.organisation,
        "plan": plan,
        "started_at": started,
        "finished_at": started,
        "status": "ok",
    }
    return SyncRun(**{**values, **fields})


def test_a_failed_sync_says_why(plan, english):
    with pytest.raises(ValidationError) as error:
        sync_run(plan, status="failed").full_clean()
    assert error.value.message_dict["message"] == ["Say why the sync failed."]
    refused_by_database(lambda: sync_run(plan, status="failed").save())
    sync_run(plan, status="failed", message="Kolada could not be used.").save()


def test_a_sync_cannot_finish_before_it_starts(plan, english):
    late = now() + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        sync_run(plan, started_at=late).full_clean()
    assert error.value.message_dict["finished_at"] == ["A sync cannot finish before it starts."]
    refused_by_database(lambda: sync_run(plan, started_at=late).save())


def test_a_sync_of_a_source_that_is_not_registered_is_refused(plan, english):
    # The sources are the registry's (indicators.links), not a database constraint: a new
    # source needs no migration. Saving goes through full_clean (save_validated).
    with pytest.raises(ValidationError) as error:
        sync_run(plan, source="scb").full_clean()
    assert error.value.message_dict["source"] == ["Value 'scb' is not a valid choice."]
    sync_run(plan, source="ssb").full_clean()


def test_a_sync_of_another_organisation_s_plan_is_refused(plan, alver, english):
    with pytest.raises(ValidationError) as error:
        sync_run(plan, organisation=alver.goal.plan.organisation).full_clean()
    assert error.value.message_dict["plan"] == ["The plan must belong to the organisation."]
