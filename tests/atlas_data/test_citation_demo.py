"""The Vechta demo shows citable data: released years with their release date and one value
corrected after its release (keck/demo_citation.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format

from keck.demo_citation import CORRECTED_DAYS_AGO, RELEASED_DAYS_AGO


def _day(days_ago: int) -> str:
    return date_format(timezone.localdate() - timedelta(days=days_ago), "SHORT_DATE_FORMAT")


def test_the_demo_shows_a_correction_after_the_release_on_the_permanent_page(client, u15):
    html = client.get(f"/atlas/vechta/i/{u15.pk}/2014/").content.decode()
    released, corrected = _day(RELEASED_DAYS_AGO), _day(CORRECTED_DAYS_AGO)
    assert f"Freigegeben am {released}, korrigiert am {corrected}." in html
    visbek = html[html.index("Visbek</th>") :].split("</tr>")[0]
    assert f"korrigiert am {corrected}" in visbek
    bakum = html[html.index("Bakum</th>") :].split("</tr>")[0]
    assert "korrigiert" not in bakum


def test_the_demo_years_without_corrections_cite_only_their_release(client, u15):
    html = client.get(f"/atlas/vechta/i/{u15.pk}/2013/").content.decode()
    assert f"Freigegeben am {_day(RELEASED_DAYS_AGO)}." in html
    assert "korrigiert am" not in html
