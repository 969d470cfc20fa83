"""keck/filecache.py: the atlas file cache lists its directory only every CULL_EVERY writes."""

from __future__ import annotations

import os
from unittest import mock

from keck import filecache
from keck.filecache import FileCache


def cache(tmp_path, max_entries):
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 2}})


def test_writes_list_the_directory_only_every_cull_every_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(filecache, "CULL_EVERY", 10)
    store = cache(tmp_path, 1000)
    with mock.patch.object(store, "_list_cache_files", wraps=store._list_cache_files) as listing:
        for n in range(25):
            store.set(f"k{n}", n)
    assert listing.call_count == 2
    assert [store.get(f"k{n}") for n in range(25)] == list(range(25))


def test_a_full_directory_loses_its_least_recently_written_files(tmp_path, monkeypatch):
    monkeypatch.setattr(filecache, "CULL_EVERY", 10)
    store = cache(tmp_path, 8)
    for n in range(10):
        store.set(f"old{n}", n)
        # Distinct modification times, oldest first, whatever the file system's resolution.
        os.utime(store._key_to_file(f"old{n}"), (1_000_000 + n, 1_000_000 + n))
    # The 10th write culled (before writing) half of the 9 files there: the four written first.
    assert [store.get(f"old{n}") for n in range(10)] == [None] * 4 + [4, 5, 6, 7, 8, 9]
    for n in range(10):
        store.set(f"new{n}", n)
    # The 20th write culled half of the 15 there: the six old ones and the oldest new one.
    assert all(store.get(f"old{n}") is None for n in range(10))
    assert sum(store.get(f"new{n}") is not None for n in range(10)) >= 7


def test_the_atlas_uses_it_and_keeps_its_versions_apart(settings):
    from keck import settings as project

    assert project.CACHES["atlas_versions"]["LOCATION"] != project.CACHES["atlas"]["LOCATION"]
    assert project.CACHES["atlas_versions"]["TIMEOUT"] is None
