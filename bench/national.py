"""Builds the benchmark atlas "Deutschland": Länder → Kreise → Gemeinden and synthetic values.

The areas are the real VG5000 layers of tests/data/vg5000_2021_ebenen.zip (© GeoBasis-DE / BKG
2021), imported with the product's own area import (`atlas_data.services.import_areas`, which
computes the simplified web geometry once). The values are synthetic but plausible: an
inhabitant count per Gemeinde (log-normal, as German Gemeinden range from a dozen to millions of
inhabitants) and from it counts of age and social groups and shares with numerator and
denominator, over several years; the many small Gemeinden give small counts that the
suppression must hide. They are written as one long CSV (`area_key, indicator, year, value,
numerator, denominator`) and imported with the product's own value import
(`atlas_data.services.import_values`).

    .venv/bin/python bench/national.py                        # 10,997 Gemeinden, 50 × 5 years
    .venv/bin/python bench/national.py --scale 0.1            # one Land with ~1/10 of them
    .venv/bin/python bench/national.py --scale 3              # Gemeinden replicated 3×
    .venv/bin/python bench/national.py --scale 0.01 --indicators 3 --years 2
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keck_bench .venv/bin/python bench/national.py

Scales below 1 take the one Land whose number of Gemeinden is closest to scale × 10,997
(0.1: Baden-Württemberg, 1,103; 0.01: Saarland, 52); scale k > 1 adds k − 1 copies of every
Gemeinde with the keys `<AGS>-2`, `<AGS>-3` … in the same Kreis (same geometry). Building is
idempotent: areas are imported by key, indicators found by name, and values are imported only
when the stored ones are not complete. Without DATABASE_URL the data lives in a fresh SQLite file
in a temporary directory (or in `--var-dir`, kept between runs).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SLUG = "deutschland"
NAME = "Deutschland"
VG5000 = ROOT / "tests" / "data" / "vg5000_2021_ebenen.zip"
ALL_GEMEINDEN = 10_997
FIRST_YEAR = 2017
LEVELS = (("VG5000_LAN", "Länder"), ("VG5000_KRS", "Kreise"), ("VG5000_GEM", "Gemeinden"))
GEMEINDEN = "Gemeinden"
SOURCE_NOTE = "© GeoBasis-DE / BKG 2021"

# Indicator templates: (name, kind, share of the inhabitants in the group counted or in the
# denominator, probability of the numerator within the denominator for shares).
COUNT_TEMPLATES = (
    ("Kinder unter 3 Jahren", 0.028),
    ("Kinder von 3 bis unter 6 Jahren", 0.029),
    ("Kinder unter 15 Jahren", 0.138),
    ("Jugendliche von 15 bis unter 18 Jahren", 0.029),
    ("Alleinerziehende Haushalte", 0.032),
    ("Hilfen zur Erziehung", 0.006),
    ("Einschulungskinder", 0.009),
    ("Zuzüge von Familien", 0.011),
)
SHARE_TEMPLATES = (
    ("Anteil unter 15-Jähriger", 1.0, 0.138),
    ("Kinder unter 15 in SGB-II-Haushalten", 0.138, 0.13),
    ("Betreuungsquote unter 3-Jähriger", 0.028, 0.34),
    ("Betreuungsquote 3- bis 6-Jähriger", 0.029, 0.91),
    ("Nichtdeutsche Kinder unter 15", 0.138, 0.12),
    ("Übergewicht bei der Einschulung", 0.009, 0.11),
    ("Sprachförderbedarf bei der Einschulung", 0.009, 0.24),
    ("Jugendarbeitslosigkeit", 0.06, 0.045),
    ("Grundsicherung im Alter", 0.21, 0.032),
)


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    kind: str  # "count" or "share"
    group: float  # counted group (count) or denominator group (share) per inhabitant
    probability: float  # shares: numerator per denominator


def indicator_specs(count: int) -> list[IndicatorSpec]:
    """`count` indicators: inhabitants first, then counts and shares alternating (2 : 3)."""
    specs = [IndicatorSpec("Einwohner", "count", 1.0, 0.0)]
    counts = shares = 0
    while len(specs) < count:
        if len(specs) % 5 in (1, 3):
            name, group = COUNT_TEMPLATES[counts % len(COUNT_TEMPLATES)]
            round_ = counts // len(COUNT_TEMPLATES)
            counts += 1
            specs.append(IndicatorSpec(_numbered(name, round_), "count", group, 0.0))
        else:
            name, group, probability = SHARE_TEMPLATES[shares % len(SHARE_TEMPLATES)]
            round_ = shares // len(SHARE_TEMPLATES)
            shares += 1
            specs.append(IndicatorSpec(_numbered(name, round_), "share", group, probability))
    return specs


def _numbered(name: str, round_: int) -> str:
    """A second and further round of the templates: `… (Variante 2)` (other random numbers)."""
    return name if round_ == 0 else f"{name} (Variante {round_ + 1})"


# --------------------------------------------------------------------------------------------
# Django and the database


def setup_django(var_dir: Path) -> None:
    """Django on the benchmark's own database (see bench/import_values.py), migrated."""
    sys.path.insert(0, str(ROOT / "bench"))
    import import_values

    import_values.setup_django(var_dir)


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


