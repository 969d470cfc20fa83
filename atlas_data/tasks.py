"""Background jobs of the atlas: one line of glue each, calling a service."""

from celery import shared_task

from accounts.models import Municipality

from .selectors import warm_values_tables
from .services.imports import perform_import


# Acknowledged after the run, and given back to the queue when the worker process dies: the
# next delivery takes the interrupted run over (see services/run_lock.py).
@shared_task(
    name="atlas_data.run_import", ignore_result=True, acks_late=True, reject_on_worker_lost=True
)
def run_import(import_run_id: int) -> None:
    perform_import(import_run_id=import_run_id)


# After every committed change of atlas data (atlas_data/cache.py `warm_soon`). Safe to run
# twice or to lose: it only stores what a request would otherwise compute.
@shared_task(name="atlas_data.warm_atlas_cache", ignore_result=True)
def warm_atlas_cache(municipality_id: int) -> None:
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is not None:  # deleted since: nothing to warm
        warm_values_tables(municipality=municipality)
