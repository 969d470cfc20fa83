"""Cached results of the atlas, kept valid by a data version per municipality.

What the suppression computed for one indicator, year and level does not change until atlas
data of the municipality changes, yet it costs a pass over the whole tree of areas (10,997
Gemeinden for a national atlas). Results are therefore cached under keys that contain the
municipality's data version, a random token that every write of atlas data replaces: the old
entries are never read again and expire on their own. No invalidation has to know which entries
a write affects.

Writes replace the token in two ways: the services that write in bulk (value and area imports,
POI indicators) call `bump`; single ORM saves and deletions of areas, levels, indicators,
releases, values, institution values, value changes and municipality settings bump through the
signals below.
(The signal on deleted values costs Django's one-statement delete of an indicator's values in a
cascade; such deletions are rare, stale numbers are not acceptable.)

The cache alias `atlas` must be shared by every process that writes or reads (web workers and
Celery workers): a file cache in var/ by default (keck/filecache.py), Redis in larger set-ups
(ATLAS_CACHE_URL; with a policy that evicts only keys with a timeout, e.g. volatile-lru, as the
versions have none). The versions live in the alias `atlas_versions` (a sibling directory of
the file cache): a full cache culls entries at random, and the versions must not be among them.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

ALIAS = "atlas"
VERSIONS_ALIAS = "atlas_versions"

logger = logging.getLogger(__name__)


def _cache():
    return caches[ALIAS]


def _versions():
    """Where the data versions are kept: never culled with the results (settings.py)."""
    return caches[VERSIONS_ALIAS]


def _version_key(municipality_id: int) -> str:
    return f"atlas:version:{municipality_id}"


def data_version(municipality_id: int) -> str:
    """The current data version of a municipality (created on first use)."""
    cache = _versions()
    key = _version_key(municipality_id)
    version = cache.get(key)
    if version is None:
        # add() keeps the token of a process that got there first.
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    # Without a working cache (dummy backend) every call gets a new token: nothing is reused.
    return version or uuid.uuid4().hex


def _replace(municipality_id: int) -> None:
    _versions().set(_version_key(municipality_id), uuid.uuid4().hex, timeout=None)


def bump(municipality_id: int) -> None:
    """Atlas data of the municipality changed: every cached result of it is outdated.

    Replaced now and once more after the commit: a request running between the write and the
    commit reads the old rows and could store them under the token of the first replacement.
    Once the change is committed, a background job fills the cache again (`warm_soon`).
    """
    _replace(municipality_id)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        warm_soon(municipality_id)
        return
    # Deleting many values sends a signal for each: one replacement after the commit is enough.
    pending = (
        getattr(func, "atlas_municipality", None) for _s, func, _r in connection.run_on_commit
    )
    if municipality_id not in pending:

        def replace_after_commit():
            _replace(municipality_id)
            warm_soon(municipality_id)

        replace_after_commit.atlas_municipality = municipality_id
        transaction.on_commit(replace_after_commit)


def warm_soon(municipality_id: int) -> None:
    """Queue the job that computes the municipality's suppressed tables for its current data
    version (`selectors.warm_values_tables`), once per version.

    Called after the change is committed: a job started earlier could read the old rows. Many
    writes in a row queue one job per version; a job whose version is outdated while it runs
    stops, the newest one does the work. Off with ATLAS_WARM_UP=false (the test settings).
    Warming only saves time, so a broker that cannot be reached loses nothing: the cache
    fills on demand as before.
    """
    if not settings.ATLAS_WARM_UP:
        return
    version = data_version(municipality_id)
    if not _cache().add(f"atlas:warm:{municipality_id}:{version}", 1, timeout=3600):
        return
    from .tasks import warm_atlas_cache

    try:
        warm_atlas_cache.apply_async(args=[municipality_id], retry=False)
    except Exception:  # the broker is down: log, never fail the write that was committed
        logger.warning(
            "Could not queue the atlas warm-up of municipality %s", municipality_id, exc_info=True
        )


def key(municipality_id: int, version: str, *parts) -> str:
    return ":".join(["atlas", str(municipality_id), version, *(str(part) for part in parts)])


def get_many(keys: list[str]) -> dict:
    if not keys:
        return {}
    # Unpickling thousands of rows would start the cyclic garbage collector again and again
    # over every object of the process (measured: 4× the time of the unpickling itself); the
    # rows hold no cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _cache().get_many(keys)
    finally:
        if enabled:
            gc.enable()


def set_many(entries: dict) -> None:
    if entries:
        _cache().set_many(entries)


def get_body(etag_value: str):
    """A whole answer stored under its ETag (see `set_body`), or None."""
    return _cache().get(f"atlas:body:{etag_value}")


def set_body(etag_value: str, body) -> None:
    """Store a whole answer under its ETag: it names the data version, the request and the kind
    of viewer, so the same ETag always means the same answer."""
    _cache().set(f"atlas:body:{etag_value}", body)


def etag(municipality_id: int, *parts) -> str:
    """A strong ETag of a response built from the municipality's atlas data and `parts`."""
    text = "\n".join([data_version(municipality_id), *(str(part) for part in parts)])
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


# --------------------------------------------------------------------------------------------
# Single ORM writes


def _bump_for(sender, instance, **kwargs) -> None:
    from .models import Indicator

    if sender.__name__ == "Municipality":
        municipality_id = instance.pk
    elif hasattr(instance, "municipality_id"):
        municipality_id = instance.municipality_id
    else:  # values, value changes and releases belong to an indicator
        field = sender._meta.get_field("indicator")
        if field.is_cached(instance):  # saves usually come with their indicator: no query
            municipality_id = instance.indicator.municipality_id
        else:
            municipality_id = (
                Indicator.objects.filter(pk=instance.indicator_id)
                .values_list("municipality_id", flat=True)
                .first()
            )
    if municipality_id is not None:
        bump(municipality_id)


def connect_signals() -> None:
    from accounts.models import Municipality

    from .models import (
        Area,
        Indicator,
        IndicatorRelease,
        InstitutionValue,
        SpatialLevel,
        Value,
        ValueChange,
    )

    # Institution values are leaves of the suppression tree: they change what areas show.
    senders = (
        Municipality,
        Area,
        SpatialLevel,
        Indicator,
        IndicatorRelease,
        Value,
        InstitutionValue,
    )
    for model in senders:
        post_save.connect(_bump_for, sender=model, dispatch_uid=f"atlas-cache-{model.__name__}")
        post_delete.connect(_bump_for, sender=model, dispatch_uid=f"atlas-cache-d-{model.__name__}")
    post_save.connect(_bump_for, sender=ValueChange, dispatch_uid="atlas-cache-ValueChange")
    m2m_changed.connect(
        _bump_for, sender=Indicator.valid_levels.through, dispatch_uid="atlas-cache-levels"
    )