# --------------------------------------------------------------------------------------------
# Areas


def land_for_scale(scale: float) -> str | None:
    """The AGS of the Land with a number of Gemeinden closest to scale × all; None: all."""
    if scale >= 1:
        return None
    import pyogrio

    keys = pyogrio.read_dataframe(VG5000, layer="VG5000_GEM", read_geometry=False)["AGS"]
    per_land = keys.str[:2].value_counts()
    target = scale * ALL_GEMEINDEN
    return min(per_land.index, key=lambda land: (abs(per_land[land] - target), land))


def prepare_layers(directory: Path, *, scale: float) -> list[tuple[Path, str, list[Path]]]:
    """GeoPackages to import per level: (first file, level name, further files).

    The Länder layer holds a second feature per Land for its coastal waters and Lake Constance
    (GF 8); only the land areas (GF 9) are areas of the atlas. Replicas (scale > 1) go into
    files of their own, so that each import simplifies a valid coverage.
    """
    import geopandas as gpd

    land = land_for_scale(scale)
    prepared = []
    for layer, level in LEVELS:
        frame = gpd.read_file(VG5000, layer=layer, engine="pyogrio")
        frame = frame[["AGS", "GEN", "GF", "geometry"]]
        frame = frame[frame["GF"] == 9] if layer == "VG5000_LAN" else frame
        if land is not None:
            frame = frame[frame["AGS"].str.startswith(land)]
        path = directory / f"{layer}.gpkg"
        frame.to_file(path, driver="GPKG", engine="pyogrio")
        extra = []
        if layer == "VG5000_GEM":
            for copy in range(2, int(round(scale)) + 1):
                replica = frame.assign(
                    AGS=frame["AGS"] + f"-{copy}", GEN=frame["GEN"] + f" ({copy})"
                )
                extra_path = directory / f"{layer}-{copy}.gpkg"
                replica.to_file(extra_path, driver="GPKG", engine="pyogrio")
                extra.append(extra_path)
        prepared.append((path, level, extra))
    return prepared


def ensure_municipality():
    from accounts.models import Municipality
    from atlas_data.models import SpatialLevel
    from atlas_data.services import ensure_root

    municipality, _created = Municipality.objects.get_or_create(
        slug=SLUG,
        defaults={"name": NAME, "kind": Municipality.Kind.DISTRICT, "official_key": "DE"},
    )
    ensure_root(municipality=municipality)
    # The root level of a district is called "Landkreis"; here it is the whole country.
    SpatialLevel.objects.filter(municipality=municipality, depth=0).update(name="Bund", slug="bund")
    return municipality


def build_areas(municipality, directory: Path, *, scale: float) -> dict:
    """Imports the three levels by key (idempotent); returns seconds and area counts."""
    from atlas_data.services import import_areas

    timings = {}
    parent = None
    for path, level, extra in prepare_layers(directory, scale=scale):
        started = time.perf_counter()
        for file in (path, *extra):
            import_areas(
                municipality=municipality,
                path=file,
                level_name=level,
                parent_level_name=parent,
                key_field="AGS",
                name_field="GEN",
                source_note=SOURCE_NOTE,
            )
        timings[level] = time.perf_counter() - started
        parent = level
    return timings


