"""The index on disk: :class:`Index` and what it reports.

``facade.py`` holds :class:`Index`; ``store.py`` what an index is on disk
(schema, metadata file, lock); ``plan.py`` which files an update reads;
``writer.py`` how it writes them; ``folders.py`` tells searchidx's folders
from a user's and is the only code that removes or renames anything.

The names below are imported on first use: ``folders.py`` imports nothing
of searchidx's but its errors, so the document finder and the side files can
import it without loading Whoosh or the rest of this package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .facade import Index, rebuild_index
    from .report import FileNote, IndexInfo, IndexReport
    from .store import FileRecord, default_index_dir

_LAZY = {
    "FileNote": "report",
    "FileRecord": "store",
    "Index": "facade",
    "IndexInfo": "report",
    "IndexReport": "report",
    "default_index_dir": "store",
    "rebuild_index": "facade",
}

__all__ = [
    "FileNote",
    "FileRecord",
    "Index",
    "IndexInfo",
    "IndexReport",
    "default_index_dir",
    "rebuild_index",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
