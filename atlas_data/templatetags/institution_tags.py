"""Template tags of institution-level indicators: the small line over the years."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from ..selectors_institutions import sparkline

register = template.Library()


@register.simple_tag
def institution_sparkline(points, label: str = ""):
    """An inline SVG of an institution's values over the years (gaps where `k. A.` or `–`)."""
    return render_to_string(
        "atlas_data/includes/institution_sparkline.svg.html",
        {"line": sparkline(list(points)), "label": label, "points": points},
    )
