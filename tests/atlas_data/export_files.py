"""Helpers of the export and report tests: read the files back, seed suppressed values.

PDF text is read from the content streams themselves (inflated, ASCII85 decoded), so the tests
need neither pypdf nor poppler: reportlab writes WinAnsi strings, matplotlib (TrueType fonts
kept as text) UTF-16 strings.
"""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib

from django.conf import settings

from atlas_data.models import Area, Indicator, Topic, Value

# A count whose Bakum value is small (primarily suppressed) and whose Damme value is the
# sibling that secondary suppression hides; both must never leave the system in a file.
SMALL_COUNT = 2
SIBLING_COUNT = 4711
SIBLING_TEXTS = ("4711", "4.711", "4,711")
SVG = "http://www.w3.org/2000/svg"


def seed_suppressed_count(vechta, *, year: int = 2013) -> Indicator:
    """A count for the Gemeinden of Vechta: Bakum 2 (k. A.), Damme 4711 (its hidden sibling)."""
    topic, _created = Topic.objects.get_or_create(
        municipality=vechta, code="soziale-lage", defaults={"name": "Soziale Lage", "order": 2}
    )
    indicator = Indicator.objects.create(
        municipality=vechta,
        topic=topic,
        name="Kinder in Bedarfsgemeinschaften",
        short_name="Kinder in BG",
        unit="Kinder",
        kind=Indicator.Kind.COUNT,
        decimals=0,
        polarity=Indicator.Polarity.HIGHER_WORSE,
        data_source="Bundesagentur für Arbeit",
        data_holder="Jobcenter",
        reference_date="31.12.",
    )
    gemeinden = Area.objects.filter(municipality=vechta, level__depth=1).order_by("key")
    numbers = {}
    for index, area in enumerate(gemeinden):
        numbers[area] = 5000 + 137 * index
    numbers[gemeinden.get(name="Bakum")] = SMALL_COUNT
    numbers[gemeinden.get(name="Damme")] = SIBLING_COUNT
    Value.objects.bulk_create(
        Value(indicator=indicator, area=area, year=year, value=number)
        for area, number in numbers.items()
    )
    return indicator


def pdf_text(data: bytes) -> str:
    """The text a PDF shows, one line per text operator, TJ arrays joined."""
    assert data.startswith(b"%PDF")
    lines = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", data, re.S):
        header, raw = match.groups()
        if b"ASCII85Decode" in header:
            raw = base64.a85decode(raw.strip().removesuffix(b"~>"), adobe=False)
        if b"FlateDecode" in header:
            try:
                raw = zlib.decompress(raw)
            except zlib.error:
                continue
        lines += _text_operators(raw)
    return "\n".join(lines)


_TOKEN = re.compile(rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)|<[0-9A-Fa-f\s]*>|\[|\]|Tj|TJ|'")


def _text_operators(stream: bytes) -> list[str]:
    lines, array, in_array = [], [], False
    for token in _TOKEN.finditer(stream):
        value = token.group(0)
        if value == b"[":
            in_array, array = True, []
        elif value == b"]":
            in_array = False
        elif value == b"TJ":
            lines.append("".join(array))
            array = []
        elif value in (b"Tj", b"'"):
            if array:
                lines.append(array.pop())
        elif value.startswith((b"(", b"<")):
            text = _decode(value)
            if in_array:
                array.append(text)
            else:
                array = [text]
    return lines


def _decode(token: bytes) -> str:
    body = token[1:-1]
    if token.startswith(b"<"):
        digits = re.sub(rb"\s", b"", body).decode()
        # The PDF spec pads an odd number of hex digits with a 0.
        raw = bytes.fromhex(digits + "0" * (len(digits) % 2))
    else:
        raw = _unescape(body)
    if b"\x00" in raw and len(raw) % 2 == 0:
        return raw.decode("utf-16-be", errors="replace")
    return raw.decode("cp1252", errors="replace")


def _unescape(body: bytes) -> bytes:
    out, index = bytearray(), 0
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    while index < len(body):
        char = body[index : index + 1]
        if char != b"\\":
            out += char
            index += 1
            continue
        following = body[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", body[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            index += 1 + len(octal.group(0))
        else:
            out += simple.get(following, following)
            index += 2
    return bytes(out)


def docx_text(data: bytes) -> str:
    """Every paragraph, table row (`cell | cell`, lines in a cell joined by ` / `) and footer of
    a DOCX, read with python-docx."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text.replace("\n", " / ") for cell in row.cells))
    parts += [p.text for s in document.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


def xlsx_texts(data: bytes) -> str:
    """Everything stored in an XLSX (all sheets, shared strings), for absence checks."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


def svg_texts(data: bytes) -> list[str]:
    """The text elements of an SVG (our own file, parsed as XML)."""
    root = ET.fromstring(data)  # noqa: S314 - a file the test itself just received from KECK
    return [" ".join(node.itertext()) for node in root.iter(f"{{{SVG}}}text")]


def bkg_note() -> str:
    return f"{settings.KECK_BKG_SOURCE_NOTE} (Daten verändert)"
