"""The index on disk: :class:`Index` and what it reports.

``facade.py`` holds :class:`Index`; ``store.py`` what an index is on disk
(schema, metadata file, lock); ``plan.py`` which files an update reads;
``writer.py`` how it writes them; ``report.py`` what an update and ``info``
report; ``folders.py`` tells searchidx's folders from a user's and is the only
code that removes or renames anything.
"""

from .facade import Index, rebuild_index
from .report import FileNote, IndexInfo, IndexReport
from .store import FileRecord

__all__ = [
    "FileNote",
    "FileRecord",
    "Index",
    "IndexInfo",
    "IndexReport",
    "rebuild_index",
]
