"""German is the product's first language: the catalogue is complete, compiled and current."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PROJECT = Path(__file__).resolve().parents[2]
PO = PROJECT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_german_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    catalogue = polib.pofile(str(PO))
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    differences = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            got = [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            expected = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
        elif entry.msgctxt:
            got, expected = compiled.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
        else:
            got, expected = compiled.gettext(entry.msgid), entry.msgstr
        if got != expected:
            differences.append(entry.msgid)
    assert differences == [], "run `make messages` to compile the catalogue"


def test_po_file_contains_every_string_of_the_source(tmp_path):
    """makemessages on a copy finds no msgid that the committed catalogue lacks."""
    if not shutil.which("xgettext"):
        if os.environ.get("KECK_REQUIRE_GETTEXT"):
            pytest.fail("xgettext (GNU gettext) is required here but missing")
        pytest.skip("GNU gettext not installed: catalogue extraction not checked")
    copy = tmp_path / "project"
    shutil.copytree(
        PROJECT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            "var",
            ".git",
            "tests",
            "bench",
            "__pycache__",
            "node_modules",
            ".pytest_cache",
            ".ruff_cache",
        ),
    )
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "keck.settings"}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "de",
            "--no-location",
            "--ignore=.venv",
            "--ignore=var",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {
        entry.msgid
        for entry in polib.pofile(str(copy / PO.relative_to(PROJECT)))
        if not entry.obsolete
    }
    committed = {entry.msgid for entry in polib.pofile(str(PO)) if not entry.obsolete}
    missing = sorted(extracted - committed)
    assert missing == [], "new strings without German translation: run `make messages`"


def test_translations_keep_every_placeholder_of_the_english_text():
    placeholder = re.compile(r"%\((\w+)\)")
    wrong = []
    for entry in polib.pofile(str(PO)).translated_entries():
        pairs = (
            [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        )
        for source, translated in pairs:
            if set(placeholder.findall(source)) != set(placeholder.findall(translated)):
                wrong.append(entry.msgid)
    assert wrong == []
