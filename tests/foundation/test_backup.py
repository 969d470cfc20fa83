"""Backup and restore of one municipality (issue 9, point 4): keck/backup.py and the commands
export_municipality / import_municipality.

The demo (Landkreis Vechta: atlas, POIs, conferences, sheets, goals, measures, control cycles)
and a second municipality are built and exported once per module; the database is then rolled
back, so every test starts from what `migrate` leaves: an empty database.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import Municipality, Role
from atlas_data.models import Bookmark, Value
from atlas_data.services.edits import set_value
from conferences.models import Catalogue, MinutesTemplate, Question, Response, SwotEntry
from keck import backup
from keck.backup import BackupError, export_municipality, import_municipality
from tests.atlas_data.conftest import count_indicator, make_tree, store
from tests.factories import ConferenceFactory, MembershipFactory, UserFactory

User = get_user_model()

# Tables that reach Municipality through foreign keys but are deliberately not backed up.
# (Sessions, API tokens, group and permission links and the django-axes logs reach it only
# through the users, which the walk does not cross: a user's other data is not the
# municipality's. They are listed in keck.backup.EXCLUDED_MODELS.)
NOT_BACKED_UP: set[str] = set()
# Tables shared by the whole installation; rows name them by natural key.
HUBS = {"auth.user", "contenttypes.contenttype", "auth.permission", "auth.group"}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, all columns as plain values, ordered by primary key."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.swapped:
            continue
        columns = [f.attname for f in opts.local_concrete_fields]
        tables[opts.label_lower] = list(model._base_manager.order_by("pk").values_list(*columns))
    return tables


def differing(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before[name] != after[name])


def _musterstadt(shared_user) -> Municipality:
    """A small second municipality; `shared_user` is a member of both."""
    municipality = Municipality.objects.create(slug="musterstadt", name="Musterstadt")
    MembershipFactory(user=shared_user, municipality=municipality, roles=[Role.MEMBER])
    admin = UserFactory(username="muster-admin")
    MembershipFactory(user=admin, municipality=municipality, roles=[Role.MUNICIPAL_ADMIN])
    tree = make_tree(municipality, districts=2)
    store(count_indicator(municipality), 2024, dict.fromkeys(tree["Bezirke"], 40))
    ConferenceFactory(municipality=municipality, coordinator=admin)
    Bookmark.objects.create(municipality=municipality, title="Kinder", created_by=admin)
    return municipality


def _correct_a_value(municipality) -> None:
    """A data admin's correction and a removal: the value history (ValueChange) gets rows."""
    first, second = Value.objects.filter(
        indicator__municipality=municipality, value__isnull=False
    ).order_by("pk")[:2]
    user = User.objects.get(username="demo-data")
    set_value(user=user, indicator=first.indicator, area=first.area, year=first.year, value=1.5)
    set_value(user=user, indicator=second.indicator, area=second.area, year=second.year, value=None)


@dataclass
class World:
    before: dict
    vechta: Path
    musterstadt: Path
    media: dict[str, bytes]
    vechta_pk: int
    musterstadt_pk: int
    lohne: Path  # the demo's second municipality (keck/demo_network.py)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    media = tmp_path_factory.mktemp("media")
    folder = tmp_path_factory.mktemp("archives")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        from keck.demo import load_demo

        vechta = load_demo()
        musterstadt = _musterstadt(User.objects.get(username="demo-mitglied"))
        _correct_a_value(vechta)
        # An uploaded minutes template and the own Word template of the interim report.
        MinutesTemplate.objects.create(
            municipality=vechta, file=ContentFile(b"minutes", name="protokoll.docx")
        )
        own = media / "templates" / "vechta" / "interim_report.docx"
        own.parent.mkdir(parents=True)
        own.write_bytes(b"interim")
        before = snapshot()
        export_municipality(municipality=vechta, path=folder / "vechta.zip")
        export_municipality(municipality=musterstadt, path=folder / "musterstadt.zip")
        export_municipality(
            municipality=Municipality.objects.get(slug="lohne"), path=folder / "lohne.zip"
        )
        files = {
            p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()
        }
        world = World(
            before,
            folder / "vechta.zip",
            folder / "musterstadt.zip",
            files,
            vechta.pk,
            musterstadt.pk,
            folder / "lohne.zip",
        )
        transaction.set_rollback(True)
    return world


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def archive_data(path: Path) -> dict[str, dict]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: json.loads(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".json")
        }


