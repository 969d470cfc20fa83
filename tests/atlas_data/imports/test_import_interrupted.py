"""An import whose worker died is recognised as interrupted, wrote nothing and can run again."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from atlas_data.models import ImportRun, Value
from atlas_data.services import (
    AtlasError,
    imports,
    is_interrupted,
    perform_import,
    retry_import,
    run_lock,
)

from .helpers import VECHTA_TABLE

PROJECT_DIR = Path(__file__).resolve().parents[3]


def _stored_run(municipality, user, *, state=ImportRun.State.RUNNING) -> ImportRun:
    """A value import of the Vechta table as a worker leaves it when it is killed mid-run."""
    run = ImportRun(
        municipality=municipality,
        kind=ImportRun.Kind.VALUES,
        state=state,
        file_name=VECHTA_TABLE.name,
        options={"level": "Gemeinden", "year": 2013, "language": "de"},
        total=22,
        progress=7,
        created_by=user,
    )
    run.file.save(VECHTA_TABLE.name, ContentFile(VECHTA_TABLE.read_bytes()), save=False)
    run.save()
    return run


def _hold_in_another_process(run_id: int) -> subprocess.Popen:
    """A process that takes the run's lock as a worker does, and then waits to be killed."""
    code = textwrap.dedent(
        f"""
        import sys, time, django
        django.setup()
        from atlas_data.services import imports, run_lock
        with run_lock.hold({run_id}) as acquired:
            print("held" if acquired else "busy", flush=True)
            time.sleep(120)
        """
    )
    env = dict(os.environ)
    if "DATABASE_URL" in env:  # PostgreSQL: advisory locks belong to one database, the test's
        url = urlparse(env["DATABASE_URL"])
        name = settings.DATABASES["default"]["NAME"]
        env["DATABASE_URL"] = urlunparse(url._replace(path="/" + name))
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_running_import_whose_process_was_killed_is_interrupted(vechta, data_admin):
    run = _stored_run(vechta, data_admin)
    worker = _hold_in_another_process(run.pk)
    try:
        assert run_lock.is_held(run.pk)
        assert not is_interrupted(run)
    finally:
        worker.kill()  # SIGKILL: the process cannot clean up; the kernel drops its lock
        worker.wait(timeout=10)

    assert not run_lock.is_held(run.pk)
    assert is_interrupted(run)


def test_a_second_delivery_does_not_import_while_the_first_worker_runs(
    vechta, data_admin, monkeypatch
):
    monkeypatch.setattr(imports, "REDELIVERY_WAIT", 0.5)
    run = _stored_run(vechta, data_admin)
    worker = _hold_in_another_process(run.pk)
    try:
        perform_import(import_run_id=run.pk)
    finally:
        worker.kill()
        worker.wait(timeout=10)

    run.refresh_from_db()
    assert (run.state, run.progress) == (ImportRun.State.RUNNING, 7)
    assert not Value.objects.exists()


def test_a_redelivered_task_takes_an_interrupted_import_over(vechta, data_admin):
    run = _stored_run(vechta, data_admin)

    perform_import(import_run_id=run.pk)

    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    assert run.summary["created"] == 22
    assert Value.objects.filter(import_run=run).count() == 22


def test_retry_runs_an_interrupted_import_from_its_stored_file(vechta, data_admin):
    run = _stored_run(vechta, data_admin)

    run = retry_import(user=data_admin, run=run)

    assert run.state == ImportRun.State.DONE
    assert (run.progress, run.total) == (22, 22)
    assert not is_interrupted(run)


def test_only_an_interrupted_import_can_be_retried(vechta, data_admin):
    run = _stored_run(vechta, data_admin, state=ImportRun.State.DONE)

    with translation.override("de"), pytest.raises(AtlasError) as refused:
        retry_import(user=data_admin, run=run)

    assert "Nur ein abgebrochener Import" in str(refused.value)
    assert not Value.objects.exists()


def test_the_import_page_offers_to_start_an_interrupted_import_again(client, vechta, data_admin):
    run = _stored_run(vechta, data_admin)
    client.force_login(data_admin)

    page = client.get(reverse("atlas:import_detail", kwargs={"pk": run.pk})).content.decode()
    assert "wurde abgebrochen" in page
    response = client.post(reverse("atlas:import_retry", kwargs={"pk": run.pk}))

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    page = client.get(reverse("atlas:import_detail", kwargs={"pk": run.pk})).content.decode()
    assert "wurde abgebrochen" not in page


def test_the_api_reports_an_interrupted_import_and_retries_it(client, vechta, data_admin):
    run = _stored_run(vechta, data_admin)
    client.force_login(data_admin)
    detail = reverse("api-import-detail", kwargs={"slug": vechta.slug, "pk": run.pk})
    retry = reverse("api-import-retry", kwargs={"slug": vechta.slug, "pk": run.pk})

    assert client.get(detail).json()["interrupted"] is True
    retried = client.post(retry)
    again = client.post(retry)

    assert retried.status_code == 200
    assert (retried.json()["state"], retried.json()["interrupted"]) == ("done", False)
    assert again.status_code == 400
    assert Value.objects.filter(import_run=run).count() == 22
