"""Settings from the environment: safe production, easy laptop (issue 2, item 4).

Each test starts a fresh Python process, because settings are read once at start. The
environment is built from scratch, so neither the test run's own variables nor a developer's
shell leak in; the variables a test cares about are always set explicitly, because values
in a local `.env` apply only to variables that are not set.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'ENGINE': db['ENGINE'], 'NAME': str(db['NAME']), "
    "'HOST': db.get('HOST', ''), 'DEBUG': settings.DEBUG}))"
)

# `.env` only fills variables that are not set; a test of a default (a variable left unset)
# keeps a developer's .env out by skipping its reading.
WITHOUT_DOTENV = "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "


def production_key() -> str:
    return secrets.token_urlsafe(60)[:60]


def clean_env(tmp_path, **variables) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "keck.settings",
        "KECK_VAR_DIR": str(tmp_path / "var"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(variables)
    return {key: value for key, value in env.items() if value is not None}


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def settings_in(env) -> dict:
    result = run(["-c", WITHOUT_DOTENV + PRINT_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- refusing insecure production ------------------------------------------------------------


def test_debug_off_without_secret_key_refuses_to_start(tmp_path):
    result = run(["manage.py", "check"], clean_env(tmp_path, DEBUG="false", SECRET_KEY=""))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set and DEBUG is off: refusing to start" in result.stderr


def test_debug_unset_counts_as_off_and_refuses_without_secret_key(tmp_path):
    setup = WITHOUT_DOTENV + "import django; django.setup()"

    result = run(["-c", setup], clean_env(tmp_path, SECRET_KEY=""))

    assert result.returncode != 0
    assert "refusing to start" in result.stderr


def test_wsgi_application_refuses_to_start_without_secret_key(tmp_path):
    result = run(["-c", "import keck.wsgi"], clean_env(tmp_path, DEBUG="false", SECRET_KEY=""))

    assert result.returncode != 0
    assert "refusing to start" in result.stderr


@pytest.mark.parametrize("key", ["zu-kurz", "django-insecure-" + "x" * 50])
def test_debug_off_with_a_weak_secret_key_refuses_to_start(tmp_path, key):
    result = run(["manage.py", "check"], clean_env(tmp_path, DEBUG="false", SECRET_KEY=key))

    assert result.returncode != 0
    assert "SECRET_KEY is too short or insecure" in result.stderr


def test_debug_on_without_secret_key_starts(tmp_path):
    result = run(["manage.py", "check"], clean_env(tmp_path, DEBUG="true", SECRET_KEY=""))

    assert result.returncode == 0, result.stderr


def test_check_deploy_with_production_settings_finds_no_issues(tmp_path):
    env = clean_env(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=production_key(),
        ALLOWED_HOSTS="keck.example.org",
        STATIC_MANIFEST="true",
    )

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_collectstatic_for_production_hashes_every_file(tmp_path):
    """The README's deployment step: hashed, compressed files (viewflow's included)."""
    env = clean_env(tmp_path, DEBUG="false", SECRET_KEY=production_key(), STATIC_MANIFEST="true")

    result = run(["manage.py", "collectstatic", "--noinput"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "var" / "static" / "staticfiles.json").read_text())
    assert "viewflow/fonts/roboto/roboto-fontface.css" in manifest["paths"]
    assert "vendor/plotly/plotly.min.js" in manifest["paths"]


def test_check_deploy_warns_when_production_runs_with_debug(tmp_path):
    env = clean_env(
        tmp_path, DEBUG="true", SECRET_KEY=production_key(), ALLOWED_HOSTS="keck.example.org"
    )

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


# --- the database -------------------------------------------------------------------------------


def test_sqlite_in_var_is_the_default_database(tmp_path):
    database = settings_in(clean_env(tmp_path, DEBUG="true", SECRET_KEY="", KECK_VAR_DIR=None))

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(PROJECT / "var" / "keck.sqlite3")


def test_keck_var_dir_moves_the_sqlite_database(tmp_path):
    database = settings_in(clean_env(tmp_path, DEBUG="true", SECRET_KEY=""))

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "var" / "keck.sqlite3")


def test_database_url_switches_to_postgresql(tmp_path):
    env = clean_env(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=production_key(),
        DATABASE_URL="postgres://keck:geheim@db.example.org:5432/keck",
    )

    database = settings_in(env)

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"]) == ("keck", "db.example.org")


def test_debug_is_off_unless_switched_on(tmp_path):
    assert settings_in(clean_env(tmp_path, SECRET_KEY=production_key()))["DEBUG"] is False
    assert settings_in(clean_env(tmp_path, DEBUG="true", SECRET_KEY=""))["DEBUG"] is True
