"""Backup and restore of one municipality: every row that belongs to it, the users its rows name
and its uploaded files in one zip archive, which `import_municipality` restores into another
database (README, "Sicherung und Wiederherstellung"; docs/reliability.md).

Which rows belong to a municipality is found by walking the model graph, never by a list of
models, so that a new table (or a new column) is backed up without touching this module:

* a row with a foreign key to Municipality belongs to the municipality it names, and only to it;
* a row that points at a row of the municipality belongs to it too (areas → values, sessions →
  agenda items, historical rows of simple_history, viewflow tasks of its processes …);
* a row that a row of the municipality points at belongs to it when its table has no way to a
  municipality at all (viewflow's Process rows, which only the cycles point at);
* a row with a way to a municipality that ends in "none" is shared by all municipalities (the
  question catalogues KECK ships): the archive names it by its natural key and the import finds it
  (or creates it when the target lacks it). Content types, permissions and groups are named by
  Django's natural keys. Users are named by their user name.

The archive is a zip: manifest.json (format and app version, creation time, counts per table,
SHA-256 of every member), users.json, shared.json, data/<app>.<model>.json (columns and rows as
plain values, primary keys kept) and files/<path below MEDIA_ROOT>.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import os
import re
import tempfile
import tomllib
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _

from accounts.models import Municipality

FORMAT = "keck-municipality-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
USERS = "users.json"
SHARED = "shared.json"
DATA_PREFIX = "data/"
FILES_PREFIX = "files/"
# A damaged or hostile archive must not fill the disk or the memory: limits on what it declares.
MAX_TOTAL_BYTES = getattr(settings, "KECK_BACKUP_MAX_BYTES", 4 * 1024**3)
MAX_MEMBERS = getattr(settings, "KECK_BACKUP_MAX_MEMBERS", 100_000)
# Below SQLite's limit of 999 query parameters.
CHUNK = 900

# Tables that every installation has on its own and that rows name by Django's natural key.
SHARED_BY_NATURAL_KEY = frozenset({"contenttypes.contenttype", "auth.permission", "auth.group"})

# Tables never backed up, although a walk could reach some of them through the users.
EXCLUDED_MODELS = {
    # Login sessions: people log in again on the target installation.
    "sessions.session",
    # API tokens are credentials of one installation; users create new ones.
    "authtoken.token",
    # Privileges (groups, permissions, staff and superuser flags) are granted per installation.
    "auth.user_groups",
    "auth.user_user_permissions",
    "auth.group_permissions",
    # Login throttling logs of django-axes belong to the installation, not to a municipality.
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "axes.accessattemptexpiration",
}

# Tables whose rows may be shared by all municipalities (a way to Municipality that ends in
# "none"): the fields that name such a row in any installation. A foreign key in a natural key is
# named by the natural key of the row it points at.
GLOBAL_NATURAL_KEYS = {
    "conferences.catalogue": ("lineage", "version"),
    "conferences.section": ("catalogue", "key"),
    "conferences.question": ("section", "key"),
}

# Account fields that stay with the installation: privileges are not part of a municipality.
USER_FIELDS_NOT_EXPORTED = ("is_superuser", "is_staff")

_DATA_MEMBER = re.compile(r"^data/([a-z0-9_]+\.[a-z0-9_]+)\.json$")


class BackupError(Exception):
    """A backup that cannot be written or an archive that cannot be restored, with a message a
    user can read."""


@dataclass
class ExportResult:
    counts: dict[str, int]
    users: int
    files: int
    missing_files: list[str] = field(default_factory=list)


# --- the model graph --------------------------------------------------------------------------


def _label(model) -> str:
    return model._meta.label_lower


def _walked_models() -> list[type[models.Model]]:
    """Every table a walk may visit: concrete, managed, neither users nor installation tables."""
    user_model = get_user_model()
    result = []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.swapped:
            continue
        label = opts.label_lower
        if model is user_model or label in SHARED_BY_NATURAL_KEY or label in EXCLUDED_MODELS:
            continue
        result.append(model)
    return result


def _relations(model) -> list[models.Field]:
    return [f for f in model._meta.local_concrete_fields if f.is_relation]


def _target(relation) -> type[models.Model]:
    return relation.related_model._meta.concrete_model


def _tenant_fields(model) -> list[models.Field]:
    return [f for f in _relations(model) if _target(f) is Municipality]


def _columns(model) -> list[models.Field]:
    return list(model._meta.local_concrete_fields)


def _tenant_paths(walked: list) -> dict:
    """For each table with a way to Municipality, the ORM lookup of the municipality id."""
    paths: dict = {Municipality: "pk"}
    for model in walked:
        tenant = _tenant_fields(model)
        if tenant and model is not Municipality:
            paths[model] = tenant[0].name
    changed = True
    while changed:
        changed = False
        for model in walked:
            if model in paths:
                continue
            # Required relations first: their way never ends early in an empty column.
            for relation in sorted(_relations(model), key=lambda f: f.null):
                target = _target(relation)
                if target in paths and target is not model:
                    paths[model] = f"{relation.name}__{paths[target]}"
                    changed = True
                    break
    return paths


def _history_instance(model):
    """(tracked table, its id column) of a simple_history table, else None: a historical row of a
    deleted object still names its id, and rows of the municipality may point at that id."""
    tracked = getattr(model, "instance_type", None)
    if tracked is None:
        return None
    attname = tracked._meta.pk.attname
    names = {f.attname for f in _columns(model)}
    if attname not in names or model._meta.pk.attname == attname:
        return None
    return tracked._meta.concrete_model, attname


def covered_models() -> set[str]:
    """The tables a backup visits (whether or not they hold rows): what the walk reaches from
    Municipality by the rules of the module docstring."""
    walked = _walked_models()
    paths = _tenant_paths(walked)
    covered = {Municipality} | {m for m in walked if _tenant_fields(m)}
    changed = True
    while changed:
        changed = False
        for model in walked:
            if model in covered:
                continue
            pointed_at = any(_target(f) in covered for f in _relations(model))
            pulled = model not in paths and any(
                _target(f) is model for m in covered for f in _relations(m)
            )
            history = _history_instance(model)
            if pointed_at or pulled or (history and history[0] in covered):
                covered.add(model)
                changed = True
    return {_label(m) for m in covered}


def _chunks(values) -> list[list]:
    values = sorted(values)
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _values_in(model, attname: str, values, *columns) -> list[tuple]:
    rows = []
    for chunk in _chunks(values):
        rows.extend(model._base_manager.filter(**{f"{attname}__in": chunk}).values_list(*columns))
    return rows


def _pointed_at(model, pks, attname: str) -> set:
    """The distinct values of one foreign key column of the rows `pks`."""
    ids = set()
    for chunk in _chunks(pks):
        query = model._base_manager.filter(pk__in=chunk).order_by()
        ids |= set(query.values_list(attname, flat=True).distinct())
    return ids


@dataclass
class _Selection:
    owned: dict = field(default_factory=lambda: defaultdict(set))
    global_rows: dict = field(default_factory=lambda: defaultdict(set))


def _select(municipality: Municipality) -> _Selection:
    """Every row of the municipality (primary keys per table) and the shared rows they name."""
    walked = _walked_models()
    walked_set = set(walked)
    paths = _tenant_paths(walked)
    selection = _Selection()
    owned, global_rows = selection.owned, selection.global_rows
    frontier: dict = defaultdict(set)
    owned[Municipality].add(municipality.pk)
    frontier[Municipality].add(municipality.pk)
    # A row with a foreign key to Municipality belongs to the municipality it names and only to
    # it: no other relation can pull in a row of another municipality.
    for model in walked:
        tenant = _tenant_fields(model)
        if not tenant or model is Municipality:
            continue
        condition = Q()
        for relation in tenant:
            condition |= Q(**{relation.attname: municipality.pk})
        pks = set(model._base_manager.filter(condition).values_list("pk", flat=True))
        owned[model] |= pks
        frontier[model] |= pks

    while any(frontier.values()):
        added: dict = defaultdict(set)
        # The ids rows may point at: new rows, and the objects named by new historical rows.
        targets: dict = defaultdict(set)
        for model, pks in frontier.items():
            targets[model] |= pks
            history = _history_instance(model)
            if history and pks:
                tracked, attname = history
                ids = {row[0] for row in _values_in(model, "pk", pks, attname)}
                targets[tracked] |= ids - owned[tracked]
        # Rows pointing at rows of the municipality.
        for model in walked:
            if _tenant_fields(model):
                continue
            for relation in _relations(model):
                ids = targets.get(_target(relation))
                if not ids:
                    continue
                pks = {row[0] for row in _values_in(model, relation.attname, ids, "pk")}
                added[model] |= pks - owned[model]
        # Rows the new rows point at.
        for model, pks in frontier.items():
            if not pks:
                continue
            for relation in _relations(model):
                target = _target(relation)
                if target not in walked_set or target is Municipality:
                    continue
                ids = _pointed_at(model, pks, relation.attname)
                ids -= {None} | owned[target] | added[target] | global_rows[target]
                if ids:
                    _classify(target, ids, paths, municipality, added, global_rows)
        frontier = defaultdict(set)
        for model, pks in added.items():
            pks -= owned[model]
            owned[model] |= pks
            frontier[model] |= pks
    _add_global_ancestors(global_rows, walked_set)
    return selection


def _classify(target, ids, paths, municipality, added, global_rows) -> None:
    """Rows of `target` that rows of the municipality point at but the walk has not reached."""
    path = paths.get(target)
    if path is None:
        # No way to any municipality (viewflow processes): only this municipality names them.
        added[target] |= set(
            target._base_manager.filter(pk__in=list(ids)).values_list("pk", flat=True)
        )
        return
    for pk, owner in _values_in(target, "pk", ids, "pk", path):
        if owner == municipality.pk:
            added[target].add(pk)
        elif owner is None and _label(target) in GLOBAL_NATURAL_KEYS:
            global_rows[target].add(pk)
        elif owner is None:
            # A row whose way to a municipality is empty but that only this municipality uses.
            added[target].add(pk)
        else:
            raise BackupError(
                _(
                    "The data of this municipality refers to data of another municipality "
                    "(%(table)s, id %(id)s): it cannot be saved on its own."
                )
                % {"table": target._meta.verbose_name, "id": pk}
            )


def _add_global_ancestors(global_rows, walked_set) -> None:
    """A shared question needs its section and catalogue to be found or created elsewhere."""
    frontier = {model: set(pks) for model, pks in global_rows.items() if pks}
    while frontier:
        added: dict = defaultdict(set)
        for model, pks in frontier.items():
            for relation in _relations(model):
                target = _target(relation)
                if target not in walked_set or target is Municipality:
                    continue
                ids = _pointed_at(model, pks, relation.attname) - {None} - global_rows[target]
                if ids and _label(target) not in GLOBAL_NATURAL_KEYS:
                    raise BackupError(
                        _("Shared rows of %(table)s have no natural key.")
                        % {"table": target._meta.verbose_name}
                    )
                added[target] |= ids
        frontier = {model: pks for model, pks in added.items() if pks}
        for model, pks in frontier.items():
            global_rows[model] |= pks


# --- values ----------------------------------------------------------------------------------


def _encode(value):
    """A column value as JSON, without losing precision (microseconds, decimals)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(column: models.Field, value):
    if value is None or isinstance(column, models.JSONField):
        return value
    try:
        return column.to_python(value)
    except ValidationError as exc:
        name = f"{_label(column.model)}.{column.attname}"
        raise _damaged(_("%(name)s is unreadable") % {"name": name}) from exc


