"""Pages of the KECK network comparison (/netzwerk/): public, released data only, the same for
every viewer; and the opt-in switch of an indicator page. Thin: reads through
`selectors_network`, the write through `services.network`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import current_municipality

from . import selectors, selectors_network
from .models import Indicator
from .services.errors import AtlasError
from .services.network import set_network_shared


@require_GET
def network_home(request):
    """The catalogue entries that at least two municipalities compare."""
    return render(
        request,
        "network/home.html",
        {"entries": selectors_network.network_entries()},
    )


@require_GET
def network_entry(request, code: str):
    """One catalogue entry: each municipality's released value per year, table and chart."""
    comparison = selectors_network.network_comparison(code=code, base=request)
    if comparison is None:
        raise Http404
    return render(
        request,
        "network/entry.html",
        {"comparison": comparison, "chart": comparison.chart_data()},
    )


@require_POST
@login_required
def network_share(request, pk: int):
    """Opt an indicator of the current municipality in to the comparison (`shared=1`) or out."""
    municipality = current_municipality(request)
    try:
        indicator = selectors.indicator_for(user=request.user, municipality=municipality, pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    shared = request.POST.get("shared") == "1"
    try:
        set_network_shared(user=request.user, indicator=indicator, shared=shared)
    except AtlasError as exc:
        messages.error(request, str(exc))
    else:
        if shared:
            messages.success(
                request,
                _("“%(name)s” is compared in the KECK network: its released years are shown there.")
                % {"name": indicator.name},
            )
        else:
            messages.success(
                request,
                _("“%(name)s” is no longer compared in the KECK network.")
                % {"name": indicator.name},
            )
    return redirect("atlas:indicator", pk=indicator.pk)
