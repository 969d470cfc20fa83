"""The Vechta demo's reflection sheet: consolidated Vorphase sheet, cycle 1, two respondents."""

import pytest

from conferences.models import AgreedAnswer, Response, Sheet

pytestmark = pytest.mark.django_db


def test_demo_has_a_closed_vorphase_sheet_with_two_respondents_who_differ(demo):
    # The control cycle demo adds the sheets of its cycles.
    sheet = Sheet.objects.get(
        municipality=demo, title="Vorphase: Schwerpunkt der Arbeit – Zyklus 1"
    )

    respondents = set(
        Response.objects.filter(sheet=sheet).values_list("respondent__username", flat=True)
    )
    answers = {}
    for response in Response.objects.filter(sheet=sheet, question__key="vp-rahmen-auftrag"):
        answers[response.respondent.username] = response.answer

    assert (sheet.catalogue.kind, sheet.cycle_number, sheet.state) == ("vorphase", 1, "closed")
    assert respondents == {"demo-koordination", "demo-leitung"}
    assert answers == {"demo-koordination": "no", "demo-leitung": "yes"}
    assert AgreedAnswer.objects.filter(sheet=sheet).count() == 24
    assert AgreedAnswer.objects.get(sheet=sheet, question__key="vp-rahmen-auftrag").answer == "yes"
