"""Import pages of the internal atlas: upload a file, follow its progress, read its problems."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Action, require

from . import import_selectors
from .import_forms import ImportForm
from .services import AtlasError, is_interrupted, retry_import, start_import


def _municipality(request):
    municipality = request.municipality
    if not municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, Action.EDIT_ATLAS_DATA, municipality)
    return municipality


@login_required
def import_list(request):
    municipality = _municipality(request)
    runs = import_selectors.import_runs_for(user=request.user, municipality=municipality)
    return render(
        request, "atlas_data/import_list.html", {"municipality": municipality, "runs": runs}
    )


@login_required
def import_new(request):
    municipality = _municipality(request)
    level_names = import_selectors.level_names_for(user=request.user, municipality=municipality)
    form = ImportForm(request.POST or None, request.FILES or None, level_names=level_names)
    if request.method == "POST" and form.is_valid():
        try:
            run = start_import(
                municipality=municipality,
                user=request.user,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                options=form.options(),
            )
        except AtlasError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("atlas:import_detail", pk=run.pk)
    return render(
        request,
        "atlas_data/import_form.html",
        {"form": form, "level_names": level_names, "municipality": municipality},
    )


@login_required
def import_detail(request, pk: int):
    municipality = _municipality(request)
    run = import_selectors.import_run_for(user=request.user, municipality=municipality, pk=pk)
    return render(
        request,
        "atlas_data/import_detail.html",
        {
            "municipality": municipality,
            "run": run,
            "finished": run.state in (run.State.DONE, run.State.FAILED),
            "interrupted": is_interrupted(run),
            "status_url": reverse(
                "api-import-detail", kwargs={"slug": municipality.slug, "pk": run.pk}
            ),
        },
    )


@login_required
@require_POST
def import_retry(request, pk: int):
    """Start an import again whose worker died: nothing of it was written."""
    municipality = _municipality(request)
    run = import_selectors.import_run_for(user=request.user, municipality=municipality, pk=pk)
    try:
        retry_import(user=request.user, run=run)
    except AtlasError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The import was started again."))
    return redirect("atlas:import_detail", pk=run.pk)
