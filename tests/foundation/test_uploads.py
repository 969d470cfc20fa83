"""Every upload is size-limited and type-checked by content; zips are checked against zip bombs
and path traversal (issue 9, point 6). The crafted files are built here, in the test."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from atlas_data.models import ImportRun, Poi
from atlas_data.services import AtlasError, start_import
from atlas_data.services.errors import ImportProblems, uploaded_import_file
from conferences.models import MinutesTemplate
from conferences.services_meetings import MeetingError, upload_minutes_template
from keck.uploads import UploadRejected, check_upload, checked_temporary_copy
from measures.reports import interim
from measures.reports.runs import upload_interim_template
from measures.services import MeasuresError

MB = 1024 * 1024
DEMO_GPKG = Path(settings.BASE_DIR) / "atlas_data" / "demo_data" / "vechta_gemeinden.gpkg"
MINUTES_DOCX = Path(settings.BASE_DIR) / "templates" / "docx" / "minutes.docx"
AREA_SUFFIXES = (".zip", ".geojson", ".json", ".gpkg", ".csv", ".txt", ".xlsx")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def zip_bytes(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A Shapefile zip whose .dbf unpacks 32 MB of zeros from a few kilobytes."""
    return zip_bytes({"gemeinden.shp": b"\x00" * 100, "gemeinden.dbf": b"\x00" * (32 * MB)})


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["key", "name"])
    workbook.active.append(["03460001", "Bakum"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes, *, allowed=AREA_SUFFIXES, max_mb: int = 50) -> str:
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload(name, content), allowed=allowed, max_mb=max_mb)
    return str(refused.value)


# --- the shared check ---------------------------------------------------------------------------


def test_a_zip_bomb_is_refused():
    assert "looks like a zip bomb" in refusal("gemeinden.zip", zip_bomb())


@pytest.mark.parametrize(
    "member",
    [
        "../gemeinden.shp",
        "/etc/cron.d/keck",
        "..\\..\\gemeinden.dbf",
        "C:\\Windows\\x.prj",
        "a/../../b",
    ],
)
def test_a_zip_member_pointing_outside_its_folder_is_refused(member):
    content = zip_bytes({"gemeinden.shp": b"shape", member: b"evil"})

    assert "points outside its folder" in refusal("gemeinden.zip", content)


def test_a_zip_with_a_symbolic_link_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("gemeinden.shp")
        link.external_attr = 0o120777 << 16  # a symlink, as `zip --symlinks` stores it
        archive.writestr(link, "/etc/passwd")

    assert "contains a link" in refusal("gemeinden.zip", buffer.getvalue())


def test_a_zip_with_too_many_members_is_refused(settings):
    settings.KECK_ZIP_MAX_MEMBERS = 5
    content = zip_bytes({f"teil{n}.txt": b"x" for n in range(6)})

    assert "contains 6 files; at most 5 are accepted" in refusal("gemeinden.zip", content)


def test_a_zip_unpacking_to_more_than_the_limit_is_refused(settings):
    settings.KECK_ZIP_MAX_UNPACKED_MB = 1
    # Stored, not compressed: the ratio is 1:1, only the unpacked size is too large.
    content = zip_bytes({"gemeinden.dbf": b"\x01" * (2 * MB)}, compression=zipfile.ZIP_STORED)

    assert "unpacks to 2.0" in refusal("gemeinden.zip", content)


def test_a_damaged_zip_is_refused():
    content = zip_bytes({"gemeinden.shp": b"x" * 1000})[:60]

    assert "The zip file is damaged or not a zip file." in refusal("gemeinden.zip", content)


def test_a_csv_renamed_to_xlsx_is_refused():
    message = refusal("werte.xlsx", b"key;name\n03460001;Bakum\n")

    assert "is not in the format Excel (.xlsx) that its name promises" in message


def test_a_zip_renamed_to_xlsx_is_refused():
    content = zip_bytes({"gemeinden.shp": b"shape"})

    assert "Excel (.xlsx)" in refusal("werte.xlsx", content)


def test_a_file_above_the_size_limit_is_refused():
    content = b"key;name\n" + b"03460001;Bakum\n" * (MB // 10)

    message = refusal("werte.csv", content, max_mb=1)

    assert "is too large" in message
    assert "at most 1.0\xa0MB" in message


def test_an_empty_file_is_refused():
    assert "is empty" in refusal("werte.csv", b"")


def test_a_suffix_that_is_not_allowed_is_refused():
    assert "Files of type .exe cannot be imported here" in refusal("werte.exe", b"MZ")


def test_a_binary_file_named_csv_is_refused():
    assert "contains binary data" in refusal("werte.csv", xlsx_bytes())


def test_a_utf16_csv_is_refused_with_advice_how_to_save_it():
    content = "key;name\n03460001;Bakum\n".encode("utf-16")

    assert "Please save it as “CSV UTF-8”" in refusal("werte.csv", content)


def test_a_csv_that_is_neither_utf8_nor_windows_1252_is_refused():
    # 0x81 and 0x8d are undefined in Windows-1252 and not valid UTF-8 here.
    assert "cannot be read as text" in refusal("werte.csv", b"key;name\n1;\x81\x8d\n")


def test_geojson_that_is_not_json_is_refused():
    assert "is not valid JSON" in refusal("gebiete.geojson", b'{"type": "FeatureCollection",')


def test_json_that_is_not_a_geojson_object_is_refused():
    assert "not GeoJSON" in refusal("gebiete.geojson", b"[1, 2, 3]")


def test_a_file_named_gpkg_without_the_sqlite_header_is_refused():
    assert "GeoPackage" in refusal("gebiete.gpkg", b"key;name\n")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("werte.csv", "Schlüssel;Gebiet\n03460001;Bakum\n".encode()),
        ("werte.csv", "Schlüssel;Gebiet\n03460001;Dinklage\n".encode("cp1252")),
        ("werte.xlsx", xlsx_bytes()),
        ("gebiete.gpkg", DEMO_GPKG.read_bytes()),
        ("gebiete.geojson", json.dumps({"type": "FeatureCollection", "features": []}).encode()),
        ("protokoll.docx", MINUTES_DOCX.read_bytes()),
        ("gemeinden.zip", zip_bytes({"gemeinden.shp": b"x" * 5000, "gemeinden.dbf": b"y" * 40})),
    ],
)
def test_genuine_files_pass_and_are_left_at_their_start(name, content):
    file = upload(name, content)

    check_upload(file, allowed=(*AREA_SUFFIXES, ".docx"), max_mb=50)

    assert file.read() == content


