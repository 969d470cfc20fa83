"""Public atlas of one municipality under /atlas/<slug>/."""

from django.urls import path

from .views_bookmarks import public_bookmark
from .views_citation import public_cite
from .views_explore import public_area_detail, public_explore
from .views_indicators import public_indicator
from .views_institutions import public_institution_compare, public_institution_compare_csv
from .views_pois import public_pois
from .views_profile import public_poi_profile, public_poi_profile_docx, public_poi_profile_pdf
from .views_public import public_atlas
from .views_report import public_report, public_report_docx, public_report_pdf

urlpatterns = [
    path("", public_atlas, name="public_atlas"),
    path("explore/", public_explore, name="public_explore"),
    path("areas/<int:pk>/", public_area_detail, name="public_area"),
    path("pois/", public_pois, name="public_pois"),
    path("institutions/", public_institution_compare, name="public_institution_compare"),
    path("institutions.csv", public_institution_compare_csv, name="public_institution_compare_csv"),
    path("pois/<int:pk>/profile/", public_poi_profile, name="public_poi_profile"),
    path("pois/<int:pk>/profile.docx", public_poi_profile_docx, name="public_poi_profile_docx"),
    path("pois/<int:pk>/profile.pdf", public_poi_profile_pdf, name="public_poi_profile_pdf"),
    path("report/", public_report, name="public_report"),
    path("report.docx", public_report_docx, name="public_report_docx"),
    path("report.pdf", public_report_pdf, name="public_report_pdf"),
    path("indicators/<int:pk>/", public_indicator, name="public_indicator"),
    path("bookmarks/<int:pk>/", public_bookmark, name="public_bookmark"),
    # The permanent URL of a released indicator year, named in every citation.
    path("i/<int:pk>/<int:year>/", public_cite, name="public_cite"),
]
