"""Recording a session in a real browser: the coordinator of the Vechta demo creates a session,
records attendance, minutes and an action item, and sees them on the session page."""

import datetime
import re

import pytest
from django.utils import timezone

from conferences.models import ActionItem, Session

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_records_a_session(page, login, screenshot):
    login(page, "demo-koordination")
    page.goto(page.base_url + "/app/conferences/")
    page.get_by_role("link", name="Sozialraumkonferenz Stadt Vechta", exact=True).click()
    page.get_by_role("link", name="Neue Sitzung").click()

    day = timezone.localdate() + datetime.timedelta(days=7)
    page.fill("input[name=date]", day.isoformat())
    page.fill("input[name=start]", "15:00")
    page.fill("input[name=end]", "17:00")
    page.fill("input[name=place]", "Jugendtreff Stadtmitte")
    page.fill("textarea[name=agenda]", "Begrüßung\nErgebnisse der Elternbefragung")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state("networkidle")

    session = Session.objects.get(place="Jugendtreff Stadtmitte")
    assert page.url.endswith(f"/app/conferences/sessions/{session.pk}/")
    # The open items of the earlier sessions are on the agenda as well.
    assert page.get_by_text(
        "Elternbefragung zum Übergang in die Grundschule vorbereiten"
    ).first.is_visible()

    page.get_by_role("link", name="Sitzung protokollieren").click()
    members = {m.name: m.pk for m in session.conference.members.all()}
    page.check(f"input[name=attendance-member_{members['Anja Thölking']}][value=present]")
    page.check(f"input[name=attendance-member_{members['Stefan Göttke']}][value=excused]")
    page.fill(
        "textarea[name=agenda-1-minutes]",
        "Drei Viertel der Eltern wünschen sich einen Elternabend in der Kita.",
    )
    page.fill(
        "textarea[name=session-decisions]", "Die Kitas laden zu gemeinsamen Elternabenden ein."
    )
    page.fill("textarea[name=actions-0-what]", "Elternabende mit den Grundschulen planen")
    page.select_option("select[name=actions-0-who]", label="Heike Ostendorf")
    page.fill("input[name=actions-0-due]", (day + datetime.timedelta(days=28)).isoformat())
    screenshot(page, "session-record")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith(f"/app/conferences/sessions/{session.pk}/")
    assert page.get_by_text("Die Sitzung wurde gespeichert.").is_visible()
    assert page.get_by_text(re.compile("Drei Viertel der Eltern")).is_visible()
    assert page.get_by_role("cell", name="Elternabende mit den Grundschulen planen").is_visible()
    assert page.get_by_role("cell", name="Heike Ostendorf").is_visible()
    assert page.get_by_text("Die Kitas laden zu gemeinsamen Elternabenden ein.").is_visible()
    item = ActionItem.objects.get(session=session)
    assert item.responsible_member.name == "Heike Ostendorf"
    screenshot(page, "session-detail")


def test_member_reads_the_conference_overview(page, login, screenshot):
    login(page, "demo-mitglied")
    page.goto(page.base_url + "/app/conferences/")

    assert page.get_by_role("link", name="Sozialplanungskonferenz Landkreis Vechta").is_visible()
    assert page.get_by_role("heading", name="Nächste Sitzungen").is_visible()
    assert page.get_by_role("link", name="Neue Konferenz").count() == 0
    screenshot(page, "conferences-overview")
