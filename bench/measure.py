"""Measures the national atlas (bench/national.py) operation by operation, each beside its baseline.

    .venv/bin/python bench/measure.py --scale 1 --json /tmp/result.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keck_bench .venv/bin/python bench/measure.py

Figures (seconds unless noted; "cold" is the first request after the data changed, computed in
the request; "after warm-up" the first request after the data changed once the background
warm-up the product queues after every committed change has run (its own time: "warm-up");
"warm" the median of the following requests, when the cached results of atlas_data/cache.py
are used):

- import: `import_values` of the long CSV against executemany of the same rows into a table of
  the same shape (bench/import_values.py's baseline, run first);
- map: GET of the map data of one share for all Gemeinden (gzip) from a gunicorn process
  against the same gzip bytes served as a static file by the same process (WhiteNoise);
- aggregation: `selectors.values_table` of one share at the Kreise and the Länder level
  (weighted: numerators and denominators summed, with suppression) against one SQL read of
  the Gemeinde rows plus pandas groupby sums to Kreise and Länder;
- table: GET of the table API (every indicator × all Kreise, one year) from the gunicorn process
  against one raw SQL query (grouped to the Kreise) plus json.dumps of its rows;
- report: the public area report DOCX of three Gemeinden (every indicator; the year and the
  year before, of all years stored) through Django's test client; absolute;
- memory: the peak resident memory (VmHWM) of the gunicorn worker after all its requests;
- payload: uncompressed and gzip size of the national map.

Writes one JSON object (see `main`) for bench/run_all.py.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import national  # noqa: E402

WARM_RUNS = 5


def median_seconds(call, runs: int = WARM_RUNS) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def outdate_cache(municipality) -> None:
    """Everything cached for the municipality is outdated, as after an import."""
    from atlas_data import cache as atlas_cache

    atlas_cache.bump(municipality.pk)


def outdate_and_warm(municipality) -> float:
    """Outdate everything, then run the warm-up that the product queues after a committed
    change (atlas_data/cache.py `warm_soon`, a Celery job), here in this process; its seconds."""
    from atlas_data.selectors import warm_values_tables

    outdate_cache(municipality)
    started = time.perf_counter()
    result = warm_values_tables(municipality=municipality)
    assert result.pairs and not result.outdated, result
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------------
# import


def measure_import(built) -> dict:
    import import_values as raw

    from atlas_data.models import Area, Indicator

    frame = built.frame
    area_ids = dict(
        Area.objects.filter(
            municipality=built.municipality, level__name=national.GEMEINDEN
        ).values_list("key", "id")
    )
    indicator_ids = dict(
        Indicator.objects.filter(municipality=built.municipality).values_list("name", "id")
    )
    from django.utils import timezone

    updated = raw.updated_column(timezone.now())

    def nullable(column):
        return [None if value != value else value for value in column.tolist()]

    rows = list(
        zip(
            frame["indicator"].map(indicator_ids).tolist(),
            frame["area_key"].map(area_ids).tolist(),
            frame["year"].tolist(),
            frame["value"].tolist(),
            nullable(frame["numerator"]),
            nullable(frame["denominator"]),
            ["ok"] * len(frame),
            [False] * len(frame),
            [""] * len(frame),
            [None] * len(frame),
            [updated] * len(frame),
            strict=True,
        )
    )
    national.remove_values(built.municipality)
    try:
        raw.create_raw_table()
        raw.settle()
        raw_seconds = raw.time_raw_insert(rows)
    finally:
        raw.drop_raw_table()
    raw.settle()
    seconds, summary = national.import_csv(built.municipality, built.csv_path)
    assert summary["created"] == len(frame), summary
    raw.settle()
    return {"values": len(frame), "import_s": seconds, "raw_insert_s": raw_seconds}


# --------------------------------------------------------------------------------------------
# the web process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with one synchronous worker on the benchmark's database."""

    def __init__(self, static_dir: Path, var_dir: Path):
        self.port = free_port()
        env = {
            **os.environ,
            "DEBUG": "true",
            "KECK_VAR_DIR": os.environ["KECK_VAR_DIR"],
            "BENCH_STATIC_DIR": str(static_dir),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
        }
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers=1",
                "--threads=1",
                "--timeout=600",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                "wsgi_bench:application",
            ],
            cwd=ROOT,
            env=env,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        import httpx

        log("server up")
        self.client = httpx.Client(base_url=self.url, timeout=600, headers={"Host": "localhost"})
        for _attempt in range(200):
            try:
                self.client.get("/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)

    def get(self, path: str):
        response = self.client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response

    def worker_peak_kib(self) -> int:
        """VmHWM of the worker (the master's child that served the requests)."""
        peak = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if int(fields.get("PPid", "0").strip()) == self.process.pid:
                peak = max(peak, int(fields.get("VmHWM", "0 kB").split()[0]))
        return peak

    def stop(self) -> None:
        log("server stop")
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=30)


