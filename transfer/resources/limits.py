"""How much an import's files may hold, and the checks made before anything is read.

Every limit comes from settings (the README lists them): the bytes of the uploaded files, what a
workbook or zip archive unpacks to (in all), how many members it has and how tightly each is
compressed, and each sheet's or CSV file's rows, columns and cells. A workbook's members are
measured from its central directory before one byte is unpacked, each sheet's declared size
(its `<dimension>`) before any sheet is read, and the actual rows, columns, cells and unpacked
bytes while the sheets are read, row by row: a file that lies about its size is stopped where it
passes a limit. A file over a limit is refused with a message in the user's language that says
which limit, and what to do.
"""

import io
import struct
import zipfile
from dataclasses import dataclass
from typing import Self

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

RATIO_CHECKED_FROM = 1024 * 1024  # members smaller than this unpack to little whatever their ratio
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_COMMENT = 0xFFFF


class FileRefused(Exception):
    """A file cannot be imported; the messages say why and what to do."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Limits:
    """What one import may hold (see the module's docstring)."""

    file_bytes: int
    unpacked_bytes: int
    zip_members: int
    compression_ratio: int
    rows: int
    columns: int
    cells: int

    @classmethod
    def from_settings(cls) -> Self:
        return cls(
            file_bytes=settings.IMPORT_MAX_FILE_BYTES,
            unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
            zip_members=settings.IMPORT_MAX_ZIP_MEMBERS,
            compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS,
        )


def count(number: int) -> str:
    """A whole number as the user's language writes it: 100 000 (sv), 100,000 (en)."""
    return number_format(number, force_grouping=True)


def megabytes(size: int) -> str:
    """Bytes as megabytes: "10" for a whole number of them, else with one decimal."""
    whole, rest = divmod(size, 1024 * 1024)
    return count(whole) if not rest else number_format(round(size / 1024 / 1024, 1), 1)


# --- Messages -------------------------------------------------------------------------------------


def too_large_message(name: str, size: int, limit: int) -> str:
    return _(
        "The file “%(name)s” is %(size)s MB; at most %(limit)s MB can be imported. Import "
        "fewer rows at a time, e.g. one sheet or one year per file."
    ) % {
        "name": name,
        "size": number_format(round(size / 1024 / 1024, 1), 1),
        "limit": megabytes(limit),
    }


def unpacked_message(name: str, limit: int) -> str:
    return _(
        "The file “%(name)s” unpacks to more than %(limit)s MB, the most Styrkort reads from one "
        "import. Import fewer rows at a time, e.g. one sheet or one year per file."
    ) % {"name": name, "limit": megabytes(limit)}


def members_message(name: str, found: int, limit: int) -> str:
    return _(
        "The file “%(name)s” is an archive of %(count)s files; a workbook or zip archive may "
        "hold at most %(limit)s. Save the workbook again in Excel, or put fewer CSV files in the "
        "archive."
    ) % {"name": name, "count": count(found), "limit": count(limit)}


def ratio_message(name: str, member: str, ratio: int, limit: int) -> str:
    return _(
        "The file “%(name)s” holds a part (%(member)s) packed %(ratio)s times smaller than it "
        "unpacks to; at most %(limit)s times is accepted, so it is not unpacked. A spreadsheet "
        "saved by Excel stays under that: save the file again in Excel and upload it."
    ) % {"name": name, "member": member, "ratio": count(ratio), "limit": count(limit)}


def rows_message(table: str, row: int, limit: int) -> str:
    return _(
        "“%(table)s” reaches row %(row)s; at most %(limit)s rows can be imported from a sheet or "
        "file. Delete what lies below the table (also empty rows that have a format), or import "
        "fewer rows at a time."
    ) % {"table": table, "row": count(row), "limit": count(limit)}


def columns_message(table: str, column: str, columns: int, limit: int) -> str:
    return _(
        "“%(table)s” reaches column %(column)s (%(count)s columns); at most %(limit)s columns "
        "can be read. Delete the columns to the right of the table, also empty ones that have a "
        "format, and upload the file again."
    ) % {"table": table, "column": column, "count": count(columns), "limit": count(limit)}


def cells_message(table: str, cells: int, limit: int) -> str:
    return _(
        "“%(table)s” has %(count)s cells; at most %(limit)s cells can be read from a sheet or "
        "file. Delete what lies outside the table, or import fewer rows at a time."
    ) % {"table": table, "count": count(cells), "limit": count(limit)}


# --- Archives -------------------------------------------------------------------------------------


def declared_members(content: bytes) -> int | None:
    """The number of members a zip archive's end record declares (0xFFFF for ZIP64), read
    before Python builds its list of members; None if there is no end record."""
    tail = content[-(_EOCD_SIZE + _MAX_COMMENT) :]
    position = tail.rfind(_EOCD)
    if position < 0 or len(tail) - position < _EOCD_SIZE:
        return None
    (entries,) = struct.unpack("<H", tail[position + 10 : position + 12])
    return entries


def open_archive(name: str, content: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip archive, its members checked: how many, what they unpack to, how tightly each
    is packed. FileRefused for an archive over a limit; zipfile.BadZipFile for a broken one."""
    declared = declared_members(content)
    if declared is not None and declared > limits.zip_members:
        raise FileRefused([members_message(name, declared, limits.zip_members)])
    archive = zipfile.ZipFile(io.BytesIO(content))
    members = archive.infolist()
    problems = []
    if len(members) > limits.zip_members:
        problems.append(members_message(name, len(members), limits.zip_members))
    elif sum(member.file_size for member in members) > limits.unpacked_bytes:
        problems.append(unpacked_message(name, limits.unpacked_bytes))
    else:
        for member in members:
            if member.file_size < RATIO_CHECKED_FROM:
                continue
            ratio = member.file_size // max(member.compress_size, 1)
            if ratio > limits.compression_ratio:
                limit = limits.compression_ratio
                problems.append(ratio_message(name, member.filename, ratio, limit))
                break
    if problems:
        archive.close()
        raise FileRefused(problems)
    return archive


class Budget:
    """The bytes an archive may still unpack to, counted as its members are read: a member
    that unpacks to more than its directory says is stopped where the total passes the limit."""

    def __init__(self, name: str, limit: int):
        self.name = name
        self.limit = limit
        self.used = 0

    def take(self, size: int) -> None:
        self.used += size
        if self.used > self.limit:
            raise FileRefused([unpacked_message(self.name, self.limit)])
