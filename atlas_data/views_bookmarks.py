"""Bookmark pages: list, save a view, edit, delete, publish; open one; the public bookmark page.

Internal under /app/atlas/bookmarks/, public at /atlas/<slug>/bookmarks/<id>/. Thin: reads go
through bookmark_selectors, writes through services.bookmarks.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Municipality
from accounts.permissions import Action, can, current_municipality, require

from . import bookmark_selectors
from .citation import load_citations
from .forms import BookmarkFilterForm, BookmarkForm
from .models import Bookmark
from .services.bookmarks import (
    BookmarkError,
    create_bookmark,
    delete_bookmark,
    may_change,
    parse_state,
    publish_bookmark,
    refusal,
    state_query,
    unpublish_bookmark,
    update_bookmark,
)
from .suppression import STATUS_SUPPRESSED
from .views_public import public_municipality


def _bookmark(request, municipality: Municipality, pk: int) -> Bookmark:
    try:
        return bookmark_selectors.bookmark_for(user=request.user, municipality=municipality, pk=pk)
    except Bookmark.DoesNotExist as exc:
        raise Http404 from exc


class _Refused(Exception):
    pass


def _changeable(request, municipality: Municipality, pk: int) -> Bookmark:
    """The bookmark, if the user may change it; else the reason as a message."""
    bookmark = _bookmark(request, municipality, pk)
    reason = refusal(request.user, bookmark)
    if reason:
        messages.error(request, reason)
        raise _Refused
    return bookmark


@login_required
def bookmark_list(request):
    municipality = current_municipality(request)
    filters = BookmarkFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    bookmarks = list(
        bookmark_selectors.bookmarks_for(
            user=request.user,
            municipality=municipality,
            scope=cleaned.get("scope") or "all",
            view=cleaned.get("view") or "",
            search=cleaned.get("q") or "",
        )
    )
    descriptions = bookmark_selectors.describe(
        municipality=municipality, states=[b.state or {} for b in bookmarks]
    )
    unreleased = bookmark_selectors.unreleased_parts(bookmarks)
    may_publish = can(request.user, Action.PUBLISH_BOOKMARK, municipality)
    rows = [
        {
            "bookmark": bookmark,
            "description": description,
            "unreleased": unreleased[bookmark.pk],
            "may_change": may_change(request.user, bookmark),
            "public_url": (
                bookmark_selectors.public_url(bookmark)
                if bookmark.is_published and not unreleased[bookmark.pk]
                else None
            ),
        }
        for bookmark, description in zip(bookmarks, descriptions, strict=True)
    ]
    return render(
        request,
        "atlas_data/bookmark_list.html",
        {
            "municipality": municipality,
            "rows": rows,
            "filters": filters,
            "may_publish": may_publish,
            "may_create": can(request.user, Action.CREATE_BOOKMARK, municipality),
        },
    )


@login_required
def bookmark_new(request):
    """Save a view: the form takes the view's query (`?level=…&indicator=…`) as its state."""
    municipality = current_municipality(request)
    require(request.user, Action.CREATE_BOOKMARK, municipality)
    if request.method == "POST":
        form = BookmarkForm(request.POST, municipality=municipality)
        if form.is_valid():
            try:
                bookmark = create_bookmark(
                    user=request.user,
                    municipality=municipality,
                    title=form.cleaned_data["title"],
                    interpretation=form.cleaned_data["interpretation"],
                    view=form.cleaned_data["view"],
                    state=form.cleaned_data["state"],
                )
            except BookmarkError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Bookmark “%(title)s” saved.") % {"title": bookmark.title}
                )
                return redirect("atlas:bookmarks")
    else:
        query = request.GET.copy()
        view = query.pop("view", [Bookmark.View.MAP])[-1]
        title = query.pop("title", [""])[-1]
        state = parse_state(query.urlencode())
        form = BookmarkForm(
            initial={
                "view": view if view in Bookmark.View.values else Bookmark.View.MAP,
                "state": state_query(state),
                "title": title,
            },
            municipality=municipality,
        )
        if state:
            # Show problems of the taken-over view at once, not only after saving.
            form = BookmarkForm({**form.initial, "interpretation": ""}, municipality=municipality)
            form.is_valid()
            form.errors.pop("title", None)
    return _form_page(request, municipality, form, bookmark=None)


def _form_page(request, municipality, form, *, bookmark):
    raw_state = form["state"].value() or ""
    description = bookmark_selectors.describe(
        municipality=municipality, states=[parse_state(raw_state)]
    )[0]
    return render(
        request,
        "atlas_data/bookmark_form.html",
        {
            "municipality": municipality,
            "form": form,
            "bookmark": bookmark,
            "description": description,
        },
    )


