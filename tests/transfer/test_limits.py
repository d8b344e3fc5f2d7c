"""No uploaded file takes the service down: every file over a limit is refused at once, with
memory bounded, saying which limit in the user's language.

The evil files are made here with zipfile (none is committed): a workbook of 8 KB with one cell
far out (column ALL, row 1 000), which made the old reader build a million cells; dense zip
bombs; a sheet that declares less than it has; archives of many members; CSV files too long or
too wide. Each is refused in well under a second and a few MB of memory (measured with
tracemalloc), through the upload page as a planner meets it.
"""

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning.models import Role
from planning.services import membership_grant
from transfer.resources.files import UploadedFile, read_files
from transfer.resources.limits import FileRefused

ENGLISH = {"accept-language": "en"}
MEMORY_BOUND = 20 * 1024 * 1024  # bytes allocated at the peak of a refusal
TIME_BOUND = 1.0  # seconds

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Mätvärden" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADERS = ["Mål nr", "Indikator", "Period", "Värde"]


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    pairs = zip("ABCD", HEADERS, strict=True)
    cells = "".join(text_cell(f"{letter}1", text) for letter, text in pairs)
    return f'<row r="1">{cells}</row>'


def workbook(sheet: Iterator[str] | str, **members: bytes) -> bytes:
    """A workbook of one sheet "Mätvärden" whose XML is `sheet` (written piece by piece, so
    that a sheet of hundreds of MB never is in memory), and any other members."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            pieces: list[str] = []
            for piece in [sheet] if isinstance(sheet, str) else sheet:
                pieces.append(piece)
                if len(pieces) == 10_000:
                    stream.write("".join(pieces).encode("utf-8"))
                    pieces.clear()
            stream.write("".join(pieces).encode("utf-8"))
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


def sheet_xml(body: Iterator[str], dimension: str | None) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>'
    yield '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield header_row()
    yield from body
    yield "</sheetData></worksheet>"


def far_cell(dimension: str | None = "A1:ALL1000") -> bytes:
    """The 8 KB workbook of the issue: a header row and one cell at ALL1000."""
    return workbook(sheet_xml(iter(['<row r="1000"><c r="ALL1000"><v>1</v></c></row>']), dimension))


def dense_rows(count: int, width: int = 5) -> Iterator[str]:
    """`count` rows of `width` cells, each "1" (numbered rows, cells in order)."""
    cells = "<c><v>1</v></c>" * width
    for row in range(2, count + 2):
        yield f'<row r="{row}">{cells}</row>'


def refusal(content: bytes, name: str = "ond.xlsx") -> tuple[list[str], float, int]:
    """What reading the file says, how long it took and the peak of memory it allocated."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read_files([UploadedFile(name, content)])
    except FileRefused as refused:
        messages = refused.messages
    else:
        messages = []
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return messages, seconds, peak


# --- Workbooks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dimension", ["A1:ALL1000", None], ids=["declared", "undeclared"])
def test_the_far_cell_workbook_is_refused_at_once(dimension, english):
    content = far_cell(dimension)
    assert len(content) < 8 * 1024
    messages, seconds, peak = refusal(content)
    assert messages == [
        "“Mätvärden” reaches column ALL (1,000 columns); at most 100 columns can be read. "
        "Delete the columns to the right of the table, also empty ones that have a format, and "
        "upload the file again."
    ]
    assert seconds < TIME_BOUND and peak < MEMORY_BOUND


def test_a_dense_zip_bomb_is_refused_before_it_is_unpacked(english):
    # 1.2 million rows of five cells: 116 MB of XML in a file of 3.4 MB.
    content = workbook(sheet_xml(dense_rows(1_200_000), "A1:E1200001"))
    assert len(content) < 4 * 1024 * 1024
    messages, seconds, peak = refusal(content)
    assert messages == [
        "The file “ond.xlsx” unpacks to more than 100 MB, the most Styrkort reads from one "
        "import. Import fewer rows at a time, e.g. one sheet or one year per file."
    ]
    assert seconds < TIME_BOUND and peak < MEMORY_BOUND


def test_a_workbook_packed_tighter_than_excel_packs_is_not_unpacked(english):
    # 40 MB of the same cell, packed about a thousand times.
    body = ("<row>" + "<c><v>1</v></c>" * 1000 + "</row>" for _ in range(2700))
    content = workbook(sheet_xml(body, "A1:ALL2701"))
    messages, seconds, peak = refusal(content)
    assert len(messages) == 1
    assert messages[0].startswith(
        "The file “ond.xlsx” holds a part (xl/worksheets/sheet1.xml) packed "
    )
    assert "at most 100 times is accepted, so it is not unpacked." in messages[0]
    assert seconds < TIME_BOUND and peak < MEMORY_BOUND


def test_a_sheet_that_declares_less_than_it_has_is_stopped_where_it_passes(english, settings):
    settings.IMPORT_MAX_ROWS = 1000
    content = workbook(sheet_xml(dense_rows(50_000, width=4), "A1:D10"))
    messages, seconds, peak = refusal(content)
    assert messages == [
        "“Mätvärden” reaches row 1,001; at most 1,000 rows can be imported from a sheet or file. "
        "Delete what lies below the table (also empty rows that have a format), or import fewer "
        "rows at a time."
    ]
    assert seconds < TIME_BOUND and peak < MEMORY_BOUND


