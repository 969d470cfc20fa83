"""The production web server's settings (keck/gunicorn.conf.py) and database connections, as
bench/load.py runs them: every project template compiles before the processes fork, and
PostgreSQL connections persist with a health check."""

import json
import logging
import multiprocessing
import runpy
from pathlib import Path

from django.template import engines

from tests.foundation.test_settings import WITHOUT_DOTENV, clean_env, production_key, run

PROJECT = Path(__file__).resolve().parents[2]
CONFIG = PROJECT / "keck" / "gunicorn.conf.py"


class Master:
    """What gunicorn hands to its hooks: the arbiter, here only its log."""

    log = logging.getLogger("gunicorn.error")


def test_the_server_runs_a_threaded_process_per_core_and_one_more(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)

    config = runpy.run_path(str(CONFIG))

    assert config["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert (config["worker_class"], config["threads"]) == ("gthread", 4)
    assert config["preload_app"] is True
    # Longer than a proxy in front keeps idle connections (nginx: 60 s): the client closes.
    assert config["keepalive"] > 60


def test_the_environment_sets_processes_and_threads(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")

    config = runpy.run_path(str(CONFIG))

    assert (config["workers"], config["threads"]) == (3, 8)


def test_the_master_compiles_every_project_template_before_the_processes_fork(caplog):
    engine = engines["django"]
    engine.engine.template_loaders[0].reset()
    templates = sorted(
        str(file.relative_to(folder))
        for folder in map(Path, engine.engine.dirs)
        for file in folder.rglob("*.html")
    )

    with caplog.at_level(logging.WARNING, logger="gunicorn.error"):
        runpy.run_path(str(CONFIG))["when_ready"](Master())

    cached = engine.engine.template_loaders[0].get_template_cache
    assert caplog.records == []
    assert len(templates) > 100
    assert [name for name in templates if name not in cached] == []


def test_postgresql_connections_persist_and_are_checked_before_reuse(tmp_path):
    env = clean_env(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=production_key(),
        DATABASE_URL="postgres://keck:geheim@db.example.org:5432/keck",
    )
    show = (
        "import json, django; from django.conf import settings; django.setup(); "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']]))"
    )

    result = run(["-c", WITHOUT_DOTENV + show], env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [60, True]
