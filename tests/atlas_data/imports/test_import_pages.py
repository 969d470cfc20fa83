"""Web upload pages and the import API: data admins only, progress and problems visible."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from atlas_data.models import ImportRun, Value

from .helpers import VECHTA_TABLE, counts


@pytest.fixture
def english(client):
    """The language chosen in the page's switcher (KECK ignores the browser's language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _vechta_csv(text: str | None = None) -> SimpleUploadedFile:
    content = text if text is not None else VECHTA_TABLE.read_text(encoding="utf-8")
    return SimpleUploadedFile("vechta_gemeinden_2013.csv", content.encode("utf-8"))


def _bad_vechta_csv() -> SimpleUploadedFile:
    text = VECHTA_TABLE.read_text(encoding="utf-8")
    return _vechta_csv(text.replace("3460005;Holdorf;16,06", "3460005;Holdorf;viele"))


# --- web pages -----------------------------------------------------------------------------


def test_data_admin_uploads_a_published_table_and_sees_the_result(english, client, data_admin):
    client.force_login(data_admin)

    form = client.get(reverse("atlas:import_new"))
    response = client.post(
        reverse("atlas:import_new"),
        {"kind": "values", "file": _vechta_csv(), "level": "Gemeinden", "year": "2013"},
    )

    assert form.status_code == 200
    assert b'<datalist id="keck-levels"><option value="Landkreis">' in form.content
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("atlas:import_detail", kwargs={"pk": run.pk})
    assert Value.objects.count() == 22
    page = client.get(response["Location"]).content.decode()
    assert "Done" in page and 'value="100"' in page
    assert "Anteil unter 15-Jähriger an der Gesamtbevölkerung" in page  # new indicator
    assert "Lohne (Oldenburg)" in page  # warning about the name
    assert reverse("api-import-detail", kwargs={"slug": "vechta", "pk": run.pk}) in page


def test_detail_page_lists_every_problem_with_row_and_column(english, client, data_admin):
    client.force_login(data_admin)

    response = client.post(
        reverse("atlas:import_new"),
        {"kind": "values", "file": _bad_vechta_csv(), "level": "Gemeinden", "year": "2013"},
    )

    page = client.get(response["Location"]).content.decode()
    assert "Failed" in page
    assert "1 problem – nothing was imported" in page
    assert (
        '<td class="num">7</td><td>Anteil unter 15-Jähriger an der Gesamtbevölkerung</td>'
        "<td>“viele” is not a number.</td>"
    ) in page
    assert not Value.objects.exists()


def test_a_running_import_polls_its_progress(client, data_admin, vechta):
    run = ImportRun.objects.create(
        municipality=vechta, kind="values", state="running", progress=250, total=1000
    )
    client.force_login(data_admin)

    page = client.get(reverse("atlas:import_detail", kwargs={"pk": run.pk})).content.decode()

    assert 'data-finished="0"' in page and 'value="25"' in page
    # The polling script is a static file (no inline scripts under the CSP); it reads the URL.
    assert "keck/job-progress.js" in page
    assert f'data-url="/api/v1/municipalities/vechta/imports/{run.pk}/"' in page


def test_form_refuses_values_for_a_level_that_does_not_exist(english, client, data_admin):
    client.force_login(data_admin)

    response = client.post(
        reverse("atlas:import_new"),
        {"kind": "values", "file": _vechta_csv(), "level": "Sozialräume", "year": "2013"},
    )

    assert response.status_code == 200
    assert "Values are imported into an existing level: Landkreis, Gemeinden" in (
        response.content.decode()
    )
    assert not ImportRun.objects.exists()


def test_import_list_shows_the_runs(client, data_admin, vechta):
    ImportRun.objects.create(municipality=vechta, kind="values", file_name="kitas.xlsx")
    client.force_login(data_admin)

    page = client.get(reverse("atlas:imports")).content.decode()

    assert "kitas.xlsx" in page


def test_menu_offers_imports_to_data_admins_only(client, data_admin, member):
    client.force_login(data_admin)
    assert reverse("atlas:imports") in client.get(reverse("atlas:index")).content.decode()

    client.force_login(member)
    assert reverse("atlas:imports") not in client.get(reverse("atlas:index")).content.decode()


@pytest.mark.parametrize("name", ["atlas:imports", "atlas:import_new"])
def test_members_may_not_open_the_import_pages(client, member, name):
    client.force_login(member)

    assert client.get(reverse(name)).status_code == 403


