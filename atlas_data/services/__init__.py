"""Every write and domain operation of the atlas, in transactions."""

from .areas import ensure_level, ensure_root, import_areas
from .errors import AtlasError, ImportProblems
from .imports import perform_import, start_import
from .values import import_values

__all__ = [
    "AtlasError",
    "ImportProblems",
    "ensure_level",
    "ensure_root",
    "import_areas",
    "import_values",
    "perform_import",
    "start_import",
]
