"""The one check every uploaded file passes before anything is stored: size, type by content, zip
safety.

A file's name says what it claims to be; its first bytes say what it is. Upload paths (atlas
imports, POI imports, Word templates) call `check_upload` in their service before they store or
read the file, so a refused file leaves nothing behind; imports that read a path take the upload
through `checked_temporary_copy`. Zip containers (Shapefile zips, .xlsx,
.docx) are opened only to read their directory: member names that could escape a folder, too
many members, or an unpacked size or compression ratio of a zip bomb are refused before any
reader unpacks them.
"""

from __future__ import annotations

import codecs
import json
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MB = 1024 * 1024
_CHUNK = MB
# A member this small may compress extremely well (an empty sheet, a run of spaces) and still be
# harmless; the ratio rule is for the megabytes a bomb unpacks to.
_RATIO_FLOOR = MB
_DRIVE = re.compile(r"^[A-Za-z]:")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip


class UploadRejected(Exception):
    """An uploaded file that is refused, with a message for the person who uploaded it."""


def check_upload(upload, *, allowed: Iterable[str], max_mb: int) -> None:
    """Refuse `upload` unless its suffix is allowed, its size within `max_mb` and its content
    matches its suffix. Leaves the file positioned at its start."""
    allowed = tuple(allowed)
    unknown = set(allowed) - set(_CONTENT_CHECKS)
    if unknown:
        # A suffix without a content check would let any bytes through under its name.
        raise ValueError(f"no content check for {sorted(unknown)}")
    name = Path(getattr(upload, "name", "") or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        raise UploadRejected(
            _("Files of type %(suffix)s cannot be imported here. Allowed: %(allowed)s")
            % {"suffix": suffix or "?", "allowed": ", ".join(allowed)}
        )
    size = _size(upload)
    if size == 0:
        raise UploadRejected(_("The file %(name)s is empty.") % {"name": name})
    if size > max_mb * MB:
        raise UploadRejected(
            _("The file %(name)s is too large (%(size)s); at most %(limit)s are accepted.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(max_mb * MB)}
        )
    upload.seek(0)
    try:
        _CONTENT_CHECKS[suffix](upload, name)
    finally:
        upload.seek(0)


@contextmanager
def checked_temporary_copy(
    upload, *, allowed: Iterable[str], max_mb: int, prefix: str = "keck-upload-"
) -> Iterator[Path]:
    """`check_upload`, then the upload as a temporary file with its suffix (readers that want
    a path: pandas, pyogrio), removed with its folder when the block ends. A refused file
    raises `UploadRejected` before anything is written."""
    check_upload(upload, allowed=allowed, max_mb=max_mb)
    suffix = Path(getattr(upload, "name", "") or "").suffix.lower()
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        yield path


def check_zip(source, *, name: str = "", required: tuple[str, ...] = ()) -> None:
    """Refuse a zip (path or open binary file) that is damaged, has unsafe member names or
    symlinks, too many members, or would unpack to too much (in total or by its ratio).

    `required` names members that must be present (e.g. word/document.xml of a .docx). Only the
    zip's directory is read: nothing is unpacked.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise UploadRejected(_("The zip file is damaged or not a zip file.")) from exc
    limit = settings.KECK_ZIP_MAX_MEMBERS
    if len(members) > limit:
        raise UploadRejected(
            _("The zip file contains %(count)d files; at most %(limit)d are accepted.")
            % {"count": len(members), "limit": limit}
        )
    for member in members:
        if _unsafe_member_name(member.filename):
            raise UploadRejected(
                _(
                    "The zip file contains the file name “%(member)s”, which points outside its "
                    "folder; such files are refused."
                )
                % {"member": member.filename}
            )
        if stat.S_ISLNK(member.external_attr >> 16):
            raise UploadRejected(
                _("The zip file contains a link (%(member)s); such files are refused.")
                % {"member": member.filename}
            )
    unpacked = sum(member.file_size for member in members)
    max_unpacked = settings.KECK_ZIP_MAX_UNPACKED_MB * MB
    if unpacked > max_unpacked:
        raise UploadRejected(
            _("The zip file unpacks to %(size)s; at most %(limit)s are accepted.")
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(max_unpacked)}
        )
    max_ratio = settings.KECK_ZIP_MAX_RATIO
    packed = sum(member.compress_size for member in members)
    suspicious = [
        (member.file_size, member.compress_size)
        for member in members
        if member.file_size > _RATIO_FLOOR
    ]
    if unpacked > _RATIO_FLOOR:
        suspicious.append((unpacked, packed))
    for size, compressed in suspicious:
        ratio = size / max(compressed, 1)
        if ratio > max_ratio:
            raise UploadRejected(
                _(
                    "The zip file is compressed %(ratio)d:1 (at most %(limit)d:1 is accepted); "
                    "it looks like a zip bomb and was refused."
                )
                % {"ratio": ratio, "limit": max_ratio}
            )
    names = {member.filename for member in members}
    missing = [member for member in required if member not in names]
    if missing:
        raise _mismatch(name)


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is not None:
        return size
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def _unsafe_member_name(filename: str) -> bool:
    if "\x00" in filename:
        return True
    # Windows tools write backslashes; unpacked on Windows they separate folders, so "..\x" is as
    # dangerous as "../x".
    normal = filename.replace("\\", "/")
    if normal.startswith("/") or _DRIVE.match(normal):
        return True
    return ".." in normal.split("/")


def _mismatch(name: str) -> UploadRejected:
    suffix = Path(name).suffix.lower()
    return UploadRejected(
        _(
            "The content of %(name)s is not in the format %(type)s that its name promises. "
            "Please upload the original file, not a renamed one."
        )
        % {"name": name, "type": _TYPE_NAMES.get(suffix, suffix)}
    )


def _check_text(upload, name: str) -> None:
    head = upload.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UploadRejected(
            _(
                "%(name)s is saved as UTF-16 (“Unicode text”). Please save it as “CSV UTF-8” "
                "or “CSV (semicolon separated)”."
            )
            % {"name": name}
        )
    upload.seek(0)
    # The table reader decodes UTF-8 and falls back to Windows-1252; the file must be one of them.
    decoders = [codecs.getincrementaldecoder(e)() for e in ("utf-8-sig", "cp1252")]
    for chunk in iter(lambda: upload.read(_CHUNK), b""):
        if b"\x00" in chunk:
            raise UploadRejected(
                _("%(name)s is not a text file (CSV): it contains binary data.") % {"name": name}
            )
        decoders = [d for d in decoders if _decodes(d, chunk)]
        if not decoders:
            break
    if not any(_decodes(d, b"", final=True) for d in decoders):
        raise UploadRejected(
            _("%(name)s cannot be read as text. Please save it as UTF-8 or Windows-1252 (ANSI).")
            % {"name": name}
        )


def _decodes(decoder, chunk: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _check_json(upload, name: str) -> None:
    try:
        data = json.loads(upload.read())
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UploadRejected(
            _("%(name)s is not valid JSON (GeoJSON): %(error)s") % {"name": name, "error": exc}
        ) from exc
    if not isinstance(data, dict) or "type" not in data:
        raise UploadRejected(
            _("%(name)s is JSON but not GeoJSON: a GeoJSON file is an object with a “type”.")
            % {"name": name}
        )


def _check_sqlite(upload, name: str) -> None:
    if upload.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
        raise _mismatch(name)


def _zip_checker(*required: str):
    def check(upload, name: str) -> None:
        if upload.read(4) not in _ZIP_MAGIC:
            raise _mismatch(name)
        upload.seek(0)
        check_zip(upload, name=name, required=required)

    return check


_CONTENT_CHECKS = {
    ".csv": _check_text,
    ".txt": _check_text,
    ".json": _check_json,
    ".geojson": _check_json,
    ".gpkg": _check_sqlite,
    ".zip": _zip_checker(),
    ".xlsx": _zip_checker("[Content_Types].xml", "xl/workbook.xml"),
    ".docx": _zip_checker("[Content_Types].xml", "word/document.xml"),
}
_TYPE_NAMES = {
    ".zip": "zip",
    ".xlsx": "Excel (.xlsx)",
    ".docx": "Word (.docx)",
    ".gpkg": "GeoPackage",
}