def _rows(model, pks) -> tuple[list[str], list[list]]:
    fields = _columns(model)
    columns = [f.attname for f in fields]
    rows = _values_in(model, "pk", pks, *columns)
    rows.sort(key=lambda row: row[columns.index(model._meta.pk.attname)])
    return columns, [_plain(fields, row) for row in rows]


def _plain(fields, row) -> list:
    """The values as the database stores them (a flow class as its dotted name …), as JSON."""
    return [
        None if value is None else _encode(f.get_prep_value(value))
        for f, value in zip(fields, row, strict=True)
    ]


def _app_version() -> str:
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    try:
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _file_columns(model) -> list[models.Field]:
    return [f for f in _columns(model) if isinstance(f, models.FileField)]


def _municipality_media_dir(municipality: Municipality) -> str:
    """Files of the municipality that no row names (its own Word template of the interim report),
    relative to MEDIA_ROOT."""
    from measures.reports.interim import own_template_path

    directory = own_template_path(municipality).parent
    return directory.relative_to(Path(settings.MEDIA_ROOT)).as_posix()


# --- export ----------------------------------------------------------------------------------


def export_municipality(*, municipality: Municipality, path) -> ExportResult:
    """Write the archive of `municipality` to `path` (replaced only once it is complete)."""
    path = Path(path)
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer and connection.vendor == "postgresql":
            # One snapshot for all tables, so that rows written meanwhile cannot tear the archive.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        members, manifest, result = _collect(municipality)
    handle, temporary = tempfile.mkstemp(prefix=".keck-backup-", dir=path.parent or ".")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in members:
                archive.writestr(name, content)
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def _collect(municipality: Municipality):
    selection = _select(municipality)
    user_model = get_user_model()
    members: list[tuple[str, bytes]] = []
    counts: dict[str, int] = {}
    user_ids: set = set()
    natural: dict = defaultdict(set)
    file_names: set[str] = set()
    for model, pks in sorted(selection.owned.items(), key=lambda item: _label(item[0])):
        if not pks:
            continue
        columns, rows = _rows(model, pks)
        _collect_references(model, columns, rows, user_model, user_ids, natural)
        for column in _file_columns(model):
            index = columns.index(column.attname)
            file_names |= {row[index] for row in rows if row[index]}
        label = _label(model)
        counts[label] = len(rows)
        members.append((f"{DATA_PREFIX}{label}.json", _json(label, columns, rows)))
    shared = _shared_rows(selection.global_rows, natural)
    users = _user_rows(user_model, user_ids)
    members.append((USERS, _json(_label(user_model), *users)))
    members.append((SHARED, json.dumps(shared, ensure_ascii=False).encode()))
    files, missing = _files(municipality, file_names)
    members.extend(files)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": _app_version(),
        "created_at": timezone.now().isoformat(),
        "municipality": {"slug": municipality.slug, "name": municipality.name},
        "counts": counts,
        "users": len(users[1]),
        "missing_files": missing,
        "members": {name: hashlib.sha256(content).hexdigest() for name, content in members},
    }
    return members, manifest, ExportResult(counts, len(users[1]), len(files), missing)


