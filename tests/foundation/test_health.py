"""The health check answers for load balancers."""

import pytest


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_demo_loads_ten_gemeinden_of_vechta(demo):
    from atlas_data.models import Area

    gemeinden = Area.objects.filter(municipality=demo, level__depth=1)
    assert gemeinden.count() == 10
    assert set(gemeinden.values_list("key", flat=True)) == {f"034600{n:02d}" for n in range(1, 11)}
    root = Area.objects.get(municipality=demo, level__depth=0)
    assert root.geometry["type"] in ("Polygon", "MultiPolygon")
    assert all(area.parent_id == root.pk for area in gemeinden)


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_needs_no_login_and_no_redirect(client):
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200
    assert not response.has_header("Location")


@pytest.mark.django_db
def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code == 405
