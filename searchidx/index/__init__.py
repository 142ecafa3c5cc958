"""The index on disk: :class:`Index` and what it reports.

``facade.py`` holds :class:`Index`; ``store.py`` what an index is on disk
(schema, metadata file, lock); ``plan.py`` which files an update reads;
``writer.py`` how it writes them; ``report.py`` what an update and ``info``
report; ``folders.py`` tells searchidx's folders from a user's and is the only
code that removes or renames anything.
"""

from typing import TYPE_CHECKING, Any

from .facade import Index, rebuild_index
from .store import FileRecord

if TYPE_CHECKING:
    from .report import FileNote, IndexInfo, IndexReport

__all__ = [
    "FileNote",
    "FileRecord",
    "Index",
    "IndexInfo",
    "IndexReport",
    "rebuild_index",
]


def __getattr__(name: str) -> Any:
    # What an update and `info` report: imported on first use, a search makes no report.
    if name not in ("FileNote", "IndexInfo", "IndexReport"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import report

    return getattr(report, name)