def _json(label: str, columns: list[str], rows: list[list]) -> bytes:
    return json.dumps(
        {"model": label, "fields": columns, "rows": rows}, ensure_ascii=False, allow_nan=True
    ).encode()


def _collect_references(model, columns, rows, user_model, user_ids, natural) -> None:
    for relation in _relations(model):
        target = _target(relation)
        index = columns.index(relation.attname)
        ids = {row[index] for row in rows if row[index] is not None}
        if target is user_model:
            user_ids |= ids
        elif _label(target) in SHARED_BY_NATURAL_KEY:
            natural[target] |= ids


def _user_rows(user_model, user_ids) -> tuple[list[str], list[list]]:
    fields = [f for f in _columns(user_model) if f.attname not in USER_FIELDS_NOT_EXPORTED]
    columns = [f.attname for f in fields]
    rows = _values_in(user_model, "pk", user_ids, *columns)
    rows.sort(key=lambda row: row[0])
    return columns, [_plain(fields, row) for row in rows]


def _shared_rows(global_rows, natural) -> dict:
    """Rows named by natural key: Django's (content types …) and the shared catalogues."""
    shared: dict = {"natural": {}, "global": []}
    for model in list(global_rows):
        # Shared rows may name content types too.
        for relation in _relations(model):
            if _label(_target(relation)) in SHARED_BY_NATURAL_KEY:
                natural[_target(relation)] |= {
                    row[0]
                    for row in _values_in(model, "pk", global_rows[model], relation.attname)
                    if row[0] is not None
                }
    for model, ids in natural.items():
        if not ids:
            continue
        shared["natural"][_label(model)] = {
            str(obj.pk): list(obj.natural_key())
            for obj in model._base_manager.filter(pk__in=list(ids))
        }
    for model, pks in sorted(global_rows.items(), key=lambda item: _label(item[0])):
        if not pks:
            continue
        columns, rows = _rows(model, pks)
        shared["global"].append({"model": _label(model), "fields": columns, "rows": rows})
    return shared


