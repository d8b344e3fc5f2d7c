"""A unit tree from a CSV file: every good file in each of the four languages' headers, and
each kind of bad file refused whole, with every refused cell explained."""

import pytest
from django.urls import reverse

from planning.models import Unit
from planning.services import UnitImportError, unit_create, units_import
from planning.services.unit_import import MAX_BYTES
from tests.planning.test_setup_views import units_csv

pytest_plugins = ["tests.planner_roles"]


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def tree(organisation) -> list[tuple[str, str | None, str, str]]:
    return sorted(
        (unit.name, unit.parent.name if unit.parent else None, unit.kind, unit.kolada_ou)
        for unit in Unit.objects.filter(organisation=organisation).select_related("parent")
    )


def refused(organisation, content: bytes, **kwargs) -> list[tuple]:
    """The problems of a refused file, as (row, column, value, message); nothing imported."""
    before = tree(organisation)
    with pytest.raises(UnitImportError) as error:
        units_import(organisation=organisation, content=content, actor=None, **kwargs)
    assert tree(organisation) == before
    return [(p.row, p.column, p.value, p.message) for p in error.value.problems]


# --- Good files ---------------------------------------------------------------------------------


def test_a_swedish_file_builds_the_tree_in_any_order(organisation, django_user_model):
    actor = django_user_model.objects.create_user("anna")
    content = csv_bytes(
        "Namn;Överordnad;Typ;Kolada-id",
        "Hemtjänsten;Omsorgsverksamheten;enhet;V15E242200101",
        "Socialnämnden;;nämnd;",
        "Omsorgsverksamheten;Socialnämnden > Socialförvaltningen;verksamhet;",
        "Socialförvaltningen;Socialnämnden;förvaltning;",
        "",  # an empty row is skipped
    )
    created = units_import(organisation=organisation, content=content, actor=actor)
    assert [unit.name for unit in created][:1] == ["Socialnämnden"]  # parents first
    assert tree(organisation) == [
        ("Hemtjänsten", "Omsorgsverksamheten", "unit", "V15E242200101"),
        ("Omsorgsverksamheten", "Socialförvaltningen", "operation", ""),
        ("Socialförvaltningen", "Socialnämnden", "administration", ""),
        ("Socialnämnden", None, "committee", ""),
    ]
    assert {unit.history.latest().history_user for unit in created} == {actor}


@pytest.mark.parametrize(
    "lines",
    [
        # Norwegian bokmål, commas
        ["navn,overordnet,type,kolada-id", "Helse og omsorg,Kommunförvaltningen,etat,",
         "Sykehjemmet,Helse og omsorg,avdeling,"],
        # Norwegian nynorsk, tabs
        ["namn\toverordna\ttype", "Helse og omsorg\tKommunförvaltningen\tsektor",
         "Sykehjemmet\tHelse og omsorg\teining"],
        # English, the kind in the organisation's own word for it
        ["Name,Parent unit,Kind,Kolada unit id",
         "Helse og omsorg,Kommunförvaltningen,Tenesteområde,",
         "Sykehjemmet,Helse og omsorg,Unit,"],
    ],
    ids=["nb", "nn", "en"],
)  # fmt: skip
def test_norwegian_and_english_files(organisation, units, lines):
    organisation.level_operation = "tenesteområde"
    organisation.save()
    units_import(organisation=organisation, content=csv_bytes(*lines), actor=None)
    added = {
        unit.name: unit for unit in Unit.objects.filter(name__in=["Helse og omsorg", "Sykehjemmet"])
    }
    assert added["Helse og omsorg"].parent == units["administration"]
    assert added["Sykehjemmet"].parent == added["Helse og omsorg"]


def test_a_file_saved_by_an_old_spreadsheet_in_windows_1252(organisation, units):
    content = csv_bytes(
        "namn;överordnad;typ", "Äldreomsorg;Kommunförvaltningen;verksamhet", encoding="cp1252"
    )
    units_import(organisation=organisation, content=content, actor=None)
    assert Unit.objects.get(name="Äldreomsorg").parent == units["administration"]


# --- Bad files: the file as a whole -------------------------------------------------------------


def test_an_empty_file(organisation, english):
    assert refused(organisation, b"") == [
        (1, "", "", "The file is empty: the first row must be the headers.")
    ]


def test_headers_without_units(organisation, english):
    assert refused(organisation, csv_bytes("namn;typ")) == [
        (2, "", "", "The file has headers but no units.")
    ]


