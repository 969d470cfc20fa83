"""Import runs: permission, stored file, small files at once, large ones through Celery."""

import io

import pytest
from celery.signals import task_postrun
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from atlas_data.models import Area, ImportRun, Value
from atlas_data.services import AtlasError, start_import
from atlas_data.services.imports import SYNC_LIMIT

from .helpers import VECHTA_TABLE, VG5000, counts


def _upload(path, name=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def _long_table(*, indicators: int, years: int) -> SimpleUploadedFile:
    """A long table over the 10 Vechta Gemeinden, as a statistics office exports it."""
    lines = ["area_key;indicator;year;value"]
    for number in range(1, 11):
        for indicator in range(indicators):
            for year in range(2010, 2010 + years):
                lines.append(f"0346{number:04d};Kennzahl {indicator};{year};{number},{indicator}")
    return SimpleUploadedFile("lang.csv", "\n".join(lines).encode("utf-8"))


def test_a_small_file_is_imported_at_once_and_its_run_records_the_outcome(vechta, data_admin):
    with translation.override("en"):
        run = start_import(
            municipality=vechta,
            user=data_admin,
            uploaded_file=_upload(VECHTA_TABLE),
            kind="values",
            options={"level": "Gemeinden", "year": "2013"},
        )

    assert run.state == ImportRun.State.DONE
    assert (run.progress, run.total, run.percent) == (22, 22, 100)
    assert run.summary["created"] == 22 and run.errors == []
    assert any("Lohne (Oldenburg)" in warning["message"] for warning in run.warnings)
    assert run.created_by == data_admin and run.finished is not None
    assert run.options == {"level": "Gemeinden", "year": 2013, "language": "en"}
    assert run.file.read() == VECHTA_TABLE.read_bytes()
    assert set(Value.objects.values_list("import_run", flat=True)) == {run.pk}


def test_a_large_file_goes_through_the_celery_task(
    vechta, data_admin, django_capture_on_commit_callbacks
):
    tasks = []

    def record(sender=None, task_id=None, **kwargs):
        tasks.append(sender.name)

    task_postrun.connect(record, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run = start_import(
                municipality=vechta,
                user=data_admin,
                uploaded_file=_long_table(indicators=60, years=10),
                kind="values",
                options={"level": "Gemeinden"},
            )
            # Queued, not run: the worker starts only after the upload is committed.
            assert run.state == ImportRun.State.PENDING
            assert run.total == 6_000 > SYNC_LIMIT
            assert not Value.objects.exists()
    finally:
        task_postrun.disconnect(record)

    assert len(callbacks) == 1
    assert tasks == ["atlas_data.run_import"]
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    assert (run.progress, run.total) == (6_000, 6_000)
    assert run.summary["created"] == 6_000 and len(run.summary["new_indicators"]) == 60
    assert (
        Value.objects.get(area__key="03460003", indicator__name="Kennzahl 7", year=2015).value
        == 3.7
    )


def test_a_failed_import_writes_nothing_and_keeps_every_problem(vechta, data_admin):
    bad = VECHTA_TABLE.read_text(encoding="utf-8").replace(
        "3460005;Holdorf;16,06", "3460005;Holdorf;x y"
    )
    bad = bad.replace("3460010;Visbek", "3460099;Visbek")
    before = counts()

    with translation.override("en"):
        run = start_import(
            municipality=vechta,
            user=data_admin,
            uploaded_file=SimpleUploadedFile("vechta.csv", bad.encode("cp1252")),
            kind="values",
            options={"level": "Gemeinden", "year": 2013},
        )

    assert counts() == before
    assert run.state == ImportRun.State.FAILED
    assert sorted((p["row"], p["column"]) for p in run.errors) == [
        (7, "Anteil unter 15-Jähriger an der Gesamtbevölkerung"),
        (12, "Schlüssel"),
    ]
    assert run.summary == {"problems": 2}


def test_an_area_import_of_a_large_layer_runs_in_the_worker(
    vechta, data_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_import(
            municipality=vechta,
            user=data_admin,
            uploaded_file=_upload(VG5000),
            kind="areas",
            options={"level": "Gemeinden", "layer": "VG5000_GEM", "key_prefix": "03460"},
        )
        # All 10,997 features are read and checked before the prefix picks Vechta's 10.
        assert (run.state, run.total) == (ImportRun.State.PENDING, 10_997)

    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE, run.errors
    assert (run.summary["created"], run.summary["updated"]) == (0, 10)
    assert (run.progress, run.total) == (10, 10)
    assert Area.objects.filter(municipality=vechta, level__name="Gemeinden").count() == 10


def test_a_member_may_not_start_an_import(vechta, member):
    with pytest.raises(PermissionDenied):
        start_import(
            municipality=vechta,
            user=member,
            uploaded_file=_upload(VECHTA_TABLE),
            kind="values",
            options={"level": "Gemeinden", "year": 2013},
        )

    assert not ImportRun.objects.exists()


def test_a_data_admin_of_another_municipality_may_not_import_here(vechta, luechow, member_of):
    other_admin = member_of(luechow, "data_admin")

    with pytest.raises(PermissionDenied):
        start_import(
            municipality=vechta,
            user=other_admin,
            uploaded_file=_upload(VECHTA_TABLE),
            kind="values",
            options={"level": "Gemeinden", "year": 2013},
        )


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("gemeinden.shp", "areas", "upload them together as one .zip file"),
        ("gemeinden.gpkg", "values", "cannot be imported as Values"),
    ],
)
def test_unsuitable_file_types_are_refused_before_storing(vechta, data_admin, name, kind, message):
    upload = SimpleUploadedFile(name, io.BytesIO(b"x").read())

    with translation.override("en"), pytest.raises(AtlasError, match=message):
        start_import(
            municipality=vechta,
            user=data_admin,
            uploaded_file=upload,
            kind=kind,
            options={"level": "Gemeinden"},
        )

    assert not ImportRun.objects.exists()
