"""Import progress and report progress in a real browser: one shared script
(static/keck/job-progress.js) polls a background job and shows its progress as the job's page
asks (reload for the import's result, link and message in place for the report)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from atlas_data.models import ImportRun
from measures.models import ReportRun

pytestmark = pytest.mark.django_db(transaction=True)

# The poll runs every second; a busy CI machine may take a few.
PATIENCE = 30_000


def test_import_progress_follows_the_job_and_shows_its_result(page, login, demo):
    run = ImportRun.objects.create(
        municipality=demo,
        kind=ImportRun.Kind.VALUES,
        state=ImportRun.State.RUNNING,
        file_name="werte.csv",
        options={"level": "Gemeinden"},
        progress=250,
        total=1000,
        created_by=get_user_model().objects.get(username="demo-data"),
    )
    login(page, "demo-data")
    page.goto(page.base_url + f"/app/atlas/imports/{run.pk}/")
    count = page.locator("#keck-import-count")
    expect(count).to_have_text("25 % (250 / 1000)")

    ImportRun.objects.filter(pk=run.pk).update(progress=600)
    expect(count).to_have_text("60 % (600 / 1000)", timeout=PATIENCE)
    expect(page.locator("#keck-import-bar")).to_have_attribute("value", "60")

    summary = {"values": 1000, "created": 990, "updated": 10, "unchanged": 0}
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.DONE, progress=1000, summary=summary
    )
    # Done: the page is loaded again and shows the result the server renders.
    expect(page.locator("#keck-import-progress")).to_have_attribute(
        "data-finished", "1", timeout=PATIENCE
    )
    expect(count).to_have_text("100 % (1000 / 1000)")
    expect(page.locator("td.num").first).to_have_text("1000")


def test_report_progress_follows_the_job_and_offers_the_download(page, login, demo):
    run = ReportRun.objects.create(
        municipality=demo,
        format=ReportRun.Format.DOCX,
        state=ReportRun.State.RUNNING,
        progress=40,
        step="Maßnahmen",
        created_by=get_user_model().objects.get(username="demo-koordination"),
    )
    login(page, "demo-koordination")
    page.goto(page.base_url + f"/app/measures/reports/interim/{run.pk}/")
    count = page.locator("#keck-report-count")
    expect(count).to_have_text("40 % · Maßnahmen")
    download = page.locator("#keck-report-download")
    expect(download).to_be_hidden()

    ReportRun.objects.filter(pk=run.pk).update(progress=80, step="")
    expect(count).to_have_text("80 %", timeout=PATIENCE)

    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.DONE, progress=100, file="reports/2026/11/zwischenbericht.docx"
    )
    expect(download).to_be_visible(timeout=PATIENCE)
    expect(download.locator("a")).to_have_attribute(
        "href", re.compile(rf"/reports/interim/{run.pk}/file/$")
    )
    expect(page.locator("#keck-report-state")).to_have_text("erledigt")
    expect(count).to_have_text("100 %")
    expect(page.locator("#keck-report-error")).to_be_hidden()


def test_report_progress_shows_why_the_job_failed(page, login, demo):
    run = ReportRun.objects.create(
        municipality=demo,
        format=ReportRun.Format.PDF,
        state=ReportRun.State.RUNNING,
        progress=10,
        created_by=get_user_model().objects.get(username="demo-koordination"),
    )
    login(page, "demo-koordination")
    page.goto(page.base_url + f"/app/measures/reports/interim/{run.pk}/")
    expect(page.locator("#keck-report-count")).to_have_text("10 %")

    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.FAILED, error="Die Vorlage fehlt."
    )
    error = page.locator("#keck-report-error")
    expect(error).to_have_text("Die Vorlage fehlt.", timeout=PATIENCE)
    expect(error).to_be_visible()
    expect(page.locator("#keck-report-download")).to_be_hidden()
