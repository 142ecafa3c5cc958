"""searchidx: Arabic-aware full-text search over folders of documents.

>>> from searchidx import Index, analyze
>>> [t.term for t in analyze("أكَّدَ أحمدُ")]
['اكد', 'احمد']
"""

__version__ = "0.1.0"

from .analysis import Token, analyze  # noqa: E402
from .errors import SearchidxError  # noqa: E402
from .index import Index, IndexInfo, IndexReport  # noqa: E402
from .search import Hit, SearchResults  # noqa: E402

__all__ = [
    "Hit",
    "Index",
    "IndexInfo",
    "IndexReport",
    "SearchResults",
    "SearchidxError",
    "Token",
    "__version__",
    "analyze",
]
