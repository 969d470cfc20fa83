"""The reports of the measures part: the measure plan (DOCX, XLSX) and the interim report
(Zwischenbericht, DOCX and PDF, generated in the background).

`data` reads everything as a file reader sees it (files travel: never a suppressed value),
`measure_plan` and `interim` turn that into bytes, `charts` draws the goal charts and maps,
`runs` starts and performs the background runs. docs/reports.md describes the files and the
variables of the Word templates.
"""

from pathlib import Path

from django.conf import settings

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

DOCX_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "docx"
MEASURE_PLAN_TEMPLATE = DOCX_TEMPLATES / "measure_plan.docx"
INTERIM_REPORT_TEMPLATE = DOCX_TEMPLATES / "interim_report.docx"
