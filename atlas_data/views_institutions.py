"""Pages of institution-level indicators: the comparison of institutions with the social data
of their areas (scatter chart, table, CSV; internal and public) and the import of institution
values. Thin: reads through `selectors_institutions`, writes through `services.institutions`.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, current_municipality

from . import selectors, selectors_institutions
from .citation import Citations, german_date, load_citations
from .exports import TABLE_FORMATS, file_response
from .forms_institutions import InstitutionImportForm
from .selectors_institutions import Comparison, ComparisonUnavailable
from .services.errors import ImportProblems
from .services.institutions import import_uploaded_institution_values
from .services.release import topic_of

DEFAULT_X_CATALOGUE_CODE = "sgb2-kinder-unter-15"
DEFAULT_X_TOPIC = "soziale-lage"


def _choice(request, name: str, options: list[int], default: int | None) -> int | None:
    raw = request.GET.get(name, "")
    if raw.isdigit() and int(raw) in options:
        return int(raw)
    return default


def _comparison_context(request, municipality: Municipality, user) -> dict:
    """The chosen indicators, years and level, and the comparison (None when nothing fits)."""
    indicators = selectors_institutions.institution_indicators(user=user, municipality=municipality)
    context = {"indicators": indicators, "comparison": None}
    if not indicators:
        return context
    by_pk = {indicator.pk: indicator for indicator in indicators}
    indicator = by_pk[_choice(request, "indicator", list(by_pk), indicators[0].pk)]
    years = selectors_institutions.institution_years(user=user, indicators=[indicator])[
        indicator.pk
    ]
    year = _choice(request, "year", years, years[-1] if years else None)
    area_indicators = selectors_institutions.area_indicators(user=user, municipality=municipality)
    area_years = selectors.indicator_years(
        user=user, municipality=municipality, indicators=area_indicators
    )
    with_values = [a for a in area_indicators if area_years[a.pk].years]
    # By default the social situation of the area in the institutions' own year: the share of
    # children in SGB II households where the starter catalogue's entry is used, else the
    # first share of the topic "Soziale Lage", else the first indicator with values that year.
    same_year = [a for a in with_values if year in area_years[a.pk].years] or with_values
    default_x = min(
        same_year,
        key=lambda a: (
            a.catalogue_code != DEFAULT_X_CATALOGUE_CODE,
            not (a.topic and a.topic.code == DEFAULT_X_TOPIC and a.kind == a.Kind.SHARE),
        ),
        default=None,
    )
    x_pk = _choice(request, "x", [a.pk for a in with_values], default_x.pk if default_x else None)
    area_indicator = next((a for a in with_values if a.pk == x_pk), None)
    x_years = area_years[x_pk].years if area_indicator else []
    earlier = [y for y in x_years if year is not None and y <= year]
    x_year = _choice(
        request,
        "x_year",
        x_years,
        year
        if year in x_years
        else (earlier[-1] if earlier else (x_years[-1] if x_years else None)),
    )
    levels = list(selectors.levels_for(user=user, municipality=municipality))
    below_root = [level for level in levels if level.depth > 0] or levels
    level = next(
        (lv for lv in below_root if lv.slug == request.GET.get("level")),
        below_root[-1] if below_root else None,
    )
    context.update(
        {
            "indicator": indicator,
            "years": years,
            "year": year,
            "area_indicators": with_values,
            "area_indicator": area_indicator,
            "x_years": x_years,
            "x_year": x_year,
            "levels": below_root,
            "level": level,
        }
    )
    if year is None or area_indicator is None or x_year is None or level is None:
        return context
    try:
        context["comparison"] = selectors_institutions.comparison(
            user=user,
            municipality=municipality,
            indicator=indicator,
            year=year,
            area_indicator=area_indicator,
            area_year=x_year,
            level=level,
        )
    except ComparisonUnavailable:
        context["comparison"] = None
    return context


def _query(context: dict) -> str:
    if context.get("comparison") is None:
        return ""
    comparison: Comparison = context["comparison"]
    return urlencode(
        {
            "indicator": comparison.indicator.pk,
            "year": comparison.year,
            "x": comparison.area_indicator.pk,
            "x_year": comparison.area_year,
            "level": comparison.level.slug,
        }
    )


def _citations(request, municipality: Municipality, comparison: Comparison | None) -> Citations:
    """Citations of the two released indicator years compared (y and x) and their values
    corrected after the release, institution values included."""
    if comparison is None:
        return Citations()
    return load_citations(
        municipality=municipality,
        pairs=_cited_pairs(comparison),
        base=request,
        institutions=True,
    )


def _cited_pairs(comparison: Comparison) -> list[tuple]:
    return [
        (comparison.indicator, comparison.year),
        (comparison.area_indicator, comparison.area_year),
    ]


def _listed(citations: Citations, comparison: Comparison | None) -> list:
    if comparison is None:
        return []
    return citations.listed((indicator.pk, year) for indicator, year in _cited_pairs(comparison))


@login_required
def institution_compare(request):
    municipality = current_municipality(request)
    context = _comparison_context(request, municipality, request.user)
    return render(
        request,
        "atlas_data/institution_compare.html",
        {
            **context,
            "municipality": municipality,
            "public": False,
            "query": _query(context),
            "may_import": can(request.user, Action.EDIT_ATLAS_DATA, municipality),
        },
    )


def public_institution_compare(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(None, Action.VIEW_PUBLIC, municipality):
        raise Http404
    context = _comparison_context(request, municipality, None)
    # Every public view cites the released indicator years it shows.
    citations = _citations(request, municipality, context["comparison"])
    return render(
        request,
        "atlas_data/institution_compare_public.html",
        {
            **context,
            "municipality": municipality,
            "public": True,
            "query": _query(context),
            "citations": citations,
            "citation_list": _listed(citations, context["comparison"]),
        },
    )


def _csv(request, municipality: Municipality, comparison: Comparison | None) -> HttpResponse:
    """The comparison's table; after one empty line the notes block (values corrected after
    their release, then the citation of each released indicator year), as the atlas's other
    CSV files end (atlas_data.exports.tables)."""
    if comparison is None:
        raise Http404
    citations = _citations(request, municipality, comparison)
    x_label = f"{comparison.area_indicator.name} {comparison.area_year}"
    y_label = f"{comparison.indicator.name} {comparison.year}"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            comparison.institution_label,
            _("Category"),
            _("Area"),
            _("Area key"),
            x_label,
            y_label,
            _("In the chart"),
        ]
    )
    notes = []
    for point in comparison.points:
        writer.writerow(
            [
                point.poi.name,
                point.poi.category.name,
                point.area.name if point.area else "",
                point.area.key if point.area else "",
                point.area_value.display if point.area_value else "–",
                point.institution.display,
                _("yes") if point.plotted else _("no"),
            ]
        )
        corrected = []
        if point.area is not None:
            moment = citations.corrected(
                comparison.area_indicator.pk, comparison.area_year, point.area.pk
            )
            if moment is not None:
                corrected.append(
                    (point.area.key, point.area.name, comparison.area_indicator, moment)
                )
        moment = citations.corrected_poi(comparison.indicator.pk, comparison.year, point.poi.pk)
        if moment is not None:
            corrected.append((str(point.poi.pk), point.poi.name, comparison.indicator, moment))
        notes += [
            [
                _("Corrected after the release"),
                key,
                name,
                indicator.name,
                _("corrected on %(date)s") % {"date": german_date(moment)},
            ]
            for key, name, indicator, moment in corrected
        ]
    cited = _listed(citations, comparison)
    notes = list({tuple(note): note for note in notes}.values())
    notes += [[_("How to cite"), citation.text] for citation in cited]
    if notes:
        writer.writerow([])
        writer.writerows(notes)
    # With a byte order mark, so that Excel reads the umlauts.
    return file_response(
        "\ufeff" + buffer.getvalue(),
        content_type=TABLE_FORMATS["csv"],
        filename=f"einrichtungen-{comparison.indicator.pk}-{comparison.year}.csv",
        cited=cited,
    )


@login_required
def institution_compare_csv(request):
    municipality = current_municipality(request)
    comparison = _comparison_context(request, municipality, request.user)["comparison"]
    return _csv(request, municipality, comparison)


def public_institution_compare_csv(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(None, Action.VIEW_PUBLIC, municipality):
        raise Http404
    return _csv(
        request, municipality, _comparison_context(request, municipality, None)["comparison"]
    )


@login_required
def institution_import(request):
    municipality = current_municipality(request, Action.EDIT_ATLAS_DATA)
    indicators = [
        indicator
        for indicator in selectors_institutions.institution_indicators(
            user=request.user, municipality=municipality
        )
        if can(request.user, Action.EDIT_ATLAS_DATA, municipality, topic=topic_of(indicator))
    ]
    form = InstitutionImportForm(request.POST or None, request.FILES or None, indicators=indicators)
    problems, total = None, 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = import_uploaded_institution_values(
                municipality=municipality,
                upload=data["file"],
                user=request.user,
                indicator=data["indicator"],
                year=data["year"],
                source_note=data["source_note"],
            )
        except ImportProblems as exc:
            problems, total = exc.problems, exc.total
        else:
            messages.success(
                request,
                _(
                    "Import finished: %(created)d institution values created, %(changed)d "
                    "changed, %(removed)d removed, %(unchanged)d unchanged; %(areas)d area "
                    "values rolled up."
                )
                % {
                    "created": result.created,
                    "changed": result.changed,
                    "removed": result.removed,
                    "unchanged": result.unchanged,
                    "areas": result.roll_up.created + result.roll_up.changed,
                },
            )
            for warning in result.warnings:
                prefix = f"{warning['column']}: " if warning["column"] else ""
                messages.warning(request, prefix + warning["message"])
            return redirect("atlas:institution_import")
    years = selectors_institutions.institution_years(user=request.user, indicators=indicators)
    return render(
        request,
        "atlas_data/institution_import.html",
        {
            "municipality": municipality,
            "form": form,
            "problems": problems,
            "total": total,
            "indicators": [(indicator, years.get(indicator.pk, [])) for indicator in indicators],
        },
        status=400 if problems else 200,
    )
