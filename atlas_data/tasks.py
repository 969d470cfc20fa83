"""Background jobs of the atlas: one line of glue each, calling a service."""

from celery import shared_task

from .services.imports import perform_import


# Acknowledged after the run, and given back to the queue when the worker process dies: the
# next delivery takes the interrupted run over (see services/run_lock.py).
@shared_task(
    name="atlas_data.run_import", ignore_result=True, acks_late=True, reject_on_worker_lost=True
)
def run_import(import_run_id: int) -> None:
    perform_import(import_run_id=import_run_id)
