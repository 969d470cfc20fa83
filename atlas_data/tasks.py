"""Background jobs of the atlas: one line of glue each, calling a service."""

from celery import shared_task

from .services.imports import perform_import


@shared_task(name="atlas_data.run_import", ignore_result=True)
def run_import(import_run_id: int) -> None:
    perform_import(import_run_id=import_run_id)