@login_required
def bookmark_open(request, pk: int):
    """Open the saved view: a redirect to its page with exactly the stored state."""
    municipality = current_municipality(request)
    bookmark = _bookmark(request, municipality, pk)
    return redirect(bookmark_selectors.internal_url(bookmark))


@login_required
def bookmark_edit(request, pk: int):
    municipality = current_municipality(request)
    try:
        bookmark = _changeable(request, municipality, pk)
    except _Refused:
        return redirect("atlas:bookmarks")
    if request.method == "POST":
        form = BookmarkForm(request.POST, municipality=municipality)
        if form.is_valid():
            try:
                update_bookmark(
                    user=request.user,
                    bookmark=bookmark,
                    title=form.cleaned_data["title"],
                    interpretation=form.cleaned_data["interpretation"],
                    view=form.cleaned_data["view"],
                    state=form.cleaned_data["state"],
                )
            except BookmarkError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Bookmark “%(title)s” saved.") % {"title": bookmark.title}
                )
                return redirect("atlas:bookmarks")
    else:
        form = BookmarkForm(initial=BookmarkForm.initial_for(bookmark), municipality=municipality)
    return _form_page(request, municipality, form, bookmark=bookmark)


@login_required
def bookmark_delete(request, pk: int):
    municipality = current_municipality(request)
    try:
        bookmark = _changeable(request, municipality, pk)
    except _Refused:
        return redirect("atlas:bookmarks")
    if request.method == "POST":
        title = bookmark.title
        try:
            delete_bookmark(user=request.user, bookmark=bookmark)
        except BookmarkError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Bookmark “%(title)s” deleted.") % {"title": title})
        return redirect("atlas:bookmarks")
    return render(
        request,
        "atlas_data/bookmark_confirm_delete.html",
        {"municipality": municipality, "bookmark": bookmark},
    )


@require_POST
@login_required
def bookmark_publish(request, pk: int):
    """Publish (`action=publish`) or withdraw (`action=unpublish`) a bookmark."""
    municipality = current_municipality(request)
    bookmark = _bookmark(request, municipality, pk)
    require(request.user, Action.PUBLISH_BOOKMARK, municipality)
    if request.POST.get("action") == "unpublish":
        unpublish_bookmark(user=request.user, bookmark=bookmark)
        messages.success(
            request,
            _("“%(title)s” is no longer public.") % {"title": bookmark.title},
        )
    else:
        publish_bookmark(user=request.user, bookmark=bookmark)
        missing = bookmark_selectors.unreleased_parts([bookmark])[bookmark.pk]
        if missing:
            messages.warning(
                request,
                _(
                    "“%(title)s” is published, but the public sees it only once these data "
                    "are released: %(missing)s."
                )
                % {"title": bookmark.title, "missing": ", ".join(missing)},
            )
        else:
            messages.success(
                request,
                _("“%(title)s” is published in the public atlas.") % {"title": bookmark.title},
            )
    return redirect("atlas:bookmarks")


# --- public ------------------------------------------------------------------------------------


def public_bookmark(request, slug: str, pk: int):
    """A published bookmark in the public atlas: only when all the data it shows is released."""
    municipality = public_municipality(slug)
    try:
        bookmark = bookmark_selectors.public_bookmark(municipality=municipality, pk=pk)
    except Bookmark.DoesNotExist as exc:
        raise Http404 from exc
    description = bookmark_selectors.describe(municipality=municipality, states=[bookmark.state])[0]
    tables = bookmark_selectors.public_tables(bookmark)
    columns = tables.columns if tables else []
    # Each column is a released indicator year: cited, its corrected values marked (one query).
    citations = load_citations(municipality=municipality, pairs=columns, base=request)
    rows = (
        [
            (
                name,
                [
                    (cell, citations.corrected_text(indicator.pk, year, area_id))
                    for cell, (indicator, year) in zip(cells, columns, strict=True)
                ],
            )
            for (name, cells), area_id in zip(tables.rows, tables.area_ids, strict=True)
        ]
        if tables
        else []
    )
    return render(
        request,
        "atlas_data/public_bookmark.html",
        {
            "municipality": municipality,
            "bookmark": bookmark,
            "description": description,
            "target": bookmark_selectors.public_target(bookmark),
            "tables": tables,
            "rows": rows,
            "citation_list": citations.listed((i.pk, year) for i, year in columns),
            "canonical_url": request.build_absolute_uri(request.path),
            "suppressed": STATUS_SUPPRESSED,
        },
    )
