"""Value import from the real published tables of Vechta (2013) and Lüchow-Dannenberg (2014)."""

from statistics import mean

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from accounts.models import Role
from atlas_data.models import Area, Indicator, Topic, Value, ValueChange
from atlas_data.services import ImportProblems, import_values

from .helpers import LUECHOW_TABLE, VECHTA_TABLE, counts

SHARE_U15 = "Anteil unter 15-Jähriger an der Gesamtbevölkerung"
SHARE_FOREIGN = "Anteil Nicht-Deutsche unter 15 Jahren an allen unter 15-Jährigen"


def _values(indicator_name: str, *, level_depth: int) -> dict[str, Value]:
    return {
        value.area.key: value
        for value in Value.objects.filter(
            indicator__name=indicator_name, area__level__depth=level_depth
        ).select_related("area")
    }


def test_vechta_table_gives_ten_values_per_indicator_in_percent(vechta):
    summary = import_values(
        municipality=vechta, path=VECHTA_TABLE, level_name="Gemeinden", year=2013
    )

    assert summary["shape"] == "wide"
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (22, 0, 0)
    assert [(i["name"], i["unit"], i["kind"]) for i in summary["new_indicators"]] == [
        (SHARE_U15, "%", Indicator.Kind.SHARE),
        (SHARE_FOREIGN, "%", Indicator.Kind.SHARE),
    ]
    for name in (SHARE_U15, SHARE_FOREIGN):
        gemeinden = _values(name, level_depth=1)
        assert len(gemeinden) == 10
        assert all(v.year == 2013 and not v.is_published_total for v in gemeinden.values())
    u15 = _values(SHARE_U15, level_depth=1)
    assert u15["03460001"].value == 17.53  # Bakum, key 3460001 in the table
    assert u15["03460009"].value == 15.03
    indicator = Indicator.objects.get(name=SHARE_U15)
    assert set(indicator.valid_levels.values_list("depth", flat=True)) == {0, 1}


def test_vechta_landkreis_value_stays_as_published_not_the_mean_of_the_gemeinden(vechta):
    import_values(municipality=vechta, path=VECHTA_TABLE, level_name="Gemeinden", year=2013)

    landkreis = _values(SHARE_U15, level_depth=0)
    assert list(landkreis) == ["03460"]
    assert landkreis["03460"].value == 16.15
    assert landkreis["03460"].is_published_total
    unweighted = mean(v.value for v in _values(SHARE_U15, level_depth=1).values())
    assert unweighted == pytest.approx(16.345)
    assert _values(SHARE_FOREIGN, level_depth=0)["03460"].value == 5.84


def test_vechta_name_differences_are_warnings_and_rows_are_matched_by_key(vechta):
    with translation.override("en"):
        summary = import_values(
            municipality=vechta, path=VECHTA_TABLE, level_name="Gemeinden", year=2013
        )

    lohne = [w for w in summary["warnings"] if "Lohne" in w["message"]]
    assert lohne == [
        {
            "row": 8,
            "column": "Gebiet",
            "message": "The name “Lohne” differs from the official name “Lohne (Oldenburg)” "
            "of area 03460006; the row was matched by its key.",
        }
    ]
    assert not [w for w in summary["warnings"] if "Bakum" in w["message"]]
    assert _values(SHARE_U15, level_depth=1)["03460006"].value == 16.77


def test_luechow_dannenberg_counts_sum_to_the_published_total(luechow):
    summary = import_values(
        municipality=luechow, path=LUECHOW_TABLE, level_name="Gemeinden", year=2014
    )

    gemeinden = _values("Anzahl Einwohner", level_depth=1)
    assert len(gemeinden) == 27
    assert gemeinden["03354001"].value == 1583  # "1.583" is a thousands group
    assert sum(v.value for v in gemeinden.values()) == 48_670
    total = _values("Anzahl Einwohner", level_depth=0)["03354"]
    assert total.value == 48_670 and total.is_published_total
    assert summary["new_indicators"][0]["kind"] == Indicator.Kind.COUNT


def test_dash_cells_create_no_value(luechow):
    import_values(municipality=luechow, path=LUECHOW_TABLE, level_name="Gemeinden", year=2014)

    # "gfG. Gartow" and "gfG. Göhrde" are areas of the level but their cells say "–".
    assert Area.objects.filter(key__in=["03354501", "03354502"]).count() == 2
    assert not Value.objects.filter(area__key__in=["03354501", "03354502"]).exists()
    assert Value.objects.count() == 28


