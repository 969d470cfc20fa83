# ruff: noqa: F811 - the fixtures imported from meetings_fixtures are test arguments
"""Minutes as DOCX (docxtpl, the default or the municipality's own template) and PDF (reportlab):
attendance, agenda with minutes, decisions and the action-item table."""

import io
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from docx import Document

from conferences.documents_meetings import DEFAULT_MINUTES_TEMPLATE
from conferences.models import ActionItem, MinutesTemplate
from conferences.selectors_meetings import PRESENT
from conferences.services_meetings import (
    ActionItemChange,
    AgendaChange,
    MeetingError,
    minutes_docx,
    minutes_pdf,
    record_session,
    reset_minutes_template,
    upload_minutes_template,
)
from tests.atlas_data.export_files import pdf_text

from .meetings_fixtures import (  # noqa: F401 - fixtures
    area_conference,
    at,
    coordinator,
    gemeinden,
    member,
    past_session,
    vechta,
)

pytestmark = pytest.mark.django_db
SCRIPTS = Path(settings.BASE_DIR) / "scripts"


@pytest.fixture
def recorded(past_session, area_conference, coordinator):
    """The past session with attendance, minutes, a decision and two action items."""
    members = {m.name: m for m in area_conference.members.all()}
    agenda = list(past_session.agenda.order_by("order"))
    record_session(
        user=coordinator,
        session=past_session,
        attendance={
            members["Karla Koordinatorin"].pk: PRESENT,
            members["Mia Mitglied"].pk: PRESENT,
            members["Anja Thölking"].pk: PRESENT,
            members["Stefan Göttke"].pk: "excused",
            members["Gisela Rohe"].pk: "absent",
        },
        agenda=[
            AgendaChange(pk=agenda[0].pk, title=agenda[0].title, minutes="Alle sind begrüßt."),
            AgendaChange(
                pk=agenda[1].pk,
                title=agenda[1].title,
                minutes="Der Förderbedarf liegt über dem Kreisdurchschnitt.\nDie Kitas berichten.",
            ),
        ],
        decisions="Ein Fachtag Kita–Grundschule wird geplant.\n\nDie Befragung startet im Mai.",
        action_items=[
            ActionItemChange(
                pk=None,
                what="Elternbefragung vorbereiten",
                responsible_member=members["Anja Thölking"],
                due=at(-10).date(),
                status=ActionItem.Status.IN_PROGRESS,
            ),
            ActionItemChange(
                pk=None,
                what="Kurzbericht schreiben",
                responsible_user=coordinator,
                due=at(20).date(),
            ),
        ],
    )
    return past_session


def table_rows(table) -> list[list[str]]:
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


def docx(session) -> Document:
    with translation.override("de"):
        return Document(io.BytesIO(minutes_docx(session=session)))


def test_docx_minutes_have_the_attendance_table(recorded):
    attendance = table_rows(docx(recorded).tables[0])

    assert attendance[0] == ["Name", "Funktion", "Institution", "Status"]
    assert ["Anja Thölking", "ASD", "Amt für Jugend und Familie", "anwesend"] in attendance
    assert ["Stefan Göttke", "Schulleitung", "Grundschule Stadtmitte", "entschuldigt"] in attendance
    assert ["Gisela Rohe", "Ehrenamt", "Freiwilligenagentur", "abwesend"] in attendance
    assert len(attendance) == 1 + 5


def test_docx_minutes_have_the_action_item_table(recorded):
    actions = table_rows(docx(recorded).tables[1])

    assert actions[0] == ["Nr.", "Wer", "Was", "Bis wann", "Status"]
    due = at(-10).date().strftime("%d.%m.%Y")
    assert actions[1] == [
        "1",
        "Anja Thölking",
        "Elternbefragung vorbereiten",
        f"{due} (überfällig)",
        "In Arbeit",
    ]
    assert actions[2][1:3] == ["Karla Koordinatorin", "Kurzbericht schreiben"]
    assert len(actions) == 3


