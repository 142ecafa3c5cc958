"""searchidx: Arabic-aware full-text search over folders of documents.

>>> from searchidx import Index, analyze
>>> [t.term for t in analyze("أكَّدَ أحمدُ")]
['اكد', 'احمد']
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Where each public name lives. They are imported on first use, so that
# `searchidx --help` does not pay for Whoosh and numpy.
_EXPORTS = {
    "Hit": "search",
    "Index": "index",
    "IndexInfo": "index",
    "IndexReport": "index",
    "ReaderOptions": "readers",
    "SearchResults": "search",
    "SearchidxError": "errors",
    "Token": "analysis",
    "analyze": "analysis",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'searchidx' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value