def test_k_a_is_stored_as_suppressed_at_source_without_a_value(vechta, tmp_path):
    table = tmp_path / "vechta.csv"
    table.write_text(
        "Schlüssel;Gebiet;Kinder in Bedarfsgemeinschaften\n"
        "3460001;Bakum;k. A.\n"
        "3460002;Damme;123\n",
        encoding="utf-8",
    )

    summary = import_values(municipality=vechta, path=table, level_name="Gemeinden", year=2020)

    bakum = Value.objects.get(area__key="03460001")
    assert (bakum.value, bakum.status) == (None, Value.Status.SOURCE_SUPPRESSED)
    assert Value.objects.get(area__key="03460002").value == 123
    assert summary["suppressed_at_source"] == 1


def test_long_table_with_numerator_and_denominator(vechta, tmp_path):
    existing = Indicator.objects.create(
        municipality=vechta, name="SGB-II-Quote unter 15", unit="%", kind=Indicator.Kind.SHARE
    )
    table = tmp_path / "lang.csv"
    table.write_text(
        "area_key,indicator,year,value,numerator,denominator\n"
        f"3460001,{existing.pk},2022,12.5,250,2000\n"
        f"3460001,{existing.pk},2023,,300,2000\n"
        "03460002,Kinder unter 3 Jahren,2023,412,,\n"
        "3460003,Kinder unter 3 Jahren,2023,k. A.,,\n",
        encoding="utf-8",
    )

    summary = import_values(municipality=vechta, path=table, level_name="Gemeinden")

    assert summary["shape"] == "long"
    assert summary["years"] == [2022, 2023]
    first = Value.objects.get(indicator=existing, area__key="03460001", year=2022)
    assert (first.value, first.numerator, first.denominator) == (12.5, 250, 2000)
    computed = Value.objects.get(indicator=existing, area__key="03460001", year=2023)
    assert computed.value == pytest.approx(15.0)  # 300 / 2000 × 100
    assert [i["name"] for i in summary["new_indicators"]] == ["Kinder unter 3 Jahren"]
    under3 = Value.objects.filter(indicator__name="Kinder unter 3 Jahren")
    assert under3.get(area__key="03460002").value == 412
    assert under3.get(area__key="03460003").status == Value.Status.SOURCE_SUPPRESSED


def test_reimport_updates_changed_values_only_and_records_who_changed_them(
    vechta, data_admin, tmp_path
):
    import_values(municipality=vechta, path=VECHTA_TABLE, level_name="Gemeinden", year=2013)
    ids_before = set(Value.objects.values_list("id", flat=True))
    corrected = tmp_path / "vechta_korrigiert.csv"
    corrected.write_text(
        VECHTA_TABLE.read_text(encoding="utf-8")
        .replace("3460001;Bakum;17,53;4,82", "3460001;Bakum;17,60;4,82")
        .replace("3460002;Damme;16,63;3,40", "3460002;Damme;16,63;k. A."),
        encoding="utf-8",
    )

    summary = import_values(
        municipality=vechta, path=corrected, level_name="Gemeinden", year=2013, user=data_admin
    )

    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 2, 20)
    assert set(Value.objects.values_list("id", flat=True)) == ids_before
    changes = {c.area.key: c for c in ValueChange.objects.select_related("area")}
    assert set(changes) == {"03460001", "03460002"}
    bakum = changes["03460001"]
    assert (bakum.old_value, bakum.new_value, bakum.changed_by) == (17.53, 17.60, data_admin)
    damme = changes["03460002"]
    assert (damme.old_value, damme.old_status) == (3.40, Value.Status.OK)
    assert (damme.new_value, damme.new_status) == (None, Value.Status.SOURCE_SUPPRESSED)
    assert Value.objects.get(area__key="03460001", indicator__name=SHARE_U15).value == 17.60


def test_reimport_of_the_same_file_changes_nothing(vechta):
    import_values(municipality=vechta, path=VECHTA_TABLE, level_name="Gemeinden", year=2013)

    summary = import_values(
        municipality=vechta, path=VECHTA_TABLE, level_name="Gemeinden", year=2013
    )

    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 22)
    assert summary["new_indicators"] == []
    assert not ValueChange.objects.exists()


def test_a_dash_in_a_later_file_does_not_delete_the_stored_value(vechta, tmp_path):
    import_values(municipality=vechta, path=VECHTA_TABLE, level_name="Gemeinden", year=2013)
    later = tmp_path / "vechta.csv"
    later.write_text(f"Schlüssel;Gebiet;{SHARE_U15}\n3460001;Bakum;–\n", encoding="utf-8")

    import_values(municipality=vechta, path=later, level_name="Gemeinden", year=2013)

    assert Value.objects.get(area__key="03460001", indicator__name=SHARE_U15).value == 17.53


