"""Reports of the measures part: the measure plan (DOCX, XLSX) and the interim report (DOCX,
PDF) generated through the Celery task (eager in tests), on the Vechta demo.

Files travel: the interim report is rendered as a member sees the atlas, so a suppressed number
never appears, even when the municipal admin (who may see suppressed values) generates it.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import docx
import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx.enum.section import WD_ORIENT

from accounts.models import Membership, Role
from accounts.permissions import file_reader, forget_cached_memberships
from atlas_data.models import Area, Indicator
from atlas_data.suppression import format_number
from conferences.models import Conference
from conferences.services_meetings import add_member, create_conference
from keck.demo_meetings import PLANNING_NAME
from measures import services
from measures.models import ReportRun
from measures.reports import INTERIM_REPORT_TEMPLATE
from measures.reports.data import map_choices
from measures.selectors import goal_attainments
from tests.atlas_data.export_files import SIBLING_TEXTS, docx_text, pdf_text, seed_suppressed_count
from tests.factories import UserFactory

User = get_user_model()

COLUMNS_EN = [
    "Measure (What?)",
    "Sub-steps (What exactly?)",
    "Responsibility (Who?)",
    "Support (With whom?)",
    "Deadline (By when?)",
    "Reference / content framework (Which goal is pursued?)",
]
GROUP = "Arbeitsgruppe Zwischenbericht"
MUNICIPAL_GOAL = "Alle Kinder wachsen im Landkreis gesund und mit guten Chancen auf"
AREA_GOAL = "Mehr Kinder unter 15 Jahren in der Stadt Vechta halten"
HIDDEN_GOAL = "Weniger Kinder in Bedarfsgemeinschaften in Damme"
FAMILY_CENTRE = "Familienzentrum Vechta-Mitte ausbauen"
PARENTS_CAFE = "Elterncafé in allen Kitas"
HOLIDAYS = "Ferienprogramm für Grundschulkinder"
OLDEST_UPDATE = "Erstes Gespräch mit dem Träger geführt"
LATEST_UPDATES = [
    "Konzept mit der Kita-Leitung abgestimmt",
    "Räume im Gemeindehaus gefunden",
    "Förderantrag beim Land gestellt",
]


IMAGE_STREAM = re.compile(
    rb"<<(?:(?!>>).)*?/Subtype\s*/Image(?:(?!>>).)*>>\s*stream.*?endstream", re.S
)


def images_in_pdf(data: bytes) -> int:
    return len(IMAGE_STREAM.findall(data))


def text_of_pdf(data: bytes) -> str:
    """The text of a PDF with pictures: their binary streams are no text operators."""
    return pdf_text(IMAGE_STREAM.sub(b"", data))


def _user(name: str):
    return User.objects.get(username=name)


def _english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def plan(demo):
    """A working group of Vechta with three goals (one municipal and qualitative, two area goals
    on atlas indicators, one of them a count whose Damme value is hidden) and three measures
    (one without goal, one overdue, one reflected on) with sub-steps and a timeline.

    The tests filter by the working group, so the demo's own goals and measures stay out."""
    coordinator = _user("demo-koordination")
    member = _user("demo-mitglied")
    planning = Conference.objects.get(municipality=demo, name=PLANNING_NAME)
    town = Area.objects.get(municipality=demo, key="03460009")
    damme = Area.objects.get(municipality=demo, name="Damme")
    group = create_conference(
        user=coordinator,
        municipality=demo,
        kind=Conference.Kind.AREA,
        name=GROUP,
        areas=[town],
    )
    for name, institution, user in (
        ("Mia Mitglied", "Stadt Vechta", member),
        ("Stefan Göttke", "Grundschule Stadtmitte", None),
        ("Gisela Rohe", "", None),
    ):
        add_member(
            user=coordinator,
            conference=group,
            name=name,
            institution=institution,
            member_user=user,
        )
    members = {m.name: m for m in group.members.all()}
    u15 = Indicator.objects.get(municipality=demo, catalogue_code="anteil-unter-15")
    hidden = seed_suppressed_count(demo)
    municipal = services.create_goal(
        user=coordinator,
        municipality=demo,
        data={
            "conference": planning,
            "title": MUNICIPAL_GOAL,
            "qualitative_criterion": "Die Sozialraumkonferenzen berichten jährlich.",
            "deadline": datetime.date(2030, 12, 31),
        },
    )
    area_goal = services.create_goal(
        user=coordinator,
        municipality=demo,
        data={
            "conference": group,
            "parent": municipal,
            "title": AREA_GOAL,
            "indicator": u15,
            "measurement_area": town,
            "baseline_year": 2013,
            "target_value": 16.0,
            "deadline": datetime.date(2030, 12, 31),
        },
    )
    hidden_goal = services.create_goal(
        user=coordinator,
        municipality=demo,
        data={
            "conference": group,
            "parent": municipal,
            "title": HIDDEN_GOAL,
            "indicator": hidden,
            "measurement_area": damme,
            "baseline_year": 2013,
            "target_value": 4000,
            "deadline": datetime.date(2030, 12, 31),
        },
    )
    centre = services.create_measure(
        user=coordinator,
        municipality=demo,
        data={
            "conference": group,
            "title": FAMILY_CENTRE,
            "responsible_member": members["Mia Mitglied"],
            "support": "Kirchengemeinde St. Georg",
            "deadline": _days(200),
            "status": "running",
            "goals": [area_goal, hidden_goal],
            "areas": [town],
            "supporters": [members["Stefan Göttke"], members["Gisela Rohe"]],
            "resources_time": "2 Stunden pro Woche",
            "resources_money": 12500,
        },
        substeps=[
            {"title": "Raumkonzept erstellen", "responsible_user": member, "deadline": _days(30)},
            {
                "title": "Träger gewinnen",
                "responsible_member": members["Gisela Rohe"],
                "deadline": _days(90),
                "done": True,
            },
        ],
    )
    for age, text in zip((40, 30, 20, 10), [OLDEST_UPDATE, *LATEST_UPDATES], strict=True):
        services.add_update(user=coordinator, measure=centre, text=text, date=_days(-age))
    cafe = services.create_measure(
        user=coordinator,
        municipality=demo,
        data={
            "conference": group,
            "title": PARENTS_CAFE,
            "responsible_institution": "Caritas Vechta",
            "deadline": _days(-60),
            "status": "done",
            "goals": [municipal],
        },
    )
    services.save_reflection(
        user=coordinator,
        measure=cafe,
        outcome="partly",
        reason="Gut besucht in den Städten, kaum auf dem Land.",
        lessons="Auf dem Land mit den Sportvereinen kooperieren.",
    )
    holidays = services.create_measure(
        user=coordinator,
        municipality=demo,
        data={
            "conference": group,
            "title": HOLIDAYS,
            "responsible_user": member,
            "deadline": _days(-5),
            "status": "running",
        },
    )
    return {
        "municipality": demo,
        "goals": [municipal, area_goal, hidden_goal],
        "measures": [centre, cafe, holidays],
        "group": group,
        "hidden": hidden,
    }