# --- round trip ------------------------------------------------------------------------------


def test_three_municipalities_restored_into_an_empty_database_equal_every_table(world, db, media):
    import_municipality(path=world.vechta)
    import_municipality(path=world.musterstadt)
    import_municipality(path=world.lohne)

    assert differing(world.before, snapshot()) == []


def test_restored_uploaded_files_equal_the_originals(world, db, media):
    import_municipality(path=world.vechta)

    restored = {
        p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()
    }
    assert restored == {name: world.media[name] for name in restored}
    assert "templates/vechta/interim_report.docx" in restored
    assert any(name.startswith("minutes_templates/") for name in restored)


def test_the_walk_covers_every_table_with_a_way_to_municipality():
    """Fails when a table reaches Municipality (in either direction of a foreign key, not
    through the users or Django's installation tables) but the backup does not visit it."""
    graph: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.swapped:
            continue
        graph.setdefault(opts.label_lower, set())
        for relation in opts.local_concrete_fields:
            if relation.is_relation:
                target = relation.related_model._meta.concrete_model._meta.label_lower
                graph[opts.label_lower].add(target)
                graph.setdefault(target, set()).add(opts.label_lower)
    reached, todo = set(), ["accounts.municipality"]
    while todo:
        label = todo.pop()
        if label in reached or label in HUBS:
            continue
        reached.add(label)
        todo.extend(graph[label])

    assert backup.covered_models() == reached - NOT_BACKED_UP
    assert {"viewflow.process", "viewflow.task", "atlas_data.historicalindicator"} <= reached


def test_archive_counts_every_demo_table_with_rows(world):
    counts = json.loads(zipfile.ZipFile(world.vechta).read("manifest.json"))["counts"]

    assert counts["accounts.municipality"] == 1
    for label in (
        "atlas_data.area",
        "atlas_data.valuechange",
        "atlas_data.historicalindicator",
        "atlas_data.poi",
        "conferences.session",
        "conferences.sheet",
        "conferences.response",
        "measures.goal",
        "measures.measure",
        "workflow.cycle",
        "viewflow.process",
        "viewflow.task",
    ):
        assert counts.get(label, 0) > 0, label


# --- one municipality only ---------------------------------------------------------------------


def test_archive_holds_nothing_of_the_other_municipality(world):
    data = archive_data(world.vechta)

    municipalities = data["data/accounts.municipality.json"]["rows"]
    assert [
        row[data["data/accounts.municipality.json"]["fields"].index("slug")]
        for row in municipalities
    ] == ["vechta"]
    for name, table in data.items():
        if not name.startswith("data/") or "municipality_id" not in table["fields"]:
            continue
        index = table["fields"].index("municipality_id")
        assert {row[index] for row in table["rows"]} <= {world.vechta_pk}, name
    users = data["users.json"]
    usernames = {row[users["fields"].index("username")] for row in users["rows"]}
    assert "muster-admin" not in usernames
    assert "demo-mitglied" in usernames


def test_user_of_both_municipalities_is_reused_on_the_second_import(world, db, media):
    import_municipality(path=world.vechta)
    shared = User.objects.get(username="demo-mitglied")

    import_municipality(path=world.musterstadt)

    assert User.objects.filter(username="demo-mitglied").count() == 1
    assert set(shared.memberships.values_list("municipality__slug", flat=True)) == {
        "vechta",
        "musterstadt",
    }


def test_rows_created_after_an_import_get_fresh_ids(world, db, media):
    """PostgreSQL's sequences are moved past the imported ids."""
    import_municipality(path=world.musterstadt)
    musterstadt = Municipality.objects.get(slug="musterstadt")
    imported = max(Bookmark.objects.values_list("pk", flat=True))

    bookmark = Bookmark.objects.create(municipality=musterstadt, title="Neu")
    user = UserFactory(username="neu")

    assert bookmark.pk > imported
    assert user.pk > max(User.objects.exclude(pk=user.pk).values_list("pk", flat=True))