# --------------------------------------------------------------------------------------------
# the operations


def share_indicator(built):
    pairs = zip(built.indicators, built.specs, strict=True)
    return next(indicator for indicator, spec in pairs if spec.kind == "share")


def map_path(built, indicator, year) -> str:
    return (
        f"/api/v1/municipalities/{national.SLUG}/indicators/{indicator.pk}/map/"
        f"?year={year}&level=gemeinden&public=1"
    )


def table_path(built, year) -> str:
    ids = ",".join(str(i.pk) for i in built.indicators)
    return (
        f"/api/v1/municipalities/{national.SLUG}/table/"
        f"?indicators={ids}&year={year}&level=kreise&public=1"
    )


def write_static_map(built, indicator, year, static_dir: Path) -> dict:
    """The map data as the product answers it, as files: the baseline's bytes."""
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    plain = client.get(map_path(built, indicator, year))
    compressed = client.get(map_path(built, indicator, year), HTTP_ACCEPT_ENCODING="gzip")
    assert plain.status_code == 200 and compressed["Content-Encoding"] == "gzip"
    body = plain.content
    assert gzip.decompress(compressed.content) == body
    (static_dir / "map.json").write_bytes(body)
    (static_dir / "map.json.gz").write_bytes(compressed.content)
    collection = json.loads(body)
    return {
        "uncompressed_bytes": len(body),
        "gzip_bytes": len(compressed.content),
        "features": len(collection["features"]),
        "suppressed": next(
            e["count"] for e in collection["legend"]["entries"] if e["kind"] == "suppressed"
        ),
    }


def measure_web(built, static_dir: Path, var_dir: Path) -> dict:
    year = built.years[-1]
    indicator = share_indicator(built)
    result = {"payload": write_static_map(built, indicator, year, static_dir)}
    outdate_cache(built.municipality)
    server = Server(static_dir, var_dir)
    try:
        server.get("/bench-static/map.json")  # the file route and the connection, once
        # The code paths once (imports, URL resolution), so that "cold" means the data.
        server.get(map_path(built, indicator, built.years[0]))
        server.get(table_path(built, built.years[0]))
        outdate_cache(built.municipality)
        outdate_and_warm(built.municipality)
        result["map_after_warmup_s"], _r = timed(
            lambda: server.get(map_path(built, indicator, year))
        )
        outdate_cache(built.municipality)
        result["map_cold_s"], response = timed(lambda: server.get(map_path(built, indicator, year)))
        assert response.headers.get("content-encoding") == "gzip"
        result["map_warm_s"] = median_seconds(lambda: server.get(map_path(built, indicator, year)))
        static = server.get("/bench-static/map.json")
        assert static.headers.get("content-encoding") == "gzip", static.headers
        assert static.content == (static_dir / "map.json").read_bytes()
        result["map_static_s"] = median_seconds(lambda: server.get("/bench-static/map.json"))
        etag = response.headers["etag"]
        not_modified = server.client.get(
            map_path(built, indicator, year),
            headers={"Accept-Encoding": "gzip", "If-None-Match": etag},
        )
        result["map_304_status"] = not_modified.status_code
        result["map_304_s"] = median_seconds(
            lambda: server.client.get(
                map_path(built, indicator, year),
                headers={"Accept-Encoding": "gzip", "If-None-Match": etag},
            )
        )

        outdate_and_warm(built.municipality)
        result["table_after_warmup_s"], _r = timed(lambda: server.get(table_path(built, year)))
        outdate_cache(built.municipality)
        result["table_cold_s"], table = timed(lambda: server.get(table_path(built, year)))
        body = table.json()
        result["table_rows"] = len(body["areas"])
        result["table_columns"] = len(body["indicators"])
        result["table_bytes"] = len(table.content)
        result["table_warm_s"] = median_seconds(lambda: server.get(table_path(built, year)))
        result["table_baseline_s"] = median_seconds(lambda: raw_table(built, year))
        result["web_peak_kib"] = server.worker_peak_kib()
    finally:
        server.stop()
    return result


