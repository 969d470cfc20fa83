"""Benchmark of the value import against a plain executemany INSERT of the same rows.

Builds a municipality with N areas and M indicators, writes N × M × Y values as a long CSV
(area_key, indicator, year, value) into a temporary directory, imports it with
`atlas_data.services.import_values` (reading, validation, history check, one transaction) and
inserts the same rows with the database driver's own executemany into a table of the same
shape (same columns, constraints and indexes). Prints values per second of both and the ratio.

    .venv/bin/python bench/import_values.py                      # 1,000,000 values, SQLite
    .venv/bin/python bench/import_values.py --values 100000      # quick
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keck_bench \
        .venv/bin/python bench/import_values.py

Without DATABASE_URL the benchmark uses a fresh SQLite file in a temporary directory; with it,
that database is migrated and the benchmark's own rows are removed afterwards. It is a script
that measures, not a test that passes or fails on time (see bench/README.md).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_SLUG = "bench-import"
RAW_TABLE = "bench_raw_value"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--areas", type=int, default=500)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument(
        "--values",
        type=int,
        help="total number of values; sets --indicators to values / (areas × years)",
    )
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="also time a second import of the same file (every value unchanged)",
    )
    parser.add_argument(
        "--with-bulk-create",
        action="store_true",
        help="also time Value.objects.bulk_create of the same rows (the ORM's usual bulk path)",
    )
    arguments = parser.parse_args()
    if arguments.values:
        arguments.indicators = max(1, arguments.values // (arguments.areas * arguments.years))
    return arguments


def setup_django(var_dir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keck.settings")
    os.environ.setdefault("DEBUG", "true")
    # Never the developer's own var/keck.sqlite3: a throw-away directory unless DATABASE_URL.
    os.environ.setdefault("KECK_VAR_DIR", str(var_dir))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_municipality(*, areas: int, indicators: int):
    """A municipality with one level of `areas` areas and `indicators` indicators."""
    from django.db import connection

    from accounts.models import Municipality
    from atlas_data.models import Area, Indicator
    from atlas_data.services import ensure_level

    remove_municipality()
    municipality = Municipality.objects.create(slug=BENCH_SLUG, name="Benchmark-Stadt")
    level = ensure_level(municipality=municipality, name="Wohnquartiere")
    root = Area.objects.get(municipality=municipality, level__depth=0)
    Area.objects.bulk_create(
        Area(municipality=municipality, level=level, parent=root, key=f"{n:05d}", name=f"Q {n}")
        for n in range(1, areas + 1)
    )
    Indicator.objects.bulk_create(
        Indicator(municipality=municipality, name=f"Kennzahl {n:03d}", unit="%", kind="share")
        for n in range(1, indicators + 1)
    )
    connection.close()  # the import starts on a fresh connection like a worker would
    return municipality


def remove_municipality() -> None:
    """Delete the benchmark's rows with plain SQL: the ORM's cascade would load every value."""
    from django.db import connection, transaction

    from accounts.models import Municipality

    municipality = Municipality.objects.filter(slug=BENCH_SLUG).first()
    if municipality is None:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("atlas_data_valuechange", "atlas_data_value"):
            cursor.execute(
                f"DELETE FROM {table} WHERE area_id IN "
                "(SELECT id FROM atlas_data_area WHERE municipality_id = %s)",
                [municipality.pk],
            )
        # Areas protect their parent: the areas below the root go first.
        cursor.execute(
            "DELETE FROM atlas_data_area WHERE municipality_id = %s AND parent_id IS NOT NULL",
            [municipality.pk],
        )
        municipality.delete()


def write_long_csv(path: Path, *, municipality, years: int) -> list[tuple]:
    """The long table a statistics office would export, one row per value.

    Returns the same values as rows of the raw table (ids resolved), for the baseline.
    """
    from django.utils import timezone

    from atlas_data.models import Area, Indicator

    areas = list(Area.objects.filter(municipality=municipality, level__depth=1).order_by("key"))
    indicators = list(Indicator.objects.filter(municipality=municipality).order_by("name"))
    updated = updated_column(timezone.now())
    random.seed(2024)
    rows = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_key", "indicator", "year", "value"])
        for area in areas:
            for indicator in indicators:
                for year in range(2015, 2015 + years):
                    text = f"{random.uniform(0, 100):.2f}"
                    writer.writerow([area.key, indicator.name, year, text])
                    rows.append(
                        (
                            indicator.pk,
                            area.pk,
                            year,
                            float(text),
                            None,
                            None,
                            "ok",
                            False,
                            "",
                            None,
                            updated,
                        )
                    )
    return rows


def updated_column(moment):
    """The `updated` column as the driver receives it (SQLite stores datetimes as text)."""
    from django.db import connection

    from atlas_data.models import Value

    return Value._meta.get_field("updated").get_db_prep_value(moment, connection)


def time_import(*, municipality, path: Path) -> tuple[float, dict]:
    from atlas_data.services import import_values

    started = time.perf_counter()
    summary = import_values(municipality=municipality, path=path, level_name="Wohnquartiere")
    return time.perf_counter() - started, summary


def create_raw_table() -> None:
    """A table of the same shape as atlas_data_value: the DDL Django itself generates for it."""
    from django.db import connection

    from atlas_data.models import Value

    drop_raw_table()
    with connection.schema_editor(collect_sql=True) as editor:
        editor.create_model(Value)
    with connection.cursor() as cursor:
        for statement in editor.collected_sql:
            # Rename the table and every constraint and index named after it.
            statement = re.sub(r'"atlas_data_value', f'"{RAW_TABLE}', statement)
            statement = statement.replace('"atlas_data__', f'"{RAW_TABLE}__')
            statement = statement.replace("unique_value_per", "bench_unique_value_per")
            cursor.execute(statement)


def settle() -> None:
    """Write SQLite's WAL back into the database file, so no run pays for the previous one."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")


