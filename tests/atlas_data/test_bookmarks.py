"""Bookmarks (issue 4, item 6): saving views, permissions, publishing, exact reproduction, API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from atlas_data.bookmark_selectors import bookmarks_for, public_bookmarks, unreleased_parts
from atlas_data.models import Area, Bookmark, Indicator, SpatialLevel
from atlas_data.services.bookmarks import (
    BookmarkError,
    create_bookmark,
    delete_bookmark,
    publish_bookmark,
    state_query,
    unpublish_bookmark,
    update_bookmark,
)
from atlas_data.services.release import release, withdraw

from .conftest import complete_metadata, count_indicator, make_tree, store

API = "/api/v1/municipalities"


@pytest.fixture
def sgb2(vechta) -> Indicator:
    """The demo's share of children in SGB II households: released for 2014 and 2015 only."""
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, catalogue_code="sgb2-kinder-unter-15"
    )


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


@pytest.fixture
def admin(vechta, member_of):
    return member_of(vechta, Role.DATA_ADMIN)


def map_state(indicator, **extra) -> dict:
    return {"level": "gemeinden", "indicator": str(indicator.pk), "year": "2015", **extra}


def save(user, indicator, *, title="Kinderarmut 2015", view="map", **state):
    return create_bookmark(
        user=user,
        municipality=indicator.municipality,
        title=title,
        interpretation="Vechta und Dinklage liegen vorn.",
        view=view,
        state=map_state(indicator, **state),
    )


# --- saving and validating -------------------------------------------------------------------


def test_a_member_saves_a_view_as_an_unpublished_bookmark(member, sgb2):
    bookmark = save(member, sgb2, method="natural_breaks", classes="4")
    bookmark.refresh_from_db()
    assert (bookmark.title, bookmark.view, bookmark.created_by) == (
        "Kinderarmut 2015",
        "map",
        member,
    )
    assert bookmark.state == {
        "level": "gemeinden",
        "indicator": str(sgb2.pk),
        "year": "2015",
        "method": "natural_breaks",
        "classes": "4",
    }
    assert not bookmark.is_published


def test_the_state_is_taken_from_the_query_string_of_the_view(member, sgb2):
    bookmark = create_bookmark(
        user=member,
        municipality=sgb2.municipality,
        title="Aus der Adresse",
        view="chart",
        state=f"?level=gemeinden&indicator={sgb2.pk}&year=2014&chart=line&areas=03460001,03460009",
    )
    assert bookmark.state["areas"] == "03460001,03460009"
    assert bookmark.state["chart"] == "line"


def test_an_unknown_parameter_is_refused_with_its_name(member, sgb2):
    with pytest.raises(BookmarkError, match="password"):
        save(member, sgb2, password="geheim")


@pytest.mark.parametrize(
    "bad",
    [{"classes": "9"}, {"method": "random"}, {"year": "zwanzig"}, {"breaks": "<script>"}],
    ids=["classes", "method", "year", "breaks"],
)
def test_values_of_the_wrong_kind_are_refused(member, sgb2, bad):
    with pytest.raises(BookmarkError):
        save(member, sgb2, **bad)
    assert not Bookmark.objects.filter(title="Kinderarmut 2015").exists()


def test_an_indicator_of_another_municipality_is_refused(member, sgb2, other_municipality):
    foreign = count_indicator(other_municipality, name="Fremder Indikator")
    with pytest.raises(BookmarkError, match=str(foreign.pk)):
        save(member, sgb2, indicators=str(foreign.pk))


def test_a_level_of_another_municipality_is_refused(member, sgb2, other_municipality):
    make_tree(other_municipality, districts=2)
    foreign = SpatialLevel.objects.get(municipality=other_municipality, slug="bezirke")
    with pytest.raises(BookmarkError, match="bezirke"):
        save(member, sgb2, level=foreign.slug)


def test_an_area_of_another_municipality_is_refused(member, sgb2, other_municipality):
    tree = make_tree(other_municipality, districts=2)
    with pytest.raises(BookmarkError, match=str(tree["Bezirke"][0].pk)):
        save(member, sgb2, areas=str(tree["Bezirke"][0].pk))


