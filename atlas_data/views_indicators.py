"""Indicator pages: list, metadata with time series, metadata editing, history, release per
year and value corrections (internal, /app/atlas/indicators/), and the public indicator page
(/atlas/<slug>/indicators/<id>/). Thin: reads through the selectors, writes through services.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Municipality
from accounts.permissions import Action, can, current_municipality, require
from keck.history import history_url
from keck.locking import renew_version

from . import indicator_selectors, selectors
from .citation import load_citations
from .forms import IndicatorForm, ValueCorrectionForm
from .models import Area, Indicator, Value
from .services.edits import set_value
from .services.errors import AtlasError, ValueConflict
from .services.indicators import create_indicator, update_indicator
from .services.release import missing_metadata, release, withdraw
from .views_public import public_explore_url, public_municipality


def _indicator(request, municipality: Municipality, pk: int) -> Indicator:
    try:
        return selectors.indicator_for(user=request.user, municipality=municipality, pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc


def _require_edit(request, indicator: Indicator) -> None:
    if not indicator_selectors.may_edit(request.user, indicator):
        raise PermissionDenied(_("You may not edit indicators of this topic."))


def _chart_data(series) -> dict:
    """The numbers of the line chart, exactly those of the table below it."""
    return {
        "name": series.indicator.name,
        "unit": series.indicator.unit,
        "reference": series.reference_name,
        "years": [point.year for point in series.points],
        "values": [point.value for point in series.points],
        "texts": [
            point.reference.shown.display if point.reference else "–" for point in series.points
        ],
    }


# --- internal pages ----------------------------------------------------------------------------


@login_required
def indicator_list(request):
    municipality = current_municipality(request)
    states = selectors.release_overview(user=request.user, municipality=municipality)
    return render(
        request,
        "atlas_data/indicator_list.html",
        {
            "municipality": municipality,
            "groups": indicator_selectors.grouped_by_topic(states),
            "may_edit": can(request.user, Action.EDIT_ATLAS_DATA, municipality),
            "may_edit_any_topic": can(request.user, Action.EDIT_ATLAS_DATA, municipality),
        },
    )


@login_required
def indicator_detail(request, pk: int):
    municipality = current_municipality(request)
    indicator = _indicator(request, municipality, pk)
    series = indicator_selectors.time_series(user=request.user, indicator=indicator)
    may_release = indicator_selectors.may_release(request.user, indicator)
    return render(
        request,
        "atlas_data/indicator_detail.html",
        {
            "municipality": municipality,
            "indicator": indicator,
            "metadata": indicator_selectors.metadata_items(indicator),
            "series": series,
            "chart": _chart_data(series),
            "missing": missing_metadata(indicator),
            "may_edit": indicator_selectors.may_edit(request.user, indicator),
            "may_release": may_release,
            "explore_url": reverse("atlas:index")
            + "explore/?"
            + urlencode({"indicator": indicator.pk}),
            "public_url": (
                reverse("public_indicator", kwargs={"slug": municipality.slug, "pk": indicator.pk})
                if series.years.released and municipality.public_atlas_enabled
                else None
            ),
            "public": False,
        },
    )


@login_required
def indicator_new(request):
    municipality = current_municipality(request)
    require(request.user, Action.EDIT_ATLAS_DATA, municipality)
    form = IndicatorForm(request.POST or None, user=request.user, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = create_indicator(
                user=request.user,
                municipality=municipality,
                data=form.metadata(),
                valid_levels=form.cleaned_data["valid_levels"],
            )
        except AtlasError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Indicator “%(name)s” created.") % {"name": indicator.name})
            return redirect("atlas:indicator", pk=indicator.pk)
    return render(
        request,
        "atlas_data/indicator_form.html",
        {"municipality": municipality, "form": form, "indicator": None, "missing": []},
    )


@login_required
def indicator_edit(request, pk: int):
    municipality = current_municipality(request)
    indicator = _indicator(request, municipality, pk)
    _require_edit(request, indicator)
    form = IndicatorForm(
        request.POST or None, user=request.user, municipality=municipality, indicator=indicator
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_indicator(
                user=request.user,
                indicator=indicator,
                data=form.metadata(),
                valid_levels=form.cleaned_data["valid_levels"],
            )
        except AtlasError as exc:
            form.add_error(None, str(exc))
        else:
            if changed:
                messages.success(
                    request,
                    _("Metadata of “%(name)s” saved; the history keeps the old values.")
                    % {"name": indicator.name},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("atlas:indicator", pk=indicator.pk)
    return render(
        request,
        "atlas_data/indicator_form.html",
        {
            "municipality": municipality,
            "form": form,
            "indicator": indicator,
            "missing": missing_metadata(indicator),
        },
    )


@login_required
def indicator_history(request, pk: int):
    municipality = current_municipality(request)
    indicator = _indicator(request, municipality, pk)
    value_changes = None
    if can(request.user, Action.VIEW_SUPPRESSED_VALUES, municipality):
        value_changes = Paginator(
            selectors.value_history(user=request.user, indicator=indicator), 50
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "atlas_data/indicator_history.html",
        {
            "municipality": municipality,
            "indicator": indicator,
            "entries": indicator_selectors.metadata_history(user=request.user, indicator=indicator),
            "value_changes": value_changes,
            "statuses": dict(Value.Status.choices),
        },
    )


@require_POST
@login_required
def indicator_release(request, pk: int):
    """Release one year (`action=release`) or take it back (`action=withdraw`)."""
    municipality = current_municipality(request)
    indicator = _indicator(request, municipality, pk)
    year = request.POST.get("year", "")
    if not year.isdigit():
        raise Http404
    try:
        if request.POST.get("action") == "withdraw":
            withdraw(user=request.user, indicator=indicator, year=int(year))
            messages.success(
                request,
                _("%(indicator)s %(year)s is internal again.")
                % {"indicator": indicator, "year": year},
            )
        else:
            release(user=request.user, indicator=indicator, year=int(year))
            messages.success(
                request,
                _("%(indicator)s %(year)s is released to the public.")
                % {"indicator": indicator, "year": year},
            )
    except AtlasError as exc:
        messages.error(request, str(exc))
    return redirect("atlas:indicator", pk=indicator.pk)


@login_required
def indicator_values(request, pk: int):
    """The values of one year and level as the data admin sees them, with a correction form."""
    municipality = current_municipality(request)
    indicator = _indicator(request, municipality, pk)
    _require_edit(request, indicator)
    years = selectors.indicator_years(
        user=request.user, municipality=municipality, indicators=[indicator]
    )[indicator.pk]
    levels = list(selectors.levels_for(user=request.user, municipality=municipality))
    level = selectors.level_for(
        user=request.user, municipality=municipality, ref=request.GET.get("level", "")
    ) or selectors.default_level(user=request.user, municipality=municipality)
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() else (years.years[-1] if years.years else None)

    conflict = None
    if request.method == "POST":
        form = ValueCorrectionForm(request.POST, municipality=municipality, indicator=indicator)
        if form.is_valid():
            data = form.cleaned_data
            action = data["action"]
            try:
                set_value(
                    user=request.user,
                    indicator=indicator,
                    area=data["area"],
                    year=data["year"],
                    value=data.get("value") if action == "value" else None,
                    numerator=data.get("numerator") if action == "value" else None,
                    denominator=data.get("denominator") if action == "value" else None,
                    status=(
                        Value.Status.SOURCE_SUPPRESSED
                        if action == "source_suppressed"
                        else Value.Status.OK
                    ),
                    source_note=data.get("source_note") or "",
                    version=form.read_version(),
                )
            except ValueConflict as exc:
                conflict = exc
                renew_version(form, exc)
            except AtlasError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Value of %(area)s %(year)s saved; the history keeps the old value.")
                    % {"area": data["area"].name, "year": data["year"]},
                )
                query = urlencode({"year": data["year"], "level": data["area"].level.slug})
                return redirect(reverse("atlas:indicator_values", kwargs={"pk": pk}) + "?" + query)
    else:
        form = ValueCorrectionForm(
            initial=_correction_initial(request, indicator, municipality, year),
            municipality=municipality,
            indicator=indicator,
        )
    table = None
    if year is not None and level is not None:
        table = selectors.values_table(
            user=request.user,
            indicator=indicator,
            year=year,
            level=level,
            released=year in years.released,
        )
    return render(
        request,
        "atlas_data/indicator_values.html",
        {
            "municipality": municipality,
            "indicator": indicator,
            "form": form,
            "table": table,
            "levels": levels,
            "level": level,
            "year": year,
            "years": years,
            "conflict": conflict,
            "history_url": _cell_history_url(form, indicator),
        },
    )


def _cell_history_url(form, indicator) -> str | None:
    """The history of the value the correction form is about, when area and year are known."""
    area = form["area"].value()
    year = form["year"].value()
    if not (str(area or "").isdigit() and str(year or "").isdigit()):
        return None
    return history_url("value", f"{indicator.pk}-{area}-{year}")


def _correction_initial(request, indicator, municipality, year) -> dict:
    """The correction form filled with the stored value of `?area=`, for a data admin."""
    initial = {"year": year, "action": "value"}
    area_id = request.GET.get("area", "")
    if not area_id.isdigit():
        return initial
    area = Area.objects.filter(municipality=municipality, pk=int(area_id)).first()
    if area is None:
        return initial
    initial["area"] = area.pk
    initial["version_for"] = ValueCorrectionForm.cell_key(area.pk, year)
    initial["version"] = 0
    # Raw numbers, small counts included: only for those who may edit (and so see) them.
    stored = Value.objects.filter(indicator=indicator, area=area, year=year).first()
    if stored is not None:
        initial.update(
            value=_plain(stored.value),
            numerator=_plain(stored.numerator),
            denominator=_plain(stored.denominator),
            action="source_suppressed"
            if stored.status == Value.Status.SOURCE_SUPPRESSED
            else "value",
            source_note=stored.source_note,
            version=stored.version,
        )
    return initial


def _plain(number: float | None):
    """Whole numbers without a decimal part in the form: 3, not 3,0."""
    return int(number) if number is not None and float(number).is_integer() else number


# --- public ------------------------------------------------------------------------------------


def public_indicator(request, slug: str, pk: int):
    """A released indicator in the public atlas: metadata and released years only."""
    municipality = public_municipality(slug)
    try:
        indicator = selectors.indicator_for(user=None, municipality=municipality, pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    series = indicator_selectors.time_series(user=None, indicator=indicator)
    citations = load_citations(
        municipality=municipality,
        pairs=[(indicator, point.year) for point in series.points],
        base=request,
    )
    return render(
        request,
        "atlas_data/public_indicator.html",
        {
            "citations": citations,
            "citation_list": citations.listed(
                [(indicator.pk, series.latest.year)] if series.latest else []
            ),
            "canonical_url": request.build_absolute_uri(request.path),
            "municipality": municipality,
            "indicator": indicator,
            "metadata": indicator_selectors.metadata_items(indicator),
            "series": series,
            "chart": _chart_data(series),
            "explore_url": public_explore_url(slug, indicator=indicator.pk),
            "public": True,
        },
    )