# --- every upload path calls it, and nothing is stored on refusal ------------------------------


@pytest.fixture
def data_admin(municipality, member_of):
    return member_of(municipality, Role.DATA_ADMIN)


@pytest.fixture
def coordinator(municipality, member_of):
    return member_of(municipality, Role.COORDINATOR)


def test_an_atlas_import_of_a_zip_bomb_is_refused_and_stores_nothing(
    municipality, data_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    with pytest.raises(AtlasError, match="zip bomb"):
        start_import(
            municipality=municipality,
            user=data_admin,
            uploaded_file=upload("gemeinden.zip", zip_bomb()),
            kind=ImportRun.Kind.AREAS,
            options={"level": "Gemeinden"},
        )

    assert not ImportRun.objects.exists()
    assert not any(tmp_path.iterdir())


def test_the_import_api_refuses_a_fake_xlsx_with_the_message(client, municipality, data_admin):
    client.force_login(data_admin)
    url = reverse("api-imports", kwargs={"slug": municipality.slug})

    response = client.post(
        url,
        {"file": upload("werte.xlsx", b"key;name\n1;a\n"), "kind": "values", "level": "Gemeinden"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    assert "Excel (.xlsx)" in response.json()["file"][0]
    assert not ImportRun.objects.exists()


def test_the_poi_import_page_refuses_traversal_in_a_zip_and_writes_nothing(
    client, municipality, data_admin
):
    client.force_login(data_admin)
    client.cookies["django_language"] = "en"
    content = zip_bytes({"../../kitas.geojson": b'{"type": "FeatureCollection"}'})

    response = client.post("/app/atlas/pois/import/", {"file": upload("kitas.zip", content)})

    assert response.status_code == 200
    assert "points outside its folder" in response.content.decode()
    assert not Poi.objects.exists()


def test_a_minutes_template_with_a_zip_bomb_inside_is_refused(municipality, coordinator):
    bomb = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/image1.png": b"\x00" * (16 * MB),
        }
    )

    with pytest.raises(MeetingError, match="zip bomb"):
        upload_minutes_template(
            user=coordinator, municipality=municipality, upload=upload("protokoll.docx", bomb)
        )

    assert not MinutesTemplate.objects.exists()


def test_an_interim_report_template_above_the_limit_is_refused(
    municipality, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.KECK_MAX_TEMPLATE_MB = 1
    large = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/photo.jpg": bytes(range(256)) * (5 * MB // 256),
        },
        compression=zipfile.ZIP_STORED,
    )

    with pytest.raises(MeasuresError, match="is too large"):
        upload_interim_template(
            user=coordinator, municipality=municipality, upload=upload("bericht.docx", large)
        )

    assert not interim.own_template_path(municipality).exists()


def test_a_request_larger_than_any_upload_is_refused_before_it_is_read(client, data_admin):
    client.force_login(data_admin)
    declared = (settings.KECK_MAX_REQUEST_MB + 1) * MB

    response = client.post(
        "/app/atlas/imports/new/",
        data=b"x",
        content_type="multipart/form-data; boundary=keck",
        CONTENT_LENGTH=str(declared),
    )

    assert response.status_code == 413
    assert response.content.decode().startswith("Der Upload ist zu groß")


def test_an_import_file_is_copied_to_a_temporary_file_that_goes_away():
    upload = SimpleUploadedFile("kitas.csv", b"Name;Kategorie\nKita Ahorn;kita\n")
    with checked_temporary_copy(upload, allowed=(".csv",), max_mb=1) as path:
        assert path.suffix == ".csv"
        assert path.read_text(encoding="utf-8") == "Name;Kategorie\nKita Ahorn;kita\n"
    assert not path.exists() and not path.parent.exists()


def test_a_refused_import_file_is_one_problem_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    upload = SimpleUploadedFile("werte.xlsx", b"Name;Wert\n")  # a CSV named .xlsx
    with (
        pytest.raises(ImportProblems) as refused,
        uploaded_import_file(upload, allowed=(".csv", ".xlsx"), prefix="keck-test-"),
    ):
        pytest.fail("a refused file is never stored")
    (problem,) = refused.value.problems
    assert problem["row"] is None and "xlsx" in problem["message"].lower()
    assert list(tmp_path.iterdir()) == []