def test_a_bookmark_needs_a_title(member, sgb2):
    with pytest.raises(BookmarkError):
        save(member, sgb2, title="   ")


def test_an_area_report_bookmark_needs_areas(member, sgb2):
    with pytest.raises(BookmarkError):
        create_bookmark(
            user=member,
            municipality=sgb2.municipality,
            title="Bericht",
            view="report",
            state={"year": "2015"},
        )


def test_the_public_may_not_save_bookmarks(sgb2):
    with pytest.raises(PermissionDenied):
        save(None, sgb2)


# --- changing, deleting, publishing ------------------------------------------------------------


def test_a_member_changes_the_own_draft_and_the_history_keeps_the_old_title(member, sgb2):
    bookmark = save(member, sgb2)
    update_bookmark(user=member, bookmark=bookmark, title="Kinderarmut in Vechta 2015")
    bookmark.refresh_from_db()
    assert bookmark.title == "Kinderarmut in Vechta 2015"
    titles = list(bookmark.history.order_by("history_id").values_list("title", "history_user"))
    assert titles == [("Kinderarmut 2015", member.pk), ("Kinderarmut in Vechta 2015", member.pk)]


def test_an_edit_that_changes_nothing_writes_no_history(member, sgb2):
    bookmark = save(member, sgb2)
    update_bookmark(user=member, bookmark=bookmark, title=bookmark.title, state=bookmark.state)
    assert bookmark.history.count() == 1


def test_a_member_may_not_change_the_bookmark_of_another_member(vechta, member_of, sgb2):
    bookmark = save(member_of(vechta, Role.MEMBER), sgb2)
    with pytest.raises(BookmarkError):
        update_bookmark(user=member_of(vechta, Role.MEMBER), bookmark=bookmark, title="Meins")


def test_a_data_admin_changes_any_bookmark(member, admin, sgb2):
    bookmark = save(member, sgb2)
    update_bookmark(user=admin, bookmark=bookmark, interpretation="Korrigiert.")
    bookmark.refresh_from_db()
    assert bookmark.interpretation == "Korrigiert."


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADERSHIP, Role.COORDINATOR])
def test_only_data_admins_publish(vechta, member_of, sgb2, role):
    user = member_of(vechta, role)
    bookmark = save(user, sgb2)
    with pytest.raises(PermissionDenied):
        publish_bookmark(user=user, bookmark=bookmark)


def test_a_data_admin_publishes_and_withdraws(member, admin, sgb2):
    bookmark = save(member, sgb2)
    publish_bookmark(user=admin, bookmark=bookmark)
    bookmark.refresh_from_db()
    assert bookmark.is_published and bookmark.published_at is not None
    unpublish_bookmark(user=admin, bookmark=bookmark)
    bookmark.refresh_from_db()
    assert (bookmark.is_published, bookmark.published_at) == (False, None)


def test_the_author_may_not_change_a_published_bookmark(member, admin, sgb2):
    bookmark = save(member, sgb2)
    publish_bookmark(user=admin, bookmark=bookmark)
    with pytest.raises(BookmarkError, match="published|veröffentlicht"):
        update_bookmark(user=member, bookmark=bookmark, interpretation="Still geändert.")
    with pytest.raises(BookmarkError):
        delete_bookmark(user=member, bookmark=bookmark)
    assert Bookmark.objects.get(pk=bookmark.pk).interpretation == "Vechta und Dinklage liegen vorn."


def test_deleting_keeps_who_deleted_it_in_the_history(member, sgb2):
    bookmark = save(member, sgb2)
    pk = bookmark.pk
    delete_bookmark(user=member, bookmark=bookmark)
    assert not Bookmark.objects.filter(pk=pk).exists()
    deleted = Bookmark.history.get(id=pk, history_type="-")
    assert deleted.history_user == member


# --- who sees what ----------------------------------------------------------------------------


def test_members_see_their_own_and_published_bookmarks(vechta, member, member_of, sgb2):
    own = save(member, sgb2, title="Eigenes")
    others_draft = save(member_of(vechta, Role.MEMBER), sgb2, title="Fremder Entwurf")
    seen = set(bookmarks_for(user=member, municipality=vechta).values_list("title", flat=True))
    assert own.title in seen
    assert others_draft.title not in seen
    assert "Kinderarmut 2015: Kinder in SGB-II-Bedarfsgemeinschaften" in seen  # the demo's


