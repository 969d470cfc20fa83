"""API of the reflection sheets: the autosave endpoint (partial saves, CSRF, permissions),
consolidation, closing, sheets and catalogues; members only."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conferences.models import AgreedAnswer, Catalogue, Question, Response, Sheet

from .sheets_fixtures import (  # noqa: F401 - fixtures, used by name
    catalogues_fixture,
    coordinator_fixture,
    leader_fixture,
    member_fixture,
    outsider_fixture,
    question,
    sheet_fixture,
)

pytestmark = pytest.mark.django_db


def client_for(user=None, *, csrf: bool = False) -> APIClient:
    client = APIClient(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def url(name, sheet_or_slug, **kwargs):
    if isinstance(sheet_or_slug, Sheet):
        kwargs.setdefault("pk", sheet_or_slug.pk)
        slug = sheet_or_slug.municipality.slug
    else:
        slug = sheet_or_slug
    return reverse(name, kwargs={"slug": slug, **kwargs})


def test_autosave_saves_one_field_and_keeps_the_others(sheet, member):
    target = question(sheet, "vp-rahmen-vision")
    client = client_for(member)
    endpoint = url("api-sheet-responses", sheet)

    first = client.post(endpoint, {"question": target.pk, "answer": "yes"}, format="json")
    second = client.post(
        endpoint, {"question": target.pk, "explanation": "Leitbild 2030"}, format="json"
    )

    assert first.status_code == 200 and second.status_code == 200
    assert second.json()["answer"] == "yes"
    assert second.json()["explanation"] == "Leitbild 2030"
    assert Response.objects.get().respondent == member


def test_autosave_of_an_empty_untouched_question_stores_nothing(sheet, member):
    response = client_for(member).post(
        url("api-sheet-responses", sheet),
        {"question": question(sheet, "vp-rahmen-ziel").pk, "answer": "", "explanation": ""},
        format="json",
    )

    assert response.status_code == 204
    assert not Response.objects.exists()


def test_autosave_needs_the_csrf_token(sheet, member):
    client = client_for(member, csrf=True)
    payload = {"question": question(sheet, "vp-rahmen-vision").pk, "answer": "yes"}

    refused = client.post(url("api-sheet-responses", sheet), payload, format="json")
    page = client.get(reverse("conferences:sheet_fill", kwargs={"pk": sheet.pk}))
    token = page.cookies["csrftoken"].value
    accepted = client.post(
        url("api-sheet-responses", sheet), payload, format="json", HTTP_X_CSRFTOKEN=token
    )

    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 200
    assert Response.objects.count() == 1


def test_autosave_refuses_an_unknown_option_with_a_german_message(sheet, member):
    response = client_for(member).post(
        url("api-sheet-responses", sheet),
        {"question": question(sheet, "vp-thema-schwerpunkt").pk, "choices": ["Raumfahrt"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "„Raumfahrt“ ist keine Auswahlmöglichkeit dieser Frage."
    assert not Response.objects.exists()


def test_anonymous_callers_get_nothing(sheet):
    client = client_for()

    listing = client.get(url("api-sheets", sheet.municipality.slug))
    detail = client.get(url("api-sheet", sheet))
    catalogues_list = client.get(url("api-catalogues", sheet.municipality.slug))

    assert {listing.status_code, detail.status_code, catalogues_list.status_code} <= {401, 403}


def test_members_of_another_municipality_get_404(sheet, outsider):
    client = client_for(outsider)

    assert client.get(url("api-sheet", sheet)).status_code == 404
    assert client.get(url("api-sheets", sheet.municipality.slug)).status_code == 404
    saved = client.post(
        url("api-sheet-responses", sheet),
        {"question": question(sheet, "vp-rahmen-vision").pk, "answer": "yes"},
        format="json",
    )
    assert saved.status_code == 404
    assert not Response.objects.exists()


def test_a_sheet_under_another_municipalitys_slug_is_404(sheet, other_municipality, outsider):
    response = client_for(outsider).get(
        reverse("api-sheet", kwargs={"slug": other_municipality.slug, "pk": sheet.pk})
    )

    assert response.status_code == 404


def test_a_member_may_not_save_agreed_answers(sheet, member):
    response = client_for(member).post(
        url("api-sheet-agreed", sheet),
        {"question": question(sheet, "vp-rahmen-vision").pk, "answer": "yes"},
        format="json",
    )

    assert response.status_code == 403
    assert not AgreedAnswer.objects.exists()


def test_leadership_reads_the_sheet_but_may_not_consolidate_or_create(sheet, leader, catalogues):
    client = client_for(leader)

    detail = client.get(url("api-sheet", sheet))
    agreed = client.post(
        url("api-sheet-agreed", sheet),
        {"question": question(sheet, "vp-rahmen-vision").pk, "answer": "yes"},
        format="json",
    )
    created = client.post(
        url("api-sheets", sheet.municipality.slug),
        {"catalogue": catalogues["vorphase"].pk},
        format="json",
    )

    assert detail.status_code == 200 and len(detail.json()["sections"]) == 7
    assert detail.json()["may_consolidate"] is False
    assert agreed.status_code == 403 and created.status_code == 403


def test_coordinator_creates_a_sheet_through_the_api(municipality, coordinator, catalogues):
    response = client_for(coordinator).post(
        url("api-sheets", municipality.slug),
        {"catalogue": catalogues["process_evaluation"].pk, "cycle_number": 2},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "process_evaluation" and body["question_count"] == 9
    assert Sheet.objects.get(pk=body["id"]).created_by == coordinator


def test_sheet_detail_lists_questions_own_and_agreed_answers(sheet, member, coordinator):
    vision = question(sheet, "vp-rahmen-vision")
    client_for(member).post(
        url("api-sheet-responses", sheet), {"question": vision.pk, "answer": "no"}, format="json"
    )
    client_for(coordinator).post(
        url("api-sheet-agreed", sheet),
        {"question": vision.pk, "answer": "yes", "explanation": "Gemeinsam"},
        format="json",
    )

    body = client_for(member).get(url("api-sheet", sheet)).json()

    assert body["mine"][0]["question"] == vision.pk and body["mine"][0]["answer"] == "no"
    assert body["agreed"][0]["answer"] == "yes" and body["agreed"][0]["updated_by"] == (
        coordinator.username
    )
    assert body["sections"][0]["questions"][0]["key"] == "vp-rahmen-vision"


def test_closing_through_the_api_names_the_open_questions(sheet, coordinator):
    response = client_for(coordinator).post(url("api-sheet-close", sheet))

    assert response.status_code == 400
    assert len(response.json()["unresolved"]) == 24
    assert Sheet.objects.get(pk=sheet.pk).state == "open"


def test_prefill_through_the_api(sheet, member, coordinator):
    vision = question(sheet, "vp-rahmen-vision")
    client_for(member).post(
        url("api-sheet-responses", sheet), {"question": vision.pk, "answer": "no"}, format="json"
    )

    response = client_for(coordinator).post(url("api-sheet-prefill", sheet))

    assert response.json() == {"filled": 1}
    assert AgreedAnswer.objects.get().answer == "no"


def test_catalogue_list_shows_defaults_and_own_copies(municipality, coordinator, catalogues):
    client = client_for(coordinator)
    copied = client.post(url("api-catalogue-copy", municipality.slug, pk=catalogues["vorphase"].pk))

    listing = client.get(url("api-catalogues", municipality.slug)).json()

    assert copied.status_code == 201 and copied.json()["municipality"] == municipality.slug
    assert len(listing) == 6  # five shipped catalogues (incl. Knackpunkte) and the copy
    assert {c["section_count"] for c in listing if c["kind"] == "vorphase"} == {7}


def test_member_may_not_copy_or_edit_catalogues(municipality, member, catalogues):
    client = client_for(member)

    copied = client.post(url("api-catalogue-copy", municipality.slug, pk=catalogues["vorphase"].pk))

    assert copied.status_code == 403
    assert not Catalogue.objects.filter(municipality=municipality).exists()


def test_editing_a_used_catalogue_through_the_api_answers_with_the_new_version(sheet, coordinator):
    client = client_for(coordinator)
    slug = sheet.municipality.slug
    own = client.post(url("api-catalogue-copy", slug, pk=sheet.catalogue_id)).json()
    client.post(url("api-sheets", slug), {"catalogue": own["id"]}, format="json")
    first = own_first = Question.objects.filter(section__catalogue_id=own["id"]).order_by(
        "section__order", "order"
    )[0]

    response = client.patch(
        url("api-catalogue-question", slug, pk=first.pk),
        {"text": "Haben wir ein Leitbild?", "options": ["a", "b"]},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200 and body["catalogue"] != own["id"]
    assert body["key"] == own_first.key and body["options"] == ["a", "b"]
    assert Catalogue.objects.get(pk=body["catalogue"]).version == 2


def test_catalogue_of_another_municipality_is_404(municipality, coordinator, outsider, catalogues):
    own = client_for(coordinator).post(
        url("api-catalogue-copy", municipality.slug, pk=catalogues["vorphase"].pk)
    )

    response = client_for(outsider).get(
        reverse("api-catalogue", kwargs={"slug": "andere-stadt", "pk": own.json()["id"]})
    )

    assert response.status_code == 404


def test_compare_endpoint_needs_a_kind(sheet, member):
    response = client_for(member).get(url("api-sheet-compare", sheet.municipality.slug))

    assert response.status_code == 400 and "kind" in response.json()
