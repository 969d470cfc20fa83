"""No lost updates of sheet answers: the autosave sends the version it read; an answer saved in
between (another window, another coordinator) is refused with 409, the German message and the
saved answer; the whole-sheet form marks the changed questions and keeps the input."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conferences import services_sheets as services
from conferences.models import AgreedAnswer, Response, Sheet

from .sheets_fixtures import (  # noqa: F401 - fixtures, used by name
    catalogues_fixture,
    coordinator_fixture,
    member_fixture,
    question,
    sheet_fixture,
)

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def endpoint(name: str, sheet: Sheet) -> str:
    return reverse(name, kwargs={"slug": sheet.municipality.slug, "pk": sheet.pk})


def test_the_autosave_returns_the_new_version_to_send_next(sheet, member):
    target = question(sheet, "vp-rahmen-vision")
    client = api(member)

    first = client.post(
        endpoint("api-sheet-responses", sheet),
        {"question": target.pk, "explanation": "A", "version": 0},
        format="json",
    )
    second = client.post(
        endpoint("api-sheet-responses", sheet),
        {"question": target.pk, "explanation": "B", "version": first.json()["version"]},
        format="json",
    )

    assert (first.json()["version"], second.json()["version"]) == (1, 2)


def test_an_autosave_from_an_outdated_window_gets_409_and_writes_nothing(sheet, member):
    target = question(sheet, "vp-rahmen-vision")
    services.save_response(user=member, sheet=sheet, question=target, explanation="Fenster 1")
    services.save_response(user=member, sheet=sheet, question=target, explanation="Fenster 1b")

    response = api(member).post(
        endpoint("api-sheet-responses", sheet),
        {"question": target.pk, "explanation": "Fenster 2", "version": 1},
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )

    body = response.json()
    assert response.status_code == 409
    assert "Ihre Änderung wurde nicht gespeichert" in body["detail"]
    assert body["current"]["explanation"] == "Fenster 1b"
    assert body["version"] == 2
    assert Response.objects.get().explanation == "Fenster 1b"


def test_an_agreed_answer_created_meanwhile_by_another_coordinator_is_not_overwritten(
    sheet, coordinator, member_of, municipality
):
    from accounts.models import Role

    other = member_of(municipality, Role.COORDINATOR, username="andere-koordination")
    target = question(sheet, "vp-rahmen-vision")
    services.save_agreed(user=other, sheet=sheet, question=target, explanation="Abgestimmt")

    response = api(coordinator).post(
        endpoint("api-sheet-agreed", sheet),
        {"question": target.pk, "explanation": "Mein Vorschlag", "version": 0},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["changed_by"] == "andere-koordination"
    assert AgreedAnswer.objects.get().explanation == "Abgestimmt"


def test_the_sheet_form_marks_a_changed_question_keeps_the_input_and_saves_nothing(
    client, sheet, member
):
    target = question(sheet, "vp-rahmen-vision")
    services.save_response(user=member, sheet=sheet, question=target, explanation="Gespeichert")
    client.force_login(member)

    page = client.post(
        reverse("conferences:sheet_fill", args=[sheet.pk]),
        {f"q{target.pk}-explanation": "Meine neue Eingabe", f"q{target.pk}-version": "0"},
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "Antworten wurden inzwischen geändert" in html
    assert "Meine neue Eingabe" in html
    assert f'name="q{target.pk}-version" value="1"' in html
    assert Response.objects.get().explanation == "Gespeichert"


def test_saving_the_unchanged_form_does_not_make_other_windows_stale(sheet, member):
    target = question(sheet, "vp-rahmen-vision")
    saved = services.save_response(user=member, sheet=sheet, question=target, explanation="X")

    services.save_responses(
        user=member,
        sheet=sheet,
        answers={target.pk: {"explanation": "X"}},
        versions={target.pk: saved.version},
    )

    assert Response.objects.get().version == saved.version
