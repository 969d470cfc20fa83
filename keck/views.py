"""Project-wide pages: the start page, and the health check for load balancers."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from atlas_data.indicator_selectors import public_atlases


@require_GET
def home(request):
    """Logged-in users go to the internal atlas; visitors see the public atlases."""
    if request.user.is_authenticated:
        return redirect("atlas:index")
    return render(request, "keck/home.html", {"atlases": public_atlases(user=request.user)})


@require_GET
def atlas_index(request):
    """`/atlas/` (a shortened atlas address): the list of public atlases on the start page."""
    return redirect(reverse("home") + "#atlanten")


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database error means "not healthy"
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