def test_rows_and_cells_declared_over_the_limits_are_refused_before_any_row_is_read(
    english, settings, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("no sheet may be read when one declares too much")

    monkeypatch.setattr("transfer.resources.xlsx.read_sheet", never)
    settings.IMPORT_MAX_CELLS = 10_000
    too_long = workbook(sheet_xml(iter([]), "A1:D1048576"))
    assert refusal(too_long)[0] == [
        "“Mätvärden” reaches row 1,048,576; at most 100,000 rows can be imported from a sheet "
        "or file. Delete what lies below the table (also empty rows that have a format), or "
        "import fewer rows at a time."
    ]
    too_many = workbook(sheet_xml(iter([]), "A1:CV5000"))
    assert refusal(too_many)[0] == [
        "“Mätvärden” has 500,000 cells; at most 10,000 cells can be read from a sheet or file. "
        "Delete what lies outside the table, or import fewer rows at a time."
    ]


def test_an_archive_of_many_members_is_refused_by_its_directory(english):
    members = {f"xl/media/image{n}.png": b"" for n in range(600)}
    content = workbook(sheet_xml(iter([]), "A1:D1"), **members)
    messages, seconds, peak = refusal(content)
    assert messages == [
        "The file “ond.xlsx” is an archive of 605 files; a workbook or zip archive may hold at "
        "most 500. Save the workbook again in Excel, or put fewer CSV files in the archive."
    ]
    assert seconds < TIME_BOUND and peak < MEMORY_BOUND


def test_a_document_type_declaration_is_refused(english):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{header_row()}<row r="2"><c r="A2" t="inlineStr"><is><t>&lol2;</t>'
        "</is></c></row></sheetData></worksheet>"
    )
    messages, _seconds, _peak = refusal(workbook(laughs))
    assert messages == [
        "“ond.xlsx” could not be read as an Excel workbook (.xlsx). Open it in Excel and save it "
        "again as an Excel workbook."
    ]


def test_a_real_workbook_within_the_limits_is_read_in_full():
    rows = ("".join(text_cell(f"{c}{r}", f"v{r}") for c in "ABCD") for r in range(2, 3002))
    body = (f'<row r="{r}">{cells}</row>' for r, cells in zip(range(2, 3002), rows, strict=True))
    (table,) = read_files([UploadedFile("bra.xlsx", workbook(sheet_xml(body, "A1:D3001")))])
    assert table.headers == HEADERS
    assert len(table.rows) == 3000
    assert table.rows[-1] == (3001, ["v3001"] * 4)


# --- CSV files ------------------------------------------------------------------------------------


def test_csv_files_too_long_or_too_wide_are_refused(english, settings):
    settings.IMPORT_MAX_ROWS = 500
    long = ("Mål nr;Värde\r\n" + "1;2\r\n" * 2000).encode()
    assert refusal(long, "lång.csv")[0] == [
        "“lång.csv” reaches row 501; at most 500 rows can be imported from a sheet or file. "
        "Delete what lies below the table (also empty rows that have a format), or import fewer "
        "rows at a time."
    ]
    wide = (";".join(["x"] * 150) + "\r\n").encode()
    assert refusal(wide, "bred.csv")[0] == [
        "“bred.csv” reaches column ET (150 columns); at most 100 columns can be read. Delete the "
        "columns to the right of the table, also empty ones that have a format, and upload the "
        "file again."
    ]


def test_a_csv_file_over_the_size_limit_is_refused_by_its_size(english, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100 * 1024
    content = ("Mål nr;Värde\r\n" + "1;2\r\n" * 30_000).encode()
    assert refusal(content, "stor.csv")[0] == [
        "The file “stor.csv” is 0.1 MB; at most 0.1 MB can be imported. Import fewer rows at a "
        "time, e.g. one sheet or one year per file."
    ]


# --- Through the page ---------------------------------------------------------------------------


@pytest.fixture
def planner(django_user_model, organisation, units):
    user = django_user_model.objects.create_user("planner", password="pw")
    membership_grant(
        user=user, organisation=organisation, unit=units["operation"], role=Role.PLANNER, actor=None
    )
    return user


def database_rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_page_refuses_the_far_cell_workbook_in_swedish(client, plan, planner):
    client.force_login(planner)
    before = database_rows()
    started = time.perf_counter()
    response = client.post(
        reverse("transfer:plan_import", args=[plan.pk]),
        {"files": SimpleUploadedFile("ond.xlsx", far_cell())},
        headers={"accept-language": "sv"},
    )
    assert time.perf_counter() - started < TIME_BOUND
    assert response.status_code == 200
    assert "”Mätvärden” når kolumn ALL (1\xa0000 kolumner); högst 100 kolumner kan läsas." in (
        response.text.replace("&nbsp;", "\xa0")
    )
    assert database_rows() == before  # nothing saved, no job, no files kept
