"""Every write and domain operation of the atlas, in transactions."""

from .areas import ensure_level, ensure_root, import_areas
from .errors import AtlasError, ImportProblems

__all__ = ["AtlasError", "ImportProblems", "ensure_level", "ensure_root", "import_areas"]
