"""Background jobs of goals and measures: one line of glue each, calling a service."""

from celery import shared_task


@shared_task(name="measures.build_interim_report", ignore_result=True)
def build_interim_report(report_run_id: int) -> None:
    from .reports.runs import perform_interim_report

    perform_interim_report(report_run_id=report_run_id)


@shared_task
def send_measure_reminders() -> int:
    from .services_reminders import send_measure_reminders as send

    return send()
