"""Bad input, fuzzed: whatever file arrives, the value and POI importers refuse it in German,
write nothing, and never fail with anything but their domain error.

Hypothesis draws random bytes, random CSV shapes (random column counts and names, among them the
expected ones, random cells: huge, numbers with comma or dot, empty, unicode, `k. A.`) and valid
files in wrong encodings (latin-1, cp1252, UTF-16, with and without BOM). Each example runs in a
savepoint that is rolled back, so examples do not see each other's writes.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from atlas_data.models import ImportRun, Indicator, Poi, Value
from atlas_data.services import ImportProblems, import_values
from atlas_data.services.pois import create_default_categories, import_pois
from tests.atlas_data.conftest import make_tree
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

from .helpers import counts

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VALUE_HEADERS = ["Schlüssel", "Gebiet", "Kinder unter 6", "Anteil (%)", "Jahr", "Wert", "Indikator"]
POI_HEADERS = ["Name", "Kategorie", "Breite", "Länge", "x", "y", "crs", "Plätze", "Adresse", "id"]
HUGE = ("9" * 5000, "x" * 70_000, "1.000.000.000.000.000.000,5", "ä" * 3000)

cells = st.one_of(
    st.sampled_from(["", "–", "k. A.", "0", "2", "1,5", "1.5", "1.583", "16,15 %", "-3", "1e9"]),
    st.sampled_from(["001", "002", "003", "Bezirk 1", "kita", "52,7", "8,2", "52.73", "8.28"]),
    st.sampled_from(HUGE),
    st.text(max_size=30),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
)
headers = st.lists(
    st.one_of(st.sampled_from(VALUE_HEADERS + POI_HEADERS), st.text(max_size=20)),
    min_size=0,
    max_size=7,
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le"])


@st.composite
def csv_files(draw) -> tuple[bytes, str]:
    """A CSV of random shape: rows may have more or fewer cells than the header."""
    header = draw(headers)
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=6))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(encodings)
    return buffer.getvalue().encode(encoding, errors="replace"), ".csv"


@st.composite
def xlsx_files(draw) -> tuple[bytes, str]:
    header = draw(headers)
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 1), max_size=4))
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        # openpyxl refuses control characters and cells over 32,767 characters; a real
        # spreadsheet cannot hold them either.
        sheet.append([_excel_safe(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), ".xlsx"


def _excel_safe(cell: str) -> str:
    cleaned = "".join(ch for ch in cell if ch >= " " or ch in "\t\n\r")
    return cleaned[:32_000]


random_bytes = st.tuples(st.binary(max_size=400), st.sampled_from([".csv", ".xlsx", ".txt"]))
files = st.one_of(random_bytes, csv_files(), xlsx_files())

# A valid value table of the municipality below, in every encoding.
VALID_VALUES = "Schlüssel;Gebiet;Kinder unter 6 Jahren\n001;Bezirk 1;120\n002;Bezirk 2;95\n"
VALID_POIS = "Name;Kategorie;Breite;Länge\nKita Sonnenschein;kita;52,73;8,28\n"


@pytest.fixture
def town(db):
    municipality = MunicipalityFactory(slug="fuzzstadt", name="Fuzzstadt")
    make_tree(municipality, districts=3)
    admin = UserFactory(username="fuzz-daten")
    MembershipFactory(user=admin, municipality=municipality, roles=[Role.DATA_ADMIN])
    create_default_categories(municipality=municipality, user=admin)
    return municipality, admin


def _written(data: bytes, suffix: str, folder: str) -> Path:
    path = Path(folder) / f"upload{suffix}"
    path.write_bytes(data)
    return path


def _attempt(run, data: bytes, suffix: str, language: str):
    """Run one import in `language` inside a savepoint rolled back afterwards: the counts
    before and after, and the domain error (or None)."""
    with tempfile.TemporaryDirectory() as folder, translation.override(language):
        path = _written(data, suffix, folder)
        with transaction.atomic():
            before = _everything()
            try:
                run(path)
            except ImportProblems as error:
                after = _everything()
                transaction.set_rollback(True)
                return before, after, error
            transaction.set_rollback(True)
    return before, before, None


def _everything() -> dict[str, int]:
    return {**counts(), "pois": Poi.objects.count()}


def _assert_refused_in_german(run, data: bytes, suffix: str) -> None:
    before, after, error = _attempt(run, data, suffix, "de")
    if error is None:
        return  # the random file happened to be a valid one: accepted, which is fine
    assert after == before, "a refused file must write nothing"
    _en_before, _en_after, english = _attempt(run, data, suffix, "en")
    assert english is not None
    assert str(error).startswith("Die Datei hat"), str(error)
    german_lines, english_lines = error.lines(), english.lines()
    assert german_lines, "a refusal names its problems"
    for german, source in zip(german_lines, english_lines, strict=True):
        assert german != source, f"not translated: {german}"


@FUZZ
@given(file=files)
@example(file=(VALID_VALUES.encode("utf-16"), ".csv"))
@example(file=(b"\x81\x8d\x8f\x90\x9d", ".csv"))  # undefined in cp1252
@example(file=(b"", ".csv"))
@example(file=(b"\xef\xbb\xbf", ".csv"))  # a BOM and nothing else
@example(file=(b"Schl\xfcssel;Gebiet\n001;" + b"9" * 5000 + b"\n", ".csv"))
def test_the_value_importer_refuses_bad_files_in_german_and_writes_nothing(town, file):
    municipality, admin = town
    data, suffix = file

    def run(path):
        import_values(
            municipality=municipality, path=path, level_name="Bezirke", year=2020, user=admin
        )

    _assert_refused_in_german(run, data, suffix)


@FUZZ
@given(file=files)
@example(file=(VALID_POIS.encode("utf-16"), ".csv"))
@example(file=(b"\x81\x8d\x8f\x90\x9d", ".csv"))
@example(file=(b"", ".csv"))
@example(file=(b"Name;Kategorie;Breite;L\xe4nge\nKita;kita;1e400;8,2\n", ".csv"))
def test_the_poi_importer_refuses_bad_files_in_german_and_writes_nothing(town, file):
    municipality, admin = town
    data, suffix = file

    def run(path):
        import_pois(municipality=municipality, path=path, user=admin)

    _assert_refused_in_german(run, data, suffix)


def _import_valid_table(municipality, admin, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder, translation.override("de"):
        import_values(
            municipality=municipality,
            path=_written(data, ".csv", folder),
            level_name="Bezirke",
            year=2020,
            user=admin,
        )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_a_valid_value_table_is_read_in_the_encodings_spreadsheets_write(town, encoding):
    """Umlauts in the header (Schlüssel) survive; UTF-16 is recognised by its BOM."""
    municipality, admin = town
    _import_valid_table(municipality, admin, VALID_VALUES.encode(encoding))
    indicator = Indicator.objects.get(municipality=municipality)
    assert indicator.name == "Kinder unter 6 Jahren"
    values = Value.objects.filter(indicator=indicator).values_list("value", flat=True)
    assert sorted(values) == [95, 120]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_refused_in_german(town, encoding):
    municipality, admin = town
    with pytest.raises(ImportProblems) as refused:
        _import_valid_table(municipality, admin, VALID_VALUES.encode(encoding))
    assert str(refused.value).startswith("Die Datei hat")
    assert Value.objects.count() == 0


VIEW_FUZZ = settings(FUZZ, max_examples=8)
UNEXPECTED = "The import stopped with an unexpected error"


def _upload(client, url: str, fields: dict, data: bytes, name: str, language: str):
    """Post a file in `language` inside a savepoint rolled back afterwards: whether it was
    accepted, whether anything was written when refused, and the messages the user read."""
    upload = io.BytesIO(data)
    upload.name = name
    client.cookies["django_language"] = language
    with transaction.atomic():
        before = _everything()
        response = client.post(url, {**fields, "file": upload})
        assert response.status_code in (200, 302), response.status_code
        context = response.context or {}
        form = context.get("form")
        messages = [str(m) for errors in (form.errors.values() if form else []) for m in errors]
        messages += [str(p["message"]) for p in context.get("problems") or []]
        runs = list(ImportRun.objects.all())
        for run in runs:
            messages += [str(p["message"]) for p in run.errors]
        accepted = response.status_code == 302 and all(
            run.state == ImportRun.State.DONE for run in runs
        )
        unchanged = _everything() == before
        transaction.set_rollback(True)
    return accepted, unchanged, messages


def _assert_page_refuses_in_german(client, url, fields, data, name) -> None:
    accepted, unchanged, german = _upload(client, url, fields, data, name, "de")
    if accepted:
        return  # a valid file after all
    assert unchanged, "a refused upload must write nothing"
    _accepted, _unchanged, english = _upload(client, url, fields, data, name, "en")
    assert german, "a refusal names its problems"
    for message in english:
        assert not message.startswith(UNEXPECTED), "the importer crashed"
    for in_german, source in zip(german, english, strict=True):
        assert in_german != source, f"not translated: {in_german}"


@VIEW_FUZZ
@given(file=files)
@example(file=(b"\x81\x8d\x8f\x90\x9d" * 50, ".csv"))
def test_the_value_upload_page_refuses_bad_files_in_german(client, town, file):
    municipality, admin = town
    client.force_login(admin)
    data, suffix = file
    fields = {"kind": "values", "level": "Bezirke", "year": "2020"}
    _assert_page_refuses_in_german(client, "/app/atlas/imports/new/", fields, data, f"w{suffix}")


@VIEW_FUZZ
@given(file=files)
@example(file=(b"\x81\x8d\x8f\x90\x9d" * 50, ".csv"))
def test_the_poi_upload_page_refuses_bad_files_in_german(client, town, file):
    municipality, admin = town
    client.force_login(admin)
    data, suffix = file
    _assert_page_refuses_in_german(
        client, "/app/atlas/pois/import/", {"crs": ""}, data, f"einrichtungen{suffix}"
    )
