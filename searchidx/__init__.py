"""searchidx: Arabic-aware full-text search over folders of documents.

>>> from searchidx import Index, analyze
>>> [t.term for t in analyze("أكَّدَ أحمدُ")]
['اكد', 'احمد']
"""

__version__ = "0.1.0"

from .analysis import Token, analyze
from .errors import (
    DocumentError,
    IncompatibleIndex,
    IndexChanged,
    IndexCorrupt,
    IndexExists,
    IndexLocked,
    IndexNotFound,
    NotARoot,
    NothingToIndex,
    QueryError,
    SearchidxError,
    UnsafeFolder,
)
from .index import Index, IndexInfo, IndexReport
from .readers import ReaderOptions
from .search import Hit, SearchResults

__all__ = [
    "DocumentError",
    "Hit",
    "IncompatibleIndex",
    "Index",
    "IndexChanged",
    "IndexCorrupt",
    "IndexExists",
    "IndexInfo",
    "IndexLocked",
    "IndexNotFound",
    "IndexReport",
    "NotARoot",
    "NothingToIndex",
    "QueryError",
    "ReaderOptions",
    "SearchResults",
    "SearchidxError",
    "Token",
    "UnsafeFolder",
    "__version__",
    "analyze",
]
