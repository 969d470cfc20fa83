"""Points of interest in areas: one area per level, the rule at borders, re-imported areas."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import LineString, mapping, shape
from shapely.ops import split

from atlas_data.models import Area, Poi
from atlas_data.services import import_areas
from atlas_data.services.pois import assign_areas

from .poi_helpers import (
    BAKUM,
    BAKUM_VECHTA,
    LOHNE,
    LOHNE_VECHTA,
    VECHTA,
    area_keys,
    inside,
    make_poi,
    vechta_with_pois,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vechta(db):
    """The POI part of the Vechta demo (see poi_helpers.vechta_with_pois)."""
    return vechta_with_pois()


def gemeinde(key):
    return shape(Area.objects.get(key=key).geometry)


def test_the_border_point_lies_on_both_real_gemeinden_and_inside_neither(vechta):
    point = shapely.Point(BAKUM_VECHTA[1], BAKUM_VECHTA[0])
    for key in (BAKUM, VECHTA):
        assert gemeinde(key).touches(point)
        assert not gemeinde(key).contains(point)


def test_a_poi_on_the_border_of_bakum_and_vechta_gets_exactly_one_gemeinde(vechta):
    poi = make_poi(vechta, name="Grenzspielplatz", at=BAKUM_VECHTA, code="spielplatz")

    assert area_keys(poi) == ["03460", BAKUM]  # the smaller key of the two


def test_a_poi_on_the_border_of_lohne_and_vechta_goes_to_the_smaller_key(vechta):
    poi = make_poi(vechta, name="Reitplatz", at=LOHNE_VECHTA, code="sportverein")

    assert area_keys(poi) == ["03460", LOHNE]


def test_a_point_in_the_middle_of_a_shared_edge_gets_exactly_one_gemeinde(vechta):
    """Halfway along a shared edge floating point puts the point on one side, on both or on
    neither; the rule still gives one Gemeinde."""
    shared = gemeinde(BAKUM).boundary.intersection(gemeinde(VECHTA).boundary)
    edge = next(g for g in getattr(shared, "geoms", [shared]) if g.length > 0)
    middle = edge.interpolate(0.5, normalized=True)

    poi = make_poi(vechta, name="Mitte der Kante", at=(middle.y, middle.x))

    assert area_keys(poi)[1] in (BAKUM, VECHTA)
    assert len(area_keys(poi)) == 2


def test_the_demo_pois_on_gemeinde_borders_have_one_gemeinde_each(demo):
    border_pois = Poi.objects.filter(municipality=demo, concept_notes__contains="Gemeindegrenze")

    assert {poi.name: area_keys(poi) for poi in border_pois} == {
        "Bolzplatz an der Gemeindegrenze Bakum/Vechta": ["03460", BAKUM],
        "Reitsportverein Lohne-Vechta, Jugendgruppe": ["03460", LOHNE],
    }


def test_every_demo_poi_lies_in_the_district_and_one_gemeinde(demo):
    pois = Poi.objects.filter(municipality=demo).prefetch_related("areas__level")

    assert pois.count() == 60
    for poi in pois:
        assert sorted(a.level.depth for a in poi.areas.all()) == [0, 1], poi.name


def _ortsteile(tmp_path, *, split_at: float):
    """Vechta split into a western and an eastern Ortsteil at a longitude, as GeoJSON."""
    vechta_shape = gemeinde(VECHTA)
    line = LineString([(split_at, 52.0), (split_at, 53.5)])
    west, east = sorted(split(vechta_shape, line).geoms, key=lambda g: g.centroid.x)[:2]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"key": f"{VECHTA}01", "name": "Vechta-West"},
                "geometry": mapping(west),
            },
            {
                "type": "Feature",
                "properties": {"key": f"{VECHTA}02", "name": "Vechta-Ost"},
                "geometry": mapping(east),
            },
        ],
    }
    path = tmp_path / "ortsteile.geojson"
    path.write_text(json.dumps(collection))
    return path


def _import_ortsteile(vechta, path):
    import_areas(
        municipality=vechta, path=path, level_name="Ortsteile", parent_level_name="Gemeinden"
    )


def test_a_new_finer_level_assigns_the_existing_pois_to_its_areas(vechta, tmp_path):
    poi = make_poi(vechta, name="Kita Ost", at=(52.73, 8.33))

    _import_ortsteile(vechta, _ortsteile(tmp_path, split_at=8.30))

    assert area_keys(Poi.objects.get(pk=poi.pk)) == ["03460", VECHTA, f"{VECHTA}02"]


def test_reimported_areas_move_the_pois_to_their_new_area(vechta, tmp_path):
    poi = make_poi(vechta, name="Kita Ost", at=(52.73, 8.33))
    _import_ortsteile(vechta, _ortsteile(tmp_path, split_at=8.30))

    _import_ortsteile(vechta, _ortsteile(tmp_path, split_at=8.35))  # the border moves east

    assert area_keys(Poi.objects.get(pk=poi.pk)) == ["03460", VECHTA, f"{VECHTA}01"]


def test_a_poi_outside_a_partial_level_is_assigned_only_where_areas_exist(vechta, tmp_path):
    _import_ortsteile(vechta, _ortsteile(tmp_path, split_at=8.30))

    poi = make_poi(vechta, name="Kita Bakum", at=inside(BAKUM))

    assert area_keys(poi) == ["03460", BAKUM]


def test_assigning_again_changes_nothing(vechta):
    make_poi(vechta, name="Kita Mitte", at=inside(VECHTA))

    assert assign_areas(municipality=vechta) == 0