def test_export_is_refused_when_rows_refer_to_another_municipality(
    db, municipality, other_municipality, tmp_path
):
    foreign = ConferenceFactory(municipality=other_municipality)
    SwotEntry.objects.create(
        municipality=municipality, conference=foreign, quadrant="strength", text="Stärke"
    )

    with pytest.raises(BackupError, match="verweisen auf Daten einer anderen Kommune"):
        export_municipality(municipality=municipality, path=tmp_path / "x.zip")

    assert not (tmp_path / "x.zip").exists()


def test_imported_users_get_no_privileges(world, db, media):
    import_municipality(path=world.vechta)

    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()


# --- refusals --------------------------------------------------------------------------------


def test_import_is_refused_when_the_slug_exists(world, db, media):
    Municipality.objects.create(slug="vechta", name="Vechta (schon da)")
    before = snapshot()

    with pytest.raises(BackupError, match="gibt es in dieser Datenbank schon"):
        import_municipality(path=world.vechta)

    assert differing(before, snapshot()) == []


def test_import_is_refused_when_ids_are_taken(world, db, media):
    import_municipality(path=world.musterstadt)
    Municipality.objects.filter(slug="musterstadt").update(slug="umbenannt")
    before = snapshot()

    with pytest.raises(BackupError, match="schon Zeilen mit den Kennungen"):
        import_municipality(path=world.musterstadt)

    assert differing(before, snapshot()) == []


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the archive with members changed by change(name, bytes) -> bytes | None."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            content = change(info.filename, original.read(info.filename))
            if content is not None:
                copy.writestr(info.filename, content)
    return target


def resigned(source: Path, target: Path, change) -> Path:
    """Like rewrite, with the manifest's checksums made to fit the changed members."""
    changed = {}

    def keep(name, content):
        changed[name] = change(name, content)
        return changed[name]

    rewrite(source, target, keep)
    manifest = json.loads(changed["manifest.json"])
    manifest["members"] = {
        name: hashlib.sha256(content).hexdigest()
        for name, content in changed.items()
        if name != "manifest.json"
    }
    return rewrite(
        target,
        target.with_suffix(".signed.zip"),
        lambda name, content: json.dumps(manifest).encode() if name == "manifest.json" else content,
    )


def test_unreadable_value_is_refused(world, db, media, tmp_path):
    def change(name, content):
        if name == "data/accounts.municipality.json":
            table = json.loads(content)
            table["rows"][0][table["fields"].index("created")] = "gestern"
            return json.dumps(table).encode()
        return content

    with pytest.raises(BackupError, match="accounts.municipality.created ist unlesbar"):
        import_municipality(path=resigned(world.musterstadt, tmp_path / "value.zip", change))

    assert not Municipality.objects.exists()


