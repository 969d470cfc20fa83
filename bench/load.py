"""Load test: KECK under gunicorn with PostgreSQL and a Celery worker, many simulated users.

    .venv/bin/python bench/load.py                       # 50 users for 60 s (the issue's figure)
    .venv/bin/python bench/load.py --users 10 --duration 10 --think 0.2   # quick
    .venv/bin/python bench/load.py --think 0             # no pauses: the machine's ceiling

The script migrates a database of its own (default keck_load on 127.0.0.1, created when
missing), loads the Vechta demo, collects the static files, then starts gunicorn with the
production settings (keck/gunicorn.conf.py) and a Celery worker (Redis broker) on this machine
and sends requests only to 127.0.0.1. Each simulated user
is one of four kinds and loops over its requests with a pause between them (--think seconds,
uniformly 0.5×–1.5×) until the time is up or --max-requests were sent:

- public map: the public explorer page of an indicator, then its map data (GeoJSON)
- public table: the data fragment of the explorer (table of several indicators), then the CSV
- API: the indicator list and the values of one indicator
- coordinator: logged in; the measure plan, one measure, then a new timeline entry (POST)

The coordinators log in before the clock starts (they are logged-in users; their logins are
reported apart, as "login (before the load)": hashing a password is slow on purpose), and the
atlas tables are computed after the demo load (`manage.py warm_atlas`), as the background job
does after every import: users arrive after the data.

It prints requests/s, latency percentiles (p50/p95/p99) and errors (status ≥ 400 or no answer),
for all requests and per kind, as a Markdown table. Exit code 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import runpy
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlparse

import httpx

PROJECT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
KINDS = ("public map", "public table", "API", "coordinator")
LOGIN = "login (before the load)"
COORDINATOR = "demo-koordination"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# Ids the simulated users need, read from the demo through the ORM in a manage.py shell.
_TARGETS = """
import json
from django.contrib.auth import get_user_model
from measures.models import Measure
from atlas_data.models import IndicatorRelease
latest = IndicatorRelease.objects.filter(indicator__municipality__slug="vechta").order_by("-year")
year = latest.values_list("year", flat=True)[0]
ids = sorted(set(latest.filter(year=year).values_list("indicator_id", flat=True)))[:4]
measures = list(
    Measure.objects.filter(municipality__slug="vechta").order_by("pk").values_list("pk", flat=True)
)
user = get_user_model().objects.get(username="%(user)s")
user.set_password("%(password)s")
user.save()
print(json.dumps({"indicators": ids, "year": year, "measures": measures}))
"""


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool


@dataclass
class Load:
    base: str
    targets: dict
    password: str
    think: float
    duration: float
    max_requests: int
    # Set when the load starts, after the coordinators logged in.
    deadline: float = float("inf")
    started: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def done(self) -> bool:
        return time.monotonic() >= self.deadline or len(self.samples) >= self.max_requests


class User:
    """One simulated person: own cookies (set by hand, as the app sets Secure cookies that
    httpx would not send over plain http), own CSRF token."""

    def __init__(self, load: Load, client: httpx.AsyncClient, kind: str, number: int):
        self.load, self.client, self.kind = load, client, kind
        self.random = random.Random(number)
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, **kwargs) -> httpx.Response | None:
        if self.load.done():
            return None
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            self.load.samples.append(Sample(self.kind, time.perf_counter() - started, False))
            self.load.failures.append(f"{method} {path}: {type(exc).__name__}")
            return None
        elapsed = time.perf_counter() - started
        for header in response.headers.get_list("set-cookie"):
            parsed = SimpleCookie()
            parsed.load(header)
            self.cookies.update({name: morsel.value for name, morsel in parsed.items()})
        location = response.headers.get("location", "")
        # A redirect to the login page means the session was lost: the request did not happen.
        ok = response.status_code < 400 and "/accounts/login/" not in location
        if method == "POST" and path == "/accounts/login/":
            ok = response.status_code == 302  # a refused login shows the form again (200)
        self.load.samples.append(Sample(self.kind, elapsed, ok))
        if not ok:
            self.load.failures.append(f"{method} {path}: HTTP {response.status_code} {location}")
        return response

    async def pause(self) -> None:
        if self.load.think:
            await asyncio.sleep(self.load.think * self.random.uniform(0.5, 1.5))

    def _csrf(self, page: httpx.Response) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    async def login(self) -> None:
        """Log in before the load starts: the coordinators are logged-in users. Timed as the
        kind "login", apart from the load (hashing a password is slow on purpose)."""
        kind, self.kind = self.kind, LOGIN
        try:
            page = await self.request("GET", "/accounts/login/")
            if page is None:
                return
            await self.request(
                "POST",
                "/accounts/login/",
                data={
                    "username": COORDINATOR,
                    "password": self.load.password,
                    "csrfmiddlewaretoken": self._csrf(page),
                },
            )
        finally:
            self.kind = kind

    async def run(self) -> None:
        targets = self.load.targets
        indicators, year = targets["indicators"], targets["year"]
        while not self.load.done():
            indicator = self.random.choice(indicators)
            if self.kind == "public map":
                query = urlencode({"indicator": indicator, "year": year})
                await self.request("GET", f"/atlas/vechta/explore/?{query}")
                await self.pause()
                await self.request(
                    "GET",
                    f"/api/v1/municipalities/vechta/indicators/{indicator}/map/?year={year}",
                    headers={"Accept-Encoding": "gzip"},
                )
            elif self.kind == "public table":
                query = urlencode(
                    {"indicator": indicator, "indicators": indicators, "year": year},
                    doseq=True,
                )
                await self.request("GET", f"/atlas/vechta/explore/?{query}&partial=data")
                await self.pause()
                await self.request("GET", f"/api/v1/municipalities/vechta/table.csv?{query}")
            elif self.kind == "API":
                await self.request("GET", "/api/v1/municipalities/vechta/indicators/")
                await self.pause()
                await self.request(
                    "GET", f"/api/v1/municipalities/vechta/indicators/{indicator}/values/"
                )
            else:
                measure = self.random.choice(targets["measures"])
                await self.request("GET", "/app/measures/plan/")
                await self.pause()
                page = await self.request("GET", f"/app/measures/plan/{measure}/")
                if page is None:
                    break
                await self.pause()
                await self.request(
                    "POST",
                    f"/app/measures/plan/{measure}/updates/",
                    data={
                        "csrfmiddlewaretoken": self._csrf(page),
                        "date": time.strftime("%Y-%m-%d"),
                        "text": "Lasttest: Zwischenstand besprochen.",
                        "status": "",
                        "progress": "",
                    },
                )
            await self.pause()


async def _simulate(load: Load, users: int) -> None:
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(
        base_url=load.base, timeout=30, limits=limits, follow_redirects=False
    ) as client:
        crowd = [User(load, client, KINDS[n % len(KINDS)], n) for n in range(users)]
        await asyncio.gather(*(user.login() for user in crowd if user.kind == "coordinator"))
        load.deadline = time.monotonic() + load.duration
        load.started = time.monotonic()
        await asyncio.gather(*(user.run() for user in crowd))


def _percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(load: Load, seconds: float) -> str:
    lines = [
        "| requests | kind | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in ("all", *KINDS, LOGIN):
        rows = [s for s in load.samples if s.kind == kind or (kind == "all" and s.kind != LOGIN)]
        times = sorted(s.seconds * 1000 for s in rows)
        errors = sum(not s.ok for s in rows)
        rate = "–" if kind == LOGIN else f"{len(rows) / seconds:.1f}"
        lines.append(
            f"| {len(rows):,} | {kind} | {rate} | {_percentile(times, 50):.0f}"
            f" | {_percentile(times, 95):.0f} | {_percentile(times, 99):.0f} | {errors} |"
        )
    return "\n".join(lines)


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause in seconds")
    # The production settings (keck/gunicorn.conf.py: 2 × cores + 1 processes of 4 threads,
    # keep-alive 75 s, the app preloaded) unless given here.
    parser.add_argument("--workers", type=int, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/keck_load"),
    )
    parser.add_argument(
        "--broker", default=os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/13")
    )
    args = parser.parse_args()
    if urlparse(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("the load test runs against a database on this machine only")

    var_dir = tempfile.mkdtemp(prefix="keck-load-")
    password = "Last-" + secrets.token_urlsafe(12) + "-7a"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CELERY_BROKER_URL": args.broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "KECK_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "keck.settings",
    }
    subprocess.run(
        [PYTHON, "scripts/ensure_database.py", args.database_url], cwd=PROJECT, env=env, check=True
    )
    print("Setting up: migrate, demo, static files …", flush=True)
    _run(env, "migrate", "--noinput")
    _run(env, "load_demo", "--force")
    # What the background job queued by the demo's writes does (atlas_data/cache.py
    # `warm_soon`), done here before the clock starts: users arrive after the data.
    _run(env, "warm_atlas")
    _run(env, "collectstatic", "--noinput")
    code = _TARGETS % {"user": COORDINATOR, "password": password}
    targets = json.loads(_run(env, "shell", "-c", code).strip().splitlines()[-1])

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    production = runpy.run_path(str(PROJECT / "keck" / "gunicorn.conf.py"))
    args.workers = args.workers or production["workers"]
    args.threads = args.threads or production["threads"]
    gunicorn = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "keck.wsgi", "--config", "keck/gunicorn.conf.py",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers), "--threads", str(args.threads),
            "--log-level", "warning",
        ],
        cwd=PROJECT,
        env=env,
    )  # fmt: skip
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "keck", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=PROJECT,
        env=env,
    )
    try:
        _wait_for(f"{base}/healthz", 60)
        print(
            f"Load: {args.users} users for {args.duration:.0f} s (pause {args.think} s), "
            f"gunicorn {args.workers}×{args.threads} on {base} …",
            flush=True,
        )
        load = Load(
            base=base,
            targets=targets,
            password=password,
            think=args.think,
            duration=args.duration,
            max_requests=args.max_requests,
        )
        asyncio.run(_simulate(load, args.users))
        seconds = time.monotonic() - load.started
    finally:
        for process in (gunicorn, worker):
            process.terminate()
        for process in (gunicorn, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    print()
    print(
        f"{args.users} users, {seconds:.1f} s, pause {args.think} s, "
        f"gunicorn {args.workers} workers × {args.threads} threads, "
        f"{os.cpu_count()} cores, PostgreSQL {urlparse(args.database_url).path[1:]}"
    )
    print(report(load, seconds))
    for failure in sorted(set(load.failures))[:20]:
        print("  failed:", failure)
    return 1 if load.failures else 0


if __name__ == "__main__":
    sys.exit(main())