def drop_raw_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")


def time_raw_insert(rows: list[tuple]) -> float:
    """executemany with the driver's own cursor, one transaction, same batches as the import."""
    from django.db import connection

    from atlas_data.services.values import BATCH_SIZE

    connection.ensure_connection()
    driver = connection.connection
    from atlas_data.models import Value

    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    columns, values = "", ""
    if any(field.name == "version" for field in Value._meta.concrete_fields):
        # The optimistic-locking column has no database default; every new row starts at 1.
        columns, values = ", version", ", 1"
    sql = (
        f"INSERT INTO {RAW_TABLE} (indicator_id, area_id, year, value, numerator, denominator, "
        f"status, is_published_total, source_note, import_run_id, updated{columns}) "
        f"VALUES ({', '.join([placeholder] * 11)}{values})"
    )
    started = time.perf_counter()
    with connection.cursor():  # Django's connection state stays consistent around the driver
        cursor = driver.cursor()
        if connection.vendor == "sqlite":
            cursor.execute("BEGIN")
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])
        driver.commit()
        cursor.close()
    return time.perf_counter() - started


def time_bulk_create(municipality, rows: list[tuple]) -> float:
    """The ORM's usual bulk path for comparison: the same rows with Value.objects.bulk_create."""
    from django.db import connection, transaction

    from atlas_data.models import Value

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM atlas_data_value WHERE area_id IN "
            "(SELECT id FROM atlas_data_area WHERE municipality_id = %s)",
            [municipality.pk],
        )
    started = time.perf_counter()
    with transaction.atomic():
        Value.objects.bulk_create(
            (
                Value(
                    indicator_id=row[0],
                    area_id=row[1],
                    year=row[2],
                    value=row[3],
                    status=row[6],
                    is_published_total=row[7],
                )
                for row in rows
            ),
            batch_size=5_000,
        )
    return time.perf_counter() - started


def report(label: str, seconds: float, count: int) -> None:
    print(f"{label:40} {seconds:7.2f} s {count / seconds:>12,.0f} values/s")


def main() -> None:
    arguments = parse_arguments()
    with tempfile.TemporaryDirectory(prefix="keck-bench-") as directory:
        directory = Path(directory)
        setup_django(directory / "var")
        from django.db import connection

        municipality = build_municipality(areas=arguments.areas, indicators=arguments.indicators)
        csv_path = directory / "werte_lang.csv"
        rows = write_long_csv(csv_path, municipality=municipality, years=arguments.years)
        count = len(rows)
        print(
            f"{connection.vendor} ({connection.settings_dict['NAME']}): {count:,} values = "
            f"{arguments.areas} areas × {arguments.indicators} indicators × {arguments.years} "
            f"years, CSV {csv_path.stat().st_size / 1e6:.1f} MB"
        )
        try:
            # The baseline runs first, on the emptier database: that favours the baseline.
            create_raw_table()
            settle()
            raw_seconds = time_raw_insert(rows)
            settle()
            seconds, summary = time_import(municipality=municipality, path=csv_path)
            assert summary["created"] == count, summary
            report("raw executemany INSERT", raw_seconds, count)
            report("import_values (read, validate, write)", seconds, count)
            print(f"{'ratio import / raw insert':40} {seconds / raw_seconds:7.2f}")
            if arguments.reimport:
                settle()
                again, summary = time_import(municipality=municipality, path=csv_path)
                assert summary["unchanged"] == count, summary
                report("re-import, all values unchanged", again, count)
            if arguments.with_bulk_create:
                settle()
                orm_seconds = time_bulk_create(municipality, rows)
                report("Value.objects.bulk_create (comparison)", orm_seconds, count)
                print(f"{'ratio bulk_create / raw insert':40} {orm_seconds / raw_seconds:7.2f}")
        finally:
            drop_raw_table()
            remove_municipality()


if __name__ == "__main__":
    main()