def test_a_file_that_is_too_large(organisation, english):
    content = csv_bytes("namn;typ", *["Enhet;enhet"] * (MAX_BYTES // 10))
    assert refused(organisation, content) == [(None, "", "", "The file is larger than 1 MB.")]


def test_a_file_that_is_not_text(organisation, english):
    problems = refused(organisation, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    assert problems == [(None, "", "", "The file is not text (CSV) in UTF-8.")]


def test_unknown_repeated_and_missing_columns(organisation, english):
    (unknown,) = refused(organisation, csv_bytes("namn;typ;färg", "A;enhet;röd"))
    assert unknown[:3] == (1, "färg", "färg")
    assert unknown[3].startswith("Unknown column. The columns are: name, parent, kind")
    assert refused(organisation, csv_bytes("namn;typ;Navn", "A;enhet;B")) == [
        (1, "Navn", "Navn", "This column appears twice.")
    ]
    assert refused(organisation, csv_bytes("namn;överordnad", "A;")) == [
        (1, "", "", "The column kind is missing.")
    ]


# --- Bad files: cells, each explained -----------------------------------------------------------


def test_every_refused_cell_is_explained_and_nothing_is_imported(organisation, units, english):
    unit_create(
        organisation=organisation, parent=units["committee"], name="Barn och skola",
        kind="administration", actor=None,
    )  # fmt: skip
    unit_create(
        organisation=organisation, parent=units["unit_a"], name="Barn och skola", kind="unit",
        actor=None,
    )  # fmt: skip
    content = csv_bytes(
        "namn;överordnad;typ;Kolada-id",
        "Fritids;Kommunförvaltningen;enhet;",  # 2: good, but not imported with the others
        ";Kommunförvaltningen;enhet;",  # 3: no name
        "Bibliotek;Kommunförvaltningen;bibliotek;",  # 4: unknown kind
        "Simhall;Kommunförvaltningen;enhet;V15-E",  # 5: bad Kolada id
        "Museum;Kulturförvaltningen;enhet;",  # 6: no such parent
        "Förskola;Barn och skola;enhet;",  # 7: two units of that name
        "Fritids;Kommunförvaltningen;enhet;",  # 8: twice in the file
        "IFO;Omsorgsverksamheten;enhet;",  # 9: already there
        "Ett;Två;enhet;",  # 10 and 11: each other's parent (the second says so)
        "Två;Ett;enhet;",
        "Sju;Kommunförvaltningen;enhet;;extra",  # 12: more cells than headers
    )
    problems = {
        row: (column, value, message)
        for row, column, value, message in refused(organisation, content)
    }
    assert problems[3] == ("namn", "", "Every unit needs a name.")
    assert problems[4][:2] == ("typ", "bibliotek")
    assert problems[4][2].startswith("Unknown kind. Write one of: Committee, Administration")
    assert problems[5] == (
        "Kolada-id",
        "V15-E",
        "A Kolada unit id is letters and digits only, e.g. V15E242200101.",
    )
    assert problems[6] == (
        "överordnad",
        "Kulturförvaltningen",
        "There is no open unit called Kulturförvaltningen, in the tree or in the file.",
    )
    assert problems[7][:2] == ("överordnad", "Barn och skola")
    assert problems[7][2] == (
        "Several units are called Barn och skola: write the path from the top, "
        "e.g. Kommunstyrelsen > Barn och skola."
    )
    assert problems[8] == (
        "namn",
        "Fritids",
        "Row 2 already adds a unit with this name in the same place.",
    )
    assert problems[9] == ("namn", "IFO", "IFO already exists in that place.")
    assert problems[11] == (
        "överordnad",
        "Ett",
        "The rows form a circle: a unit cannot be placed below itself.",
    )
    assert problems[12] == ("", "extra", "The row has more cells than there are headers.")
    assert 2 not in problems
    assert not Unit.objects.filter(name="Fritids").exists()


def test_a_path_settles_which_unit_is_meant(organisation, units):
    unit_create(
        organisation=organisation, parent=units["committee"], name="Barn och skola",
        kind="administration", actor=None,
    )  # fmt: skip
    unit_create(
        organisation=organisation, parent=units["unit_a"], name="Barn och skola", kind="unit",
        actor=None,
    )  # fmt: skip
    content = csv_bytes("namn;överordnad;typ", "Förskola;Kommunstyrelsen > Barn och skola;enhet")
    units_import(organisation=organisation, content=content, actor=None)
    assert Unit.objects.get(name="Förskola").parent.parent == units["committee"]


def test_units_outside_the_users_part_are_refused(organisation, units, english):
    content = csv_bytes(
        "namn;överordnad;typ", "Nattpatrull;Hemtjänst;enhet", "Fritids;Kommunförvaltningen;enhet"
    )
    allowed = {units["operation"].pk, units["unit_a"].pk, units["unit_b"].pk}
    problems = refused(
        organisation, content, may_place=lambda parent: parent is not None and parent.pk in allowed
    )
    assert problems == [
        (3, "överordnad", "Kommunförvaltningen",
         "You may add units only below the units you plan for or administer."),
    ]  # fmt: skip


# --- The page -----------------------------------------------------------------------------------


def test_the_page_imports_a_file_and_shows_what_it_refused(en_client, people, organisation):
    en_client.force_login(people.planner)
    url = reverse("planning:unit_import", args=[organisation.pk])
    bad = en_client.post(url, {"file": units_csv("Nattpatrull;Hemtjänst;patrull")})
    assert bad.status_code == 200
    assert "Nothing was imported: 1 cell needs correcting." in bad.text
    assert "patrull" in bad.text and "Unknown kind" in bad.text
    good = en_client.post(
        url, {"file": units_csv("Nattpatrull;Hemtjänst;enhet;V15E1")}, follow=True
    )
    assert "1 unit was imported." in good.text
    assert Unit.objects.get(name="Nattpatrull").parent.name == "Hemtjänst"
    outside = en_client.post(url, {"file": units_csv("Fritids;;enhet")})
    assert "You may add units only below the units you plan for or administer." in outside.text
