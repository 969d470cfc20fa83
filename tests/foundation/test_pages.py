"""The UI shell: German login, internal pages, language switch, no CDN (issue 2, items 5–7)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import HttpRequest

from accounts.models import Role

LOGIN = "/accounts/login/"
INTERNAL_PAGES = ["/app/atlas/", "/app/conferences/", "/app/measures/", "/app/process/"]


def html_lang(response) -> str:
    return re.search(r'<html[^>]*\blang="([^"]+)"', response.content.decode()).group(1)


# --- German by default ------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_german_by_default(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert html_lang(response) == "de"
    assert response["Content-Language"] == "de"


@pytest.mark.django_db
def test_login_page_speaks_german(client):
    page = client.get(LOGIN).content.decode()

    assert "Benutzername" in page
    assert "Passwort" in page
    assert "Anmelden" in page
    assert "Password" not in page.replace("password", "")


@pytest.mark.django_db
def test_login_page_shows_keck_not_the_viewflow_demo(client):
    page = client.get(LOGIN).content.decode()

    assert "KECK" in page
    assert "Viewflow Demo" not in page
    assert "Django Material" not in page


@pytest.mark.django_db
def test_wrong_password_is_refused_in_german(client, demo):
    response = client.post(LOGIN, {"username": "demo-admin", "password": "falsch"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Bitte Benutzername und Passwort eingeben" in response.content.decode()


@pytest.mark.django_db
def test_public_start_page_is_german_by_default(client):
    response = client.get("/")

    assert html_lang(response) == "de"


@pytest.mark.django_db
def test_internal_page_is_german_by_default(client, municipality, member_of):
    client.force_login(member_of(municipality))

    response = client.get("/app/atlas/")

    assert html_lang(response) == "de"
    assert response["Content-Language"] == "de"


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    english = client.get(LOGIN)
    assert html_lang(english) == "en"
    assert "Username" in english.content.decode()


@pytest.mark.django_db
def test_language_switch_back_to_german(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})

    assert html_lang(client.get(LOGIN)) == "de"


@pytest.mark.django_db
def test_language_switch_ignores_an_unknown_language(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    assert html_lang(client.get(LOGIN)) == "de"


@pytest.mark.django_db
def test_language_switch_does_not_redirect_to_another_site(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://boese.example.org/"}
    )

    assert response["Location"] == "/"


# --- logging in and out -----------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_user_logs_in_and_lands_in_the_internal_atlas(client, demo):
    response = client.post(
        LOGIN, {"username": "demo-mitglied", "password": settings.KECK_DEMO_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1] == ("/app/atlas/", 302)
    assert response.status_code == 200
    assert "Landkreis Vechta" in response.content.decode()


@pytest.mark.django_db
def test_login_follows_next_within_the_site(client, demo):
    response = client.post(
        f"{LOGIN}?next=/app/measures/",
        {"username": "demo-leitung", "password": settings.KECK_DEMO_PASSWORD},
    )

    assert response["Location"] == "/app/measures/"


@pytest.mark.django_db
def test_login_does_not_follow_next_to_another_site(client, demo):
    response = client.post(
        f"{LOGIN}?next=https://boese.example.org/",
        {"username": "demo-leitung", "password": settings.KECK_DEMO_PASSWORD},
    )

    assert response["Location"] == "/"


@pytest.mark.django_db
def test_logout_ends_the_session(client, municipality, member_of):
    client.force_login(member_of(municipality))

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert client.get("/app/atlas/").status_code == 302


# --- internal pages -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", INTERNAL_PAGES)
@pytest.mark.parametrize("role", list(Role))
def test_internal_pages_open_for_every_role(client, municipality, member_of, role, url):
    client.force_login(member_of(municipality, role))

    # Members without the dashboard land on the measure plan.
    assert client.get(url, follow=True).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", INTERNAL_PAGES)
def test_internal_pages_send_anonymous_visitors_to_the_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("url", INTERNAL_PAGES)
def test_internal_pages_are_forbidden_for_users_without_municipality(client, url):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_internal_atlas_shows_the_current_municipality_only(
    client, municipality, other_municipality, member_of
):
    client.force_login(member_of(municipality))

    page = client.get("/app/atlas/").content.decode()

    assert "Musterstadt" in page
    assert "Andere Stadt" not in page


@pytest.mark.django_db
def test_start_page_sends_logged_in_users_to_the_internal_atlas(client, municipality, member_of):
    client.force_login(member_of(municipality))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/app/atlas/"


@pytest.mark.django_db
def test_start_page_lists_only_public_atlases(client, municipality):
    from tests.factories import MunicipalityFactory

    MunicipalityFactory(name="Verborgenheim", public_atlas_enabled=False)

    page = client.get("/").content.decode()

    assert "/atlas/musterstadt/" in page
    assert "Verborgenheim" not in page


@pytest.mark.django_db
def test_public_atlas_of_a_municipality_opens_for_anonymous(client, demo):
    response = client.get("/atlas/vechta/")

    assert response.status_code == 200
    assert "Landkreis Vechta" in response.content.decode()


@pytest.mark.django_db
def test_public_atlas_switched_off_answers_404(client, municipality):
    municipality.public_atlas_enabled = False
    municipality.save()

    assert client.get("/atlas/musterstadt/").status_code == 404


# --- no CDN ---------------------------------------------------------------------------------------


class AssetCollector(HTMLParser):
    """Collects the URLs a browser would load: script src and link href."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def external_assets(response) -> list[str]:
    collector = AssetCollector()
    collector.feed(response.content.decode())
    assert collector.urls, "the page loads no assets at all; is this the right page?"
    return [url for url in collector.urls if urlsplit(url).netloc or url.startswith("//")]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LOGIN, "/", "/atlas/vechta/", "/api/docs/"])
def test_public_pages_load_no_assets_from_other_hosts(client, demo, url):
    response = client.get(url)

    assert response.status_code == 200
    assert external_assets(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*INTERNAL_PAGES, "/app/administration/"])
def test_internal_pages_load_no_assets_from_other_hosts(client, demo, url):
    client.login(request=HttpRequest(), username="demo-admin", password=settings.KECK_DEMO_PASSWORD)

    response = client.get(url)

    assert response.status_code == 200
    assert external_assets(response) == []


@pytest.mark.django_db
def test_api_docs_load_swagger_ui_from_our_static_files(client):
    page = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert not re.search(r"""["'(]https?://""", page)


@pytest.mark.django_db
def test_pages_are_german_even_when_the_browser_asks_for_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="de"' in response.content.decode()


@pytest.mark.django_db
def test_english_chosen_in_the_switcher_wins(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/accounts/login/")
    assert 'lang="en"' in response.content.decode()