def area_counts(municipality) -> dict[str, int]:
    from django.db.models import Count

    from atlas_data.models import SpatialLevel

    return dict(
        SpatialLevel.objects.filter(municipality=municipality)
        .annotate(n=Count("areas"))
        .values_list("name", "n")
    )


# --------------------------------------------------------------------------------------------
# Indicators and values


def ensure_indicators(municipality, specs: list[IndicatorSpec]) -> list:
    """The indicators with complete metadata (so that they can be released), valid everywhere."""
    from atlas_data.models import Indicator, SpatialLevel, Topic

    topic, _created = Topic.objects.get_or_create(
        municipality=municipality, code="benchmark", defaults={"name": "Benchmark"}
    )
    levels = list(SpatialLevel.objects.filter(municipality=municipality))
    indicators = []
    for spec in specs:
        share = spec.kind == "share"
        indicator, created = Indicator.objects.get_or_create(
            municipality=municipality,
            name=spec.name,
            defaults={
                "topic": topic,
                "short_name": spec.name[:80],
                "definition": "Synthetische Benchmarkdaten (bench/national.py)",
                "unit": "%" if share else "Anzahl",
                "kind": Indicator.Kind.SHARE if share else Indicator.Kind.COUNT,
                "decimals": 1 if share else 0,
                "data_source": "Benchmark",
                "data_holder": "Benchmark",
                "reference_date": "31.12.",
                "polarity": Indicator.Polarity.NEUTRAL,
            },
        )
        if created:
            indicator.valid_levels.set(levels)
        indicators.append(indicator)
    return indicators


def synthetic_frame(areas: list[tuple[int, str]], specs: list[IndicatorSpec], years: int):
    """The long table as a DataFrame, one row per value; seeded, so every run is the same.

    Returns (frame, raw rows as tuples for atlas_data_value without ids resolved for the
    indicator: the column `indicator` holds the index into `specs`).
    """
    import pandas as pd

    rng = np.random.default_rng(2021)
    count = len(areas)
    keys = np.array([key for _pk, key in areas], dtype=object)
    # Inhabitants: median about 1,700, a long tail to the cities; a few dozen at the least.
    population = np.maximum(12, rng.lognormal(mean=7.45, sigma=1.45, size=count)).round()
    frames = []
    for year_index in range(years):
        year = FIRST_YEAR + year_index
        inhabitants = np.maximum(1, population * rng.normal(1 + 0.004 * year_index, 0.01, count))
        inhabitants = inhabitants.round()
        for index, spec in enumerate(specs):
            drift = rng.uniform(0.8, 1.25)
            if spec.kind == "count":
                if index == 0:
                    number = inhabitants
                else:
                    number = rng.poisson(inhabitants * spec.group * drift).astype(float)
                frames.append(_rows(keys, spec.name, year, number, None, None))
            else:
                denominator = rng.poisson(inhabitants * spec.group).astype(float)
                probability = min(0.98, spec.probability * drift)
                numerator = rng.binomial(denominator.astype(np.int64), probability).astype(float)
                with_base = denominator > 0
                share = np.round(100 * numerator[with_base] / denominator[with_base], 2)
                frames.append(
                    _rows(
                        keys[with_base],
                        spec.name,
                        year,
                        share,
                        numerator[with_base],
                        denominator[with_base],
                    )
                )
    return pd.concat(frames, ignore_index=True)


def _rows(keys, name, year, value, numerator, denominator):
    import pandas as pd

    return pd.DataFrame(
        {
            "area_key": keys,
            "indicator": name,
            "year": year,
            "value": value,
            "numerator": numerator if numerator is not None else np.nan,
            "denominator": denominator if denominator is not None else np.nan,
        }
    )


def gemeinden(municipality) -> list[tuple[int, str]]:
    from atlas_data.models import Area

    return list(
        Area.objects.filter(municipality=municipality, level__name=GEMEINDEN)
        .order_by("key")
        .values_list("id", "key")
    )


def write_csv(frame, path: Path) -> None:
    """The long CSV as a statistics office exports it: English numbers, empty for none."""
    frame.to_csv(path, index=False, float_format="%.15g")