def _generate(client, plan, *, fmt: str, maps=(), capture):
    data = {"format": fmt, "conference": plan["group"].pk, "maps": list(maps)}
    with capture(execute=True):
        response = client.post(reverse("measures:interim_report_new"), data)
    assert response.status_code == 302, response.content[:2000]
    return response


def _maps(user, plan, *indicators) -> list[str]:
    """The form's map keys of the given indicators (default: those of the plan's goals)."""
    indicators = indicators or (plan["goals"][1].indicator, plan["hidden"])
    choices = map_choices(user=user, municipality=plan["municipality"])
    return [c.key for i in indicators for c in choices if c.indicator_id == i.pk]


def _plan_url(name: str, plan) -> str:
    return reverse(f"measures:{name}") + f"?conference={plan['group'].pk}"


def _finished_run(client) -> ReportRun:
    run = ReportRun.objects.latest("created")
    assert run.state == ReportRun.State.DONE, run.error
    return run


# --------------------------------------------------------------------------------------------
# The measure plan


def test_measure_plan_docx_has_the_six_columns_and_groups_measures_by_goal(client, plan):
    _english(client, _user("demo-mitglied"))
    response = client.get(_plan_url("measure_plan_docx", plan))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="massnahmenplan-vechta-' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert document.sections[0].page_width > document.sections[0].page_height
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    # Municipal goal first, its area goals after it, measures without a goal last.
    assert headings == [MUNICIPAL_GOAL, AREA_GOAL, HIDDEN_GOAL, "Measures without a goal"]
    assert len(document.tables) == 4
    for table in document.tables:
        assert [cell.text for cell in table.rows[0].cells] == COLUMNS_EN
    titles = [
        [row.cells[0].paragraphs[0].text for row in table.rows[1:]] for table in document.tables
    ]
    # A measure serving two goals appears under both.
    assert titles == [[PARENTS_CAFE], [FAMILY_CENTRE], [FAMILY_CENTRE], [HOLIDAYS]]
    centre = document.tables[1].rows[1].cells
    assert centre[0].paragraphs[1].text == "Running · 50 %"
    steps = [p.text for p in centre[1].paragraphs]
    assert steps[0].startswith("Raumkonzept erstellen – Mia Mitglied, by ")
    assert steps[1].startswith("Träger gewinnen – Gisela Rohe, by ")
    assert steps[1].endswith("(done)")
    assert centre[2].text == "Mia Mitglied, Stadt Vechta"
    assert "Stefan Göttke (Grundschule Stadtmitte)" in centre[3].text
    assert "Kirchengemeinde St. Georg" in centre[3].text
    assert centre[4].text == plan["measures"][0].deadline.strftime("%m/%d/%Y")
    assert centre[5].text.split("\n") == [AREA_GOAL, HIDDEN_GOAL]
    holidays = document.tables[3].rows[1].cells
    assert holidays[0].paragraphs[1].text == "Running · 0 % · overdue"
    assert holidays[1].text == "–"
    assert holidays[2].text == "Mia Mitglied"
    assert holidays[5].text == "–"


