"""Paths of the real test files and a counter of everything an import may write."""

from pathlib import Path

from django.conf import settings

from atlas_data.models import Area, Indicator, SpatialLevel, Value, ValueChange

DATA = Path(__file__).resolve().parents[2] / "data"
DEMO_DATA = Path(settings.BASE_DIR) / "atlas_data" / "demo_data"
VG5000 = DATA / "vg5000_2021_ebenen.zip"
VECHTA_TABLE = DATA / "vechta_gemeinden_2013.csv"
LUECHOW_TABLE = DATA / "luechow_dannenberg_gemeinden_2014.csv"


def counts() -> dict[str, int]:
    """What an import may write; a rejected file must leave all of it unchanged."""
    return {
        "levels": SpatialLevel.objects.count(),
        "areas": Area.objects.count(),
        "indicators": Indicator.objects.count(),
        "values": Value.objects.count(),
        "changes": ValueChange.objects.count(),
    }