def test_docx_minutes_hold_the_agenda_with_minutes_and_the_decisions(recorded):
    text = "\n".join(p.text for p in docx(recorded).paragraphs)

    assert "Protokoll: Sozialraumkonferenz Stadt Vechta" in text
    assert "1. Begrüßung" in text
    assert "2. Daten der Schuleingangsuntersuchung" in text
    assert "Der Förderbedarf liegt über dem Kreisdurchschnitt." in text
    assert "Ein Fachtag Kita–Grundschule wird geplant." in text
    assert "Die Befragung startet im Mai." in text
    assert "Rathaus Vechta, Sitzungssaal" in text
    assert "{{" not in text and "{%" not in text


def test_pdf_minutes_are_a_pdf_with_the_action_items(recorded):
    with translation.override("de"):
        data = minutes_pdf(session=recorded)

    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    assert "Elternbefragung vorbereiten" in text
    assert "Kurzbericht schreiben" in text
    assert "Anja Thölking" in text
    assert "Aufgaben" in text
    assert "Anwesenheit" in text
    assert "Der Förderbedarf liegt über dem Kreisdurchschnitt." in text


def test_minutes_of_an_empty_session_render_too(past_session):
    assert len(docx(past_session).tables) == 2
    assert minutes_pdf(session=past_session).startswith(b"%PDF-")


# --- the municipality's own template ---------------------------------------------------------


def own_template(marker: str) -> bytes:
    """The default template with a line of the municipality's own added at the top."""
    document = Document(DEFAULT_MINUTES_TEMPLATE)
    document.paragraphs[0].insert_paragraph_before(marker + " {{ municipality }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="protokoll.docx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_an_uploaded_template_is_used_for_the_minutes(recorded, vechta, coordinator):
    upload_minutes_template(
        user=coordinator, municipality=vechta, upload=upload(own_template("Stadtwappen"))
    )

    document = docx(recorded)

    assert document.paragraphs[0].text == "Stadtwappen Landkreis Vechta"
    assert len(document.tables) == 2


def test_a_broken_template_is_refused_in_german_and_not_saved(vechta, coordinator):
    broken = own_template("{% for x in %}")

    with translation.override("de"), pytest.raises(MeetingError) as refused:
        upload_minutes_template(user=coordinator, municipality=vechta, upload=upload(broken))

    assert str(refused.value).startswith("Die Vorlage kann nicht verwendet werden")
    assert not MinutesTemplate.objects.exists()


def test_a_file_that_is_no_word_document_is_refused(vechta, coordinator):
    with pytest.raises(MeetingError):
        upload_minutes_template(
            user=coordinator, municipality=vechta, upload=upload(b"%PDF-1.4", "protokoll.docx")
        )

    assert not MinutesTemplate.objects.exists()


def test_the_default_template_is_used_again_after_a_reset(recorded, vechta, coordinator):
    upload_minutes_template(
        user=coordinator, municipality=vechta, upload=upload(own_template("Stadtwappen"))
    )

    reset_minutes_template(user=coordinator, municipality=vechta)

    assert docx(recorded).paragraphs[0].text.startswith("Protokoll:")


def test_the_template_of_another_municipality_is_not_used(
    recorded, other_municipality, member_of, coordinator
):
    from accounts.models import Role

    other = member_of(other_municipality, Role.COORDINATOR)
    upload_minutes_template(
        user=other, municipality=other_municipality, upload=upload(own_template("Fremd"))
    )

    assert docx(recorded).paragraphs[0].text.startswith("Protokoll:")


def test_the_upload_page_refuses_a_broken_template_with_a_message(client, vechta, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/app/conferences/minutes-template/",
        {"file": upload(own_template("{{ unclosed"))},
    )

    assert response.status_code == 200
    assert "Die Vorlage kann nicht verwendet werden" in response.content.decode()
    assert not MinutesTemplate.objects.exists()


def test_the_committed_default_template_is_what_the_build_script_makes(tmp_path):
    sys.path.insert(0, str(SCRIPTS))
    try:
        import build_docx_templates
    finally:
        sys.path.remove(str(SCRIPTS))
    target = tmp_path / "minutes.docx"

    build_docx_templates.save(build_docx_templates.build_minutes(), target, "Protokoll")

    built, committed = zipfile.ZipFile(target), zipfile.ZipFile(DEFAULT_MINUTES_TEMPLATE)
    assert built.namelist() == committed.namelist()
    for name in built.namelist():
        assert built.read(name) == committed.read(name), name