def stored_values(municipality) -> int:
    from atlas_data.models import Value

    return Value.objects.filter(indicator__municipality=municipality).count()


def remove_values(municipality) -> None:
    """Delete the municipality's values with plain SQL: the ORM's cascade would load them all."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("atlas_data_valuechange", "atlas_data_value"):
            cursor.execute(
                f"DELETE FROM {table} WHERE indicator_id IN "
                "(SELECT id FROM atlas_data_indicator WHERE municipality_id = %s)",
                [municipality.pk],
            )


def remove_municipality() -> None:
    """Everything of the benchmark's municipality, the large tables with plain SQL first."""
    from django.db import connection, transaction

    from accounts.models import Municipality
    from atlas_data.models import Indicator

    municipality = Municipality.objects.filter(slug=SLUG).first()
    if municipality is None:
        return
    remove_values(municipality)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM atlas_data_area WHERE municipality_id = %s", [municipality.pk])
    # Topics protect their indicators' municipality: the indicators go first.
    Indicator.objects.filter(municipality=municipality).delete()
    municipality.delete()


def import_csv(municipality, path: Path) -> tuple[float, dict]:
    from atlas_data.services import import_values

    started = time.perf_counter()
    summary = import_values(municipality=municipality, path=path, level_name=GEMEINDEN)
    return time.perf_counter() - started, summary


def release_all(municipality, indicators, years: int) -> None:
    """Every indicator year public, as a data admin would release them after checking."""
    from atlas_data.models import IndicatorRelease
    from atlas_data.services import missing_metadata

    for indicator in indicators:
        assert not missing_metadata(indicator), (indicator, missing_metadata(indicator))
    IndicatorRelease.objects.bulk_create(
        [
            IndicatorRelease(indicator=indicator, year=FIRST_YEAR + n)
            for indicator in indicators
            for n in range(years)
        ],
        ignore_conflicts=True,
    )


@dataclass
class Built:
    municipality: object
    indicators: list
    specs: list[IndicatorSpec]
    years: list[int]
    csv_path: Path
    frame: object
    timings: dict
    counts: dict
    values: int


def build(
    *, directory: Path, scale: float, indicators: int, years: int, with_values: bool = True
) -> Built:
    """The whole data set, idempotent; keeps the CSV and its frame for the import benchmark.

    `with_values=False` leaves the import to the caller (bench/measure.py times it).
    """
    municipality = ensure_municipality()
    timings = build_areas(municipality, directory, scale=scale)
    specs = indicator_specs(indicators)
    objects = ensure_indicators(municipality, specs)
    frame = synthetic_frame(gemeinden(municipality), specs, years)
    csv_path = directory / "werte_lang.csv"
    write_csv(frame, csv_path)
    if with_values and stored_values(municipality) != len(frame):
        remove_values(municipality)
        timings["values"], summary = import_csv(municipality, csv_path)
        assert summary["created"] == len(frame), summary
    release_all(municipality, objects, years)
    return Built(
        municipality=municipality,
        indicators=objects,
        specs=specs,
        years=[FIRST_YEAR + n for n in range(years)],
        csv_path=csv_path,
        frame=frame,
        timings=timings,
        counts=area_counts(municipality),
        values=len(frame),
    )


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="0.1, 1 or 3 (default 1)")
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--var-dir", type=Path, help="keep the SQLite database here")
    return parser.parse_args(argv)


def main() -> None:
    arguments = parse_arguments()
    with tempfile.TemporaryDirectory(prefix="keck-national-") as directory:
        directory = Path(directory)
        setup_django(arguments.var_dir or directory / "var")
        started = time.perf_counter()
        built = build(
            directory=directory,
            scale=arguments.scale,
            indicators=arguments.indicators,
            years=arguments.years,
        )
        print(f"{database_label()}: {NAME} built in {time.perf_counter() - started:.1f} s")
        for level, count in built.counts.items():
            print(f"  {level:12} {count:>7,} areas")
        print(f"  values       {built.values:>9,} ({len(built.indicators)} × {len(built.years)})")
        for step, seconds in built.timings.items():
            print(f"  {step:12} {seconds:7.1f} s")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keck.settings")
    main()
