"""Project-wide pages: the start page, and the health check for load balancers."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import municipalities_for


@require_GET
def home(request):
    """Logged-in users go to the internal atlas; visitors see the public atlases."""
    if request.user.is_authenticated:
        return redirect("atlas:index")
    return render(request, "keck/home.html", {"municipalities": municipalities_for(request.user)})


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
