"""searchidx: Arabic-aware full-text search over folders of documents.

>>> from searchidx import Index, analyze
>>> [t.term for t in analyze("أكَّدَ أحمدُ")]
['اكد', 'احمد']
"""

from __future__ import annotations

import importlib

from .errors import (
    CannotWrite,
    DocumentError,
    IncompatibleIndex,
    IndexChanged,
    IndexCorrupt,
    IndexExists,
    IndexLocked,
    IndexNotFound,
    NotARoot,
    NothingToIndex,
    OptionError,
    QueryError,
    SearchidxError,
    UnsafeFolder,
)

__version__ = "0.1.0"

# typing.TYPE_CHECKING without importing typing, which took most of the
# package's import: the command's Ctrl-C handling starts after it (__main__.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .analysis import Token, analyze
    from .index import Index, IndexInfo, IndexReport
    from .readers.base import ReaderOptions
    from .search.results import FileHit, FileResults, Hit, SearchResults

# Where each public name that needs Whoosh or numpy lives. They are imported on
# first use, so that `searchidx --help` does not pay for them.
_LAZY = {
    "FileHit": "search.results",
    "FileResults": "search.results",
    "Hit": "search.results",
    "Index": "index",
    "IndexInfo": "index",
    "IndexReport": "index",
    "ReaderOptions": "readers.base",
    "SearchResults": "search.results",
    "Token": "analysis",
    "analyze": "analysis",
}

__all__ = [
    "CannotWrite",
    "DocumentError",
    "FileHit",
    "FileResults",
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
    "OptionError",
    "QueryError",
    "ReaderOptions",
    "SearchResults",
    "SearchidxError",
    "Token",
    "UnsafeFolder",
    "__version__",
    "analyze",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'searchidx' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
