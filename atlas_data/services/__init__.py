"""Every write and domain operation of the atlas, in transactions."""

from .areas import ensure_level, ensure_root, import_areas
from .catalogue import adopt_catalogue
from .edits import set_value
from .errors import AtlasError, ImportProblems
from .imports import is_interrupted, perform_import, retry_import, start_import
from .release import ReleaseError, missing_metadata, release, withdraw
from .values import import_values

__all__ = [
    "AtlasError",
    "ImportProblems",
    "ReleaseError",
    "adopt_catalogue",
    "ensure_level",
    "ensure_root",
    "import_areas",
    "import_values",
    "missing_metadata",
    "is_interrupted",
    "perform_import",
    "retry_import",
    "release",
    "set_value",
    "start_import",
    "withdraw",
]