def _files(municipality: Municipality, names: set[str]):
    """The uploaded files the rows name and the municipality's own media directory."""
    members, missing = [], []
    for name in sorted(names):
        try:
            with default_storage.open(name, "rb") as handle:
                members.append((FILES_PREFIX + name, handle.read()))
        except (FileNotFoundError, OSError):
            missing.append(name)
    own_dir = _municipality_media_dir(municipality)
    root = Path(settings.MEDIA_ROOT) / own_dir
    if root.is_dir():
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            name = file.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
            if name not in names:
                members.append((FILES_PREFIX + name, file.read_bytes()))
    return members, missing


# --- reading an archive ---------------------------------------------------------------------


@dataclass
class _Archive:
    manifest: dict
    tables: list[tuple[type[models.Model], list[str], list[list]]]
    users: tuple[list[str], list[list]]
    shared: dict
    files: dict[str, bytes]


def _damaged(detail: str) -> BackupError:
    return BackupError(
        _("The archive is damaged or not a KECK backup (%(detail)s). Nothing was imported.")
        % {"detail": detail}
    )


def _safe_name(name: str) -> bool:
    """A member name that cannot leave its directory: relative, normalised, no '..'."""
    if not name or "\\" in name or "\x00" in name or name.endswith("/"):
        return False
    posix = PurePosixPath(name)
    return (
        not posix.is_absolute()
        and ".." not in posix.parts
        and str(posix) == name
        and ":" not in posix.parts[0]
    )


