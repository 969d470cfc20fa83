"""Size and time of the map data of all 10,997 Gemeinden of Germany in one response.

Imports the layer VG5000_GEM of tests/data/vg5000_2021_ebenen.zip (© GeoBasis-DE / BKG 2021)
into a throw-away municipality, stores one share per Gemeinde (seeded random numbers, some
small counts so that `k. A.` occurs), and requests
`GET /api/v1/municipalities/{slug}/indicators/{id}/map/` once without and once with
`Accept-Encoding: gzip`. Prints the uncompressed and compressed sizes, the number of
vertices, the queries and the time per request.

    .venv/bin/python bench/map_payload.py

Without DATABASE_URL the benchmark uses a fresh SQLite file in a temporary directory. It is a
script that measures, not a test that passes or fails on time (see bench/README.md).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-deutschland"
LIMIT = 5_000_000  # bytes, uncompressed (issue 4)


def setup_django(var_dir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keck.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("KECK_VAR_DIR", str(var_dir))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build() -> tuple:
    from django.conf import settings

    from accounts.models import Municipality
    from atlas_data.models import Area, Indicator, IndicatorRelease, Value
    from atlas_data.services import import_areas

    municipality = Municipality.objects.create(
        slug=SLUG, name="Deutschland (Benchmark)", kind=Municipality.Kind.DISTRICT
    )
    started = time.perf_counter()
    summary = import_areas(
        municipality=municipality,
        path=ROOT / "tests" / "data" / "vg5000_2021_ebenen.zip",
        layer="VG5000_GEM",
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    import_seconds = time.perf_counter() - started
    indicator = Indicator.objects.create(
        municipality=municipality,
        name="Anteil unter 15-Jähriger",
        unit="%",
        kind=Indicator.Kind.SHARE,
        decimals=1,
        polarity=Indicator.Polarity.NEUTRAL,
    )
    random.seed(4)
    values = []
    for area in Area.objects.filter(municipality=municipality, level__depth=1):
        denominator = random.randint(20, 40000)
        numerator = random.randint(0, denominator // 5)
        values.append(
            Value(
                indicator=indicator,
                area=area,
                year=2021,
                # two decimals, as the published tables deliver shares
                value=round(100 * numerator / denominator, 2),
                numerator=numerator,
                denominator=denominator,
            )
        )
    Value.objects.bulk_create(values, batch_size=2000)
    IndicatorRelease.objects.create(indicator=indicator, year=2021)
    return municipality, indicator, summary, import_seconds


def measure(municipality, indicator) -> None:
    import gzip
    import json

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    url = f"/api/v1/municipalities/{municipality.slug}/indicators/{indicator.pk}/map/?year=2021"
    client = Client(SERVER_NAME="localhost")
    client.get(url)  # warm-up: imports, caches
    with override_settings(DEBUG=True):
        reset_queries()
        plain = client.get(url)
        queries = len(connection.queries)
    seconds = _median_seconds(lambda: client.get(url))
    gzip_seconds = _median_seconds(lambda: client.get(url, HTTP_ACCEPT_ENCODING="gzip"))
    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert plain.status_code == 200, plain.content[:500]
    assert compressed["Content-Encoding"] == "gzip"
    body = plain.content
    assert gzip.decompress(compressed.content) == body
    collection = json.loads(body)
    features = collection["features"]
    vertices = sum(_count(f["geometry"]["coordinates"]) for f in features if f["geometry"])
    geometry_bytes = sum(
        len(json.dumps(f["geometry"], separators=(",", ":"))) for f in features if f["geometry"]
    )
    suppressed = next(e for e in collection["legend"]["entries"] if e["kind"] == "suppressed")
    print(f"features:            {len(features):,}")
    print(f"vertices:            {vertices:,}")
    print(f"k. A. areas:         {suppressed['count']:,}")
    print(f"uncompressed:        {len(body):,} bytes ({len(body) / 1e6:.2f} MB)")
    print(f"  of which geometry: {geometry_bytes:,} bytes")
    print(f"gzip:                {len(compressed.content):,} bytes")
    print(f"queries:             {queries}")
    print(f"time (plain / gzip): {seconds:.2f} s / {gzip_seconds:.2f} s (median of 3)")
    verdict = "under" if len(body) < LIMIT else "OVER"
    print(f"{verdict} the limit of {LIMIT:,} bytes uncompressed")


def _median_seconds(request, runs: int = 3) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        request()
        times.append(time.perf_counter() - started)
    return sorted(times)[runs // 2]


def _count(coordinates) -> int:
    if coordinates and isinstance(coordinates[0], (int, float)):
        return 1
    return sum(_count(part) for part in coordinates)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="keck-bench-map-") as var_dir:
        setup_django(Path(var_dir))
        municipality, indicator, summary, import_seconds = build()
        print(f"import of VG5000_GEM: {import_seconds:.1f} s ({summary.get('created')} areas)")
        measure(municipality, indicator)


if __name__ == "__main__":
    main()
