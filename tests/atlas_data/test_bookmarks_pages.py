"""Bookmark pages: the save form fed by the view's address, list, edit, delete, publish, and the
public bookmark page (only published, only released data)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.models import Role
from atlas_data.models import Bookmark, Indicator
from atlas_data.services.bookmarks import create_bookmark, publish_bookmark, state_query
from atlas_data.services.release import withdraw

LIST = "/app/atlas/bookmarks/"
NEW = "/app/atlas/bookmarks/new/"
DEMO_TITLE = "Kinderarmut 2015: Kinder in SGB-II-Bedarfsgemeinschaften"


@pytest.fixture
def cases(vechta) -> Indicator:
    """§ 35a cases 2015 of the demo: released, Bakum (3) and Holdorf (4) are `k. A.`."""
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, name="Eingliederungshilfen nach § 35a SGB VIII (Fälle)"
    )


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


@pytest.fixture
def admin(vechta, member_of):
    return member_of(vechta, Role.DATA_ADMIN)


def demo_bookmark(vechta) -> Bookmark:
    return Bookmark.objects.select_related("municipality").get(
        municipality=vechta, title=DEMO_TITLE
    )


def cases_bookmark(user, cases, **fields) -> Bookmark:
    return create_bookmark(
        user=user,
        municipality=cases.municipality,
        title="Eingliederungshilfen 2015",
        interpretation="Die meisten Fälle in Vechta und Lohne.",
        view="table",
        state={"level": "gemeinden", "indicator": str(cases.pk), "year": "2015"},
        **fields,
    )


# --- the save form ------------------------------------------------------------------------------


def test_the_save_form_takes_over_the_view_from_the_address(client, member, cases):
    client.force_login(member)
    query = f"level=gemeinden&indicator={cases.pk}&year=2015&chart=bar&view=chart"
    page = client.get(f"{NEW}?{query}").content.decode()
    state = escape(f"level=gemeinden&indicator={cases.pk}&year=2015&chart=bar")
    assert f'value="{state}"' in page
    assert re.search(r'value="chart"[^>]*checked', page)
    assert "§ 35a (Fälle) · Gemeinden · 2015" in page


def test_saving_the_form_creates_the_bookmark_and_lists_it(client, member, cases):
    client.force_login(member)
    response = client.post(
        NEW,
        {
            "title": "Fälle nach § 35a",
            "interpretation": "Vechta und Lohne vorn.",
            "view": "map",
            "state": f"level=gemeinden&indicator={cases.pk}&year=2015&method=quantiles",
        },
    )
    assert (response.status_code, response["Location"]) == (302, LIST)
    bookmark = Bookmark.objects.get(title="Fälle nach § 35a")
    assert bookmark.created_by == member
    assert bookmark.state["method"] == "quantiles"
    assert "Fälle nach § 35a" in client.get(LIST).content.decode()


def test_a_broken_view_state_is_explained_in_the_form(client, member, cases):
    client.force_login(member)
    response = client.post(
        NEW,
        {"title": "Kaputt", "view": "map", "state": f"indicator={cases.pk}&zauber=1"},
    )
    assert response.status_code == 200
    expected = gettext("The view state contains unknown parameters: %(keys)s.") % {"keys": "zauber"}
    assert escape(expected) in response.content.decode()
    assert not Bookmark.objects.filter(title="Kaputt").exists()


def test_the_public_has_no_save_form(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_explorer_offers_to_save_the_view_as_a_bookmark(client, member, cases):
    client.force_login(member)
    page = client.get(f"/app/atlas/explore/?indicator={cases.pk}&year=2015").content.decode()
    assert 'class="keck-button secondary keck-save-bookmark"' in page
    assert f'href="{NEW}?indicator={cases.pk}&amp;year=2015&amp;view=map"' in page


# --- the list -----------------------------------------------------------------------------------


def test_the_list_filters_own_bookmarks(client, member, cases):
    cases_bookmark(member, cases)
    client.force_login(member)
    page = client.get(f"{LIST}?scope=own").content.decode()
    assert "Eingliederungshilfen 2015" in page
    assert DEMO_TITLE not in page
    assert DEMO_TITLE in client.get(f"{LIST}?scope=published").content.decode()


def test_the_list_searches_title_and_interpretation(client, member, cases):
    cases_bookmark(member, cases)
    client.force_login(member)
    page = client.get(f"{LIST}?q=Lohne").content.decode()
    assert "Eingliederungshilfen 2015" in page


def test_only_data_admins_get_publish_buttons(client, vechta, member, admin):
    publish_url = f"/app/atlas/bookmarks/{demo_bookmark(vechta).pk}/publish/"
    client.force_login(member)
    assert publish_url not in client.get(LIST).content.decode()
    client.force_login(admin)
    assert publish_url in client.get(LIST).content.decode()


def test_members_cannot_publish_through_the_page(client, member, cases):
    bookmark = cases_bookmark(member, cases)
    client.force_login(member)
    response = client.post(f"/app/atlas/bookmarks/{bookmark.pk}/publish/", {"action": "publish"})
    assert response.status_code == 403
    assert not Bookmark.objects.get(pk=bookmark.pk).is_published


def test_publishing_through_the_page(client, member, admin, cases):
    bookmark = cases_bookmark(member, cases)
    client.force_login(admin)
    response = client.post(f"/app/atlas/bookmarks/{bookmark.pk}/publish/", {"action": "publish"})
    assert (response.status_code, response["Location"]) == (302, LIST)
    assert Bookmark.objects.get(pk=bookmark.pk).is_published


def test_publishing_a_view_of_unreleased_data_warns_who_publishes(client, vechta, admin, cases):
    withdraw(user=admin, indicator=cases, year=2015)
    bookmark = cases_bookmark(admin, cases)
    client.force_login(admin)
    page = client.post(
        f"/app/atlas/bookmarks/{bookmark.pk}/publish/", {"action": "publish"}, follow=True
    ).content.decode()
    assert f"{cases} 2015" in page
    assert 'class="keck-badge warn"' in page  # "published, waiting for release" in the list


# --- edit and delete ----------------------------------------------------------------------------


def test_editing_through_the_page_keeps_the_history(client, member, cases):
    bookmark = cases_bookmark(member, cases)
    client.force_login(member)
    form = client.get(f"/app/atlas/bookmarks/{bookmark.pk}/edit/").content.decode()
    assert escape(state_query(bookmark.state)) in form
    client.post(
        f"/app/atlas/bookmarks/{bookmark.pk}/edit/",
        {
            "title": "Eingliederungshilfen 2015 nach Gemeinden",
            "interpretation": bookmark.interpretation,
            "view": "chart",
            "state": state_query(bookmark.state),
        },
    )
    bookmark.refresh_from_db()
    assert (bookmark.title, bookmark.view) == ("Eingliederungshilfen 2015 nach Gemeinden", "chart")
    assert bookmark.history.count() == 2


def test_the_author_of_a_published_bookmark_is_told_to_ask_a_data_admin(
    client, member, admin, cases
):
    bookmark = cases_bookmark(member, cases)
    publish_bookmark(user=admin, bookmark=bookmark)
    client.force_login(member)
    response = client.get(f"/app/atlas/bookmarks/{bookmark.pk}/edit/", follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    message = gettext(
        "This bookmark is published. Ask a data administrator to withdraw it before you change "
        "or delete it."
    )
    assert escape(message) in response.content.decode()


def test_deleting_asks_first_and_then_deletes(client, member, cases):
    bookmark = cases_bookmark(member, cases)
    client.force_login(member)
    confirm = client.get(f"/app/atlas/bookmarks/{bookmark.pk}/delete/")
    assert confirm.status_code == 200
    assert Bookmark.objects.filter(pk=bookmark.pk).exists()
    response = client.post(f"/app/atlas/bookmarks/{bookmark.pk}/delete/")
    assert (response.status_code, response["Location"]) == (302, LIST)
    assert not Bookmark.objects.filter(pk=bookmark.pk).exists()


def test_a_member_cannot_delete_the_bookmark_of_another(client, vechta, member_of, cases):
    bookmark = cases_bookmark(member_of(vechta, Role.MEMBER), cases)
    client.force_login(member_of(vechta, Role.MEMBER))
    assert client.post(f"/app/atlas/bookmarks/{bookmark.pk}/delete/").status_code == 404
    assert Bookmark.objects.filter(pk=bookmark.pk).exists()


# --- the public bookmark page -------------------------------------------------------------------


def test_the_public_bookmark_page_shows_title_interpretation_and_a_link_to_the_view(client, vechta):
    bookmark = demo_bookmark(vechta)
    page = client.get(f"/atlas/vechta/bookmarks/{bookmark.pk}/").content.decode()
    assert f"<h1>{DEMO_TITLE}</h1>" in page
    assert "In den Städten Vechta und Lohne" in page
    assert f'href="/atlas/vechta/explore/?{escape(state_query(bookmark.state))}"' in page


def test_the_public_bookmark_page_shows_the_numbers_with_k_a(client, vechta, admin, cases):
    bookmark = cases_bookmark(admin, cases)
    publish_bookmark(user=admin, bookmark=bookmark)
    page = client.get(f"/atlas/vechta/bookmarks/{bookmark.pk}/").content.decode()
    bakum = page[page.index('<th scope="row">Bakum</th>') :][:120]
    assert "k. A." in bakum
    assert '<td class="num">44</td>' in page  # Vechta


def test_an_unpublished_bookmark_has_no_public_page(client, member, cases):
    bookmark = cases_bookmark(member, cases)
    assert client.get(f"/atlas/vechta/bookmarks/{bookmark.pk}/").status_code == 404


def test_a_published_bookmark_of_unreleased_data_has_no_public_page(client, vechta, admin, cases):
    bookmark = cases_bookmark(admin, cases)
    publish_bookmark(user=admin, bookmark=bookmark)
    withdraw(user=admin, indicator=cases, year=2015)
    assert client.get(f"/atlas/vechta/bookmarks/{bookmark.pk}/").status_code == 404


def test_no_public_bookmark_page_without_a_public_atlas(client, vechta, member_of):
    vechta.public_atlas_enabled = False
    vechta.save()
    client.force_login(member_of(vechta, Role.MEMBER))
    assert client.get(f"/atlas/vechta/bookmarks/{demo_bookmark(vechta).pk}/").status_code == 404


def test_the_bookmark_links_of_the_list_reproduce_the_state(client, vechta, member):
    bookmark = demo_bookmark(vechta)
    client.force_login(member)
    location = client.get(f"/app/atlas/bookmarks/{bookmark.pk}/")["Location"]
    assert location == "/app/atlas/explore/?" + urlencode(
        [
            (k, bookmark.state[k])
            for k in ("level", "indicator", "year", "bars", "method", "classes")
        ]
    )
