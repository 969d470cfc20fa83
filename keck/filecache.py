"""Django's file cache for the atlas, with a cheaper and more careful culling.

`FileBasedCache` lists every file of its directory on each `set` to decide whether to cull, and
then deletes a random third of the files. With the atlas of a large municipality the cache
holds tens of thousands of files (the suppressed tables of every indicator year, level and
piece, for each data version), so the listing cost more than the writing (about 45 ms per write
at 20,000 files), and a random cull deleted the tables just warmed for the current data version
as likely as those of versions no one reads any more.

This backend checks only every `CULL_EVERY`-th write of a process, and when the directory holds
MAX_ENTRIES files or more it deletes the least recently written ones (1/CULL_FREQUENCY of
them): the entries of outdated data versions go first. Expired files are still removed when
read, as before.
"""

from __future__ import annotations

import itertools
import os

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 500


class FileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._writes = itertools.count(1)

    def _cull(self):
        if next(self._writes) % CULL_EVERY:
            return
        files = self._list_cache_files()
        if len(files) < self._max_entries or self._cull_frequency == 0:
            if self._cull_frequency == 0 and len(files) >= self._max_entries:
                return self.clear()
            return
        written = []
        for name in files:
            try:
                written.append((os.stat(name).st_mtime, name))
            except FileNotFoundError:  # removed by another process meanwhile
                continue
        written.sort()
        for _mtime, name in written[: len(written) // self._cull_frequency]:
            self._delete(name)
