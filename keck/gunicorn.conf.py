"""gunicorn settings of a KECK web server: `gunicorn -c keck/gunicorn.conf.py keck.wsgi`.

The production set-up that `bench/load.py` measures, too. Command-line options and
GUNICORN_CMD_ARGS override any of them; WEB_CONCURRENCY and GUNICORN_THREADS set the numbers.

Why these numbers, for a machine of 2 cores that also runs PostgreSQL (and maybe Redis and a
Celery worker):
- workers: 2 × cores + 1 processes (gunicorn's own rule). A request is mostly Python (the
  templates, the serializers, the suppression), which one process runs on one core at a time
  (the GIL): the processes are what uses both cores. More of them would only cost memory
  (300–700 MB each with the atlas in use) and switches between them.
- threads: 4 per process (gthread). A request waits for PostgreSQL for a quarter to a third of
  its time; a thread of the same process runs meanwhile. And a browser's keep-alive connection
  stays with one process: with more threads, a quick request there does not queue behind a
  slow one (the first computation of an atlas table after an import) in the same process.
  5 × 4 = 20 database connections at most, far below PostgreSQL's 100.
- keepalive: 75 s instead of gunicorn's 2 s. The side that closes an idle connection must be
  the client (or the TLS proxy in front: nginx keeps idle upstream connections 60 s): when the
  server closes it, a request sent in that moment meets a closed connection and fails (the
  load test saw such errors). An idle connection costs the gthread worker only a socket in
  its poller, no thread.
- preload_app: the application is imported once, before the processes fork: they share its
  memory, start at once, and a restarted process serves immediately. The master also imports
  every view (3 s: geopandas, matplotlib, …), compiles the project's templates (2 s) and loads
  the German translations, so that no process's first requests pay for that, each on its own.
  Nothing opens a database or broker connection while importing (Django connects on first use).
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = 75
preload_app = True


def when_ready(server):
    """In the master, before the first process forks: import the URL configuration (every view),
    compile the project's templates (the cached template loader keeps them) and load the
    translations."""
    from pathlib import Path

    from django.template import TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    engine = engines["django"]
    for folder in map(Path, engine.engine.dirs):
        for file in folder.rglob("*.html"):
            try:
                engine.get_template(str(file.relative_to(folder)))
            except TemplateSyntaxError:
                server.log.warning("Template %s does not compile", file)
    with translation.override("de"):
        translation.gettext("Measure plan")
