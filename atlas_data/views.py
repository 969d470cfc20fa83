"""Atlas pages of the internal area: the overview, release and the app's URLs; thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import Action, can, require
from keck.history import history_page
from keck.shell import KeckApplication, MenuEntry

from . import (
    import_selectors,
    import_views,
    selectors,
    views_bookmarks,
    views_explore,
    views_indicators,
    views_institutions,
    views_pois,
    views_profile,
    views_report,
)
from .indicator_selectors import grouped_by_topic
from .models import Indicator
from .services.catalogue import adopt_catalogue
from .services.errors import AtlasError
from .services.release import release, withdraw

RECENT_IMPORTS = 3  # on the overview; the import page lists more


@login_required
def atlas_home(request):
    """The atlas overview: levels with size warnings, every indicator with its years and their
    release state (release buttons for those who may), the latest imports for data admins."""
    municipality = request.municipality
    if not municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, Action.VIEW_INTERNAL, municipality)
    warnings = selectors.level_warnings(user=request.user, municipality=municipality)
    levels = list(selectors.levels_for(user=request.user, municipality=municipality))
    states = selectors.release_overview(user=request.user, municipality=municipality)
    may_edit = can(request.user, Action.EDIT_ATLAS_DATA, municipality)
    return render(
        request,
        "atlas_data/home.html",
        {
            "municipality": municipality,
            "levels": levels,
            "level_warnings": [(level, warnings.get(level.pk, [])) for level in levels],
            "area_count": sum(level.area_count for level in levels),
            "indicator_count": len(states),
            "released_count": sum(1 for state in states if any(r for _y, r in state.years)),
            "topics": grouped_by_topic(states),
            "may_edit": may_edit,
            "recent_imports": (
                import_selectors.import_runs_for(user=request.user, municipality=municipality)[
                    :RECENT_IMPORTS
                ]
                if may_edit
                else None
            ),
        },
    )


@require_POST
@login_required
def adopt_starter_catalogue(request):
    """Adopt the starter catalogue (all entries the data admin may edit) in one action."""
    municipality = _current_municipality(request)
    result = adopt_catalogue(municipality=municipality, user=request.user)
    messages.success(
        request,
        _(
            "Starter catalogue adopted: %(created)d indicators created, %(linked)d existing "
            "indicators linked, %(completed)d completed, %(skipped)d skipped."
        )
        % {
            "created": len(result.created),
            "linked": len(result.linked),
            "completed": len(result.completed),
            "skipped": len(result.skipped),
        },
    )
    return redirect("atlas:index")


@require_POST
@login_required
def change_release(request, pk):
    """Release one year of an indicator, or withdraw it (`action=withdraw`)."""
    municipality = _current_municipality(request)
    indicator = get_object_or_404(
        Indicator.objects.select_related("municipality", "topic"), pk=pk, municipality=municipality
    )
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
    return redirect("atlas:index")


def _current_municipality(request):
    if not request.municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    return request.municipality


class AtlasApp(KeckApplication):
    title = gettext_lazy("Atlas")
    icon = "map"
    app_name = "atlas"
    menu = (
        MenuEntry(gettext_lazy("Overview"), "index", "dashboard"),
        MenuEntry(gettext_lazy("Explore"), "explore", "layers"),
        MenuEntry(gettext_lazy("Area report"), "report", "summarize"),
        MenuEntry(gettext_lazy("Indicators"), "indicators", "analytics"),
        MenuEntry(gettext_lazy("Bookmarks"), "bookmarks", "bookmarks"),
        MenuEntry(gettext_lazy("Imports"), "imports", "upload_file", Action.EDIT_ATLAS_DATA),
        MenuEntry(gettext_lazy("Points of interest"), "pois", "place"),
        MenuEntry(gettext_lazy("Offer analysis"), "poi_analysis", "insights"),
        MenuEntry(gettext_lazy("Institutions compared"), "institution_compare", "scatter_plot"),
        MenuEntry(gettext_lazy("POI categories"), "poi_categories", "category", Action.MANAGE_POIS),
    )

    index_path = path("", atlas_home, name="index")
    explore_path = path("explore/", views_explore.explore, name="explore")
    area_path = path("areas/<int:pk>/", views_explore.area_detail, name="area")
    report_path = path("report/", views_report.report_page, name="report")
    report_docx_path = path("report.docx", views_report.report_docx, name="report_docx")
    report_pdf_path = path("report.pdf", views_report.report_pdf, name="report_pdf")
    catalogue_path = path("catalogue/adopt/", adopt_starter_catalogue, name="adopt_catalogue")
    release_path = path("indicators/<int:pk>/release/", change_release, name="release")
    imports_path = path("imports/", import_views.import_list, name="imports")
    import_new_path = path("imports/new/", import_views.import_new, name="import_new")
    import_detail_path = path("imports/<int:pk>/", import_views.import_detail, name="import_detail")
    import_retry_path = path(
        "imports/<int:pk>/retry/", import_views.import_retry, name="import_retry"
    )
    indicators_path = path("indicators/", views_indicators.indicator_list, name="indicators")
    indicator_new_path = path(
        "indicators/new/", views_indicators.indicator_new, name="indicator_new"
    )
    indicator_path = path(
        "indicators/<int:pk>/", views_indicators.indicator_detail, name="indicator"
    )
    indicator_edit_path = path(
        "indicators/<int:pk>/edit/", views_indicators.indicator_edit, name="indicator_edit"
    )
    # The history page of values (keck.history): /app/atlas/history/value/<indicator-area-year>/
    history_path = path("history/<slug:kind>/<str:ref>/", history_page, name="history")
    indicator_history_path = path(
        "indicators/<int:pk>/history/",
        views_indicators.indicator_history,
        name="indicator_history",
    )
    indicator_release_path = path(
        "indicators/<int:pk>/years/",
        views_indicators.indicator_release,
        name="indicator_release",
    )
    indicator_values_path = path(
        "indicators/<int:pk>/values/", views_indicators.indicator_values, name="indicator_values"
    )
    bookmarks_path = path("bookmarks/", views_bookmarks.bookmark_list, name="bookmarks")
    bookmark_new_path = path("bookmarks/new/", views_bookmarks.bookmark_new, name="bookmark_new")
    bookmark_path = path("bookmarks/<int:pk>/", views_bookmarks.bookmark_open, name="bookmark")
    bookmark_edit_path = path(
        "bookmarks/<int:pk>/edit/", views_bookmarks.bookmark_edit, name="bookmark_edit"
    )
    bookmark_delete_path = path(
        "bookmarks/<int:pk>/delete/", views_bookmarks.bookmark_delete, name="bookmark_delete"
    )
    bookmark_publish_path = path(
        "bookmarks/<int:pk>/publish/", views_bookmarks.bookmark_publish, name="bookmark_publish"
    )
    pois_path = path("pois/", views_pois.poi_list, name="pois")
    poi_new_path = path("pois/new/", views_pois.poi_new, name="poi_new")
    poi_detail_path = path("pois/<int:pk>/", views_pois.poi_detail, name="poi_detail")
    poi_edit_path = path("pois/<int:pk>/edit/", views_pois.poi_edit, name="poi_edit")
    poi_delete_path = path("pois/<int:pk>/delete/", views_pois.poi_delete, name="poi_delete")
    poi_release_path = path("pois/<int:pk>/release/", views_pois.poi_release, name="poi_release")
    poi_profile_path = path("pois/<int:pk>/profile/", views_profile.poi_profile, name="poi_profile")
    poi_profile_docx_path = path(
        "pois/<int:pk>/profile.docx", views_profile.poi_profile_docx, name="poi_profile_docx"
    )
    poi_profile_pdf_path = path(
        "pois/<int:pk>/profile.pdf", views_profile.poi_profile_pdf, name="poi_profile_pdf"
    )
    poi_import_path = path("pois/import/", views_pois.poi_import, name="poi_import")
    institution_compare_path = path(
        "institutions/", views_institutions.institution_compare, name="institution_compare"
    )
    institution_compare_csv_path = path(
        "institutions.csv",
        views_institutions.institution_compare_csv,
        name="institution_compare_csv",
    )
    institution_import_path = path(
        "institutions/import/", views_institutions.institution_import, name="institution_import"
    )
    poi_indicators_path = path("pois/indicators/", views_pois.poi_indicators, name="poi_indicators")
    poi_analysis_path = path("pois/analysis/", views_pois.poi_analysis, name="poi_analysis")
    poi_categories_path = path("pois/categories/", views_pois.category_list, name="poi_categories")
    poi_category_new_path = path(
        "pois/categories/new/", views_pois.category_new, name="poi_category_new"
    )
    poi_category_edit_path = path(
        "pois/categories/<int:pk>/", views_pois.category_edit, name="poi_category_edit"
    )
    poi_category_delete_path = path(
        "pois/categories/<int:pk>/delete/", views_pois.category_delete, name="poi_category_delete"
    )
    poi_default_categories_path = path(
        "pois/categories/defaults/", views_pois.default_categories, name="poi_default_categories"
    )