def test_measure_plan_docx_is_german_by_default(client, plan):
    client.force_login(_user("demo-mitglied"))
    response = client.get(_plan_url("measure_plan_docx", plan))
    text = docx_text(response.content)
    assert FAMILY_CENTRE in text
    assert plan["measures"][0].deadline.strftime("%d.%m.%Y") in text


def test_measure_plan_xlsx_has_one_row_per_measure_with_frozen_filtered_header(client, plan):
    _english(client, _user("demo-mitglied"))
    response = client.get(_plan_url("measure_plan_xlsx", plan))
    assert response.status_code == 200
    assert 'filename="massnahmenplan-vechta-' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header == [*COLUMNS_EN, "Status", "Progress (%)", "Areas", "Resources"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J4"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["E"].width
    rows = {row[0].value.split("\n")[0]: [c.value for c in row] for row in sheet.iter_rows(2)}
    assert set(rows) == {FAMILY_CENTRE, PARENTS_CAFE, HOLIDAYS}
    centre = rows[FAMILY_CENTRE]
    assert len(centre[1].split("\n")) == 2 and "Raumkonzept erstellen" in centre[1]
    assert centre[2] == "Mia Mitglied, Stadt Vechta"
    assert centre[4].date() == plan["measures"][0].deadline
    assert centre[5] == f"{AREA_GOAL}\n{HIDDEN_GOAL}"
    assert centre[6] == "Running" and centre[7] == 50
    assert centre[8] == "Vechta"
    assert centre[9] == "Time: 2 Stunden pro Woche\nMoney: 12.500,00 €"
    assert rows[HOLIDAYS][6] == "Running (overdue)"
    assert rows[PARENTS_CAFE][2] == "Caritas Vechta"


def test_measure_plan_filtered_by_conference(client, plan):
    _english(client, _user("demo-leitung"))
    ours = {FAMILY_CENTRE, PARENTS_CAFE, HOLIDAYS}
    everything = client.get(reverse("measures:measure_plan_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(everything.content)).active
    titles = [row[0].value.split("\n")[0] for row in sheet.iter_rows(2)]
    assert ours <= set(titles) and len(titles) == len(set(titles))
    planning = Conference.objects.get(municipality=plan["municipality"], name=PLANNING_NAME)
    filtered = client.get(reverse("measures:measure_plan_xlsx"), {"conference": planning.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(filtered.content)).active
    assert not ours & {row[0].value.split("\n")[0] for row in sheet.iter_rows(2)}
    text = docx_text(client.get(_plan_url("measure_plan_docx", plan)).content)
    assert f"Landkreis Vechta · {GROUP}" in text


def test_measure_plan_runs_a_constant_number_of_queries(client, plan, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(_user("demo-mitglied"))
    url = _plan_url("measure_plan_docx", plan)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    centre = plan["measures"][0]
    coordinator = _user("demo-koordination")
    for number in range(4):
        services.create_measure(
            user=coordinator,
            municipality=plan["municipality"],
            data={
                "conference": plan["group"],
                "title": f"Weitere Maßnahme {number}",
                "responsible_member": centre.responsible_member,
                "goals": list(centre.goals.all()),
                "supporters": list(centre.supporters.all()),
                "areas": list(centre.areas.all()),
            },
            substeps=[{"title": "Schritt", "responsible_user": coordinator}],
        )
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert "Weitere Maßnahme 3" in docx_text(response.content)
    assert len(after) == len(before)


def test_measure_plan_of_a_conference_of_another_municipality_is_not_found(
    client, plan, other_municipality
):
    foreign = Conference.objects.create(
        municipality=other_municipality, kind=Conference.Kind.PLANNING, name="Fremd"
    )
    client.force_login(_user("demo-mitglied"))
    url = reverse("measures:measure_plan_docx")
    assert client.get(url, {"conference": foreign.pk}).status_code == 404
    assert client.get(url, {"conference": "abc"}).status_code == 404


def test_measure_plan_is_for_members_only(client, plan, member_of, other_municipality):
    url = reverse("measures:measure_plan_xlsx")
    assert client.get(url).status_code == 302  # to the login
    client.force_login(UserFactory())  # no membership anywhere
    assert client.get(url).status_code == 403
    client.force_login(member_of(other_municipality))  # gets the plan of their own municipality
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content)).active
    assert sheet.max_row == 1


# --------------------------------------------------------------------------------------------
# The interim report


def test_the_form_offers_each_goal_indicator_in_its_latest_year_checked(client, plan):
    _english(client, _user("demo-leitung"))
    page = client.get(reverse("measures:reports")).content.decode()
    keys = _maps(_user("demo-leitung"), plan)
    u15 = plan["goals"][1].indicator
    assert keys == [f"{u15.pk}:2015:gemeinden", f"{plan['hidden'].pk}:2013:gemeinden"]
    for key in keys:
        assert re.search(rf'value="{key}"[^>]*checked', page)
    assert reverse("measures:measure_plan_docx") in page
    assert reverse("measures:measure_plan_xlsx") in page


def test_interim_report_docx_has_goals_attainment_timeline_reflections_and_pictures(
    client, plan, django_capture_on_commit_callbacks
):
    leadership = _user("demo-leitung")
    _english(client, leadership)
    response = _generate(
        client,
        plan,
        fmt="docx",
        maps=_maps(leadership, plan),
        capture=django_capture_on_commit_callbacks,
    )
    run = _finished_run(client)
    assert response["Location"] == reverse("measures:interim_report_run", args=[run.pk])
    assert run.progress == 100 and run.finished is not None
    assert run.options["maps"][0]["year"] == 2015
    download = client.get(reverse("measures:interim_report_file", args=[run.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    text = docx_text(content)
    for title in (MUNICIPAL_GOAL, AREA_GOAL, HIDDEN_GOAL, FAMILY_CENTRE, HOLIDAYS):
        assert title in text
    reader = file_reader(leadership, plan["municipality"])
    attainment = goal_attainments(user=reader, goals=[plan["goals"][1]])[plan["goals"][1].pk]
    latest = format_number(attainment.latest, decimals=2, unit="%")
    assert "Baseline 2013 | 15,03 %" in text
    assert f"Latest value 2015 | {latest}" in text
    assert "Target by 12/31/2030 | 16,00 %" in text
    assert f"Share of the way | {format_number(attainment.percent, decimals=0)} %" in text
    assert f"Status | {attainment.label}" in text
    for update in LATEST_UPDATES:
        assert update in text
    assert OLDEST_UPDATE not in text  # only the latest three entries
    assert "Auf dem Land mit den Sportvereinen kooperieren." in text
    document = docx.Document(io.BytesIO(content))
    # A chart for each of the two goals with an indicator, and the two maps.
    assert len(document.inline_shapes) == 4
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
    assert len(media) == 4


def test_interim_report_pdf_has_goals_attainment_timeline_and_images(
    client, plan, django_capture_on_commit_callbacks
):
    leadership = _user("demo-leitung")
    _english(client, leadership)
    maps = _maps(leadership, plan, plan["goals"][1].indicator)
    _generate(client, plan, fmt="pdf", maps=maps, capture=django_capture_on_commit_callbacks)
    run = _finished_run(client)
    assert run.file.name.endswith(".pdf")
    download = client.get(reverse("measures:interim_report_file", args=[run.pk]))
    assert download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    text = text_of_pdf(content)
    for title in (AREA_GOAL, FAMILY_CENTRE, HOLIDAYS, "Interim report", "15,03 %"):
        assert title in text
    for update in LATEST_UPDATES:
        assert update in text
    assert OLDEST_UPDATE not in text
    # Two goal charts and one map.
    assert images_in_pdf(content) == 3


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_suppressed_value_never_appears_in_the_interim_report(
    client, plan, fmt, django_capture_on_commit_callbacks
):
    admin = _user("demo-admin")  # may see suppressed values in the atlas
    client.force_login(admin)
    maps = _maps(admin, plan, plan["hidden"])
    _generate(client, plan, fmt=fmt, maps=maps, capture=django_capture_on_commit_callbacks)
    run = _finished_run(client)
    content = run.file.read()
    text = docx_text(content) if fmt == "docx" else text_of_pdf(content)
    assert HIDDEN_GOAL in text
    assert "k. A." in text
    for hidden in SIBLING_TEXTS:
        assert hidden not in text


def test_the_run_page_polls_the_status_and_shows_the_download(
    client, plan, django_capture_on_commit_callbacks
):
    _english(client, _user("demo-koordination"))
    _generate(client, plan, fmt="docx", capture=django_capture_on_commit_callbacks)
    run = _finished_run(client)
    status = client.get(reverse("measures:interim_report_status", args=[run.pk])).json()
    assert status["state"] == "done" and status["progress"] == 100
    assert status["download_url"] == reverse("measures:interim_report_file", args=[run.pk])
    page = client.get(reverse("measures:interim_report_run", args=[run.pk])).content.decode()
    assert reverse("measures:interim_report_status", args=[run.pk]) in page
    assert status["download_url"] in page
    listing = client.get(reverse("measures:reports")).content.decode()
    assert reverse("measures:interim_report_file", args=[run.pk]) in listing


def test_a_report_whose_author_lost_the_role_fails_with_a_message(
    client, plan, django_capture_on_commit_callbacks
):
    leadership = _user("demo-leitung")
    _english(client, leadership)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(
            reverse("measures:interim_report_new"),
            {"format": "pdf", "conference": plan["group"].pk},
        )
    run = ReportRun.objects.get()
    assert run.state == ReportRun.State.PENDING and len(queued) == 1
    Membership.objects.filter(user=leadership).update(roles=[Role.MEMBER])
    forget_cached_memberships(leadership)
    queued[0]()  # the worker picks the run up later
    run.refresh_from_db()
    assert run.state == ReportRun.State.FAILED
    assert run.error == "Only leadership and coordinators generate interim reports."
    assert not run.file and run.finished is not None


def test_a_report_fails_with_a_message_when_its_conference_was_deleted(
    client, plan, django_capture_on_commit_callbacks
):
    _english(client, _user("demo-koordination"))
    conference = Conference.objects.create(
        municipality=plan["municipality"], kind=Conference.Kind.AREA, name="Kurzlebig"
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(
            reverse("measures:interim_report_new"),
            {"format": "docx", "conference": conference.pk},
        )
    pk = conference.pk
    conference.delete()  # before the worker picks the run up
    queued[0]()
    run = ReportRun.objects.get()
    assert run.state == ReportRun.State.FAILED
    assert run.error == f"Unknown conference: {pk}."
    status = client.get(reverse("measures:interim_report_status", args=[run.pk])).json()
    assert status["state"] == "failed" and status["error"] == run.error
    assert status["download_url"] is None
    page = client.get(reverse("measures:interim_report_run", args=[run.pk])).content.decode()
    assert run.error in page


def test_an_unknown_map_or_format_is_refused_and_nothing_is_recorded(client, plan):
    _english(client, _user("demo-koordination"))
    url = reverse("measures:interim_report_new")
    response = client.post(url, {"format": "docx", "maps": ["999999:2013:gemeinden"]})
    assert response.status_code == 400
    response = client.post(url, {"format": "odt"})
    assert response.status_code == 400
    assert not ReportRun.objects.exists()


def test_members_download_the_plan_but_do_not_generate_interim_reports(
    client, plan, django_capture_on_commit_callbacks
):
    client.force_login(_user("demo-mitglied"))
    page = client.get(reverse("measures:reports"))
    assert page.status_code == 200
    assert reverse("measures:interim_report_new").encode() not in page.content
    assert reverse("measures:measure_plan_docx").encode() in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("measures:interim_report_new"), {"format": "pdf"})
    assert response.status_code == 403
    assert not ReportRun.objects.exists()


def test_runs_of_another_municipality_stay_hidden(
    client, plan, member_of, other_municipality, django_capture_on_commit_callbacks
):
    client.force_login(_user("demo-leitung"))
    _generate(client, plan, fmt="docx", capture=django_capture_on_commit_callbacks)
    run = _finished_run(client)
    client.force_login(member_of(other_municipality, Role.LEADERSHIP))
    for name in ("interim_report_run", "interim_report_status", "interim_report_file"):
        assert client.get(reverse(f"measures:{name}", args=[run.pk])).status_code == 404
    client.force_login(_user("demo-mitglied"))  # a member of Vechta without the role
    assert client.get(reverse("measures:interim_report_file", args=[run.pk])).status_code == 403


# --------------------------------------------------------------------------------------------
# The municipality's own Word template


def _own_template() -> bytes:
    """The default template with a letterhead line added before the title."""
    with zipfile.ZipFile(INTERIM_REPORT_TEMPLATE) as source:
        files = {name: source.read(name) for name in source.namelist()}
    files["word/document.xml"] = files["word/document.xml"].replace(
        b"{{ title }}", b"Jugendamt Vechta: {{ title }}", 1
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in files.items():
            out.writestr(name, content)
    return buffer.getvalue()


def test_a_coordinator_uploads_an_own_template_that_the_report_uses(
    client, plan, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    _english(client, _user("demo-koordination"))
    url = reverse("measures:interim_template")
    broken = SimpleUploadedFile("vorlage.docx", b"not a word file")
    response = client.post(url, {"file": broken})
    assert response.status_code == 400
    assert b"is not in the format Word (.docx) that its name promises" in response.content
    assert not (tmp_path / "templates").exists()
    content = _own_template()
    assert client.post(url, {"file": SimpleUploadedFile("v.docx", content)}).status_code == 302
    assert (tmp_path / "templates" / "vechta" / "interim_report.docx").is_file()
    _generate(client, plan, fmt="docx", capture=django_capture_on_commit_callbacks)
    assert "Jugendamt Vechta: Interim report" in docx_text(_finished_run(client).file.read())
    current = client.get(reverse("measures:interim_template_file", args=["current"]))
    assert b"".join(current.streaming_content) == content
    assert client.post(url, {"reset": "1"}).status_code == 302
    assert not (tmp_path / "templates" / "vechta" / "interim_report.docx").exists()


def test_only_coordinators_change_the_template(client, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(_user("demo-leitung"))
    own = SimpleUploadedFile("vorlage.docx", _own_template())
    assert client.post(reverse("measures:interim_template"), {"file": own}).status_code == 403
    assert not (tmp_path / "templates").exists()
    default = client.get(reverse("measures:interim_template_file", args=["default"]))
    assert default.status_code == 200