def raw_table(built, year) -> str:
    """The same cells with one SQL query (summed to the Kreise) and json.dumps."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kreis.key, kreis.name, v.indicator_id, SUM(v.value), SUM(v.numerator), "
            "SUM(v.denominator) FROM atlas_data_value v "
            "JOIN atlas_data_area gemeinde ON gemeinde.id = v.area_id "
            "JOIN atlas_data_area kreis ON kreis.id = gemeinde.parent_id "
            f"WHERE v.indicator_id IN {tuple_sql(len(built.indicators))} AND v.year = %s "
            "GROUP BY kreis.key, kreis.name, v.indicator_id ORDER BY kreis.key, v.indicator_id",
            [*[i.pk for i in built.indicators], year],
        )
        rows = cursor.fetchall()
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def tuple_sql(count: int) -> str:
    return "(" + ", ".join(["%s"] * count) + ")"


def measure_aggregation(built) -> dict:
    import pandas as pd
    from django.db import connection

    from atlas_data import selectors
    from atlas_data.models import SpatialLevel

    year = built.years[-1]
    indicator = share_indicator(built)
    levels = [
        SpatialLevel.objects.get(municipality=built.municipality, name=name)
        for name in ("Kreise", "Länder")
    ]

    def product():
        tables = [
            selectors.values_table(user=None, indicator=indicator, year=year, level=level)
            for level in levels
        ]
        return sum(len(table.rows) for table in tables)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kreis.id, kreis.parent_id, v.numerator, v.denominator "
                "FROM atlas_data_value v JOIN atlas_data_area gemeinde ON "
                "gemeinde.id = v.area_id JOIN atlas_data_area kreis ON "
                "kreis.id = gemeinde.parent_id WHERE v.indicator_id = %s AND v.year = %s",
                [indicator.pk, year],
            )
            frame = pd.DataFrame(
                cursor.fetchall(), columns=["kreis", "land", "numerator", "denominator"]
            )
        kreise = frame.groupby("kreis")[["numerator", "denominator"]].sum()
        kreise["share"] = 100 * kreise["numerator"] / kreise["denominator"]
        laender = frame.groupby("land")[["numerator", "denominator"]].sum()
        laender["share"] = 100 * laender["numerator"] / laender["denominator"]
        return len(kreise) + len(laender)

    warmup = outdate_and_warm(built.municipality)
    after_warmup, _rows = timed(product)
    outdate_cache(built.municipality)
    cold, rows = timed(product)
    assert rows == baseline(), (rows, baseline())
    return {
        "warmup_s": warmup,
        "aggregation_after_warmup_s": after_warmup,
        "aggregation_cold_s": cold,
        "aggregation_warm_s": median_seconds(product),
        "aggregation_baseline_s": median_seconds(baseline),
        "aggregation_rows": rows,
    }


def measure_report(built) -> dict:
    from django.test import Client

    from atlas_data.models import Area

    keys = Area.objects.filter(
        municipality=built.municipality, level__name=national.GEMEINDEN
    ).order_by("key")
    count = keys.count()
    chosen = [keys[0], keys[count // 2], keys[count - 1]]
    ids = ",".join(str(area.pk) for area in chosen)
    url = f"/atlas/{national.SLUG}/report.docx?areas={ids}&year={built.years[-1]}"
    client = Client(SERVER_NAME="localhost")

    def request():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return len(response.content)

    request()  # the code path once (templates, fonts), so that "cold" means the data
    outdate_and_warm(built.municipality)
    after_warmup, _size = timed(request)
    outdate_cache(built.municipality)
    cold, size = timed(request)
    warm = median_seconds(request, 3)
    return {
        "report_after_warmup_s": after_warmup,
        "report_cold_s": cold,
        "report_warm_s": warm,
        "report_bytes": size,
    }


# --------------------------------------------------------------------------------------------


def machine() -> dict:
    import platform
    import sqlite3

    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(memory / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": os.getloadavg(),
    }


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--var-dir", type=Path, help="keep the SQLite database here")
    parser.add_argument("--json", type=Path, help="write the figures here")
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    with tempfile.TemporaryDirectory(prefix="keck-measure-") as directory:
        directory = Path(directory)
        var_dir = arguments.var_dir or directory / "var"
        log("setup")
        if os.environ.get("ATLAS_CACHE_URL", "").startswith(("locmem", "dummy")):
            # The web process must see the versions this process replaces: the shared default.
            del os.environ["ATLAS_CACHE_URL"]
        # The bench runs the warm-up itself where it measures it (`outdate_and_warm`).
        os.environ["ATLAS_WARM_UP"] = "false"
        national.setup_django(var_dir)
        os.environ["KECK_VAR_DIR"] = str(var_dir)
        started = time.perf_counter()
        log("build")
        national.remove_municipality()  # a run of another scale may have left its areas
        built = national.build(
            directory=directory,
            scale=arguments.scale,
            indicators=arguments.indicators,
            years=arguments.years,
            with_values=False,
        )
        result = {
            "database": national.database_label(),
            "scale": arguments.scale,
            "areas": built.counts,
            "indicators": len(built.indicators),
            "years": len(built.years),
            "build_s": time.perf_counter() - started,
            "machine": machine(),
        }
        log("import")
        result.update(measure_import(built))
        national.release_all(built.municipality, built.indicators, len(built.years))
        static_dir = directory / "static"
        static_dir.mkdir()
        log("aggregation")
        result.update(measure_aggregation(built))
        log("report")
        result.update(measure_report(built))
        log("web")
        result.update(measure_web(built, static_dir, var_dir))
        log("done")
        text = json.dumps(result, indent=2, ensure_ascii=False)
        if arguments.json:
            arguments.json.write_text(text)
        print(text)


if __name__ == "__main__":
    main()
