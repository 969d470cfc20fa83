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
