"""Pages of points of interest: list with map, detail, edit, categories, import, derived
indicators, offer analysis (internal), and the public map of released POIs. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Municipality
from accounts.permissions import Action, can, current_municipality, require

from . import selectors, selectors_institutions, selectors_pois
from .forms_pois import (
    AnalysisForm,
    CategoryForm,
    DerivedIndicatorsForm,
    PoiFilterForm,
    PoiForm,
    PoiImportForm,
)
from .models import Indicator, Poi, PoiCategory
from .selectors_pois import BANDS_BY_CODE, DEFAULT_OVERLAP, PoiFilters
from .services.errors import AtlasError, ImportProblems
from .services.poi_indicators import derive_poi_indicators
from .services.pois import (
    PoiInvalid,
    create_default_categories,
    delete_category,
    delete_poi,
    import_uploaded_pois,
    save_category,
    save_poi,
    set_released,
)

PAGE_SIZE = 100


def _poi(request, pk, municipality):
    try:
        return selectors_pois.poi_for(user=request.user, municipality=municipality, pk=pk)
    except Poi.DoesNotExist as exc:
        raise Http404 from exc


def _filters(request, municipality, *, user):
    """The filter form of a list, the selector's filters and the matching API query."""
    nodes = selectors_pois.categories_for(user=user, municipality=municipality)
    areas = selectors.areas_for(user=user, municipality=municipality).filter(level__depth__gt=0)
    internal = selectors_pois.is_internal(user, municipality)
    form = PoiFilterForm(request.GET or None, nodes=nodes, areas=areas, internal=internal)
    filters, api = PoiFilters(), {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        category_ids = area = None
        if data.get("category"):
            category_ids = selectors_pois.descendant_ids(nodes, int(data["category"]))
            api["category"] = next(
                n.category.code for n in nodes if n.category.pk == int(data["category"])
            )
        if data.get("area"):
            area = next((a for a in areas if a.pk == int(data["area"])), None)
            if area is not None:
                api["area"] = area.pk
        if data.get("target_age") is not None:
            api["target_age"] = data["target_age"]
        released = {"yes": True, "no": False}.get(data.get("released") or "")
        if released is not None:
            api["released"] = data["released"]
        filters = PoiFilters(
            category_ids=category_ids,
            area=area,
            target_age=data.get("target_age"),
            released=released,
            search=data.get("q") or "",
        )
        if filters.search:
            api["q"] = filters.search
    return form, filters, nodes, api


def _map_context(municipality, user) -> dict:
    """Background and source note of the maps: the outlines of the first level below the root."""
    level = selectors.default_level(user=user, municipality=municipality)
    url = reverse("api-areas", kwargs={"slug": municipality.slug})
    return {
        "outline_url": f"{url}?level={level.slug}&format=geojson" if level else "",
        "outline_label": level.name if level else "",
        "attribution": selectors_pois.geometry_note(municipality),
    }


def _geojson_url(municipality, api: dict) -> str:
    url = reverse("api-pois", kwargs={"slug": municipality.slug})
    return f"{url}?{urlencode({'format': 'geojson', **api})}"


@login_required
def poi_list(request):
    municipality = current_municipality(request)
    form, filters, nodes, api = _filters(request, municipality, user=request.user)
    pois = selectors_pois.pois_for(user=request.user, municipality=municipality, filters=filters)
    page = Paginator(pois, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "atlas_data/poi_list.html",
        {
            "municipality": municipality,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "categories": nodes,
            "geojson_url": _geojson_url(municipality, api),
            "may_manage": can(request.user, Action.MANAGE_POIS, municipality),
            **_map_context(municipality, request.user),
        },
    )


@login_required
def poi_detail(request, pk: int):
    municipality = current_municipality(request)
    poi = _poi(request, pk, municipality)
    history = list(poi.history.select_related("history_user").order_by("-history_id")[:20])
    return render(
        request,
        "atlas_data/poi_detail.html",
        {
            "municipality": municipality,
            "poi": poi,
            "areas": [area for area in poi.areas.all() if area.level.depth > 0],
            "history": history,
            "feature": selectors_pois.poi_feature(poi),
            "may_manage": can(request.user, Action.MANAGE_POIS, municipality),
            "institution_series": selectors_institutions.poi_series(
                user=request.user, municipality=municipality, poi=poi
            ),
            **_map_context(municipality, request.user),
        },
    )


def _edit(request, municipality, poi: Poi):
    nodes = selectors_pois.categories_for(user=request.user, municipality=municipality)
    form = PoiForm(request.POST or None, instance=poi, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        try:
            poi = save_poi(user=request.user, poi=form.save(commit=False))
        except PoiInvalid as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": poi.name})
            return redirect("atlas:poi_detail", pk=poi.pk)
    return render(
        request,
        "atlas_data/poi_form.html",
        {
            "municipality": municipality,
            "form": form,
            "poi": poi if poi.pk else None,
            **_map_context(municipality, request.user),
        },
    )


@login_required
def poi_new(request):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    return _edit(request, municipality, Poi(municipality=municipality))


@login_required
def poi_edit(request, pk: int):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    return _edit(request, municipality, _poi(request, pk, municipality))


@login_required
def poi_delete(request, pk: int):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    poi = _poi(request, pk, municipality)
    if request.method == "POST":
        delete_poi(user=request.user, poi=poi)
        messages.success(request, _("“%(name)s” is deleted.") % {"name": poi.name})
        return redirect("atlas:pois")
    return render(
        request, "atlas_data/poi_confirm_delete.html", {"municipality": municipality, "poi": poi}
    )


@require_POST
@login_required
def poi_release(request, pk: int):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    poi = _poi(request, pk, municipality)
    released = request.POST.get("released") == "1"
    set_released(user=request.user, poi=poi, released=released)
    if released:
        messages.success(request, _("“%(name)s” is public now.") % {"name": poi.name})
    else:
        messages.success(request, _("“%(name)s” is internal again.") % {"name": poi.name})
    return redirect(request.POST.get("next") or reverse("atlas:poi_detail", args=[poi.pk]))


# --- categories ----------------------------------------------------------------------------


@login_required
def category_list(request):
    municipality = current_municipality(request)
    return render(
        request,
        "atlas_data/poi_categories.html",
        {
            "municipality": municipality,
            "nodes": selectors_pois.categories_for(user=request.user, municipality=municipality),
            "may_manage": can(request.user, Action.MANAGE_POIS, municipality),
        },
    )


@require_POST
@login_required
def default_categories(request):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    created = create_default_categories(municipality=municipality, user=request.user)
    messages.success(
        request,
        _("%(count)d default categories created.") % {"count": len(created)}
        if created
        else _("All default categories exist already."),
    )
    return redirect("atlas:poi_categories")


def _category_edit(request, municipality, category: PoiCategory):
    nodes = selectors_pois.categories_for(user=request.user, municipality=municipality)
    form = CategoryForm(request.POST or None, instance=category, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        try:
            save_category(user=request.user, category=form.save(commit=False))
        except AtlasError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The category is saved."))
            return redirect("atlas:poi_categories")
    return render(
        request,
        "atlas_data/poi_category_form.html",
        {"municipality": municipality, "form": form, "category": category},
    )


@login_required
def category_new(request):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    return _category_edit(request, municipality, PoiCategory(municipality=municipality))


@login_required
def category_edit(request, pk: int):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    category = get_object_or_404(PoiCategory, pk=pk, municipality=municipality)
    return _category_edit(request, municipality, category)


@require_POST
@login_required
def category_delete(request, pk: int):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    category = get_object_or_404(PoiCategory, pk=pk, municipality=municipality)
    try:
        delete_category(user=request.user, category=category)
    except AtlasError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” is deleted.") % {"name": category.name})
    return redirect("atlas:poi_categories")


# --- import --------------------------------------------------------------------------------


@login_required
def poi_import(request):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    form = PoiImportForm(request.POST or None, request.FILES or None)
    problems, total = None, 0
    if request.method == "POST" and form.is_valid():
        try:
            summary = import_uploaded_pois(
                municipality=municipality,
                user=request.user,
                upload=form.cleaned_data["file"],
                crs=form.cleaned_data["crs"],
            )
        except ImportProblems as exc:
            problems, total = exc.problems, exc.total
        else:
            messages.success(
                request,
                _(
                    "Import finished: %(created)d points of interest created, %(updated)d "
                    "changed, %(unchanged)d unchanged."
                )
                % summary,
            )
            for warning in summary["warnings"]:
                prefix = f"{warning['column']}: " if warning["column"] else ""
                messages.warning(request, prefix + warning["message"])
            return redirect("atlas:pois")
    return render(
        request,
        "atlas_data/poi_import.html",
        {"municipality": municipality, "form": form, "problems": problems, "total": total},
    )


# --- derived indicators --------------------------------------------------------------------


@login_required
def poi_indicators(request):
    municipality = current_municipality(request, Action.MANAGE_POIS)
    require(request.user, Action.EDIT_ATLAS_DATA, municipality)
    nodes = selectors_pois.categories_for(user=request.user, municipality=municipality)
    denominators = Indicator.objects.filter(
        municipality=municipality, kind=Indicator.Kind.COUNT
    ).exclude(catalogue_code__startswith="poi:")
    form = DerivedIndicatorsForm(request.POST or None, nodes=nodes, denominators=denominators)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = derive_poi_indicators(
                user=request.user,
                category=form.cleaned_data["category"],
                year=form.cleaned_data["year"],
                denominator=form.cleaned_data["denominator"],
            )
        except AtlasError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "%(indicators)d indicators: %(created)d values created, %(changed)d "
                    "changed, %(removed)d removed, %(unchanged)d unchanged."
                )
                % {
                    "indicators": len(result.indicators),
                    "created": result.created,
                    "changed": result.changed,
                    "removed": result.removed,
                    "unchanged": result.unchanged,
                },
            )
    derived = list(
        Indicator.objects.filter(municipality=municipality, catalogue_code__startswith="poi:")
        .select_related("topic", "municipality")
        .order_by("name")
    )
    years = selectors.indicator_years(
        user=request.user, municipality=municipality, indicators=derived
    )
    return render(
        request,
        "atlas_data/poi_indicators.html",
        {
            "municipality": municipality,
            "form": form,
            "result": result,
            "derived": [(indicator, years[indicator.pk]) for indicator in derived],
            "has_categories": bool(nodes),
        },
    )


# --- offer analysis ------------------------------------------------------------------------


@login_required
def poi_analysis(request):
    municipality = current_municipality(request)
    levels = selectors.levels_for(user=request.user, municipality=municipality).filter(depth__gt=0)
    default = selectors.default_level(user=request.user, municipality=municipality)
    data = {
        "level": default.slug if default else "",
        "band": "3-6",
        "threshold": DEFAULT_OVERLAP,
        **{key: value for key, value in request.GET.items() if value},
    }
    form = AnalysisForm(data, levels=levels)
    level, band, threshold = default, BANDS_BY_CODE["3-6"], DEFAULT_OVERLAP
    if form.is_valid():
        level = form.cleaned_data["level"] or default
        band = BANDS_BY_CODE.get(form.cleaned_data["band"]) or band
        threshold = form.cleaned_data["threshold"] or DEFAULT_OVERLAP
    analysis = None
    if level is not None and level.depth > 0:
        analysis = selectors_pois.offer_analysis(
            user=request.user, municipality=municipality, level=level, threshold=threshold
        )
    return render(
        request,
        "atlas_data/poi_analysis.html",
        {
            "municipality": municipality,
            "form": form,
            "analysis": analysis,
            "band": band,
            "threshold": threshold,
            "level": level,
            "map_data": analysis.feature_collection() if analysis else None,
            "geojson_url": _geojson_url(municipality, {}),
            "attribution": selectors_pois.geometry_note(municipality),
        },
    )


# --- public --------------------------------------------------------------------------------


def public_pois(request, slug):
    """Released POIs of a municipality on a map and as a list, also for logged-in members."""
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(request.user, Action.VIEW_PUBLIC, municipality):
        raise Http404
    form, filters, nodes, api = _filters(request, municipality, user=None)
    pois = selectors_pois.pois_for(user=None, municipality=municipality, filters=filters)
    page = Paginator(pois, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "atlas_data/poi_public.html",
        {
            "municipality": municipality,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "categories": [node for node in nodes if node.poi_count],
            "geojson_url": _geojson_url(municipality, api) + "&public=1",
            **_map_context(municipality, None),
        },
    )