def test_cp1252_csv_with_commas_is_read(luechow, tmp_path):
    table = tmp_path / "luechow.csv"
    text = LUECHOW_TABLE.read_text(encoding="utf-8")
    # A comma-separated export: the thousands dots stay, the cells are quoted where needed.
    lines = [line.split(";") for line in text.splitlines()]
    table.write_bytes(
        "\n".join(",".join(f'"{cell}"' for cell in line) for line in lines).encode("cp1252")
    )

    import_values(municipality=luechow, path=table, level_name="Gemeinden", year=2014)

    assert Value.objects.get(area__key="03354006").value == 623  # Göhrde
    assert Indicator.objects.get().name == "Anzahl Einwohner"


def test_xlsx_with_a_title_row_and_numeric_cells(vechta, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kinder unter 15 Jahren in den Gemeinden des Landkreises Vechta 2013"])
    sheet.append(["Schlüssel", "Gebiet", "Anteil unter 15-Jähriger (%)"])
    sheet.append([None, "Durchschnitt", 16.15])
    sheet.append([3460001, "Bakum", 17.53])
    sheet.append([3460002, "Damme", 16.63])
    path = tmp_path / "vechta.xlsx"
    workbook.save(path)

    summary = import_values(municipality=vechta, path=path, level_name="Gemeinden", year=2013)

    assert summary["created"] == 3
    assert Value.objects.get(area__key="03460002").value == 16.63
    assert Value.objects.get(area__key="03460").value == 16.15


def _assert_rejected(*, municipality, path, year=2013, level="Gemeinden", user=None) -> list[dict]:
    before = counts()
    with translation.override("en"), pytest.raises(ImportProblems) as caught:
        import_values(municipality=municipality, path=path, level_name=level, year=year, user=user)
    assert counts() == before
    return caught.value.problems


def test_wrong_delimiter_is_rejected(vechta, tmp_path):
    table = tmp_path / "vechta.csv"
    table.write_text(VECHTA_TABLE.read_text(encoding="utf-8").replace(";", "|"), encoding="utf-8")

    problems = _assert_rejected(municipality=vechta, path=table)

    assert len(problems) == 1
    assert "only one column" in problems[0]["message"]


def test_unknown_keys_are_rejected_with_row_and_column(vechta, tmp_path):
    table = tmp_path / "vechta.csv"
    table.write_text(
        VECHTA_TABLE.read_text(encoding="utf-8") + "3460099;Atlantis;12,0;1,0\n",
        encoding="utf-8",
    )

    problems = _assert_rejected(municipality=vechta, path=table)

    assert problems == [
        {
            "row": 13,
            "column": "Schlüssel",
            "message": "Key 3460099 (Atlantis) is not an area of level Gemeinden.",
        }
    ]


def test_duplicate_keys_are_rejected(vechta, tmp_path):
    table = tmp_path / "vechta.csv"
    table.write_text(
        VECHTA_TABLE.read_text(encoding="utf-8") + "03460001;Bakum;17,0;4,0\n",
        encoding="utf-8",
    )

    problems = _assert_rejected(municipality=vechta, path=table)

    assert problems == [
        {
            "row": 13,
            "column": "Schlüssel",
            "message": "Area 03460001 appears twice (also in row 3).",
        }
    ]


def test_text_in_a_number_column_is_rejected(vechta, tmp_path):
    table = tmp_path / "vechta.csv"
    table.write_text(
        VECHTA_TABLE.read_text(encoding="utf-8").replace(
            "3460005;Holdorf;16,06", "3460005;Holdorf;viele"
        ),
        encoding="utf-8",
    )

    problems = _assert_rejected(municipality=vechta, path=table)

    assert problems == [{"row": 7, "column": SHARE_U15, "message": "“viele” is not a number."}]


def test_wide_table_without_year_is_rejected(vechta):
    problems = _assert_rejected(municipality=vechta, path=VECHTA_TABLE, year=None)

    assert len(problems) == 1
    assert "no year column" in problems[0]["message"]
    assert "The file name mentions 2013." in problems[0]["message"]


def test_duplicate_rows_in_a_long_table_are_rejected(vechta, tmp_path):
    table = tmp_path / "lang.csv"
    table.write_text(
        "area_key;indicator;year;value\n"
        "03460001;Kinder unter 3 Jahren;2023;412\n"
        "03460002;Kinder unter 3 Jahren;2023;300\n"
        "3460001;Kinder unter 3 Jahren;2023;413\n",
        encoding="utf-8",
    )

    problems = _assert_rejected(municipality=vechta, path=table, year=None)

    assert problems == [
        {
            "row": 4,
            "column": "area_key",
            "message": "Area, indicator and year of this row appear more than once "
            "(first in row 2).",
        }
    ]


def test_every_problem_of_a_file_is_listed(vechta, tmp_path):
    table = tmp_path / "lang.csv"
    table.write_text(
        "area_key,indicator,year,value\n"
        "3460001,Kinder unter 3 Jahren,2023,412\n"
        "3460099,Kinder unter 3 Jahren,2023,12\n"
        "3460002,Kinder unter 3 Jahren,zwanzig,13\n"
        "3460003,Kinder unter 3 Jahren,2023,viele\n"
        "3460004,999999,2023,1\n",
        encoding="utf-8",
    )

    problems = _assert_rejected(municipality=vechta, path=table, year=None)

    assert sorted((p["row"], p["column"], p["message"]) for p in problems) == [
        (3, "area_key", "Key 3460099 is not an area of this level."),
        (4, "year", "“zwanzig” is not a year."),
        (5, "value", "“viele” is not a number."),
        (6, "indicator", "There is no indicator with the id 999999."),
    ]


def test_unknown_level_is_rejected(vechta):
    problems = _assert_rejected(municipality=vechta, path=VECHTA_TABLE, level="Sozialräume")

    assert "The spatial level Sozialräume does not exist" in problems[0]["message"]


def test_import_values_command_shows_progress_and_summary(luechow, capsys):
    with translation.override("en"):
        call_command(
            "import_values",
            "luechow-dannenberg",
            str(LUECHOW_TABLE),
            "--level",
            "Gemeinden",
            "--year",
            "2014",
        )

    captured = capsys.readouterr()
    assert "28 values for level Gemeinden: 28 created, 0 updated, 0 unchanged." in captured.out
    assert "Anzahl Einwohner" in captured.out  # reported as a new indicator
    assert "gfG. Gartow" in captured.out  # name warning
    assert "[########################################] 100 % 28/28" in captured.err


def test_import_values_command_prints_every_problem_and_fails(vechta, tmp_path, capsys):
    table = tmp_path / "vechta.csv"
    table.write_text(
        VECHTA_TABLE.read_text(encoding="utf-8")
        .replace("3460005;Holdorf;16,06", "3460005;Holdorf;viele")
        .replace("3460010;Visbek", "3460099;Visbek"),
        encoding="utf-8",
    )

    with translation.override("en"), pytest.raises(CommandError, match="2 problem"):
        call_command(
            "import_values", "vechta", str(table), "--level", "Gemeinden", "--year", "2013"
        )

    err = capsys.readouterr().err.splitlines()
    assert (
        "row 12, column Schlüssel: Key 3460099 (Visbek) is not an area of level Gemeinden." in err
    )
    assert f"row 7, column {SHARE_U15}: “viele” is not a number." in err
    assert not Value.objects.exists()


def test_a_data_admin_limited_to_topics_may_only_change_values_of_those_topics(
    vechta, member_of, tmp_path
):
    health = Topic.objects.create(municipality=vechta, code="gesundheit", name="Gesundheit")
    education = Topic.objects.create(municipality=vechta, code="bildung", name="Bildung")
    Indicator.objects.create(municipality=vechta, name="Übergewicht", topic=health)
    Indicator.objects.create(municipality=vechta, name="Kita-Quote", topic=education)
    limited = member_of(vechta, Role.DATA_ADMIN, data_topics=["bildung"])
    table = tmp_path / "werte.csv"
    table.write_text(
        "Schlüssel;Gebiet;Übergewicht;Kita-Quote\n3460001;Bakum;11,2;92,0\n", encoding="utf-8"
    )

    problems = _assert_rejected(municipality=vechta, path=table, user=limited)
    own_topic = tmp_path / "kita.csv"
    own_topic.write_text("Schlüssel;Gebiet;Kita-Quote\n3460001;Bakum;92,0\n", encoding="utf-8")
    import_values(
        municipality=vechta, path=own_topic, level_name="Gemeinden", year=2013, user=limited
    )

    assert problems == [
        {
            "row": None,
            "column": "Übergewicht",
            "message": "You may not change values of the topic Gesundheit.",
        }
    ]
    assert Value.objects.get(indicator__name="Kita-Quote").value == 92.0
