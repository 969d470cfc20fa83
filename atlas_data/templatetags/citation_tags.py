"""Template tags of citable data: the correction date beside a value changed after release."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..citation import corrected_text

register = template.Library()


@register.simple_tag
def corrected_on(citations, indicator_id, year, area_id):
    """`korrigiert am 05.05.2026` after a released value changed since its release, else ""."""
    if not citations:
        return ""
    text = citations.corrected_text(indicator_id, year, area_id)
    if not text:
        return ""
    return format_html('<span class="keck-corrected">{}</span>', text)


@register.simple_tag
def corrected_cell(citations, table, row, index):
    """`corrected_on` for the cell `index` of a row of the explorer's table."""
    return corrected_on(citations, table.columns[index].indicator.pk, table.year, row.area_id)


@register.simple_tag
def cite_link(citations, indicator_id, year):
    """A link to the permanent page of a released indicator year; "" while not released."""
    citation = citations.get(indicator_id, year) if citations else None
    if citation is None:
        return ""
    return format_html(
        '<a class="keck-cite-link keck-small" href="{}" title="{}">{}</a>',
        citation.url,
        citation.text,
        _("cite"),
    )


@register.simple_tag
def corrected_report_cell(citations, report, row, index):
    """`corrected_on` for the cell `index` (the area of that place) of an area report row."""
    return corrected_on(citations, row.indicator.pk, report.year, report.areas[index].pk)


@register.simple_tag
def corrected_poi_on(citations, indicator_id, year, poi_id):
    """`corrected_on` for an institution's value (InstitutionValue) of a released year."""
    moment = citations.corrected_poi(indicator_id, year, poi_id) if citations else None
    if moment is None:
        return ""
    return format_html('<span class="keck-corrected">{}</span>', corrected_text(moment))
