"""Temporary skeleton (replaced by its owner in this session)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def _skeleton(request):
    return render(request, "measures/overview.html", {"municipality": request.municipality})


index = _skeleton
urlpatterns = []