def test_members_may_not_upload(client, member):
    client.force_login(member)
    before = counts()

    response = client.post(
        reverse("atlas:import_new"),
        {"kind": "values", "file": _vechta_csv(), "level": "Gemeinden", "year": "2013"},
    )

    assert response.status_code == 403
    assert counts() == before and not ImportRun.objects.exists()


def test_an_import_of_another_municipality_is_not_found(client, data_admin, luechow):
    foreign = ImportRun.objects.create(municipality=luechow, kind="values")
    client.force_login(data_admin)

    assert client.get(reverse("atlas:import_detail", kwargs={"pk": foreign.pk})).status_code == 404


# --- API -----------------------------------------------------------------------------------


def _api_imports(slug="vechta") -> str:
    return reverse("api-imports", kwargs={"slug": slug})


def test_api_upload_as_data_admin_returns_the_run(client, data_admin):
    client.force_login(data_admin)

    response = client.post(
        _api_imports(),
        {"file": _vechta_csv(), "kind": "values", "level": "Gemeinden", "year": 2013},
    )

    assert response.status_code == 201, response.content
    run = response.json()
    assert response["Location"] == reverse(
        "api-import-detail", kwargs={"slug": "vechta", "pk": run["id"]}
    )
    assert (run["state"], run["percent"], run["created_by"]) == ("done", 100, "daten")
    assert run["summary"]["created"] == 22
    assert Value.objects.count() == 22


def test_api_reports_state_progress_and_problems(english, client, data_admin):
    client.force_login(data_admin)
    created = client.post(
        _api_imports(),
        {"file": _bad_vechta_csv(), "kind": "values", "level": "Gemeinden", "year": 2013},
    ).json()

    response = client.get(
        reverse("api-import-detail", kwargs={"slug": "vechta", "pk": created["id"]})
    )

    assert response.status_code == 200
    run = response.json()
    assert {"state", "progress", "total", "percent", "errors", "warnings", "summary"} <= set(run)
    assert run["state"] == "failed"
    assert run["errors"] == [
        {
            "row": 7,
            "column": "Anteil unter 15-Jähriger an der Gesamtbevölkerung",
            "message": "“viele” is not a number.",
        }
    ]
    assert not Value.objects.exists()


def test_api_refuses_unsuitable_files_with_400(client, data_admin):
    client.force_login(data_admin)

    response = client.post(
        _api_imports(),
        {
            "file": SimpleUploadedFile("gemeinden.shp", b"x"),
            "kind": "areas",
            "level": "Gemeinden",
        },
    )

    assert response.status_code == 400
    assert "file" in response.json()


def test_api_forbids_members(client, member, data_admin):
    client.force_login(data_admin)
    run_id = client.post(
        _api_imports(),
        {"file": _vechta_csv(), "kind": "values", "level": "Gemeinden", "year": 2013},
    ).json()["id"]
    client.force_login(member)

    upload = client.post(
        _api_imports(),
        {"file": _vechta_csv(), "kind": "values", "level": "Gemeinden", "year": 2013},
    )
    detail = client.get(reverse("api-import-detail", kwargs={"slug": "vechta", "pk": run_id}))

    assert (upload.status_code, detail.status_code) == (403, 403)
    assert ImportRun.objects.count() == 1


def test_api_forbids_anonymous_callers(client, vechta):
    response = client.post(
        _api_imports(),
        {"file": _vechta_csv(), "kind": "values", "level": "Gemeinden", "year": 2013},
    )

    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_api_hides_other_municipalities_imports(client, vechta, luechow, member_of):
    luechow_admin = member_of(luechow, Role.DATA_ADMIN)
    vechta_run = ImportRun.objects.create(municipality=vechta, kind="values")
    client.force_login(luechow_admin)

    upload = client.post(
        _api_imports("vechta"),
        {"file": _vechta_csv(), "kind": "values", "level": "Gemeinden", "year": 2013},
    )
    foreign = client.get(
        reverse("api-import-detail", kwargs={"slug": "vechta", "pk": vechta_run.pk})
    )
    own_slug = client.get(
        reverse("api-import-detail", kwargs={"slug": "luechow-dannenberg", "pk": vechta_run.pk})
    )

    assert (upload.status_code, foreign.status_code, own_slug.status_code) == (404, 404, 404)
    assert ImportRun.objects.count() == 1


def test_schema_documents_the_import_endpoints(client, db):
    schema = client.get("/api/schema/?format=json").json()

    upload = schema["paths"]["/api/v1/municipalities/{slug}/imports/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "201" in upload["responses"]
    detail = schema["paths"]["/api/v1/municipalities/{slug}/imports/{id}/"]["get"]
    assert "200" in detail["responses"]