def test_data_admins_see_every_bookmark_to_review_it(vechta, admin, member, sgb2):
    draft = save(member, sgb2, title="Zur Prüfung")
    assert draft in bookmarks_for(user=admin, municipality=vechta)


def test_the_public_sees_a_published_bookmark_only_when_its_year_is_released(
    vechta, member, admin, sgb2
):
    bookmark = save(member, sgb2, year="2013")  # 2013 of the SGB II share is a draft
    publish_bookmark(user=admin, bookmark=bookmark)
    assert bookmark not in public_bookmarks(municipality=vechta)
    assert unreleased_parts([bookmark])[bookmark.pk] == [f"{sgb2} 2013"]
    release(user=admin, indicator=sgb2, year=2013)
    assert bookmark in public_bookmarks(municipality=vechta)


def test_withdrawing_a_year_hides_its_published_bookmarks(vechta, admin, sgb2):
    demo_bookmark = Bookmark.objects.get(municipality=vechta, is_published=True)
    withdraw(user=admin, indicator=sgb2, year=2015)
    assert demo_bookmark not in public_bookmarks(municipality=vechta)


# --- opening: the URL reproduces the view -----------------------------------------------------


def test_opening_a_bookmark_redirects_to_the_explorer_with_exactly_the_saved_state(
    client, member, sgb2
):
    bars = str(sgb2.pk)
    bookmark = save(member, sgb2, bars=bars, method="manual", breaks="5; 7,5; 10", chart="scatter")
    client.force_login(member)
    response = client.get(f"/app/atlas/bookmarks/{bookmark.pk}/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/app/atlas/explore/"
    assert parse_qs(target.query) == {key: [value] for key, value in bookmark.state.items()}


def test_the_redirect_keeps_the_explorers_own_parameter_order(client, member, sgb2):
    bookmark = save(member, sgb2, classes="4", method="quantiles", bars=str(sgb2.pk))
    client.force_login(member)
    location = client.get(f"/app/atlas/bookmarks/{bookmark.pk}/")["Location"]
    assert location == (
        f"/app/atlas/explore/?level=gemeinden&indicator={sgb2.pk}&year=2015&bars={sgb2.pk}"
        "&method=quantiles&classes=4"
    )
    assert state_query(bookmark.state) == urlsplit(location).query


def test_a_table_bookmark_opens_the_table_of_the_explorer(client, vechta, member, sgb2):
    further = ",".join(
        str(pk)
        for pk in Indicator.objects.filter(municipality=vechta, catalogue_code__startswith="anteil")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    bookmark = save(member, sgb2, view="table", indicators=further)
    client.force_login(member)
    location = urlsplit(client.get(f"/app/atlas/bookmarks/{bookmark.pk}/")["Location"])
    assert (location.path, location.fragment) == ("/app/atlas/explore/", "keck-table-title")
    assert parse_qs(location.query)["indicators"] == [further]


def test_an_area_report_bookmark_opens_the_area_report(client, vechta, member):
    areas = Area.objects.filter(municipality=vechta, key__in=["03460001", "03460009"])
    ids = ",".join(str(a.pk) for a in areas.order_by("key"))
    bookmark = create_bookmark(
        user=member,
        municipality=vechta,
        title="Bakum und Vechta",
        view="report",
        state={"areas": ids, "year": "2015"},
    )
    client.force_login(member)
    location = urlsplit(client.get(f"/app/atlas/bookmarks/{bookmark.pk}/")["Location"])
    assert location.path == "/app/atlas/report/"
    assert parse_qs(location.query) == {"areas": [ids], "year": ["2015"]}


def test_the_area_reports_repeated_areas_come_back_as_they_were_sent(client, vechta, member):
    first, second = Area.objects.filter(municipality=vechta, level__depth=1).order_by("key")[:2]
    # The report's form sends one `areas` per chosen area, and an empty one for a free slot.
    query = f"areas={second.pk}&areas={first.pk}&areas=&year=2014"
    bookmark = create_bookmark(
        user=member, municipality=vechta, title="Zwei Gemeinden", view="report", state=query
    )
    assert bookmark.state == {"areas": [str(second.pk), str(first.pk)], "year": "2014"}
    client.force_login(member)
    location = urlsplit(client.get(f"/app/atlas/bookmarks/{bookmark.pk}/")["Location"])
    assert parse_qs(location.query) == {"areas": [str(second.pk), str(first.pk)], "year": ["2014"]}


def test_a_bookmark_of_another_municipality_is_not_found(
    client, vechta, member, sgb2, other_municipality, member_of
):
    bookmark = save(member, sgb2)
    client.force_login(member_of(other_municipality, Role.DATA_ADMIN))
    assert client.get(f"/app/atlas/bookmarks/{bookmark.pk}/").status_code == 404


def test_another_members_draft_is_not_found(client, vechta, member, member_of, sgb2):
    bookmark = save(member, sgb2)
    client.force_login(member_of(vechta, Role.MEMBER))
    assert client.get(f"/app/atlas/bookmarks/{bookmark.pk}/").status_code == 404


# --- API ----------------------------------------------------------------------------------------


def test_the_public_api_lists_published_bookmarks_with_released_data(client, vechta, member, sgb2):
    save(member, sgb2, title="Entwurf eines Mitglieds")
    body = client.get(f"{API}/vechta/bookmarks/").json()
    assert [b["title"] for b in body] == [
        "Kinderarmut 2015: Kinder in SGB-II-Bedarfsgemeinschaften"
    ]
    assert "created_by" not in body[0]
    assert body[0]["url"].startswith("http://testserver/atlas/vechta/explore/?level=gemeinden")


def test_members_get_their_own_and_the_published_bookmarks(client, vechta, member, sgb2):
    save(member, sgb2, title="Mein Entwurf")
    client.force_login(member)
    body = client.get(f"{API}/vechta/bookmarks/").json()
    titles = {b["title"]: b for b in body}
    assert set(titles) == {
        "Mein Entwurf",
        "Kinderarmut 2015: Kinder in SGB-II-Bedarfsgemeinschaften",
    }
    assert titles["Mein Entwurf"]["is_own"] is True
    assert titles["Mein Entwurf"]["url"].startswith("http://testserver/app/atlas/explore/?")


def test_the_api_names_what_keeps_a_published_bookmark_from_the_public(client, vechta, admin, sgb2):
    withdraw(user=admin, indicator=sgb2, year=2015)
    client.force_login(admin)
    (published,) = client.get(f"{API}/vechta/bookmarks/?scope=published").json()
    assert published["unreleased"] == [f"{sgb2} 2015"]
    client.logout()
    assert client.get(f"{API}/vechta/bookmarks/").json() == []


def test_no_bookmarks_of_a_municipality_without_public_atlas(client, vechta):
    vechta.public_atlas_enabled = False
    vechta.save()
    assert client.get(f"{API}/vechta/bookmarks/").status_code == 404


def test_the_bookmark_list_takes_a_constant_number_of_queries(
    client, municipality, member_of, django_assert_max_num_queries
):
    tree = make_tree(municipality, districts=3)
    indicator = complete_metadata(count_indicator(municipality, name="Kinder"))
    store(indicator, 2024, dict.fromkeys(tree["Bezirke"], 40))
    admin = member_of(municipality, Role.DATA_ADMIN)
    release(user=admin, indicator=indicator, year=2024)
    for number in range(40):
        bookmark = create_bookmark(
            user=admin,
            municipality=municipality,
            title=f"Ansicht {number}",
            view="map",
            state={"level": "bezirke", "indicator": str(indicator.pk), "year": "2024"},
        )
        publish_bookmark(user=admin, bookmark=bookmark)
    client.force_login(admin)
    with django_assert_max_num_queries(7):
        assert len(client.get(f"{API}/musterstadt/bookmarks/").json()) == 40
    client.logout()
    with django_assert_max_num_queries(4):
        assert len(client.get(f"{API}/musterstadt/bookmarks/").json()) == 40
