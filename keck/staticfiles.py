"""Browser libraries served from the Python packages that ship them (never committed, no CDN)."""

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


def _plotly_bundle() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


# static path -> file inside an installed package
PACKAGE_FILES = {
    "vendor/plotly/plotly.min.js": _plotly_bundle,
}


class PackageFileFinder(BaseFinder):
    """Finds the single files of PACKAGE_FILES, so collectstatic and whitenoise serve them."""

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        locate = PACKAGE_FILES.get(path)
        if locate is None:
            return [] if find_all else None
        found = str(locate())
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for path, locate in PACKAGE_FILES.items():
            file = locate()
            storage = FileSystemStorage(location=str(file.parent))
            storage.prefix = str(Path(path).parent)
            yield file.name, storage
