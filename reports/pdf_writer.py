"""A PDF file written an object at a time, for `reports.pdf_merge`: the parts of a merged
document copied into it as they are read, renumbered, without ever holding the whole.

`Part` writes one pikepdf document's objects (those reached from what is asked for: its pages,
its structure elements...) renumbered after those already written, each as QPDF unparses it with
its references renumbered (`TOKEN`); `Writer` puts every object but the streams in compressed
object streams of a hundred and ends the file with a cross-reference stream. The merged
document's own objects (catalogue, page tree, structure tree root...) have the first numbers,
given to the parts' own as they are read (`redirects`), and are written last.
"""

import hashlib
import re
import zlib
from decimal import Decimal
from typing import BinaryIO

import pikepdf
from pikepdf import Dictionary, String

# The merged document's own objects, written last; each part's objects are numbered after them.
CATALOG, PAGES, TREE, DOCUMENT, PARENT_TREE, DESTINATIONS, OUTLINES = range(1, 8)
OBJECTS_PER_STREAM = 100

# QPDF's unparsed syntax: a literal string (QPDF escapes every parenthesis in it), a hex
# string, or an indirect reference (group 1 and 2), the only tokens that can hold "N G R".
TOKEN = re.compile(
    rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f]*>|(?<![\w.+\-/#])(\d+) (\d+) R(?!\w)", re.DOTALL
)


class Writer:
    """A PDF file written object by object: streams as they come, other objects a hundred to a
    compressed object stream, then a cross-reference stream. Object numbers are handed out by
    `allocate` before the objects are written (a reference may come first)."""

    def __init__(self, file: BinaryIO, version: str) -> None:
        self.file = file
        self.digest = hashlib.md5(usedforsecurity=False)
        self.position = 0
        self.next_number = OUTLINES + 1
        # Where each object is: (1, offset, 0) in the file, (2, stream, index) in a stream.
        self.entries: dict[int, tuple[int, int, int]] = {}
        self.pending: list[tuple[int, bytes]] = []
        self._out(b"%PDF-" + version.encode() + b"\n%\xe2\xe3\xcf\xd3\n")

    def _out(self, data: bytes) -> None:
        self.file.write(data)
        self.digest.update(data)
        self.position += len(data)

    def allocate(self) -> int:
        number, self.next_number = self.next_number, self.next_number + 1
        return number

    def add(self, number: int, body: bytes) -> None:
        self.pending.append((number, body))
        if len(self.pending) >= OBJECTS_PER_STREAM:
            self._flush()

    def add_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """A stream: `dictionary` without its /Length (added here), `data` as it is stored."""
        self.entries[number] = (1, self.position, 0)
        self._out(b"%d 0 obj\n<< /Length %d %s\nstream\n" % (number, len(data), dictionary[2:]))
        self._out(data)
        self._out(b"\nendstream\nendobj\n")

    def _flush(self) -> None:
        if not self.pending:
            return
        number = self.allocate()
        offsets, at = [], 0
        for index, (member, body) in enumerate(self.pending):
            offsets.append(b"%d %d" % (member, at))
            at += len(body) + 1
            self.entries[member] = (2, number, index)
        header = b" ".join(offsets) + b"\n"
        data = zlib.compress(header + b"\n".join(body for _member, body in self.pending) + b"\n")
        self.add_stream(
            number,
            b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode >>"
            % (len(self.pending), len(header)),
            data,
        )
        self.pending = []

    def finish(self, info: bytes | None) -> None:
        """The cross-reference stream and trailer; the document's id is the digest of all."""
        self._flush()
        number = self.allocate()
        start = self.position
        self.entries[number] = (1, start, 0)
        rows = bytearray()
        for member in range(number + 1):
            kind, second, third = self.entries.get(member, (0, 0, 65535 if member == 0 else 0))
            rows += kind.to_bytes(1, "big") + second.to_bytes(4, "big") + third.to_bytes(2, "big")
        data = zlib.compress(bytes(rows))
        identifier = self.digest.hexdigest().encode()
        info_entry = b"/Info " + info + b" " if info else b""
        self._out(
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 4 2 ] /Root %d 0 R %s/ID [ <%s> <%s> ]"
            b" /Filter /FlateDecode /Length %d >>\nstream\n"
            % (number, number + 1, CATALOG, info_entry, identifier, identifier, len(data))
        )
        self._out(data)
        self._out(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)


class Part:
    """One part's objects written to the merged file as they are reached, renumbered: `encode`
    gives a value as the merged document's bytes (handing out a number to each object it
    refers to), `write_reached` writes every object so referred to, and those they refer to."""

    def __init__(self, writer: Writer, pdf: pikepdf.Pdf, redirects: dict) -> None:
        self.writer, self.pdf = writer, pdf
        # The part's own objects (catalogue, page tree, structure tree root and /Document)
        # become the merged document's: references to them lead there, and they are not copied.
        self.numbers: dict[tuple[int, int], int] = dict(redirects)
        self.queue: list[tuple[int, int]] = []

    def number(self, objgen: tuple[int, int]) -> int:
        found = self.numbers.get(objgen)
        if found is None:
            found = self.numbers[objgen] = self.writer.allocate()
            self.queue.append(objgen)
        return found

    def _renumbered(self, match: re.Match) -> bytes:
        if match[1] is None:
            return match[0]
        return b"%d 0 R" % self.number((int(match[1]), int(match[2])))

    def renumber(self, data: bytes) -> bytes:
        return TOKEN.sub(self._renumbered, data)

    def encode(self, value) -> bytes:
        if isinstance(value, pikepdf.Object):
            if value.is_indirect:
                return b"%d 0 R" % self.number(value.objgen)
            return self.renumber(value.unparse())
        return scalar(value)

    def write_reached(self) -> None:
        while self.queue:
            objgen = self.queue.pop()
            number = self.numbers[objgen]
            found = self.pdf.get_object(objgen)
            if isinstance(found, pikepdf.Stream):
                dictionary = Dictionary(
                    {key: value for key, value in found.stream_dict.items() if key != "/Length"}
                )
                self.writer.add_stream(
                    number, self.renumber(dictionary.unparse()), found.read_raw_bytes()
                )
            else:
                self.writer.add(number, self.renumber(found.unparse(resolved=True)))


def scalar(value) -> bytes:
    """A Python value pikepdf gave for a PDF scalar, as PDF."""
    if value is None:
        return b"null"
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int | Decimal | float):
        return str(value).encode()
    if isinstance(value, str):
        return String(value).unparse()
    return pikepdf.Object.parse(str(value).encode()).unparse()  # pragma: no cover


def without(dictionary: Dictionary, *keys: str) -> Dictionary:
    """A direct copy of `dictionary` without `keys` (its values as they are: references stay
    references)."""
    return Dictionary({key: value for key, value in dictionary.items() if key not in keys})


def with_entries(entries: bytes, rest: bytes) -> bytes:
    """A dictionary of `entries` and those of the unparsed dictionary `rest`."""
    return b"<< " + entries + b" " + rest[2:]