def read_manifest(path) -> dict:
    """The manifest of an archive (for messages); the archive itself is checked on import."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _manifest(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _damaged(_("not a readable zip file")) from exc


def _read(path) -> _Archive:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _damaged(_("not a readable zip file")) from exc
    with archive:
        infos = archive.infolist()
        _check_members(infos)
        manifest = _manifest(archive)
        expected = manifest["members"]
        names = {info.filename for info in infos} - {MANIFEST}
        if names != set(expected):
            raise _damaged(_("the members do not match the manifest"))
        contents = {}
        for name in sorted(names):
            try:
                content = archive.read(name)
            except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
                raise _damaged(_("%(name)s cannot be read") % {"name": name}) from exc
            if hashlib.sha256(content).hexdigest() != expected[name]:
                raise _damaged(_("checksum of %(name)s differs") % {"name": name})
            contents[name] = content
    tables = []
    walked = set(_walked_models())
    for name, content in sorted(contents.items()):
        match = _DATA_MEMBER.match(name)
        if match:
            tables.append(_table(match.group(1), _load_json(name, content), walked))
    counts = {_label(model): len(rows) for model, _columns_, rows in tables}
    if counts != manifest["counts"]:
        raise _damaged(_("the row counts do not match the manifest"))
    if not any(model is Municipality for model, _c, _r in tables):
        raise _damaged(_("the municipality itself is missing"))
    users = _load_json(USERS, contents[USERS])
    user_model = get_user_model()
    if users.get("model") != _label(user_model) or "username" not in users.get("fields", []):
        raise _damaged(_("the users are unreadable"))
    _check_columns(user_model, users["fields"], users["rows"])
    shared = _load_json(SHARED, contents[SHARED])
    if not isinstance(shared.get("natural"), dict) or not isinstance(shared.get("global"), list):
        raise _damaged(_("the shared rows are unreadable"))
    global_tables = []
    for entry in shared["global"]:
        if _label_or_none(entry.get("model")) not in GLOBAL_NATURAL_KEYS:
            raise _damaged(_("the shared rows are unreadable"))
        global_tables.append(_table(entry["model"], entry, walked))
    files = {
        name.removeprefix(FILES_PREFIX): content
        for name, content in contents.items()
        if name.startswith(FILES_PREFIX)
    }
    return _Archive(
        manifest,
        tables,
        (users["fields"], users["rows"]),
        {"natural": shared["natural"], "global": global_tables},
        files,
    )


def _label_or_none(label):
    return label if isinstance(label, str) else None


def _check_members(infos) -> None:
    if len(infos) > MAX_MEMBERS:
        raise _damaged(_("too many files"))
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        raise _damaged(_("larger than allowed"))
    seen = set()
    for info in infos:
        name = info.filename
        if not _safe_name(name):
            raise _damaged(_("unsafe file name %(name)s") % {"name": name})
        allowed = (
            name in (MANIFEST, USERS, SHARED)
            or _DATA_MEMBER.match(name)
            or (name.startswith(FILES_PREFIX) and len(name) > len(FILES_PREFIX))
        )
        if not allowed:
            raise _damaged(_("unexpected file %(name)s") % {"name": name})
        if name in seen:
            raise _damaged(_("%(name)s occurs twice") % {"name": name})
        seen.add(name)
    if not {MANIFEST, USERS, SHARED} <= seen:
        raise _damaged(_("required parts are missing"))


def _manifest(archive) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _damaged(_("the manifest is unreadable")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(_("the manifest is unreadable"))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            _(
                "The archive has format version %(version)s; this KECK reads version "
                "%(supported)s. Nothing was imported."
            )
            % {"version": version, "supported": FORMAT_VERSION}
        )
    for key, kind in (
        ("municipality", dict),
        ("counts", dict),
        ("members", dict),
        ("missing_files", list),
    ):
        if not isinstance(manifest.get(key), kind):
            raise _damaged(_("the manifest is unreadable"))
    if not isinstance(manifest["municipality"].get("slug"), str):
        raise _damaged(_("the manifest is unreadable"))
    return manifest


def _load_json(name: str, content: bytes) -> dict:
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise _damaged(_("%(name)s is unreadable") % {"name": name}) from exc
    if not isinstance(data, dict):
        raise _damaged(_("%(name)s is unreadable") % {"name": name})
    return data


def _table(label: str, data: dict, walked: set):
    if data.get("model") != label:
        raise _damaged(_("%(name)s is unreadable") % {"name": label})
    try:
        model = apps.get_model(label)
        if model not in walked:
            # Never users, privileges or tables of the installation, whatever an archive holds.
            raise _damaged(_("unexpected table %(table)s") % {"table": label})
    except (LookupError, ValueError) as exc:
        raise BackupError(
            _(
                "The archive contains the table %(table)s, which this KECK does not know: it "
                "comes from a newer version. Nothing was imported."
            )
            % {"table": label}
        ) from exc
    columns, rows = data.get("fields"), data.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise _damaged(_("%(name)s is unreadable") % {"name": label})
    _check_columns(model, columns, rows)
    return model, columns, rows


def _check_columns(model, columns, rows) -> None:
    known = {f.attname for f in _columns(model)}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise BackupError(
            _(
                "The archive has columns that this KECK does not know (%(table)s: "
                "%(columns)s): it comes from a newer version. Nothing was imported."
            )
            % {"table": _label(model), "columns": ", ".join(map(str, unknown))}
        )
    if model._meta.pk.attname not in columns or len(set(columns)) != len(columns):
        raise _damaged(_("%(name)s is unreadable") % {"name": _label(model)})
    if any(not isinstance(row, list) or len(row) != len(columns) for row in rows):
        raise _damaged(_("%(name)s is unreadable") % {"name": _label(model)})


# --- import ----------------------------------------------------------------------------------


def import_municipality(*, path) -> Municipality:
    """Restore the archive at `path` into this database, in one transaction: everything or
    nothing. Primary keys are kept; existing users with the same user name are reused."""
    archive = _read(path)
    slug = archive.manifest["municipality"]["slug"]
    written: list[str] = []
    try:
        with transaction.atomic():
            if Municipality.objects.filter(slug=slug).exists():
                raise BackupError(
                    _(
                        "The municipality “%(slug)s” already exists in this database. "
                        "Nothing was imported."
                    )
                    % {"slug": slug}
                )
            _check_free(archive.tables)
            remap = _Remap()
            _resolve_natural(archive.shared["natural"], remap)
            _import_users(archive.users, remap)
            _resolve_global(archive.shared["global"], remap)
            plan = _plan_files(archive)
            for model, columns, rows in archive.tables:
                _insert(model, columns, rows, remap, plan)
            tables = [model._meta.db_table for model, _c, _r in archive.tables]
            connection.check_constraints(table_names=tables)
            _reset_sequences([model for model, _c, _r in archive.tables] + remap.created)
            written = _write_files(archive.files, plan)
    except IntegrityError as exc:
        _remove(written)
        raise BackupError(
            _("The archive does not fit this database (%(detail)s). Nothing was imported.")
            % {"detail": exc}
        ) from exc
    except BaseException:
        _remove(written)
        raise
    return Municipality.objects.get(slug=slug)


@dataclass
class _Remap:
    """Ids of the archive → ids in this database, for users and shared rows."""

    users: dict = field(default_factory=dict)
    natural: dict = field(default_factory=dict)  # (label, archive id) → id
    global_rows: dict = field(default_factory=dict)  # (label, archive id) → id
    created: list = field(default_factory=list)  # tables that got rows with explicit ids

    def value(self, relation, value):
        if value is None:
            return None
        target = _target(relation)
        label = _label(target)
        if target is get_user_model():
            mapped = self.users.get(value)
            if mapped is None and not relation.null:
                raise _damaged(_("a user is missing"))
            # A historical row may name a deleted user: it names no one rather than a stranger.
            return mapped
        if label in SHARED_BY_NATURAL_KEY:
            mapped = self.natural.get((label, value))
            if mapped is None:
                raise _damaged(_("a shared row is missing"))
            return mapped
        return self.global_rows.get((label, value), value)


def _check_free(tables) -> None:
    """Primary keys are kept: refuse instead of mixing with rows of this database."""
    taken = []
    for model, columns, rows in tables:
        index = columns.index(model._meta.pk.attname)
        pk_column = model._meta.pk
        pks = [pk_column.to_python(row[index]) for row in rows]
        if any(model._base_manager.filter(pk__in=chunk).exists() for chunk in _chunks(pks)):
            taken.append(str(model._meta.verbose_name))
    if taken:
        raise BackupError(
            _(
                "This database already holds rows with the ids of the archive (%(tables)s). "
                "Restore into an empty database. Nothing was imported."
            )
            % {"tables": ", ".join(sorted(taken))}
        )


def _resolve_natural(natural: dict, remap: _Remap) -> None:
    for label, entries in natural.items():
        if label not in SHARED_BY_NATURAL_KEY or not isinstance(entries, dict):
            raise _damaged(_("the shared rows are unreadable"))
        model = apps.get_model(label)
        for archive_id, key in entries.items():
            try:
                obj = model._default_manager.get_by_natural_key(*key)
            except (model.DoesNotExist, TypeError, ValueError) as exc:
                raise BackupError(
                    _(
                        "This database lacks %(table)s %(key)s: run the migrations of the same "
                        "KECK version first. Nothing was imported."
                    )
                    % {"table": model._meta.verbose_name, "key": key}
                ) from exc
            remap.natural[(label, model._meta.pk.to_python(archive_id))] = obj.pk


def _import_users(users, remap: _Remap) -> None:
    """Existing users with the same user name are reused as they are; the others are created
    with their id where it is free, without privileges."""
    user_model = get_user_model()
    columns, rows = users
    existing = dict(
        user_model._base_manager.filter(
            username__in=[row[columns.index("username")] for row in rows]
        ).values_list("username", "pk")
    )
    pk_name = user_model._meta.pk.attname
    for row in rows:
        values = {
            c: _decode(user_model._meta.get_field(c), v) for c, v in zip(columns, row, strict=True)
        }
        if values["username"] in existing:
            remap.users[values[pk_name]] = existing[values["username"]]
            continue
        archive_id = values[pk_name]
        if user_model._base_manager.filter(pk=archive_id).exists():
            values.pop(pk_name)
        values.update(dict.fromkeys(USER_FIELDS_NOT_EXPORTED, False))
        remap.users[archive_id] = _insert_one(user_model, values)
        remap.created.append(user_model)


def _insert_one(model, values: dict):
    """Insert one row as it is (no auto_now, no signals) and return its id."""
    obj = model(**values)
    pk_name = model._meta.pk.attname
    fields = [f for f in _columns(model) if f.attname != pk_name or values.get(pk_name)]
    returned = model._base_manager._insert(
        [obj],
        fields=fields,
        returning_fields=None if values.get(pk_name) else model._meta.db_returning_fields,
        raw=True,
        using=connection.alias,
    )
    return values[pk_name] if values.get(pk_name) else returned[0][0]


def _resolve_global(tables, remap: _Remap) -> None:
    """Find each shared row by its natural key, or create it (the target may lack a catalogue
    version that sheets of the archive were answered with)."""
    pending = [
        (model, dict(zip(columns, row, strict=True)))
        for model, columns, rows in tables
        for row in rows
    ]
    while pending:
        waiting = []
        for model, raw in pending:
            label = _label(model)
            values = {c: _decode(model._meta.get_field(c), v) for c, v in raw.items()}
            if not _ready(model, values, remap):
                waiting.append((model, raw))
                continue
            archive_id = values[model._meta.pk.attname]
            for relation in _relations(model):
                if relation.attname in values:
                    values[relation.attname] = remap.value(relation, values[relation.attname])
            lookup = {}
            for name in GLOBAL_NATURAL_KEYS[label]:
                column = model._meta.get_field(name)
                lookup[column.attname] = values[column.attname]
            found = list(model._base_manager.filter(**lookup).values_list("pk", flat=True)[:2])
            if len(found) > 1:
                raise BackupError(
                    _("%(table)s %(key)s is ambiguous in this database. Nothing was imported.")
                    % {"table": model._meta.verbose_name, "key": list(lookup.values())}
                )
            if found:
                remap.global_rows[(label, archive_id)] = found[0]
                continue
            if model._base_manager.filter(pk=archive_id).exists():
                values.pop(model._meta.pk.attname)
            remap.global_rows[(label, archive_id)] = _insert_one(model, values)
            remap.created.append(model)
        if len(waiting) == len(pending):
            raise _damaged(_("the shared rows are unreadable"))
        pending = waiting


def _ready(model, values, remap: _Remap) -> bool:
    """Whether every shared row this one points at is already found or created."""
    for relation in _relations(model):
        target = _target(relation)
        label = _label(target)
        value = values.get(relation.attname)
        if (
            value is not None
            and label in GLOBAL_NATURAL_KEYS
            and (label, value) not in remap.global_rows
        ):
            return False
    return True


def _plan_files(archive: _Archive) -> dict[str, str]:
    """Archive name → name in the storage. A different file under the same name (another
    municipality's upload) is kept: ours gets a free name and the rows are changed to it. Files
    no row names (the municipality's own directory) replace what lies there: the municipality is
    new in this database, so such files are left over from an earlier one."""
    named = set()
    for model, columns, rows in archive.tables:
        for column in _file_columns(model):
            index = columns.index(column.attname)
            named |= {row[index] for row in rows if row[index]}
    plan = {}
    for name, content in archive.files.items():
        target = name
        if name in named and default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                if handle.read() != content:
                    target = default_storage.get_available_name(name)
        plan[name] = target
    return plan


def _insert(model, columns, rows, remap: _Remap, plan: dict[str, str]) -> None:
    """Insert the rows as they are: raw, so auto_now keeps the archived times and no signal
    (history, e-mails) fires; foreign keys are checked once at the end."""
    fields = [model._meta.get_field(c) for c in columns]
    relations = [(i, f) for i, f in enumerate(fields) if f.is_relation]
    files = [i for i, f in enumerate(fields) if isinstance(f, models.FileField)]
    objs = []
    for row in rows:
        values = [_decode(f, v) for f, v in zip(fields, row, strict=True)]
        for index, relation in relations:
            values[index] = remap.value(relation, values[index])
        for index in files:
            if values[index]:
                values[index] = plan.get(values[index], values[index])
        objs.append(model(**dict(zip(columns, values, strict=True))))
    insert_fields = _columns(model)
    batch = max(1, connection.ops.bulk_batch_size(insert_fields, objs))
    for start in range(0, len(objs), batch):
        model._base_manager._insert(
            objs[start : start + batch], fields=insert_fields, raw=True, using=connection.alias
        )


def _reset_sequences(tables) -> None:
    """Rows came with their ids: move PostgreSQL's sequences past them."""
    unique = list(dict.fromkeys(tables))
    statements = connection.ops.sequence_reset_sql(no_style(), unique)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _write_files(files: dict[str, bytes], plan: dict[str, str]) -> list[str]:
    written = []
    try:
        for name, content in sorted(files.items()):
            target = plan[name]
            if default_storage.exists(target):
                with default_storage.open(target, "rb") as handle:
                    if handle.read() == content:
                        continue
                default_storage.delete(target)
            written.append(default_storage.save(target, ContentFile(content)))
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