def test_damaged_archive_is_refused_and_writes_nothing(world, db, media, tmp_path):
    damaged = tmp_path / "damaged.zip"
    content = world.musterstadt.read_bytes()
    damaged.write_bytes(content[: len(content) // 2])
    before = snapshot()

    with pytest.raises(BackupError, match="beschädigt"):
        import_municipality(path=damaged)

    assert differing(before, snapshot()) == []


def test_changed_data_is_refused_by_its_checksum(world, db, media, tmp_path):
    def change(name, content):
        if name == "data/atlas_data.value.json":
            return content.replace(b"40", b"41")
        return content

    with pytest.raises(BackupError, match="Prüfsumme"):
        import_municipality(path=rewrite(world.musterstadt, tmp_path / "changed.zip", change))

    assert not Municipality.objects.exists()


def test_rows_that_do_not_fit_roll_back_everything_with_the_files(world, db, media, tmp_path):
    """Without its spatial levels the areas point at nothing: the foreign key check fails after
    every other row was inserted, and all of it is undone; no file is left behind."""
    dropped = "data/atlas_data.spatiallevel.json"

    def change(name, content):
        if name == dropped:
            return None
        if name == "manifest.json":
            manifest = json.loads(content)
            del manifest["members"][dropped]
            del manifest["counts"]["atlas_data.spatiallevel"]
            return json.dumps(manifest).encode()
        return content

    broken = rewrite(world.vechta, tmp_path / "broken.zip", change)
    before = snapshot()

    with pytest.raises(BackupError, match="passt nicht zu dieser Datenbank"):
        import_municipality(path=broken)

    assert differing(before, snapshot()) == []
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_path_traversal_in_a_file_name_is_refused(world, db, media, tmp_path):
    traversal = rewrite(world.musterstadt, tmp_path / "traversal.zip", lambda n, c: c)
    with zipfile.ZipFile(traversal, "a") as archive:
        archive.writestr("files/../../evil.txt", b"evil")

    with pytest.raises(BackupError, match="unsicherer Dateiname"):
        import_municipality(path=traversal)

    assert not Municipality.objects.exists()
    assert not (media.parent / "evil.txt").exists()


def test_newer_format_version_is_refused(world, db, media, tmp_path):
    def change(name, content):
        if name == "manifest.json":
            manifest = json.loads(content)
            manifest["format_version"] = 99
            return json.dumps(manifest).encode()
        return content

    with pytest.raises(BackupError, match="Formatversion 99"):
        import_municipality(path=rewrite(world.musterstadt, tmp_path / "v99.zip", change))


def test_archive_cannot_smuggle_in_users_or_privileges(world, db, media, tmp_path):
    def change(name, content):
        if name == "manifest.json":
            manifest = json.loads(content)
            manifest["members"]["data/auth.user.json"] = manifest["members"]["users.json"]
            return json.dumps(manifest).encode()
        return content

    smuggled = rewrite(world.musterstadt, tmp_path / "smuggled.zip", change)
    with zipfile.ZipFile(smuggled, "a") as archive:
        archive.writestr(
            "data/auth.user.json", zipfile.ZipFile(world.musterstadt).read("users.json")
        )

    with pytest.raises(BackupError, match="unerwartete Tabelle"):
        import_municipality(path=smuggled)


# --- shared rows -----------------------------------------------------------------------------


def test_missing_catalogue_version_is_created_from_the_archive(world, db, media):
    """The target lacks the shipped catalogues the sheets were answered with."""
    Catalogue.objects.filter(municipality=None).delete()

    import_municipality(path=world.vechta)

    answered = Question.objects.filter(responses__isnull=False).distinct()
    assert answered.exists()
    assert Response.objects.count() == len(world.before["conferences.response"])


# --- commands --------------------------------------------------------------------------------


def test_export_command_writes_the_archive(db, media, tmp_path, municipality):
    out = StringIO()

    call_command("export_municipality", "musterstadt", str(tmp_path / "m.zip"), stdout=out)

    assert "musterstadt" in out.getvalue()
    assert backup.read_manifest(tmp_path / "m.zip")["municipality"]["slug"] == "musterstadt"


def test_export_command_names_an_unknown_municipality(db, tmp_path):
    with pytest.raises(CommandError, match="nirgendwo"):
        call_command("export_municipality", "nirgendwo", str(tmp_path / "x.zip"))


def test_export_command_names_a_file_it_cannot_write(db, municipality, tmp_path):
    with pytest.raises(CommandError, match="lässt sich nicht schreiben"):
        call_command("export_municipality", "musterstadt", str(tmp_path / "fehlt" / "m.zip"))


def test_import_command_restores_and_reports(world, db, media):
    out = StringIO()

    call_command("import_municipality", str(world.musterstadt), stdout=out)

    assert Municipality.objects.filter(slug="musterstadt").exists()
    assert "Musterstadt" in out.getvalue()


def test_import_command_gives_the_refusal_in_german(world, db, media):
    Municipality.objects.create(slug="musterstadt", name="Musterstadt")

    with pytest.raises(CommandError, match="gibt es in dieser Datenbank schon"):
        call_command("import_municipality", str(world.musterstadt))
